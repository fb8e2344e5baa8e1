/**
 * River's `GaussianSplitter` over one estimator slot: candidate thresholds evenly spaced strictly
 * inside the range a feature has shown, class weights on each side estimated from each class's
 * Gaussian CDF, and the merit of each candidate. A `SplitSearch` holds the scratch arrays, so a
 * split attempt allocates nothing.
 */
import * as gaussianCells from './gaussian-cells';
import { splitMerit, type SplitCriterion } from './split-criteria';

// tsx compiles each use of an imported binding into getter calls; the loops read these copies.
const { CELL_MAX, CELL_MIN, CELL_SIZE, CELL_WEIGHT, cellCdf } = gaussianCells;

export class SplitSearch {
  /** The leaf's class weights in its own order (`preCount` entries). */
  readonly pre: Float64Array;
  preCount = 0;
  /** A candidate's class weights per side, in the slot's class order (`postOrder`, `postCount` entries). */
  readonly left: Float64Array;
  readonly right: Float64Array;
  readonly postOrder: Float64Array;
  postCount = 0;
  /** Threshold of the last `bestSplitOf` result. */
  threshold = 0;

  constructor(
    private readonly nClasses: number,
    private readonly nSplits: number,
    private readonly criterion: SplitCriterion,
    private readonly minBranchFraction: number,
  ) {
    this.pre = new Float64Array(nClasses);
    this.left = new Float64Array(nClasses);
    this.right = new Float64Array(nClasses);
    this.postOrder = new Float64Array(nClasses);
  }

  /**
   * The best merit among the candidate thresholds of the feature whose cells start at `cells` (the
   * first on ties; −∞ when there is none), leaving its threshold in `threshold`. `slotBase` is where
   * the slot's class order starts.
   */
  bestSplitOf(slotPage: Float64Array, slotBase: number, cells: number): number {
    let min = Infinity;
    let max = -Infinity;
    for (let c = 0; c < this.nClasses; c++) {
      const at = cells + c * CELL_SIZE;
      if (slotPage[at + CELL_WEIGHT] === 0) continue;
      if (slotPage[at + CELL_MIN] < min) min = slotPage[at + CELL_MIN];
      if (slotPage[at + CELL_MAX] > max) max = slotPage[at + CELL_MAX];
    }
    let best = -Infinity;
    if (min === Infinity) return best;
    const step = (max - min) / (this.nSplits + 1);
    for (let i = 1; i <= this.nSplits; i++) {
      const threshold = min + step * i;
      if (!(min < threshold && threshold < max)) continue;
      this.distribute(slotPage, slotBase, cells, threshold);
      const merit = splitMerit(this.criterion, this.minBranchFraction, this.pre, this.preCount, this.left, this.right, this.postCount);
      if (merit > best) {
        best = merit;
        this.threshold = threshold;
      }
    }
    return best;
  }

  /**
   * Class weights on each side of `threshold` (River's `_class_dists_from_binary_split`) into
   * `left` / `right`. A side a class cannot reach gets -0, which marks it absent from that side
   * (River leaves the key out) while adding nothing to any sum.
   */
  distribute(slotPage: Float64Array, slotBase: number, cells: number, threshold: number): void {
    const { left, right, postOrder } = this;
    let n = 0;
    for (; n < this.nClasses; n++) {
      const c = slotPage[slotBase + n];
      if (c < 0) break;
      postOrder[n] = c;
      const at = cells + c * CELL_SIZE;
      const weight = slotPage[at + CELL_WEIGHT];
      if (threshold < slotPage[at + CELL_MIN]) {
        left[n] = -0;
        right[n] = weight;
      } else if (threshold >= slotPage[at + CELL_MAX]) {
        left[n] = weight;
        right[n] = -0;
      } else {
        left[n] = cellCdf(slotPage, at, threshold) * weight;
        right[n] = weight - left[n];
      }
    }
    this.postCount = n;
  }
}
