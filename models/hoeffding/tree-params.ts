/**
 * Hyperparameters of one Hoeffding tree (shared by `hoeffdingTree` and the trees of
 * `adaptiveRandomForest`) and the record layout derived from them.
 */
import { fail, nonNegativeNumber, oneOf, positiveInteger } from '../validate';
import { CELL_SIZE } from './gaussian-cells';
import { recordsPerPage } from './paged-table';
import { SPLIT_CRITERIA, type SplitCriterion } from './split-criteria';

export const LEAF_PREDICTIONS = ['mc', 'nb', 'nba'] as const;
export type LeafPrediction = (typeof LEAF_PREDICTIONS)[number];

export const TREE_OPTION_NAMES = [
  'gracePeriod', 'delta', 'tau', 'splitCriterion', 'leafPrediction', 'nbThreshold', 'maxDepth', 'nSplits',
  'minBranchFraction', 'maxShareToSplit', 'maxBytes',
] as const;

export interface TreeOptions {
  /** Weight a leaf must see between split attempts; default 200 (River's `grace_period`). */
  readonly gracePeriod?: number;
  /** 1 − confidence of the Hoeffding bound, MOA's split confidence; default 1e-7. */
  readonly delta?: number;
  /** Tie threshold: split anyway once the bound falls below it; default 0.05. */
  readonly tau?: number;
  /** Default 'info_gain'. */
  readonly splitCriterion?: SplitCriterion;
  /** 'mc' majority class, 'nb' naive Bayes, 'nba' adaptive naive Bayes (default). */
  readonly leafPrediction?: LeafPrediction;
  /** Weight a leaf must have seen before 'nb' uses naive Bayes; default 0. */
  readonly nbThreshold?: number;
  /** Leaves at this depth stop learning split statistics; default Infinity. */
  readonly maxDepth?: number;
  /** Candidate thresholds per feature, evenly spaced between the smallest and largest value seen; default 10. */
  readonly nSplits?: number;
  /** Both branches of a candidate split must hold more than this fraction of the weight; default 0.01. */
  readonly minBranchFraction?: number;
  /** A leaf whose majority class holds more than this share is not split (River resets its estimators instead); default 0.99. */
  readonly maxShareToSplit?: number;
  /**
   * Memory budget in bytes for the node table plus the estimators of active leaves; when a split
   * takes the tree over it, the least promising leaves are deactivated. Default 100 MiB (River's `max_size`).
   */
  readonly maxBytes?: number;
}

export type TreeParams = {
  readonly nFeatures: number;
  readonly nClasses: number;
  readonly gracePeriod: number;
  readonly delta: number;
  readonly tau: number;
  readonly splitCriterion: SplitCriterion;
  readonly leafPrediction: LeafPrediction;
  readonly nbThreshold: number;
  readonly maxDepth: number;
  readonly nSplits: number;
  readonly minBranchFraction: number;
  readonly maxShareToSplit: number;
  readonly maxBytes: number;
  /** Features each leaf monitors: all of them for a plain tree, a random subset in a forest. */
  readonly featuresPerLeaf: number;
};

export interface TreeDefaults {
  readonly gracePeriod: number;
  readonly delta: number;
  readonly maxBytes: number;
}

export const HOEFFDING_TREE_DEFAULTS: TreeDefaults = { gracePeriod: 200, delta: 1e-7, maxBytes: 100 * 2 ** 20 };

