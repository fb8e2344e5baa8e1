/**
 * Exact ROC AUC: the Mann–Whitney statistic P(score of a positive > score of a negative) with tied
 * pairs counting ½, which equals scikit-learn's `roc_auc_score` (trapezoid over the ROC curve, ties
 * as one step). Binary problems rank the class-1 probability; multiclass problems take the macro
 * one-vs-rest average (`multi_class='ovr', average='macro'`).
 *
 * Undefined cases: a class needs at least one positive and one negative row. Binary AUC is NaN
 * when only one class is present. For multiclass, scikit-learn raises when a class is missing from
 * the rows; here the macro average runs over the classes whose one-vs-rest AUC is defined (those
 * present), and is NaN only when fewer than two classes are present.
 *
 * Cost. The hot path scores windows of ~100 rows thousands of times a second, where sorting (~45 ns
 * a row, mostly mispredicted branches) dominated. Instead the rows are bucketed by score (a counting
 * sort, monotone in the score, comparing no two rows): a positive wins against every negative in a
 * lower bucket, found by a prefix count, and is compared exactly only with the negatives in its own
 * bucket. When the scores crowd into a few buckets, so that such pairs would exceed a budget linear
 * in the rows, it falls back to sorting each side (O(n log n)). Both count the same half-integer
 * wins exactly, so the result is the same double either way. Scratch buffers are module-level and
 * grow to the largest row count seen (single-threaded JavaScript makes that safe: nothing here yields).
 */

/** Same-bucket (positive, negative) pairs allowed per row before sorting is cheaper. */
const PAIRS_PER_ROW = 8;

let codes = new Int32Array(256);
let keys = new Float64Array(256);
let bucketCounts = new Int32Array(2 * 64);
let positives = new Float64Array(256);
let negatives = new Float64Array(256);

function ensureScratch(rows: number, buckets: number): void {
  if (codes.length < rows) {
    let size = codes.length;
    while (size < rows) size *= 2;
    codes = new Int32Array(size);
    keys = new Float64Array(size);
    positives = new Float64Array(size);
    negatives = new Float64Array(size);
  }
  if (bucketCounts.length < 2 * buckets) bucketCounts = new Int32Array(2 * buckets);
}

/** Buckets for `rows` rows: a power of two near rows / 4, so a few rows share each. */
function bucketsFor(rows: number): number {
  let buckets = 8;
  while (buckets < 1 << 14 && buckets * 4 < rows) buckets *= 2;
  return buckets;
}

/** AUC of two ascending-sorted score lists: Σ over positives of (#negatives below + ½ #equal) / (P·N). */
export function aucOfSorted(sortedPositives: ArrayLike<number>, sortedNegatives: ArrayLike<number>): number {
  return winsOfSorted(sortedPositives, sortedPositives.length, sortedNegatives, sortedNegatives.length) / (sortedPositives.length * sortedNegatives.length);
}

function winsOfSorted(sortedPositives: ArrayLike<number>, nPos: number, sortedNegatives: ArrayLike<number>, nNeg: number): number {
  if (nPos === 0 || nNeg === 0) return NaN;
  let below = 0;
  let belowOrEqual = 0;
  let wins = 0;
  for (let i = 0; i < nPos; i++) {
    const s = sortedPositives[i];
    while (below < nNeg && sortedNegatives[below] < s) below++;
    if (belowOrEqual < below) belowOrEqual = below;
    while (belowOrEqual < nNeg && sortedNegatives[belowOrEqual] <= s) belowOrEqual++;
    wins += below + 0.5 * (belowOrEqual - below);
  }
  return wins;
}

