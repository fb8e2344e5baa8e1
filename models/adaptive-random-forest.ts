/**
 * Adaptive random forest (Gomes et al. 2017) as River 0.23's `ARFClassifier` runs it: `nModels`
 * Hoeffding trees whose leaves each monitor a random subset of `maxFeatures` features, online
 * bagging with Poisson(`lambda`) row weights, and per tree an ADWIN warning detector (which starts
 * a background tree) and an ADWIN drift detector (which swaps the background tree in, or starts
 * afresh) on the tree's 0/1 errors. Predictions are the trees' probabilities weighted by each
 * tree's prequential accuracy since it was installed.
 *
 * Seeded and deterministic: each ensemble member has its own generator (seeded by `deriveSeed(seed,
 * member)`) for its Poisson weights and its leaves' feature subsets, kept in the state as its 4
 * state words. Members are therefore independent, so a batch is learned member by member (each
 * member's rows in order), which gives exactly what River's row-by-row loop over members gives, and
 * learning rows one at a time equals learning them as one batch.
 *
 * Every tree (background ones included) is bounded by `maxBytes` (default 4 MiB; River's 100 MiB
 * would let 20 trees take 2 GiB), so the forest holds at most 2 × nModels trees of bounded size
 * however long the stream.
 *
 * Where it deviates from River: members draw from their own generators (River shares one), so
 * results match River's in distribution, not draw for draw; a leaf draws its feature subset when it
 * is created (River: at its first row) and keeps it sorted; and the trees deviate as
 * `hoeffding-tree.ts` describes.
 *
 * @example
 * const forest = adaptiveRandomForest({ nFeatures: 10, seed: 7 });
 * let state = forest.init();
 * state = forest.learn(state, batch);
 */
import * as adwin from '../drift/adwin';
import type { AdwinParams, AdwinState } from '../drift/adwin';
import type { Mutable } from '../drift/types';
import { argmaxRows } from './hoeffding-tree';
import { treeLayout, treeParams, TREE_OPTION_NAMES, type TreeLayout, type TreeOptions, type TreeParams } from './hoeffding/tree-params';
import { restoreTree } from './hoeffding/tree-restore';
import * as treeState from './hoeffding/tree-state';
import type { TreeState } from './hoeffding/tree-state';
import { initTree, TreeWriter } from './hoeffding/tree-writer';
import { deriveSeed, Random } from './random';
import type { Classifier, LabeledBatch, Matrix } from './types';
import {
  booleanOption, fail, positiveInteger, requireColumns, requireKnownKeys, requireLabels, requireOptions, stateRecord,
} from './validate';

// tsx compiles each use of an imported binding into getter calls; the per-row loop reads these
// module-level copies instead.
const { adwinInit, adwinParams, adwinRestore, adwinStep, copyAdwinState } = adwin;
const { leafOf, leafProbabilities, treeProbabilities } = treeState;

const OWNER = 'adaptiveRandomForest';
const OPTION_NAMES = [
  'nFeatures', 'nClasses', 'nModels', 'maxFeatures', 'lambda', 'warningDelta', 'driftDelta', 'weightedVote', 'seed', ...TREE_OPTION_NAMES,
];
/** River's ARF tree defaults (grace period 50, delta 0.01), and a per-tree budget that keeps long streams small. */
const ARF_TREE_DEFAULTS = { gracePeriod: 50, delta: 0.01, maxBytes: 4 * 2 ** 20 };

export interface AdaptiveRandomForestOptions extends TreeOptions {
  readonly nFeatures: number;
  /** Default 2. */
  readonly nClasses?: number;
  /** Trees in the ensemble; default 10. */
  readonly nModels?: number;
  /**
   * Features each leaf considers for its split: 'sqrt' (default) or 'log2' of nFeatures (rounded),
   * a whole number, or a fraction in (0, 1) of nFeatures (rounded down); at least 1.
   */
  readonly maxFeatures?: 'sqrt' | 'log2' | number;
  /** Poisson rate of the bagging weights; default 6 (leveraging bagging). */
  readonly lambda?: number;
  /** ADWIN delta of the warning detectors, or null for no background trees; default 0.01. */
  readonly warningDelta?: number | null;
  /** ADWIN delta of the drift detectors, or null to never replace a tree; default 0.001. */
  readonly driftDelta?: number | null;
  /** Weight each tree's vote by its accuracy; default true. */
  readonly weightedVote?: boolean;
  /** Default 1. */
  readonly seed?: number;
}

