/**
 * ADWIN (Bifet & Gavaldà 2007, the ADWIN2 exponential histogram) as River 0.23's `drift.ADWIN`
 * computes it (river/drift/adwin_c.pyx), operation for operation, so it flags drift at the same
 * indices: values enter row 0 of the histogram; a row holding `maxBuckets + 1` buckets merges its two
 * oldest into one bucket of the next row (row r buckets summarise 2^r values); every `clock` values,
 * once the window is wider than `gracePeriod`, every cut between buckets (oldest first) is tested
 * with the Hoeffding-style bound, and while some cut's means differ by more than it, the oldest
 * bucket is dropped. As in River, the detector starts afresh on the update after a drift.
 *
 * State is plain data: the histogram lives in typed arrays (`rowCapacity × (maxBuckets + 1)`
 * totals and variances, buckets oldest first within a row), which grow by doubling when the window
 * needs more rows.
 *
 * @example
 * const detector = adwin();
 * let state = detector.init();
 * const { state: next, drifts } = detector.updateMany(state, errors); // errors: 0/1 per row
 */
import { fail, positiveInteger, requireKnownKeys, requireOptions, stateBoolean, stateNumber, stateRecord } from '../models/validate';
import type { DetectorCore, DetectorRun, DetectorStep, DriftDetector, Mutable } from './types';
import { requireFiniteValue, updateBatch, updateOnce } from './types';

const OWNER = 'adwin';
const OPTION_NAMES = ['delta', 'clock', 'maxBuckets', 'minWindowLength', 'gracePeriod'];
/** Enough rows for a window of about (maxBuckets + 1) · 2^16 values before the first growth. */
const INITIAL_ROWS = 16;

export interface AdwinOptions {
  /** Significance of the cut test, in (0, 1); default 0.002. */
  readonly delta?: number;
  /** Test for change every `clock` values; default 32. */
  readonly clock?: number;
  /** Buckets kept per row before the two oldest merge; default 5. */
  readonly maxBuckets?: number;
  /** Both sides of a cut must hold at least this many values; default 5. */
  readonly minWindowLength?: number;
  /** No test until the window holds more than this many values; default 10. */
  readonly gracePeriod?: number;
}

export type AdwinParams = {
  readonly delta: number;
  readonly clock: number;
  readonly maxBuckets: number;
  readonly minWindowLength: number;
  readonly gracePeriod: number;
};

export interface AdwinState {
  /** Bucket sums, row r at `[r × (maxBuckets + 1), …)`, oldest bucket first. */
  readonly bucketTotals: Float64Array;
  /** Bucket sums of squared deviations from the bucket mean, laid out as `bucketTotals`. */
  readonly bucketVariances: Float64Array;
  /** Buckets in use per row. */
  readonly bucketCounts: Int32Array;
  /** Rows in use (≥ 1): the oldest values sit in row `rows - 1`. */
  readonly rows: number;
  /** Values in the window. */
  readonly width: number;
  readonly total: number;
  /** Sum of squared deviations from the window mean (River's `variance`; divide by `width` for the variance). */
  readonly variance: number;
  /** Values seen since the last reset; the cut test runs when it is a multiple of `clock`. */
  readonly tick: number;
  readonly driftDetected: boolean;
}

export function adwinParams(options: AdwinOptions = {}): AdwinParams {
  const o = requireOptions(OWNER, options);
  requireKnownKeys(OWNER, o, OPTION_NAMES);
  const delta = o.delta ?? 0.002;
  if (typeof delta !== 'number' || !(delta > 0 && delta < 1)) fail(OWNER, 'delta', 'a number in (0, 1)', delta);
  return Object.freeze({
    delta,
    clock: positiveInteger(OWNER, 'clock', o.clock ?? 32, 1),
    maxBuckets: positiveInteger(OWNER, 'maxBuckets', o.maxBuckets ?? 5, 1),
    minWindowLength: positiveInteger(OWNER, 'minWindowLength', o.minWindowLength ?? 5, 1),
    gracePeriod: positiveInteger(OWNER, 'gracePeriod', o.gracePeriod ?? 10, 0),
  });
}

export function adwinInit(params: AdwinParams, rowCapacity = INITIAL_ROWS): AdwinState {
  const stride = params.maxBuckets + 1;
  return {
    bucketTotals: new Float64Array(rowCapacity * stride),
    bucketVariances: new Float64Array(rowCapacity * stride),
    bucketCounts: new Int32Array(rowCapacity),
    rows: 1,
    width: 0,
    total: 0,
    variance: 0,
    tick: 0,
    driftDetected: false,
  };
}

/** A private copy for `adwinStep`; the typed arrays are copied, so the original is never touched. */
export function copyAdwinState(state: AdwinState): Mutable<AdwinState> {
  return {
    ...state,
    bucketTotals: state.bucketTotals.slice(),
    bucketVariances: state.bucketVariances.slice(),
    bucketCounts: state.bucketCounts.slice(),
  };
}

