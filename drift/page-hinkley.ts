/**
 * The Page-Hinkley test as River 0.23's `drift.PageHinkley` computes it: a running mean of the
 * input, and two fading cumulative sums of the deviations from it (one minus `delta`, one plus
 * `delta`, each multiplied by `alpha` per value). Drift is flagged, once `minInstances` values have
 * been seen, when a sum has moved more than `threshold` away from its extreme: up (the mean rose),
 * down (it fell) or either. No warning zone. Starts afresh on the update after a drift.
 */
import { fail, oneOf, positiveInteger, requireKnownKeys, requireOptions, stateBoolean, stateNumber, stateRecord } from '../models/validate';
import type { DetectorCore, DetectorRun, DetectorStep, DriftDetector, Mutable } from './types';
import { requireFiniteValue, updateBatch, updateOnce } from './types';

const OWNER = 'pageHinkley';
const OPTION_NAMES = ['minInstances', 'delta', 'threshold', 'alpha', 'mode'];
const MODES = ['up', 'down', 'both'] as const;

export type PageHinkleyMode = (typeof MODES)[number];

export interface PageHinkleyOptions {
  /** Values to see before drift can be flagged; default 30. */
  readonly minInstances?: number;
  /** Tolerated drift of the mean per value; default 0.005. */
  readonly delta?: number;
  /** The test's λ; default 50. */
  readonly threshold?: number;
  /** Forgetting factor of the cumulative sums, in (0, 1]; default 1 − 0.0001. */
  readonly alpha?: number;
  /** Which changes of the mean count: 'up', 'down' or 'both' (default). */
  readonly mode?: PageHinkleyMode;
}

export type PageHinkleyParams = {
  readonly minInstances: number;
  readonly delta: number;
  readonly threshold: number;
  readonly alpha: number;
  readonly mode: PageHinkleyMode;
};

export interface PageHinkleyState {
  /** Values seen since the last reset. */
  readonly count: number;
  readonly mean: number;
  readonly sumIncrease: number;
  readonly sumDecrease: number;
  /** Smallest `sumIncrease` so far (starts at +∞). */
  readonly minIncrease: number;
  /** Largest `sumDecrease` so far (starts at −1, as River). */
  readonly maxDecrease: number;
  readonly driftDetected: boolean;
}

export function pageHinkleyParams(options: PageHinkleyOptions = {}): PageHinkleyParams {
  const o = requireOptions(OWNER, options);
  requireKnownKeys(OWNER, o, OPTION_NAMES);
  const delta = o.delta ?? 0.005;
  if (typeof delta !== 'number' || !Number.isFinite(delta) || delta < 0) fail(OWNER, 'delta', 'a finite number ≥ 0', delta);
  const threshold = o.threshold ?? 50;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold <= 0) fail(OWNER, 'threshold', 'a finite number > 0', threshold);
  const alpha = o.alpha ?? 1 - 0.0001;
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha <= 1)) fail(OWNER, 'alpha', 'a number in (0, 1]', alpha);
  return Object.freeze({
    minInstances: positiveInteger(OWNER, 'minInstances', o.minInstances ?? 30, 1),
    delta,
    threshold,
    alpha,
    mode: oneOf(OWNER, 'mode', o.mode ?? 'both', MODES),
  });
}

export function pageHinkleyInit(): PageHinkleyState {
  return { count: 0, mean: 0, sumIncrease: 0, sumDecrease: 0, minIncrease: Infinity, maxDecrease: -1, driftDetected: false };
}

function step(params: PageHinkleyParams, s: Mutable<PageHinkleyState>, value: number): void {
  requireFiniteValue(OWNER, value);
  if (s.driftDetected) Object.assign(s, pageHinkleyInit());
  s.count += 1;
  s.mean += (1 / s.count) * (value - s.mean);
  const deviation = value - s.mean;
  s.sumIncrease = params.alpha * s.sumIncrease + deviation - params.delta;
  s.sumDecrease = params.alpha * s.sumDecrease + deviation + params.delta;
  if (s.sumIncrease < s.minIncrease) s.minIncrease = s.sumIncrease;
  if (s.sumDecrease > s.maxDecrease) s.maxDecrease = s.sumDecrease;
  if (s.count >= params.minInstances) {
    const up = s.sumIncrease - s.minIncrease > params.threshold;
    const down = s.maxDecrease - s.sumDecrease > params.threshold;
    s.driftDetected = params.mode === 'up' ? up : params.mode === 'down' ? down : up || down;
  }
}

const CORE: DetectorCore<PageHinkleyParams, PageHinkleyState> = { copy: (state) => ({ ...state }), step };

export function pageHinkleyUpdate(params: PageHinkleyParams, state: PageHinkleyState, value: number): DetectorStep<PageHinkleyState> {
  return updateOnce(CORE, params, state, value);
}

export function pageHinkleyUpdateMany(
  params: PageHinkleyParams, state: PageHinkleyState, values: ArrayLike<number>,
): DetectorRun<PageHinkleyState> {
  return updateBatch(CORE, params, state, values);
}

export function pageHinkleyRestore(plain: unknown): PageHinkleyState {
  const s = stateRecord(OWNER, plain);
  const finite = (key: string): number => stateNumber(OWNER, s, key, 'a finite number', Number.isFinite);
  return {
    count: stateNumber(OWNER, s, 'count', 'a whole number ≥ 0', (n) => Number.isInteger(n) && n >= 0),
    mean: finite('mean'),
    sumIncrease: finite('sumIncrease'),
    sumDecrease: finite('sumDecrease'),
    minIncrease: stateNumber(OWNER, s, 'minIncrease', 'a number below +∞, or +∞', (n) => !Number.isNaN(n) && n !== -Infinity),
    maxDecrease: finite('maxDecrease'),
    driftDetected: stateBoolean(OWNER, s, 'driftDetected'),
  };
}

export function pageHinkley(options: PageHinkleyOptions = {}): DriftDetector<PageHinkleyState> {
  const params = pageHinkleyParams(options);
  return Object.freeze({
    kind: 'page-hinkley' as const,
    params,
    init: pageHinkleyInit,
    update: (state: PageHinkleyState, value: number) => pageHinkleyUpdate(params, state, value),
    updateMany: (state: PageHinkleyState, values: ArrayLike<number>) => pageHinkleyUpdateMany(params, state, values),
    restore: pageHinkleyRestore,
  });
}