export type AdaptiveRandomForestParams = {
  readonly nFeatures: number;
  readonly nClasses: number;
  readonly nModels: number;
  readonly maxFeatures: number;
  readonly lambda: number;
  readonly warningDelta: number | null;
  readonly driftDelta: number | null;
  readonly weightedVote: boolean;
  readonly seed: number;
  /** Hyperparameters of every tree (`featuresPerLeaf` = maxFeatures). */
  readonly tree: TreeParams;
};

export interface AdaptiveRandomForestState {
  readonly trees: readonly TreeState[];
  /** The background tree of each member, grown since its last warning; null when there is none. */
  readonly background: readonly (TreeState | null)[];
  /** Each member's generator state (4 words per member). */
  readonly random: Uint32Array;
  /** Rows each member's current tree predicted correctly / saw, since it was installed. */
  readonly correct: Float64Array;
  readonly seen: Float64Array;
  /** One ADWIN state per member, or null when the detector is switched off. */
  readonly warningDetectors: readonly (AdwinState | null)[];
  readonly driftDetectors: readonly (AdwinState | null)[];
  /** Warnings and drifts detected per member so far. */
  readonly warnings: Float64Array;
  readonly drifts: Float64Array;
}

function resolveMaxFeatures(value: unknown, nFeatures: number): number {
  let m: number;
  if (value === 'sqrt') m = Math.round(Math.sqrt(nFeatures));
  else if (value === 'log2') m = Math.round(Math.log2(nFeatures));
  else if (typeof value === 'number' && Number.isInteger(value) && value >= 1) m = value;
  else if (typeof value === 'number' && value > 0 && value < 1) m = Math.floor(value * nFeatures);
  else return fail(OWNER, 'maxFeatures', "'sqrt', 'log2', a whole number ≥ 1 or a fraction in (0, 1)", value);
  return Math.min(nFeatures, Math.max(1, m));
}

function detectorDelta(name: string, value: unknown): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !(value > 0 && value < 1)) fail(OWNER, name, 'a number in (0, 1) or null', value);
  return value;
}

export function adaptiveRandomForestParams(options: AdaptiveRandomForestOptions): AdaptiveRandomForestParams {
  const o = requireOptions(OWNER, options);
  requireKnownKeys(OWNER, o, OPTION_NAMES);
  const nFeatures = positiveInteger(OWNER, 'nFeatures', o.nFeatures);
  const nClasses = positiveInteger(OWNER, 'nClasses', o.nClasses ?? 2, 2);
  const maxFeatures = resolveMaxFeatures(o.maxFeatures ?? 'sqrt', nFeatures);
  const lambda = o.lambda ?? 6;
  if (typeof lambda !== 'number' || !(lambda > 0 && lambda <= 30)) fail(OWNER, 'lambda', 'a number in (0, 30]', lambda);
  const seed = o.seed ?? 1;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) fail(OWNER, 'seed', 'an integer', seed);
  return Object.freeze({
    nFeatures,
    nClasses,
    nModels: positiveInteger(OWNER, 'nModels', o.nModels ?? 10, 1),
    maxFeatures,
    lambda,
    warningDelta: detectorDelta('warningDelta', o.warningDelta === undefined ? 0.01 : o.warningDelta),
    driftDelta: detectorDelta('driftDelta', o.driftDelta === undefined ? 0.001 : o.driftDelta),
    weightedVote: booleanOption(OWNER, 'weightedVote', o.weightedVote ?? true),
    seed,
    tree: Object.freeze(treeParams(OWNER, o, nFeatures, nClasses, maxFeatures, ARF_TREE_DEFAULTS)),
  });
}

interface Detectors {
  readonly warning: AdwinParams | null;
  readonly drift: AdwinParams | null;
}

const detectorCache = new WeakMap<AdaptiveRandomForestParams, Detectors>();

function detectorsOf(params: AdaptiveRandomForestParams): Detectors {
  let d = detectorCache.get(params);
  if (!d) {
    d = {
      warning: params.warningDelta === null ? null : adwinParams({ delta: params.warningDelta }),
      drift: params.driftDelta === null ? null : adwinParams({ delta: params.driftDelta }),
    };
    detectorCache.set(params, d);
  }
  return d;
}

