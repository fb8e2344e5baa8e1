/**
 * EDDM, the Early Drift Detection Method (Baena-García et al. 2006), as River 0.23's
 * `drift.binary.EDDM` computes it. Input: 1 for an error, anything else for a correct prediction.
 * It tracks the mean p′ and standard deviation s′ of the distance between consecutive errors; after
 * `warmStart` values it remembers the largest p′ + 2s′, and once more than `warmStart` errors have
 * been seen it compares the current p′ + 2s′ with it: below `beta` of it is a drift, below `alpha`
 * a warning, otherwise the warning clears. As in River, flags change only on errors, so a warning
 * persists through correct predictions (and is still reported alongside a drift). Starts afresh on
 * the update after a drift.
 */
import { fail, positiveInteger, requireKnownKeys, requireOptions, stateBoolean, stateNumber, stateRecord } from '../models/validate';
import type { DetectorCore, DetectorRun, DetectorStep, DriftDetector, Mutable } from './types';
import { requireFiniteValue, updateBatch, updateOnce } from './types';

const OWNER = 'eddm';
const OPTION_NAMES = ['warmStart', 'alpha', 'beta'];

export interface EddmOptions {
  /** Values (for the maximum) and errors (for the test) to see first; default 30. */
  readonly warmStart?: number;
  /** Warning below this fraction of the largest p′ + 2s′, in (0, 1]; default 0.95. */
  readonly alpha?: number;
  /** Drift below this fraction, in (0, alpha]; default 0.9. */
  readonly beta?: number;
}

export type EddmParams = {
  readonly warmStart: number;
  readonly alpha: number;
  readonly beta: number;
};

export interface EddmState {
  /** Values seen since the last reset. */
  readonly count: number;
  /** `count` at the last error (0 before the first). */
  readonly lastError: number;
  readonly errors: number;
  /** Running mean and sum of squared deviations (Welford) of the distances between errors. */
  readonly distanceMean: number;
  readonly distanceSquares: number;
  /** Largest p′ + 2s′ so far (−1 before the first). */
  readonly p2sMax: number;
  readonly driftDetected: boolean;
  readonly warningDetected: boolean;
}

function fraction(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0 && value <= 1)) fail(OWNER, name, 'a number in (0, 1]', value);
  return value;
}

export function eddmParams(options: EddmOptions = {}): EddmParams {
  const o = requireOptions(OWNER, options);
  requireKnownKeys(OWNER, o, OPTION_NAMES);
  const alpha = fraction('alpha', o.alpha ?? 0.95);
  const beta = fraction('beta', o.beta ?? 0.9);
  if (beta > alpha) fail(OWNER, 'beta', `≤ alpha (${alpha})`, beta);
  return Object.freeze({ warmStart: positiveInteger(OWNER, 'warmStart', o.warmStart ?? 30, 0), alpha, beta });
}

export function eddmInit(): EddmState {
  return { count: 0, lastError: 0, errors: 0, distanceMean: 0, distanceSquares: 0, p2sMax: -1, driftDetected: false, warningDetected: false };
}

function step(params: EddmParams, s: Mutable<EddmState>, value: number): void {
  requireFiniteValue(OWNER, value);
  if (s.driftDetected) Object.assign(s, eddmInit());
  s.count += 1;
  if (value !== 1) return;
  s.errors += 1;
  const distance = s.count - s.lastError;
  const previousMean = s.distanceMean;
  s.distanceMean += (1 / s.errors) * (distance - s.distanceMean);
  s.distanceSquares += (distance - previousMean) * (distance - s.distanceMean);
  if (s.count > params.warmStart) {
    const sd = s.errors > 1 ? Math.sqrt(s.distanceSquares / (s.errors - 1)) : 0;
    const p2s = s.distanceMean + 2 * sd;
    if (p2s > s.p2sMax) {
      s.p2sMax = p2s;
    } else if (s.errors > params.warmStart) {
      const level = p2s / s.p2sMax;
      if (level < params.beta) s.driftDetected = true;
      else s.warningDetected = level < params.alpha;
    }
  }
  s.lastError = s.count;
}

const CORE: DetectorCore<EddmParams, EddmState> = { copy: (state) => ({ ...state }), step };

export function eddmUpdate(params: EddmParams, state: EddmState, value: number): DetectorStep<EddmState> {
  return updateOnce(CORE, params, state, value);
}

export function eddmUpdateMany(params: EddmParams, state: EddmState, values: ArrayLike<number>): DetectorRun<EddmState> {
  return updateBatch(CORE, params, state, values);
}

export function eddmRestore(plain: unknown): EddmState {
  const s = stateRecord(OWNER, plain);
  const whole = (key: string): number => stateNumber(OWNER, s, key, 'a whole number ≥ 0', (n) => Number.isInteger(n) && n >= 0);
  const finite = (key: string): number => stateNumber(OWNER, s, key, 'a finite number', Number.isFinite);
  return {
    count: whole('count'),
    lastError: whole('lastError'),
    errors: whole('errors'),
    distanceMean: finite('distanceMean'),
    distanceSquares: finite('distanceSquares'),
    p2sMax: finite('p2sMax'),
    driftDetected: stateBoolean(OWNER, s, 'driftDetected'),
    warningDetected: stateBoolean(OWNER, s, 'warningDetected'),
  };
}

export function eddm(options: EddmOptions = {}): DriftDetector<EddmState> {
  const params = eddmParams(options);
  return Object.freeze({
    kind: 'eddm' as const,
    params,
    init: eddmInit,
    update: (state: EddmState, value: number) => eddmUpdate(params, state, value),
    updateMany: (state: EddmState, values: ArrayLike<number>) => eddmUpdateMany(params, state, values),
    restore: eddmRestore,
  });
}
