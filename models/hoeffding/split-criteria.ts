/**
 * Merit of a binary split of class weights `pre` into `left` and `right`, as River's
 * `InfoGainSplitCriterion` and `GiniSplitCriterion` compute it, and the range of each merit for
 * the Hoeffding bound. A split that leaves fewer than two branches holding more than
 * `minBranchFraction` of the weight has merit −∞.
 *
 * Distributions are the first `n` entries of their arrays, in River's dict order, so sums round as
 * River's do; an absent class is a 0 entry (which changes no sum).
 */

export const SPLIT_CRITERIA = ['info_gain', 'gini'] as const;
export type SplitCriterion = (typeof SPLIT_CRITERIA)[number];

function sum(dist: Float64Array, n: number): number {
  let s = 0;
  for (let c = 0; c < n; c++) s += dist[c];
  return s;
}

/** Entropy in bits, counting only positive weights (River's `_compute_entropy_dict`). */
function entropy(dist: Float64Array, n: number): number {
  let h = 0;
  let total = 0;
  for (let c = 0; c < n; c++) {
    const d = dist[c];
    if (d > 0) {
      h -= d * Math.log2(d);
      total += d;
    }
  }
  return total > 0 ? (h + total * Math.log2(total)) / total : 0;
}

function gini(dist: Float64Array, n: number, total: number): number {
  let g = 1;
  if (total !== 0) {
    for (let c = 0; c < n; c++) {
      const p = dist[c] / total;
      g -= p * p;
    }
  }
  return g;
}

export function splitMerit(
  criterion: SplitCriterion, minBranchFraction: number,
  pre: Float64Array, nPre: number, left: Float64Array, right: Float64Array, nPost: number,
): number {
  const leftWeight = sum(left, nPost);
  const rightWeight = sum(right, nPost);
  const total = leftWeight + rightWeight;
  if (!(total > 0 && leftWeight / total > minBranchFraction && rightWeight / total > minBranchFraction)) return -Infinity;
  if (criterion === 'gini') {
    return 1 - ((leftWeight / total) * gini(left, nPost, leftWeight) + (rightWeight / total) * gini(right, nPost, rightWeight));
  }
  return entropy(pre, nPre) - (leftWeight * entropy(left, nPost) + rightWeight * entropy(right, nPost)) / total;
}

/**
 * R in the Hoeffding bound: log2 of the number of classes the leaf has recorded (at least 2) for
 * information gain, 1 for Gini.
 */
export function meritRange(criterion: SplitCriterion, classesRecorded: number): number {
  return criterion === 'gini' ? 1 : Math.log2(Math.max(classesRecorded, 2));
}