/** Binary AUC of `scores[r * stride + column]` against `y[r] === positive`, over rows 0 … rows-1. */
function oneVsRestAuc(y: Int32Array, scores: Float64Array, stride: number, column: number, positive: number, rows: number): number {
  const buckets = bucketsFor(rows);
  ensureScratch(rows, buckets);
  // Locals, not the module bindings, inside the loops: V8 then keeps them in registers.
  const rowCodes = codes;
  const sorted = keys;
  const counts = bucketCounts;
  const slots = 2 * buckets;
  for (let i = 0; i < slots; i++) counts[i] = 0;
  // Slot 2b holds the negatives of bucket b, slot 2b + 1 its positives. Any score ≤ 0 goes to the
  // first bucket and any ≥ 1 to the last, so bucketing stays monotone for scores outside [0, 1];
  // `buckets` is a power of two, so `s * buckets` is exact.
  for (let r = 0; r < rows; r++) {
    const s = scores[r * stride + column];
    const bucket = s > 0 ? (s < 1 ? (s * buckets) | 0 : buckets - 1) : 0;
    // `+(a === b)` compiles without a branch; labels are a coin flip to the branch predictor.
    const code = 2 * bucket + +(y[r] === positive);
    rowCodes[r] = code;
    counts[code]++;
  }
  // Counts become start offsets; meanwhile count the rows of each side and the same-bucket pairs.
  let offset = 0;
  let nPos = 0;
  let sameBucketPairs = 0;
  for (let b = 0; b < slots; b += 2) {
    const n = counts[b];
    const p = counts[b + 1];
    counts[b] = offset;
    counts[b + 1] = offset + n;
    offset += n + p;
    nPos += p;
    sameBucketPairs += n * p;
  }
  const nNeg = rows - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  if (sameBucketPairs > PAIRS_PER_ROW * rows) return sortedAuc(y, scores, stride, column, positive, rows);
  for (let r = 0; r < rows; r++) sorted[counts[rowCodes[r]]++] = scores[r * stride + column];
  // Now counts[2b] ends bucket b's negatives (and starts its positives), counts[2b + 1] ends its positives.
  let wins = 0;
  let negativesBelow = 0;
  let bucketStart = 0;
  for (let b = 0; b < slots; b += 2) {
    const negativesEnd = counts[b];
    const positivesEnd = counts[b + 1];
    const n = negativesEnd - bucketStart;
    wins += (positivesEnd - negativesEnd) * negativesBelow;
    if (n !== 0) {
      for (let i = negativesEnd; i < positivesEnd; i++) {
        const s = sorted[i];
        for (let j = bucketStart; j < negativesEnd; j++) {
          const v = sorted[j];
          wins += +(v < s) + 0.5 * +(v === s);
        }
      }
      negativesBelow += n;
    }
    bucketStart = positivesEnd;
  }
  return wins / (nPos * nNeg);
}

/** The same AUC by sorting each side: O(n log n) however the scores crowd. */
function sortedAuc(y: Int32Array, scores: Float64Array, stride: number, column: number, positive: number, rows: number): number {
  const pos = positives;
  const neg = negatives;
  let nPos = 0;
  let nNeg = 0;
  for (let r = 0; r < rows; r++) {
    const s = scores[r * stride + column];
    if (y[r] === positive) pos[nPos++] = s;
    else neg[nNeg++] = s;
  }
  const sortedPositives = pos.subarray(0, nPos).sort();
  const sortedNegatives = neg.subarray(0, nNeg).sort();
  return winsOfSorted(sortedPositives, nPos, sortedNegatives, nNeg) / (nPos * nNeg);
}

/**
 * Exact ROC AUC of the first `rows` rows of (`y`, `proba`), `proba` being `rows × nClasses`
 * row-major. Inputs are assumed validated (labels in range, finite scores).
 */
export function exactRocAuc(y: Int32Array, proba: Float64Array, nClasses: number, rows: number = y.length): number {
  if (nClasses === 2) return oneVsRestAuc(y, proba, 2, 1, 1, rows);
  let sum = 0;
  let defined = 0;
  for (let c = 0; c < nClasses; c++) {
    const auc = oneVsRestAuc(y, proba, nClasses, c, c, rows);
    if (auc === auc) {
      sum += auc;
      defined++;
    }
  }
  return defined > 0 ? sum / defined : NaN;
}
