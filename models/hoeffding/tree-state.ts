/**
 * The learned state of one Hoeffding tree and everything that only reads it: routing a row to its
 * leaf and the leaf predictions (majority class, naive Bayes, adaptive naive Bayes).
 *
 * Nodes are records in a paged node table (see `tree-params` for the fields); node 0 is the root
 * and a branch's children always come after it, so every path ends. Active leaves own an
 * estimator slot in a second paged table.
 */
import * as gaussianCells from './gaussian-cells';
import * as treeParams from './tree-params';
import type { TreeLayout } from './tree-params';

// tsx compiles each use of an imported binding into getter calls; the per-row loops read these
// module-level copies instead.
const { CELL_SIZE, logDensityOrZero } = gaussianCells;
const { N_CLASSES, N_DEPTH, N_FEATURE, N_LEFT, N_MC_CORRECT, N_NB_CORRECT, N_SLOT, N_THRESHOLD } = treeParams;

export interface TreeState {
  readonly nodeCount: number;
  /** Estimator slots handed out so far, in use or free. */
  readonly slotCount: number;
  readonly activeLeaves: number;
  readonly inactiveLeaves: number;
  readonly nodePages: readonly Float64Array[];
  readonly slotPages: readonly Float64Array[];
  /** Slots released by deactivated or split leaves, reused last-in first-out. */
  readonly freeSlots: Int32Array;
}

/** The pages a reader needs: a `TreeState` or a tree being written. */
export interface TreePages {
  readonly nodePages: readonly Float64Array[];
  readonly slotPages: readonly Float64Array[];
}

export function leafOf(layout: TreeLayout, nodePages: readonly Float64Array[], x: Float64Array, offset: number): number {
  const { nodesPerPage, nodeStride } = layout;
  let node = 0;
  for (;;) {
    const page = (node / nodesPerPage) | 0;
    const record = nodePages[page];
    const base = (node - page * nodesPerPage) * nodeStride;
    const feature = record[base + N_FEATURE];
    if (feature < 0) return node;
    const left = record[base + N_LEFT];
    node = x[offset + feature] <= record[base + N_THRESHOLD] ? left : left + 1;
  }
}

export function recordPage(layout: TreeLayout, node: number): number {
  return (node / layout.nodesPerPage) | 0;
}

export function recordBase(layout: TreeLayout, node: number): number {
  return (node % layout.nodesPerPage) * layout.nodeStride;
}

/** Total class weight of a leaf, summed in River's order (see `TreeLayout.classOrder`). */
export function leafWeight(layout: TreeLayout, record: Float64Array, base: number): number {
  const { nClasses } = layout.params;
  const order = base + layout.classOrder;
  let total = 0;
  for (let i = 0; i < nClasses; i++) {
    const c = record[order + i];
    if (c < 0) break;
    total += record[base + N_CLASSES + c];
  }
  return total;
}

/** How many classes the leaf has recorded (River's `len(stats)`), weight 0 included. */
export function classesRecorded(layout: TreeLayout, record: Float64Array, base: number): number {
  const { nClasses } = layout.params;
  let n = 0;
  while (n < nClasses && record[base + layout.classOrder + n] >= 0) n++;
  return n;
}

/** The class with the largest weight, the first recorded on ties; -1 for a leaf that has recorded none. */
export function majorityClass(layout: TreeLayout, record: Float64Array, base: number): number {
  const { nClasses } = layout.params;
  const order = base + layout.classOrder;
  let best = -1;
  for (let i = 0; i < nClasses; i++) {
    const c = record[order + i];
    if (c < 0) break;
    if (best < 0 || record[base + N_CLASSES + c] > record[base + N_CLASSES + best]) best = c;
  }
  return best;
}

/** Feature monitored at position `p` of a leaf. */
export function monitoredFeature(layout: TreeLayout, record: Float64Array, base: number, p: number): number {
  return layout.featureIds < 0 ? p : record[base + layout.featureIds + p];
}

/**
 * Naive Bayes log scores into `votes` (River's `do_naive_bayes_prediction` before normalising),
 * indexed by class: log prior plus the log densities of the monitored features for each class the
 * leaf has weight for, -∞ for the others. Returns the best class (the first recorded on ties), or
 * -1 when the leaf has no weight.
 */
export function naiveBayesScores(
  layout: TreeLayout, record: Float64Array, base: number, slotPage: Float64Array, slotBase: number,
  x: Float64Array, offset: number, votes: Float64Array,
): number {
  const { nClasses, featuresPerLeaf } = layout.params;
  const total = leafWeight(layout, record, base);
  if (total === 0) return -1;
  votes.fill(-Infinity);
  const cells = slotBase + layout.cells;
  const order = base + layout.classOrder;
  let best = -1;
  for (let i = 0; i < nClasses; i++) {
    const c = record[order + i];
    if (c < 0) break;
    const weight = record[base + N_CLASSES + c];
    if (!(weight > 0)) continue;
    let score = Math.log(weight / total);
    for (let p = 0; p < featuresPerLeaf; p++) {
      const feature = monitoredFeature(layout, record, base, p);
      score += logDensityOrZero(slotPage, cells + (p * nClasses + c) * CELL_SIZE, x[offset + feature]);
    }
    votes[c] = score;
    if (best < 0 || score > votes[best]) best = c;
  }
  return best;
}

