/**
 * Min-max scaling to a feature range, matching scikit-learn's `MinMaxScaler`:
 * `x' = x × scale + min` with `scale = (hi − lo) / (dataMax − dataMin)` and `min = lo − dataMin × scale`;
 * a feature whose observed range is (near) zero gets scale `hi − lo` instead of a division by zero.
 *
 * `fit: 'first'` (default) fits on the first non-empty window it learns and then ignores every later
 * one, as the seed system fitted its scaler on the first message only. `fit: 'running'` keeps the
 * running minimum and maximum, as `MinMaxScaler.partial_fit` does. NaN values are ignored when
 * learning. Before anything has been learned, `transform` is the identity.
 */
import type { Matrix, Transformer } from './types';
import { matrix } from './types';
import { fail, oneOf, positiveInteger, requireColumns, requireKnownKeys, requireOptions, stateFloat64, stateNumber, stateRecord } from './validate';

const OPTION_NAMES = ['nFeatures', 'fit', 'featureRange'];
const OWNER = 'minMaxScaler';
const FIT_MODES = ['first', 'running'] as const;
/** Ranges below this count as constant, as scikit-learn's `_handle_zeros_in_scale` decides. */
const CONSTANT_RANGE = 10 * Number.EPSILON;

export type MinMaxFit = (typeof FIT_MODES)[number];

export interface MinMaxOptions {
  nFeatures: number;
  /** Default 'first'. */
  fit?: MinMaxFit;
  /** Default [0, 1]; the first bound must be smaller than the second. */
  featureRange?: readonly [number, number];
}

export type MinMaxParams = {
  readonly nFeatures: number;
  readonly fit: MinMaxFit;
  readonly featureRange: readonly [number, number];
};

export interface MinMaxState {
  /** Rows the fitted minimum and maximum reflect (`n_samples_seen_`); 0 while unfitted. */
  readonly nSamplesSeen: number;
  readonly dataMin: Float64Array;
  readonly dataMax: Float64Array;
}

export function minMaxParams(options: MinMaxOptions): MinMaxParams {
  const o = requireOptions(OWNER, options);
  requireKnownKeys(OWNER, o, OPTION_NAMES);
  const nFeatures = positiveInteger(OWNER, 'nFeatures', o.nFeatures);
  const fit = oneOf(OWNER, 'fit', o.fit ?? 'first', FIT_MODES);
  const range = o.featureRange ?? [0, 1];
  if (
    !Array.isArray(range) || range.length !== 2 || !range.every((v) => typeof v === 'number' && Number.isFinite(v)) || !(range[0] < range[1])
  ) {
    fail(OWNER, 'featureRange', 'two finite numbers [low, high] with low < high', range);
  }
  return Object.freeze({ nFeatures, fit, featureRange: Object.freeze([range[0], range[1]] as [number, number]) });
}

export function initMinMax(params: MinMaxParams): MinMaxState {
  return { nSamplesSeen: 0, dataMin: new Float64Array(params.nFeatures), dataMax: new Float64Array(params.nFeatures) };
}

export function learnMinMax(params: MinMaxParams, state: MinMaxState, x: Matrix): MinMaxState {
  requireColumns(OWNER, x, params.nFeatures);
  if (x.rows === 0 || (params.fit === 'first' && state.nSamplesSeen > 0)) return state;
  const { rows, cols, data } = x;
  const dataMin = new Float64Array(cols).fill(Infinity);
  const dataMax = new Float64Array(cols).fill(-Infinity);
  if (state.nSamplesSeen > 0) {
    dataMin.set(state.dataMin);
    dataMax.set(state.dataMax);
  }
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      const v = data[base + c];
      // Comparisons with NaN are false, so NaN values are skipped.
      if (v < dataMin[c]) dataMin[c] = v;
      if (v > dataMax[c]) dataMax[c] = v;
    }
  }
  return { nSamplesSeen: state.nSamplesSeen + rows, dataMin, dataMax };
}

export function transformMinMax(params: MinMaxParams, state: MinMaxState, x: Matrix): Matrix {
  requireColumns(OWNER, x, params.nFeatures);
  const { rows, cols, data } = x;
  if (state.nSamplesSeen === 0) return matrix(rows, cols, data.slice());
  const [low, high] = params.featureRange;
  const scale = new Float64Array(cols);
  const offset = new Float64Array(cols);
  for (let c = 0; c < cols; c++) {
    const range = state.dataMax[c] - state.dataMin[c];
    scale[c] = (high - low) / (range < CONSTANT_RANGE ? 1 : range);
    offset[c] = low - state.dataMin[c] * scale[c];
  }
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[base + c] = data[base + c] * scale[c] + offset[c];
  }
  return matrix(rows, cols, out);
}

export function restoreMinMax(params: MinMaxParams, plain: unknown): MinMaxState {
  const s = stateRecord(OWNER, plain);
  return {
    nSamplesSeen: stateNumber(OWNER, s, 'nSamplesSeen', 'a whole number ≥ 0', (n) => Number.isInteger(n) && n >= 0),
    dataMin: stateFloat64(OWNER, s, 'dataMin', params.nFeatures),
    dataMax: stateFloat64(OWNER, s, 'dataMax', params.nFeatures),
  };
}

export function minMaxScaler(options: MinMaxOptions): Transformer<MinMaxState> {
  const params = minMaxParams(options);
  return Object.freeze({
    kind: 'min-max-scaler',
    params,
    nFeatures: params.nFeatures,
    init: () => initMinMax(params),
    learn: (state: MinMaxState, x: Matrix) => learnMinMax(params, state, x),
    transform: (state: MinMaxState, x: Matrix) => transformMinMax(params, state, x),
    restore: (plain: unknown) => restoreMinMax(params, plain),
  });
}
