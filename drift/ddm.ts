/**
 * DDM, the Drift Detection Method (Gama et al. 2004), as River 0.23's `drift.binary.DDM` computes
 * it. Input: 1 for an error, 0 for a correct prediction. It tracks the error rate p and its binomial
 * standard deviation s = √(p(1 − p)/n); after `warmStart` values it remembers the p and s where
 * p + s was smallest, and flags a warning when p + s > p_min + warningThreshold · s_min, a drift
 * when p + s > p_min + driftThreshold · s_min (the warning then clears). Starts afresh on the update
 * after a drift.
 */
import { fail, positiveInteger, requireKnownKeys, requireOptions, stateBoolean, stateNumber, stateRecord } from '../models/validate';
import type { DetectorCore, DetectorRun, DetectorStep, DriftDetector, Mutable } from './types';
import { requireFiniteValue, updateBatch, updateOnce } from './types';

const OWNER = 'ddm';
const OPTION_NAMES = ['warmStart', 'warningThreshold', 'driftThreshold'];

export interface DdmOptions {
  /** Values to see before a warning or drift can be flagged; default 30. */
  readonly warmStart?: number;
  /** Standard deviations above the best p + s that mean a warning; default 2. */
  readonly warningThreshold?: number;
  /** Standard deviations above the best p + s that mean a drift; default 3. */
  readonly driftThreshold?: number;
}

export type DdmParams = {
  readonly warmStart: number;
  readonly warningThreshold: number;
  readonly driftThreshold: number;
};

export interface DdmState {
  /** Values seen since the last reset. */
  readonly count: number;
  /** The error rate p. */
  readonly errorRate: number;
  /** p and s where p + s was smallest (0 until set after the warm start). */
  readonly pMin: number;
  readonly sMin: number;
  /** pMin + sMin (+∞ until set). */
  readonly psMin: number;
  readonly driftDetected: boolean;
  readonly warningDetected: boolean;
}

function positiveThreshold(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) fail(OWNER, name, 'a finite number > 0', value);
  return value;
}

export function ddmParams(options: DdmOptions = {}): DdmParams {
  const o = requireOptions(OWNER, options);
  requireKnownKeys(OWNER, o, OPTION_NAMES);
  return Object.freeze({
    warmStart: positiveInteger(OWNER, 'warmStart', o.warmStart ?? 30, 0),
    warningThreshold: positiveThreshold('warningThreshold', o.warningThreshold ?? 2),
    driftThreshold: positiveThreshold('driftThreshold', o.driftThreshold ?? 3),
  });
}

export function ddmInit(): DdmState {
  return { count: 0, errorRate: 0, pMin: 0, sMin: 0, psMin: Infinity, driftDetected: false, warningDetected: false };
}

function step(params: DdmParams, s: Mutable<DdmState>, value: number): void {
  requireFiniteValue(OWNER, value);
  if (s.driftDetected) Object.assign(s, ddmInit());
  s.count += 1;
  s.errorRate += (1 / s.count) * (value - s.errorRate);
  const p = s.errorRate;
  const sd = Math.sqrt((p * (1 - p)) / s.count);
  if (s.count > params.warmStart) {
    if (p + sd <= s.psMin) {
      s.pMin = p;
      s.sMin = sd;
      s.psMin = s.pMin + s.sMin;
    }
    s.warningDetected = p + sd > s.pMin + params.warningThreshold * s.sMin;
    if (p + sd > s.pMin + params.driftThreshold * s.sMin) {
      s.driftDetected = true;
      s.warningDetected = false;
    }
  }
}

const CORE: DetectorCore<DdmParams, DdmState> = { copy: (state) => ({ ...state }), step };

export function ddmUpdate(params: DdmParams, state: DdmState, value: number): DetectorStep<DdmState> {
  return updateOnce(CORE, params, state, value);
}

export function ddmUpdateMany(params: DdmParams, state: DdmState, values: ArrayLike<number>): DetectorRun<DdmState> {
  return updateBatch(CORE, params, state, values);
}

export function ddmRestore(plain: unknown): DdmState {
  const s = stateRecord(OWNER, plain);
  const finite = (key: string): number => stateNumber(OWNER, s, key, 'a finite number', Number.isFinite);
  return {
    count: stateNumber(OWNER, s, 'count', 'a whole number ≥ 0', (n) => Number.isInteger(n) && n >= 0),
    errorRate: finite('errorRate'),
    pMin: finite('pMin'),
    sMin: finite('sMin'),
    psMin: stateNumber(OWNER, s, 'psMin', 'a finite number or +∞', (n) => !Number.isNaN(n) && n !== -Infinity),
    driftDetected: stateBoolean(OWNER, s, 'driftDetected'),
    warningDetected: stateBoolean(OWNER, s, 'warningDetected'),
  };
}

export function ddm(options: DdmOptions = {}): DriftDetector<DdmState> {
  const params = ddmParams(options);
  return Object.freeze({
    kind: 'ddm' as const,
    params,
    init: ddmInit,
    update: (state: DdmState, value: number) => ddmUpdate(params, state, value),
    updateMany: (state: DdmState, values: ArrayLike<number>) => ddmUpdateMany(params, state, values),
    restore: ddmRestore,
  });
}