export function treeParams(
  owner: string, o: Record<string, unknown>, nFeatures: number, nClasses: number, featuresPerLeaf: number, defaults: TreeDefaults,
): TreeParams {
  const delta = o.delta ?? defaults.delta;
  if (typeof delta !== 'number' || !(delta > 0 && delta < 1)) fail(owner, 'delta', 'a number in (0, 1)', delta);
  const maxDepth = o.maxDepth ?? Infinity;
  if (maxDepth !== Infinity) positiveInteger(owner, 'maxDepth', maxDepth, 0);
  const minBranchFraction = nonNegativeNumber(owner, 'minBranchFraction', o.minBranchFraction ?? 0.01);
  if (minBranchFraction >= 0.5) fail(owner, 'minBranchFraction', 'a number in [0, 0.5)', minBranchFraction);
  const maxShareToSplit = o.maxShareToSplit ?? 0.99;
  if (typeof maxShareToSplit !== 'number' || !(maxShareToSplit > 0 && maxShareToSplit <= 1)) {
    fail(owner, 'maxShareToSplit', 'a number in (0, 1]', maxShareToSplit);
  }
  const maxBytes = o.maxBytes ?? defaults.maxBytes;
  if (typeof maxBytes !== 'number' || !(maxBytes > 0)) fail(owner, 'maxBytes', 'a number of bytes > 0 (Infinity for no bound)', maxBytes);
  return {
    nFeatures,
    nClasses,
    gracePeriod: positiveInteger(owner, 'gracePeriod', o.gracePeriod ?? defaults.gracePeriod, 1),
    delta,
    tau: nonNegativeNumber(owner, 'tau', o.tau ?? 0.05),
    splitCriterion: oneOf(owner, 'splitCriterion', o.splitCriterion ?? 'info_gain', SPLIT_CRITERIA),
    leafPrediction: oneOf(owner, 'leafPrediction', o.leafPrediction ?? 'nba', LEAF_PREDICTIONS),
    nbThreshold: nonNegativeNumber(owner, 'nbThreshold', o.nbThreshold ?? 0),
    maxDepth: maxDepth as number,
    nSplits: positiveInteger(owner, 'nSplits', o.nSplits ?? 10, 1),
    minBranchFraction,
    maxShareToSplit,
    maxBytes,
    featuresPerLeaf,
  };
}

// --- node records ------------------------------------------------------------------------------

/** Split feature of a branch; -1 marks a leaf. */
export const N_FEATURE = 0;
export const N_THRESHOLD = 1;
/** A branch's left child (rows with `x[feature] ≤ threshold`); the right child is the next node. */
export const N_LEFT = 2;
export const N_DEPTH = 3;
/** A leaf's estimator slot; -1 while the leaf is inactive. */
export const N_SLOT = 4;
/** The leaf's total weight at its last split attempt. */
export const N_LAST_ATTEMPT = 5;
/** Weight the majority class and naive Bayes would have predicted correctly (adaptive naive Bayes). */
export const N_MC_CORRECT = 6;
export const N_NB_CORRECT = 7;
/** Class weights seen by the leaf (those inherited from its parent's split estimate included). */
export const N_CLASSES = 8;

/**
 * River keeps class weights in dicts and sums them (Python 3.11: left to right) in insertion order,
 * and the grace-period test `weight − weight at last attempt ≥ gracePeriod` is sensitive to that
 * rounding once leaves inherit fractional weights. So records keep River's insertion order: a leaf
 * lists its classes in the order they entered its weights, an estimator slot in the order they
 * entered its Gaussian estimators; -1 ends a list.
 */

/** Where each record lives: node `i` is page `⌊i / nodesPerPage⌋`, offset `(i mod nodesPerPage) × nodeStride`. */
export interface TreeLayout {
  readonly params: TreeParams;
  readonly nodeStride: number;
  readonly nodesPerPage: number;
  /** Start of a leaf's class insertion order in its record. */
  readonly classOrder: number;
  /** Start of a leaf's monitored feature ids in its record, or -1 when a leaf monitors every feature. */
  readonly featureIds: number;
  /**
   * Doubles per estimator slot: the slot's class insertion order (nClasses), then
   * `featuresPerLeaf × nClasses` Gaussian cells, feature-major, starting at `cells`.
   */
  readonly slotStride: number;
  readonly cells: number;
  readonly slotsPerPage: number;
  readonly nodeBytes: number;
  readonly slotBytes: number;
}

const layouts = new WeakMap<TreeParams, TreeLayout>();

export function treeLayout(params: TreeParams): TreeLayout {
  let layout = layouts.get(params);
  if (layout) return layout;
  const subset = params.featuresPerLeaf < params.nFeatures;
  const classOrder = N_CLASSES + params.nClasses;
  const nodeStride = classOrder + params.nClasses + (subset ? params.featuresPerLeaf : 0);
  const slotStride = params.nClasses + params.featuresPerLeaf * params.nClasses * CELL_SIZE;
  layout = Object.freeze({
    params,
    nodeStride,
    nodesPerPage: recordsPerPage(nodeStride),
    classOrder,
    featureIds: subset ? classOrder + params.nClasses : -1,
    slotStride,
    cells: params.nClasses,
    slotsPerPage: recordsPerPage(slotStride),
    nodeBytes: nodeStride * 8,
    slotBytes: slotStride * 8,
  });
  layouts.set(params, layout);
  return layout;
}