/** The window mean, or 0 for an empty window (River's `estimation`). */
export function adwinEstimation(state: AdwinState): number {
  return state.width === 0 ? 0 : state.total / state.width;
}

function addRow(params: AdwinParams, s: Mutable<AdwinState>): void {
  if (s.rows === s.bucketCounts.length) {
    const grown = adwinInit(params, 2 * s.bucketCounts.length);
    grown.bucketTotals.set(s.bucketTotals);
    grown.bucketVariances.set(s.bucketVariances);
    grown.bucketCounts.set(s.bucketCounts);
    s.bucketTotals = grown.bucketTotals;
    s.bucketVariances = grown.bucketVariances;
    s.bucketCounts = grown.bucketCounts;
  }
  s.rows += 1;
}

/**
 * Drops the `n` oldest buckets of a row, keeping the unused tail zeroed as River's `Bucket.compress`
 * does. Plain loops: rows are a handful of slots, too short for `copyWithin` to pay off.
 */
function shiftRow(s: Mutable<AdwinState>, row: number, stride: number, n: number): void {
  const totals = s.bucketTotals;
  const variances = s.bucketVariances;
  const start = row * stride;
  const end = start + stride;
  for (let i = start; i < end - n; i++) {
    totals[i] = totals[i + n];
    variances[i] = variances[i + n];
  }
  for (let i = end - n; i < end; i++) {
    totals[i] = 0;
    variances[i] = 0;
  }
  s.bucketCounts[row] -= n;
}

function insertValue(params: AdwinParams, s: Mutable<AdwinState>, value: number): void {
  const stride = params.maxBuckets + 1;
  s.bucketTotals[s.bucketCounts[0]] = value;
  s.bucketVariances[s.bucketCounts[0]] = 0;
  s.bucketCounts[0] += 1;
  s.width += 1;
  if (s.width > 1) {
    const deviation = value - s.total / (s.width - 1);
    s.variance += ((s.width - 1) * deviation * deviation) / s.width;
  }
  s.total += value;

  // Merge the two oldest buckets of each full row into the next row, as far as the carry goes.
  for (let row = 0; row < s.rows && s.bucketCounts[row] === stride; row++) {
    if (row + 1 === s.rows) addRow(params, s);
    const base = row * stride;
    const size = 2 ** row;
    const total1 = s.bucketTotals[base];
    const total2 = s.bucketTotals[base + 1];
    const mean1 = total1 / size;
    const mean2 = total2 / size;
    const between = (size * size * (mean1 - mean2) * (mean1 - mean2)) / (size + size);
    const next = (row + 1) * stride + s.bucketCounts[row + 1];
    s.bucketTotals[next] = total1 + total2;
    s.bucketVariances[next] = s.bucketVariances[base] + s.bucketVariances[base + 1] + between;
    s.bucketCounts[row + 1] += 1;
    shiftRow(s, row, stride, 2);
    if (s.bucketCounts[row + 1] <= params.maxBuckets) break;
  }
}

/** Removes the oldest bucket from the window. */
function dropOldestBucket(params: AdwinParams, s: Mutable<AdwinState>): void {
  const stride = params.maxBuckets + 1;
  const row = s.rows - 1;
  const size = 2 ** row;
  const bucketTotal = s.bucketTotals[row * stride];
  const bucketMean = bucketTotal / size;
  const bucketVariance = s.bucketVariances[row * stride];
  s.width -= size;
  s.total -= bucketTotal;
  const windowMean = s.total / s.width;
  s.variance -= bucketVariance + (size * s.width * (bucketMean - windowMean) * (bucketMean - windowMean)) / (size + s.width);
  shiftRow(s, row, stride, 1);
  if (s.bucketCounts[row] === 0) s.rows -= 1;
}

/**
 * River's `_evaluate_cut`: do the means on either side of a cut (n0 and n1 values) differ by more
 * than ε? `deltaPrime` and `windowVariance` depend only on the window, so the caller computes them
 * once per scan.
 */
function cutDiffers(minWindowLength: number, deltaPrime: number, windowVariance: number, n0: number, n1: number, meanDifference: number): boolean {
  const mRecip = 1 / (n0 - minWindowLength + 1) + 1 / (n1 - minWindowLength + 1);
  const epsilon = Math.sqrt(2 * mRecip * windowVariance * deltaPrime) + (2 / 3) * deltaPrime * mRecip;
  return Math.abs(meanDifference) > epsilon;
}

