/**
 * Every metric of `BatchMetrics`, tracked over a stream in one of four modes:
 * - `window`: the last batch alone (fresh each batch; exactly `scoreBatch`).
 * - `cumulative`: every row since the start.
 * - `rolling`: the last `size` rows (River's `utils.Rolling`), see `rolling.ts`.
 * - `fading`: every row since the start, a row's weight multiplied by `alpha` per newer row (MOA's
 *   fading factor), see `fading.ts`. Its metrics equal scikit-learn's with `sample_weight` = those weights.
 *
 * ROC AUC is exact for `window` and `rolling`, and a binned approximation with a reported error bound
 * (`rocAucErrorBound`) for `cumulative` and `fading`, see `auc-histogram.ts`. Everything else is exact.
 *
 * States are plain frozen objects holding typed arrays (never mutated: each update copies what it
 * changes) and round-trip through `encodeState`/`decodeState`; see `restoreTracker`.
 *
 * @example
 *   let state = tracker({ kind: 'rolling', size: 1000 }, 2);
 *   state = updateTracker(state, scored);        // once per batch
 *   const { accuracy, rocAuc } = readMetrics(state);
 */
import type { BatchMetrics, Scored } from './types';
import { scoreBatch } from './score-batch';
import { type ConfusionState, confusionInit, updateConfusion, accuracy, precisionRecallF1, confusionTotal } from './confusion';
import { type LogLossState, logLossInit, updateLogLoss, logLoss } from './log-loss';
import { type AucHistogramState, DEFAULT_AUC_BINS, aucHistogramInit, updateAucHistogram, binnedRocAuc } from './auc-histogram';
import { type RollingState, rollingInit, updateRolling, readRolling } from './rolling';
import { fadingFactor } from './fading';
import { validateScored, requireClasses } from './validate-scored';
import { fail, positiveInteger } from '../models/validate';

export type TrackingMode =
  | { readonly kind: 'window' }
  | { readonly kind: 'cumulative'; readonly aucBins?: number }
  | { readonly kind: 'rolling'; readonly size: number }
  | { readonly kind: 'fading'; readonly alpha: number; readonly aucBins?: number };

export type TrackingKind = TrackingMode['kind'];
export const TRACKING_KINDS: readonly TrackingKind[] = ['window', 'cumulative', 'rolling', 'fading'];

export interface WindowTracker {
  readonly mode: { readonly kind: 'window' };
  readonly nClasses: number;
  readonly seen: number;
  readonly last: BatchMetrics;
}

/** Cumulative tracking is fading with α = 1. */
export interface AccumulatingTracker {
  readonly mode: { readonly kind: 'cumulative'; readonly aucBins: number } | { readonly kind: 'fading'; readonly alpha: number; readonly aucBins: number };
  readonly nClasses: number;
  readonly seen: number;
  readonly confusion: ConfusionState;
  readonly logLoss: LogLossState;
  readonly auc: AucHistogramState;
}

export interface RollingTracker {
  readonly mode: { readonly kind: 'rolling'; readonly size: number };
  readonly nClasses: number;
  readonly window: RollingState;
}

export type TrackerState = WindowTracker | AccumulatingTracker | RollingTracker;

export interface TrackedMetrics extends BatchMetrics {
  readonly mode: TrackingKind;
  /** Rows the metrics cover: the last batch (window), the ring (rolling), all rows seen (cumulative, fading). */
  readonly rows: number;
  /** Rows seen since the start. */
  readonly seen: number;
  /** Total weight of the covered rows: `rows` except under fading, where it tends to 1 / (1 − α). */
  readonly weight: number;
  /** Bound on |rocAuc − exact ROC AUC|: 0 where exact, NaN with rocAuc. */
  readonly rocAucErrorBound: number;
}

const EMPTY: BatchMetrics = Object.freeze({ rows: 0, accuracy: NaN, precision: NaN, recall: NaN, f1: NaN, logLoss: NaN, rocAuc: NaN });