/** Whether the leaf answers with naive Bayes (else with its class frequencies). */
export function usesNaiveBayes(layout: TreeLayout, record: Float64Array, base: number): boolean {
  const { leafPrediction, nbThreshold } = layout.params;
  if (leafPrediction === 'mc' || record[base + N_SLOT] < 0) return false;
  if (leafPrediction === 'nba') return record[base + N_NB_CORRECT] >= record[base + N_MC_CORRECT];
  return leafWeight(layout, record, base) >= nbThreshold;
}

/**
 * Class probabilities of the leaf for the row into `out[outOffset …]`, summing to 1: uniform for a
 * leaf that has seen nothing. `votes` is scratch of nClasses.
 */
export function leafProbabilities(
  layout: TreeLayout, pages: TreePages, leaf: number, x: Float64Array, offset: number,
  out: Float64Array, outOffset: number, votes: Float64Array,
): void {
  const { nClasses } = layout.params;
  const record = pages.nodePages[recordPage(layout, leaf)];
  const base = recordBase(layout, leaf);
  const total = leafWeight(layout, record, base);
  if (total === 0) {
    for (let c = 0; c < nClasses; c++) out[outOffset + c] = 1 / nClasses;
    return;
  }
  if (usesNaiveBayes(layout, record, base)) {
    const slot = record[base + N_SLOT];
    const slotPage = pages.slotPages[(slot / layout.slotsPerPage) | 0];
    const best = naiveBayesScores(layout, record, base, slotPage, (slot % layout.slotsPerPage) * layout.slotStride, x, offset, votes);
    // exp(v − logsumexp(v)), summing in River's order.
    const order = base + layout.classOrder;
    const max = votes[best];
    let sum = 0;
    for (let i = 0; i < nClasses; i++) {
      const c = record[order + i];
      if (c < 0) break;
      sum += Math.exp(votes[c] - max);
    }
    const logNormaliser = max + Math.log(sum);
    for (let c = 0; c < nClasses; c++) out[outOffset + c] = Math.exp(votes[c] - logNormaliser);
    return;
  }
  for (let c = 0; c < nClasses; c++) out[outOffset + c] = record[base + N_CLASSES + c] / total;
}

/** Rows × nClasses probabilities of the tree for every row of `x` (row-major data with `cols` columns). */
export function treeProbabilities(layout: TreeLayout, pages: TreePages, data: Float64Array, rows: number, cols: number): Float64Array {
  const { nClasses } = layout.params;
  const out = new Float64Array(rows * nClasses);
  const votes = new Float64Array(nClasses);
  for (let r = 0; r < rows; r++) {
    const leaf = leafOf(layout, pages.nodePages, data, r * cols);
    leafProbabilities(layout, pages, leaf, data, r * cols, out, r * nClasses, votes);
  }
  return out;
}

/** One node as plain values, for inspection and tests. */
export interface NodeView {
  readonly id: number;
  readonly depth: number;
  /** Branches: the split; `left` holds the rows with `x[feature] ≤ threshold`, `left + 1` the others. */
  readonly feature: number;
  readonly threshold: number;
  readonly left: number;
  /** Leaves: whether it still learns split statistics, and its class weights. */
  readonly active: boolean;
  readonly classWeights: readonly number[];
  /** The features the node monitors (or, for a branch, monitored while it was a leaf). */
  readonly monitored: readonly number[];
  /** Adaptive naive Bayes: weight the majority class and naive Bayes would have predicted correctly. */
  readonly majorityCorrect: number;
  readonly naiveBayesCorrect: number;
}

export function viewNodes(layout: TreeLayout, state: TreeState): NodeView[] {
  const { nClasses, nFeatures, featuresPerLeaf } = layout.params;
  const nodes: NodeView[] = [];
  for (let id = 0; id < state.nodeCount; id++) {
    const record = state.nodePages[recordPage(layout, id)];
    const base = recordBase(layout, id);
    const feature = record[base + N_FEATURE];
    const leaf = feature < 0;
    nodes.push({
      id,
      depth: record[base + N_DEPTH],
      feature,
      threshold: leaf ? NaN : record[base + N_THRESHOLD],
      left: leaf ? -1 : record[base + N_LEFT],
      active: leaf && record[base + N_SLOT] >= 0,
      classWeights: leaf ? Array.from(record.subarray(base + N_CLASSES, base + N_CLASSES + nClasses)) : [],
      monitored: layout.featureIds < 0
        ? Array.from({ length: nFeatures }, (_, f) => f)
        : Array.from(record.subarray(base + layout.featureIds, base + layout.featureIds + featuresPerLeaf)),
      majorityCorrect: leaf ? record[base + N_MC_CORRECT] : 0,
      naiveBayesCorrect: leaf ? record[base + N_NB_CORRECT] : 0,
    });
  }
  return nodes;
}