export function initAdaptiveRandomForest(params: AdaptiveRandomForestParams): AdaptiveRandomForestState {
  const layout = treeLayout(params.tree);
  const { warning, drift } = detectorsOf(params);
  const n = params.nModels;
  const random = new Uint32Array(4 * n);
  const trees: TreeState[] = [];
  for (let i = 0; i < n; i++) {
    const generator = new Random(deriveSeed(params.seed, i));
    trees.push(initTree(layout, generator));
    random.set(generator.state(), 4 * i);
  }
  return {
    trees,
    background: new Array<TreeState | null>(n).fill(null),
    random,
    correct: new Float64Array(n),
    seen: new Float64Array(n),
    warningDetectors: Array.from({ length: n }, () => (warning ? adwinInit(warning) : null)),
    driftDetectors: Array.from({ length: n }, () => (drift ? adwinInit(drift) : null)),
    warnings: new Float64Array(n),
    drifts: new Float64Array(n),
  };
}

/** One member's state while it learns a batch. */
interface Member {
  tree: TreeWriter;
  background: TreeWriter | null;
  warning: Mutable<AdwinState> | null;
  drift: Mutable<AdwinState> | null;
}

export function learnAdaptiveRandomForest(
  params: AdaptiveRandomForestParams, state: AdaptiveRandomForestState, batch: LabeledBatch,
): AdaptiveRandomForestState {
  const { x, y } = batch;
  requireColumns(OWNER, x, params.nFeatures);
  requireLabels(OWNER, y, x.rows, params.nClasses);
  if (x.rows === 0) return state;
  const layout = treeLayout(params.tree);
  const detectors = detectorsOf(params);
  const trees = state.trees.slice();
  const background = state.background.slice();
  const random = state.random.slice();
  const correct = state.correct.slice();
  const seen = state.seen.slice();
  const warningDetectors = state.warningDetectors.slice();
  const driftDetectors = state.driftDetectors.slice();
  const warnings = state.warnings.slice();
  const drifts = state.drifts.slice();
  const proba = new Float64Array(params.nClasses);
  const votes = new Float64Array(params.nClasses);

  for (let i = 0; i < params.nModels; i++) {
    const generator = new Random(Array.from(random.subarray(4 * i, 4 * i + 4)));
    const warningState = warningDetectors[i];
    const driftState = driftDetectors[i];
    const member: Member = {
      tree: new TreeWriter(layout, trees[i], generator),
      background: background[i] ? new TreeWriter(layout, background[i]!, generator) : null,
      warning: warningState ? copyAdwinState(warningState) : null,
      drift: driftState ? copyAdwinState(driftState) : null,
    };
    for (let r = 0; r < x.rows; r++) {
      const offset = r * x.cols;
      const leaf = leafOf(layout, member.tree.nodePages, x.data, offset);
      leafProbabilities(layout, member.tree, leaf, x.data, offset, proba, 0, votes);
      let predicted = 0;
      for (let c = 1; c < params.nClasses; c++) if (proba[c] > proba[predicted]) predicted = c;
      seen[i] += 1;
      if (predicted === y[r]) correct[i] += 1;
      const weight = generator.poisson(params.lambda);
      if (weight === 0) continue;
      member.background?.learnRow(x.data, offset, y[r], weight);
      member.tree.learnRow(x.data, offset, y[r], weight);
      const error = predicted === y[r] ? 0 : 1;
      if (member.warning && detectors.warning) {
        adwinStep(detectors.warning, member.warning, error);
        if (member.warning.driftDetected) {
          member.background = new TreeWriter(layout, initTree(layout, generator), generator);
          member.warning = copyAdwinState(adwinInit(detectors.warning));
          warnings[i] += 1;
        }
      }
      if (member.drift && detectors.drift) {
        adwinStep(detectors.drift, member.drift, error);
        if (member.drift.driftDetected) {
          member.tree = member.background ?? new TreeWriter(layout, initTree(layout, generator), generator);
          if (member.background && member.warning && detectors.warning) member.warning = copyAdwinState(adwinInit(detectors.warning));
          member.background = null;
          member.drift = copyAdwinState(adwinInit(detectors.drift));
          correct[i] = 0;
          seen[i] = 0;
          drifts[i] += 1;
        }
      }
    }
    trees[i] = member.tree.close();
    background[i] = member.background ? member.background.close() : null;
    warningDetectors[i] = member.warning;
    driftDetectors[i] = member.drift;
    random.set(generator.state(), 4 * i);
  }
  return { trees, background, random, correct, seen, warningDetectors, driftDetectors, warnings, drifts };
}

/** Member weights of the vote: accuracy since installation, or 1 for a member with accuracy 0 (as River). */
function voteWeight(params: AdaptiveRandomForestParams, state: AdaptiveRandomForestState, i: number): number {
  const accuracy = state.seen[i] > 0 ? state.correct[i] / state.seen[i] : 0;
  return params.weightedVote && accuracy > 0 ? accuracy : 1;
}

