/**
 * Hoeffding tree (VFDT; Domingos & Hulten 2000) for numeric features, learned as River 0.23's
 * `HoeffdingTreeClassifier` learns it: Gaussian split estimators per class and feature with
 * `nSplits` candidate thresholds, information gain or Gini merit, a grace period between split
 * attempts, the Hoeffding bound with a tie threshold, majority-class / naive Bayes / adaptive naive
 * Bayes leaves, and River's memory management (the least promising leaves stop learning split
 * statistics when the tree is over its byte budget).
 *
 * Rows are learned one by one in order, with nothing done per batch, so learning rows one at a time
 * gives bit for bit the state of learning them as one batch.
 *
 * On River's own streams it grows the same trees (same splits, same sizes; see
 * test/hoeffding-tree.spec.ts and bench/tree-throughput.ts --river). It keeps River's class
 * insertion order in every leaf and estimator, because River sums dict values in that order and the
 * grace-period test is sensitive to that rounding. Where it deviates:
 * - an empty tree predicts uniform probabilities (River predicts nothing);
 * - naive Bayes gives a class recorded with weight exactly 0 probability 0 (River scores it log 1;
 *   such a class arises only when a split's Gaussian estimate of one side rounds to 0);
 * - naive Bayes adds log densities computed directly rather than log(exp(…)) (last-bit differences);
 * - memory is counted exactly from the record layout, not estimated every `memory_estimate_period` rows.
 *
 * State is plain data (see `hoeffding/tree-state`): a paged node table and a paged pool of
 * Gaussian estimators, copied on write page by page, so one learn call costs the pages its rows touch.
 *
 * @example
 * const model = hoeffdingTree({ nFeatures: 10 });
 * let state = model.init();
 * state = model.learn(state, batch);
 * const labels = model.predict(state, batch.x);
 */
import type { Classifier, LabeledBatch, Matrix } from './types';
import { positiveInteger, requireColumns, requireKnownKeys, requireLabels, requireOptions } from './validate';
import { HOEFFDING_TREE_DEFAULTS, TREE_OPTION_NAMES, treeLayout, treeParams, type TreeOptions, type TreeParams } from './hoeffding/tree-params';
import { restoreTree } from './hoeffding/tree-restore';
import { treeProbabilities, viewNodes, type NodeView, type TreeState } from './hoeffding/tree-state';
import { initTree, TreeWriter } from './hoeffding/tree-writer';

export type { NodeView, TreeState as HoeffdingTreeState } from './hoeffding/tree-state';

const OWNER = 'hoeffdingTree';
const OPTION_NAMES = ['nFeatures', 'nClasses', ...TREE_OPTION_NAMES];

export interface HoeffdingTreeOptions extends TreeOptions {
  readonly nFeatures: number;
  /** Default 2. */
  readonly nClasses?: number;
}

export type HoeffdingTreeParams = TreeParams;

export function hoeffdingTreeParams(options: HoeffdingTreeOptions): HoeffdingTreeParams {
  const o = requireOptions(OWNER, options);
  requireKnownKeys(OWNER, o, OPTION_NAMES);
  const nFeatures = positiveInteger(OWNER, 'nFeatures', o.nFeatures);
  const nClasses = positiveInteger(OWNER, 'nClasses', o.nClasses ?? 2, 2);
  return Object.freeze(treeParams(OWNER, o, nFeatures, nClasses, nFeatures, HOEFFDING_TREE_DEFAULTS));
}

export function initHoeffdingTree(params: HoeffdingTreeParams): TreeState {
  return initTree(treeLayout(params), null);
}

export function learnHoeffdingTree(params: HoeffdingTreeParams, state: TreeState, batch: LabeledBatch): TreeState {
  const { x, y } = batch;
  requireColumns(OWNER, x, params.nFeatures);
  requireLabels(OWNER, y, x.rows, params.nClasses);
  if (x.rows === 0) return state;
  const writer = new TreeWriter(treeLayout(params), state, null);
  const { data, cols } = x;
  for (let r = 0; r < x.rows; r++) writer.learnRow(data, r * cols, y[r], 1);
  return writer.close();
}

export function predictProbaHoeffdingTree(params: HoeffdingTreeParams, state: TreeState, x: Matrix): Float64Array {
  requireColumns(OWNER, x, params.nFeatures);
  return treeProbabilities(treeLayout(params), state, x.data, x.rows, x.cols);
}

/** Arg-max of `predictProba`, the lowest class on ties. */
export function predictHoeffdingTree(params: HoeffdingTreeParams, state: TreeState, x: Matrix): Int32Array {
  return argmaxRows(predictProbaHoeffdingTree(params, state, x), x.rows, params.nClasses);
}

export function argmaxRows(proba: Float64Array, rows: number, nClasses: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const base = r * nClasses;
    let best = 0;
    for (let c = 1; c < nClasses; c++) if (proba[base + c] > proba[base + best]) best = c;
    out[r] = best;
  }
  return out;
}

export function restoreHoeffdingTree(params: HoeffdingTreeParams, plain: unknown): TreeState {
  return restoreTree(OWNER, treeLayout(params), plain);
}

export interface TreeSummary {
  readonly nodes: number;
  readonly leaves: number;
  readonly activeLeaves: number;
  readonly inactiveLeaves: number;
  /** Depth of the deepest leaf (the root alone has depth 0). */
  readonly depth: number;
  /** What the memory budget counts: node records plus the estimators of active leaves. */
  readonly bytes: number;
}

export function summarizeTree(params: TreeParams, state: TreeState): TreeSummary {
  const layout = treeLayout(params);
  let depth = 0;
  for (const node of viewNodes(layout, state)) if (node.feature < 0) depth = Math.max(depth, node.depth);
  return {
    nodes: state.nodeCount,
    leaves: state.activeLeaves + state.inactiveLeaves,
    activeLeaves: state.activeLeaves,
    inactiveLeaves: state.inactiveLeaves,
    depth,
    bytes: state.nodeCount * layout.nodeBytes + state.activeLeaves * layout.slotBytes,
  };
}

/** Every node of the tree as plain values (node 0 is the root). Works for a forest's trees with `params.tree`. */
export function treeNodes(params: TreeParams, state: TreeState): NodeView[] {
  return viewNodes(treeLayout(params), state);
}

export function hoeffdingTree(options: HoeffdingTreeOptions): Classifier<TreeState> {
  const params = hoeffdingTreeParams(options);
  return Object.freeze({
    kind: 'hoeffding-tree',
    params,
    nFeatures: params.nFeatures,
    nClasses: params.nClasses,
    probabilistic: true,
    init: () => initHoeffdingTree(params),
    learn: (state: TreeState, batch: LabeledBatch) => learnHoeffdingTree(params, state, batch),
    predictProba: (state: TreeState, x: Matrix) => predictProbaHoeffdingTree(params, state, x),
    predict: (state: TreeState, x: Matrix) => predictHoeffdingTree(params, state, x),
    restore: (plain: unknown) => restoreHoeffdingTree(params, plain),
  });
}