/** Validates `mode` (an Error names the bad field) and returns it frozen, with defaults filled in. */
export function trackingMode(mode: TrackingMode): TrackerState['mode'] {
  const owner = 'tracker';
  if (mode === null || typeof mode !== 'object') fail(owner, 'mode', 'an object with a kind', mode);
  switch (mode.kind) {
    case 'window':
      return Object.freeze({ kind: 'window' });
    case 'cumulative':
      return Object.freeze({ kind: 'cumulative', aucBins: positiveInteger(owner, 'aucBins', mode.aucBins ?? DEFAULT_AUC_BINS, 2) });
    case 'rolling':
      return Object.freeze({ kind: 'rolling', size: positiveInteger(owner, 'size', mode.size, 1) });
    case 'fading':
      return Object.freeze({
        kind: 'fading',
        alpha: fadingFactor(owner, mode.alpha),
        aucBins: positiveInteger(owner, 'aucBins', mode.aucBins ?? DEFAULT_AUC_BINS, 2),
      });
    default:
      return fail(owner, 'mode.kind', TRACKING_KINDS.map((k) => JSON.stringify(k)).join(', '), (mode as { kind: unknown }).kind);
  }
}

export function tracker(mode: TrackingMode, nClasses: number): TrackerState {
  positiveInteger('tracker', 'nClasses', nClasses, 2);
  const checked = trackingMode(mode);
  switch (checked.kind) {
    case 'window':
      return Object.freeze({ mode: checked, nClasses, seen: 0, last: EMPTY });
    case 'rolling':
      return Object.freeze({ mode: checked, nClasses, window: rollingInit(nClasses, checked.size) });
    default:
      return Object.freeze({
        mode: checked,
        nClasses,
        seen: 0,
        confusion: confusionInit(nClasses),
        logLoss: logLossInit(nClasses),
        auc: aucHistogramInit(nClasses, checked.aucBins),
      });
  }
}

/** The state after the rows of `scored`; `state` is left as it was. Throws on malformed rows. */
export function updateTracker(state: TrackerState, scored: Scored): TrackerState {
  requireClasses('updateTracker', scored, state.nClasses);
  if ('window' in state) return Object.freeze({ mode: state.mode, nClasses: state.nClasses, window: updateRolling(state.window, scored) });
  if ('last' in state) {
    const last = scoreBatch(scored);
    return Object.freeze({ mode: state.mode, nClasses: state.nClasses, seen: state.seen + last.rows, last });
  }
  const rows = validateScored('updateTracker', scored);
  const alpha = state.mode.kind === 'fading' ? state.mode.alpha : 1;
  return Object.freeze({
    mode: state.mode,
    nClasses: state.nClasses,
    seen: state.seen + rows,
    confusion: updateConfusion(state.confusion, scored, alpha),
    logLoss: updateLogLoss(state.logLoss, scored, alpha),
    auc: updateAucHistogram(state.auc, scored, alpha),
  });
}

export function readMetrics(state: TrackerState): TrackedMetrics {
  if ('window' in state) return tracked(readRolling(state.window), 'rolling', state.window.seen);
  if ('last' in state) return tracked(state.last, 'window', state.seen);
  const { precision, recall, f1 } = precisionRecallF1(state.confusion);
  const { rocAuc, errorBound } = binnedRocAuc(state.auc);
  return {
    mode: state.mode.kind,
    rows: state.seen,
    seen: state.seen,
    weight: confusionTotal(state.confusion),
    accuracy: accuracy(state.confusion),
    precision,
    recall,
    f1,
    logLoss: logLoss(state.logLoss),
    rocAuc,
    rocAucErrorBound: errorBound,
  };
}

/** Exact metrics as tracked ones; fields written out, as a spread followed by more fields is a slow path in V8. */
function tracked(m: BatchMetrics, mode: 'rolling' | 'window', seen: number): TrackedMetrics {
  return {
    rows: m.rows,
    accuracy: m.accuracy,
    precision: m.precision,
    recall: m.recall,
    f1: m.f1,
    logLoss: m.logLoss,
    rocAuc: m.rocAuc,
    mode,
    seen,
    weight: m.rows,
    rocAucErrorBound: m.rocAuc === m.rocAuc ? 0 : NaN,
  };
}