export function predictProbaAdaptiveRandomForest(params: AdaptiveRandomForestParams, state: AdaptiveRandomForestState, x: Matrix): Float64Array {
  requireColumns(OWNER, x, params.nFeatures);
  const layout = treeLayout(params.tree);
  const { nClasses } = params;
  const out = new Float64Array(x.rows * nClasses);
  for (let i = 0; i < params.nModels; i++) {
    const weight = voteWeight(params, state, i);
    const proba = treeProbabilities(layout, state.trees[i], x.data, x.rows, x.cols);
    for (let k = 0; k < out.length; k++) out[k] += weight * proba[k];
  }
  for (let r = 0; r < x.rows; r++) {
    let total = 0;
    for (let c = 0; c < nClasses; c++) total += out[r * nClasses + c];
    for (let c = 0; c < nClasses; c++) out[r * nClasses + c] /= total;
  }
  return out;
}

export function predictAdaptiveRandomForest(params: AdaptiveRandomForestParams, state: AdaptiveRandomForestState, x: Matrix): Int32Array {
  return argmaxRows(predictProbaAdaptiveRandomForest(params, state, x), x.rows, params.nClasses);
}

export function restoreAdaptiveRandomForest(params: AdaptiveRandomForestParams, plain: unknown): AdaptiveRandomForestState {
  const s = stateRecord(OWNER, plain);
  const n = params.nModels;
  const layout: TreeLayout = treeLayout(params.tree);
  const detectors = detectorsOf(params);
  const list = (key: string): unknown[] => {
    const value = s[key];
    if (!Array.isArray(value) || value.length !== n) throw new TypeError(`${OWNER}.restore: state.${key} must be an array of nModels = ${n} entries`);
    return value;
  };
  const numbers = (key: string, length: number): Float64Array => {
    const value = s[key];
    if (!(value instanceof Float64Array) || value.length !== length) throw new TypeError(`${OWNER}.restore: state.${key} must be a Float64Array of ${length} values`);
    return value;
  };
  const detector = (key: string, detectorParams: AdwinParams | null) => list(key).map((d, i) => {
    if (detectorParams === null) {
      if (d !== null) throw new TypeError(`${OWNER}.restore: state.${key}[${i}] must be null, the detector is switched off`);
      return null;
    }
    return adwinRestore(detectorParams, d);
  });
  const random = s.random;
  if (!(random instanceof Uint32Array) || random.length !== 4 * n) throw new TypeError(`${OWNER}.restore: state.random must be a Uint32Array of 4 × nModels = ${4 * n} words`);
  const correct = numbers('correct', n);
  const seen = numbers('seen', n);
  for (let i = 0; i < n; i++) {
    if (!(Number.isInteger(seen[i]) && correct[i] >= 0 && correct[i] <= seen[i] && Number.isInteger(correct[i]))) {
      throw new TypeError(`${OWNER}.restore: member ${i} has ${correct[i]} correct out of ${seen[i]}`);
    }
  }
  return {
    trees: list('trees').map((t, i) => restoreTree(OWNER, layout, t, `state.trees[${i}]`)),
    background: list('background').map((t, i) => (t === null ? null : restoreTree(OWNER, layout, t, `state.background[${i}]`))),
    random,
    correct,
    seen,
    warningDetectors: detector('warningDetectors', detectors.warning),
    driftDetectors: detector('driftDetectors', detectors.drift),
    warnings: numbers('warnings', n),
    drifts: numbers('drifts', n),
  };
}

export function adaptiveRandomForest(options: AdaptiveRandomForestOptions): Classifier<AdaptiveRandomForestState> {
  const params = adaptiveRandomForestParams(options);
  return Object.freeze({
    kind: 'adaptive-random-forest',
    params,
    nFeatures: params.nFeatures,
    nClasses: params.nClasses,
    probabilistic: true,
    init: () => initAdaptiveRandomForest(params),
    learn: (state: AdaptiveRandomForestState, batch: LabeledBatch) => learnAdaptiveRandomForest(params, state, batch),
    predictProba: (state: AdaptiveRandomForestState, x: Matrix) => predictProbaAdaptiveRandomForest(params, state, x),
    predict: (state: AdaptiveRandomForestState, x: Matrix) => predictAdaptiveRandomForest(params, state, x),
    restore: (plain: unknown) => restoreAdaptiveRandomForest(params, plain),
  });
}
