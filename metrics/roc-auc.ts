/**
 * Exact ROC AUC by sorting: the Mann–Whitney statistic P(score of a positive > score of a negative)
 * with tied pairs counting ½, which equals scikit-learn's `roc_auc_score` (trapezoid over the ROC
 * curve, ties as one step). Binary problems rank the class-1 probability; multiclass problems take
 * the macro one-vs-rest average (`multi_class='ovr', average='macro'`).
 *
 * Undefined cases: a class needs at least one positive and one negative row. Binary AUC is NaN
 * when only one class is present. For multiclass, scikit-learn raises when a class is missing from
 * the rows; here the macro average runs over the classes whose one-vs-rest AUC is defined (those
 * present), and is NaN only when fewer than two classes are present.
 *
 * Cost: O(n log n) per class with the engine's native typed-array sort, in module-level scratch
 * buffers that grow to the largest row count seen, so repeated calls allocate only two views.
 * (Single-threaded JavaScript makes the shared scratch safe: nothing here yields.)
 */

let positives = new Float64Array(256);
let negatives = new Float64Array(256);

function ensureScratch(rows: number): void {
  if (positives.length >= rows) return;
  let size = positives.length;
  while (size < rows) size *= 2;
  positives = new Float64Array(size);
  negatives = new Float64Array(size);
}

/** AUC of two ascending-sorted score lists: Σ over positives of (#negatives below + ½ #equal) / (P·N). */
export function aucOfSorted(sortedPositives: ArrayLike<number>, sortedNegatives: ArrayLike<number>): number {
  const nPos = sortedPositives.length;
  const nNeg = sortedNegatives.length;
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
  return wins / (nPos * nNeg);
}

/** Binary AUC of `scores[r * stride + column]` against `y[r] === positive`, over rows 0 … rows-1. */
function oneVsRestAuc(y: Int32Array, scores: Float64Array, stride: number, column: number, positive: number, rows: number): number {
  ensureScratch(rows);
  // Locals, not the module bindings, inside the loop: V8 then keeps them in registers.
  const pos = positives;
  const neg = negatives;
  let nPos = 0;
  let nNeg = 0;
  for (let r = 0; r < rows; r++) {
    const s = scores[r * stride + column];
    if (y[r] === positive) pos[nPos++] = s;
    else neg[nNeg++] = s;
  }
  if (nPos === 0 || nNeg === 0) return NaN;
  return aucOfSorted(pos.subarray(0, nPos).sort(), neg.subarray(0, nNeg).sort());
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