function detectChange(params: AdwinParams, s: Mutable<AdwinState>): boolean {
  s.tick += 1;
  if (s.tick % params.clock !== 0 || !(s.width > params.gracePeriod)) return false;
  const stride = params.maxBuckets + 1;
  const { minWindowLength } = params;
  let changed = false;
  let shrinking = true;
  while (shrinking) {
    shrinking = false;
    // W0 grows from the oldest bucket; W1 is the rest of the window.
    let n0 = 0;
    let n1 = s.width;
    let u0 = 0;
    let u1 = s.total;
    let done = false;
    const deltaPrime = Math.log((2 * Math.log(s.width)) / params.delta);
    const windowVariance = s.variance / s.width;
    for (let row = s.rows - 1; row >= 0 && !done; row--) {
      const size = 2 ** row;
      const count = s.bucketCounts[row];
      for (let k = 0; k < count; k++) {
        const bucketTotal = s.bucketTotals[row * stride + k];
        n0 += size;
        n1 -= size;
        u0 += bucketTotal;
        u1 -= bucketTotal;
        if (row === 0 && k === count - 1) {
          done = true;
          break;
        }
        if (n1 >= minWindowLength && n0 >= minWindowLength && cutDiffers(minWindowLength, deltaPrime, windowVariance, n0, n1, u0 / n0 - u1 / n1)) {
          shrinking = true;
          changed = true;
          if (s.width > 0) {
            dropOldestBucket(params, s);
            done = true;
            break;
          }
        }
      }
    }
  }
  return changed;
}

/**
 * Advances `state` in place by one value: only for a state you own. For a loop that must react row by
 * row (an ensemble replacing a tree on drift), copy once and step:
 * `const s = copyAdwinState(state); for (const e of errors) { adwinStep(params, s, e); if (s.driftDetected) … }`.
 */
export function adwinStep(params: AdwinParams, state: Mutable<AdwinState>, value: number): void {
  requireFiniteValue(OWNER, value);
  if (state.driftDetected) Object.assign(state, adwinInit(params));
  insertValue(params, state, value);
  state.driftDetected = detectChange(params, state);
}

const CORE: DetectorCore<AdwinParams, AdwinState> = { copy: copyAdwinState, step: adwinStep };

export function adwinUpdate(params: AdwinParams, state: AdwinState, value: number): DetectorStep<AdwinState> {
  return updateOnce(CORE, params, state, value);
}

/** All `values` in order, copying the state once. `drifts` holds indices into `values`. */
export function adwinUpdateMany(params: AdwinParams, state: AdwinState, values: ArrayLike<number>): DetectorRun<AdwinState> {
  return updateBatch(CORE, params, state, values);
}

export function adwinRestore(params: AdwinParams, plain: unknown): AdwinState {
  const who = `${OWNER}.restore`;
  const s = stateRecord(OWNER, plain);
  const stride = params.maxBuckets + 1;
  const { bucketTotals, bucketVariances, bucketCounts } = s;
  if (!(bucketCounts instanceof Int32Array) || bucketCounts.length < 1) {
    throw new TypeError(`${who}: state.bucketCounts must be a non-empty Int32Array`);
  }
  const size = bucketCounts.length * stride;
  for (const [key, value] of [['bucketTotals', bucketTotals], ['bucketVariances', bucketVariances]] as const) {
    if (!(value instanceof Float64Array) || value.length !== size) {
      throw new TypeError(`${who}: state.${key} must be a Float64Array of bucketCounts.length × (maxBuckets + 1) = ${size} values`);
    }
  }
  if (!bucketCounts.every((n) => n >= 0 && n <= params.maxBuckets)) {
    throw new TypeError(`${who}: state.bucketCounts must lie in 0 … maxBuckets (${params.maxBuckets}), got [${Array.from(bucketCounts).join(', ')}]`);
  }
  const rows = stateNumber(OWNER, s, 'rows', `an integer in 1 … ${bucketCounts.length}`, (n) => Number.isInteger(n) && n >= 1 && n <= bucketCounts.length);
  let width = 0;
  for (let row = 0; row < bucketCounts.length; row++) width += bucketCounts[row] * 2 ** row;
  const declared = stateNumber(OWNER, s, 'width', 'a whole number ≥ 0', (n) => Number.isInteger(n) && n >= 0);
  if (declared !== width) throw new TypeError(`${who}: state.width is ${declared} but the buckets hold ${width} values`);
  return {
    bucketTotals: bucketTotals as Float64Array,
    bucketVariances: bucketVariances as Float64Array,
    bucketCounts,
    rows,
    width,
    total: stateNumber(OWNER, s, 'total', 'a finite number', Number.isFinite),
    variance: stateNumber(OWNER, s, 'variance', 'a finite number', Number.isFinite),
    tick: stateNumber(OWNER, s, 'tick', 'a whole number ≥ 0', (n) => Number.isInteger(n) && n >= 0),
    driftDetected: stateBoolean(OWNER, s, 'driftDetected'),
  };
}

export function adwin(options: AdwinOptions = {}): DriftDetector<AdwinState> {
  const params = adwinParams(options);
  return Object.freeze({
    kind: 'adwin' as const,
    params,
    init: () => adwinInit(params),
    update: (state: AdwinState, value: number) => adwinUpdate(params, state, value),
    updateMany: (state: AdwinState, values: ArrayLike<number>) => adwinUpdateMany(params, state, values),
    restore: (plain: unknown) => adwinRestore(params, plain),
  });
}
