/**
 * Standardisation with a running mean and variance, matching scikit-learn's
 * `StandardScaler.partial_fit`: batches are merged with the corrected two-pass update of
 * `_incremental_mean_and_var`, and a feature whose variance is indistinguishable from zero
 * (scikit-learn's `_is_constant_feature` bound) is scaled by 1 instead of by its deviation.
 * The mean and variance are always tracked; `withMean` and `withStd` only choose what `transform`
 * applies. Before anything has been learned, `transform` is the identity. NaN values are not skipped.
 */
import type { Matrix, Transformer } from './types';
import { matrix } from './types';
import { booleanOption, positiveInteger, requireColumns, requireKnownKeys, requireOptions, stateFloat64, stateNumber, stateRecord } from './validate';

const OPTION_NAMES = ['nFeatures', 'withMean', 'withStd'];
const OWNER = 'standardScaler';

export interface StandardOptions {
  nFeatures: number;
  /** Subtract the mean; default true. */
  withMean?: boolean;
  /** Divide by the standard deviation; default true. */
  withStd?: boolean;
}

export type StandardParams = {
  readonly nFeatures: number;
  readonly withMean: boolean;
  readonly withStd: boolean;
};

export interface StandardState {
  /** `n_samples_seen_`. */
  readonly nSamplesSeen: number;
  /** `mean_`. */
  readonly mean: Float64Array;
  /** `var_`: population variance. */
  readonly variance: Float64Array;
}

export function standardParams(options: StandardOptions): StandardParams {
  const o = requireOptions(OWNER, options);
  requireKnownKeys(OWNER, o, OPTION_NAMES);
  return Object.freeze({
    nFeatures: positiveInteger(OWNER, 'nFeatures', o.nFeatures),
    withMean: booleanOption(OWNER, 'withMean', o.withMean ?? true),
    withStd: booleanOption(OWNER, 'withStd', o.withStd ?? true),
  });
}

export function initStandard(params: StandardParams): StandardState {
  return { nSamplesSeen: 0, mean: new Float64Array(params.nFeatures), variance: new Float64Array(params.nFeatures) };
}

export function learnStandard(params: StandardParams, state: StandardState, x: Matrix): StandardState {
  requireColumns(OWNER, x, params.nFeatures);
  const { rows: n, cols, data } = x;
  if (n === 0) return state;
  const lastN = state.nSamplesSeen;
  const newSum = new Float64Array(cols);
  for (let r = 0; r < n; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) newSum[c] += data[base + c];
  }
  const batchMean = new Float64Array(cols);
  for (let c = 0; c < cols; c++) batchMean[c] = newSum[c] / n;
  // Corrected two-pass sum of squares around the batch mean (Chan, Golub & LeVeque).
  const correction = new Float64Array(cols);
  const squares = new Float64Array(cols);
  for (let r = 0; r < n; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      const d = data[base + c] - batchMean[c];
      correction[c] += d;
      squares[c] += d * d;
    }
  }
  const updatedN = lastN + n;
  const mean = new Float64Array(cols);
  const variance = new Float64Array(cols);
  const lastOverNew = lastN / n;
  for (let c = 0; c < cols; c++) {
    const lastSum = state.mean[c] * lastN;
    mean[c] = (lastSum + newSum[c]) / updatedN;
    const newUnnormalised = squares[c] - (correction[c] * correction[c]) / n;
    let unnormalised = newUnnormalised;
    if (lastN > 0) {
      const gap = lastSum / lastOverNew - newSum[c];
      unnormalised = state.variance[c] * lastN + newUnnormalised + (lastOverNew / updatedN) * (gap * gap);
    }
    variance[c] = unnormalised / updatedN;
  }
  return { nSamplesSeen: updatedN, mean, variance };
}

/** Per-feature divisor: the standard deviation, or 1 where the variance is numerically zero. */
export function standardScale(state: StandardState): Float64Array {
  const n = state.nSamplesSeen;
  const scale = new Float64Array(state.variance.length);
  for (let c = 0; c < scale.length; c++) {
    const v = state.variance[c];
    const meanError = n * state.mean[c] * Number.EPSILON;
    const constant = v <= n * Number.EPSILON * v + meanError * meanError;
    scale[c] = constant ? 1 : Math.sqrt(v);
  }
  return scale;
}

export function transformStandard(params: StandardParams, state: StandardState, x: Matrix): Matrix {
  requireColumns(OWNER, x, params.nFeatures);
  const { rows, cols, data } = x;
  const out = data.slice();
  if (params.withMean) {
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] -= state.mean[c];
  }
  if (params.withStd) {
    const scale = standardScale(state);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] /= scale[c];
  }
  return matrix(rows, cols, out);
}

export function restoreStandard(params: StandardParams, plain: unknown): StandardState {
  const s = stateRecord(OWNER, plain);
  return {
    nSamplesSeen: stateNumber(OWNER, s, 'nSamplesSeen', 'a whole number ≥ 0', (n) => Number.isInteger(n) && n >= 0),
    mean: stateFloat64(OWNER, s, 'mean', params.nFeatures),
    variance: stateFloat64(OWNER, s, 'variance', params.nFeatures),
  };
}

export function standardScaler(options: StandardOptions): Transformer<StandardState> {
  const params = standardParams(options);
  return Object.freeze({
    kind: 'standard-scaler',
    params,
    nFeatures: params.nFeatures,
    init: () => initStandard(params),
    learn: (state: StandardState, x: Matrix) => learnStandard(params, state, x),
    transform: (state: StandardState, x: Matrix) => transformStandard(params, state, x),
    restore: (plain: unknown) => restoreStandard(params, plain),
  });
}
