import type { BatchMetrics, MetricName } from '../metrics/types';
import { METRIC_NAMES } from '../metrics/types';

/**
 * A gate policy decides whether a candidate model replaces the kept one, from the candidate's
 * metrics on rows it has not learned from. Its history is plain state threaded by the caller.
 */
export interface GatePolicy<H = unknown> {
  readonly name: string;
  init(): H;
  decide(history: H, metrics: BatchMetrics): GateDecision<H>;
}

export interface GateDecision<H> {
  readonly accept: boolean;
  readonly history: H;
  /** Why, in a few words, for logs and metrics records. */
  readonly reason: string;
}

export interface AcceptedMeanHistory {
  readonly sum: number;
  readonly count: number;
}

function checkMetric(gate: string, metric: unknown): MetricName {
  if (!METRIC_NAMES.includes(metric as MetricName)) {
    throw new RangeError(`${gate}: metric must be one of ${METRIC_NAMES.join(', ')}, got ${JSON.stringify(metric)}`);
  }
  return metric as MetricName;
}

/**
 * The seed's rule: the first update is accepted; later ones only when the metric exceeds
 * `factor × mean(metric of the accepted updates)`. Only accepted values enter the mean, as in the seed.
 * A NaN metric is rejected.
 */
export function relativeToAcceptedMean(options: { metric?: MetricName; factor?: number } = {}): GatePolicy<AcceptedMeanHistory> {
  const metric = checkMetric('relativeToAcceptedMean', options.metric ?? 'f1');
  const factor = options.factor ?? 0.95;
  if (!Number.isFinite(factor) || factor <= 0) {
    throw new RangeError(`relativeToAcceptedMean: factor must be a finite number > 0, got ${factor}`);
  }
  return Object.freeze({
    name: `${metric} > ${factor} × mean(accepted ${metric})`,
    init: () => ({ sum: 0, count: 0 }),
    decide(history: AcceptedMeanHistory, metrics: BatchMetrics): GateDecision<AcceptedMeanHistory> {
      const value = metrics[metric];
      if (Number.isNaN(value)) return { accept: false, history, reason: `${metric} is NaN` };
      if (history.count === 0) {
        return { accept: true, history: { sum: value, count: 1 }, reason: 'first update' };
      }
      const bar = (factor * history.sum) / history.count;
      if (value > bar) {
        return { accept: true, history: { sum: history.sum + value, count: history.count + 1 }, reason: `${metric} ${value} > ${bar}` };
      }
      return { accept: false, history, reason: `${metric} ${value} ≤ ${bar}` };
    },
  });
}

/** The seed consumer's gate: F1 > 0.95 × mean of the accepted F1 values. */
export const seedGate = (): GatePolicy<AcceptedMeanHistory> => relativeToAcceptedMean({ metric: 'f1', factor: 0.95 });

/**
 * Accepts when `metric` is within bounds: `atLeast` for scores (accuracy, F1, …), `atMost` for
 * losses (logLoss). A NaN metric is rejected.
 */
export function thresholdGate(options: { metric: MetricName; atLeast?: number; atMost?: number }): GatePolicy<null> {
  const metric = checkMetric('thresholdGate', options.metric);
  const { atLeast = -Infinity, atMost = Infinity } = options;
  if (options.atLeast === undefined && options.atMost === undefined) {
    throw new RangeError('thresholdGate: give atLeast (for a score) or atMost (for a loss)');
  }
  if (Number.isNaN(atLeast) || Number.isNaN(atMost) || atLeast > atMost) {
    throw new RangeError(`thresholdGate: need atLeast ≤ atMost, got atLeast=${atLeast}, atMost=${atMost}`);
  }
  return Object.freeze({
    name: `${atLeast} ≤ ${metric} ≤ ${atMost}`,
    init: () => null,
    decide(history: null, metrics: BatchMetrics): GateDecision<null> {
      const value = metrics[metric];
      const accept = value >= atLeast && value <= atMost;
      return { accept, history, reason: `${metric} ${value} ${accept ? 'within' : 'outside'} [${atLeast}, ${atMost}]` };
    },
  });
}

export function alwaysAccept(): GatePolicy<null> {
  return Object.freeze({ name: 'always', init: () => null, decide: (history: null) => ({ accept: true, history, reason: 'always' }) });
}

export function neverAccept(): GatePolicy<null> {
  return Object.freeze({ name: 'never', init: () => null, decide: (history: null) => ({ accept: false, history, reason: 'never' }) });
}
