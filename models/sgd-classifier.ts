/**
 * scikit-learn's `SGDClassifier.partial_fit` (1.7.2) with exact semantics: labels map to y = ±1 (class 1
 * positive in binary problems, one-vs-rest for more classes), one epoch of `_plain_sgd` per batch with
 * `shuffle=False`, `t` carried across batches, ASGD averaging and the L1 truncated gradient.
 * Perceptron and Passive-Aggressive are the same core with other settings (see their files).
 *
 * One scikit-learn quirk is reproduced on purpose, because predictions must match it: with averaging
 * on, `partial_fit` does not store the plain (non-averaged) intercept once averaging has started, so
 * a binary model restarts every batch from the intercept it had when averaging began (0 for
 * `average: true`), and a multiclass model writes the plain intercepts over the averaged ones.
 */
import type { Classifier, LabeledBatch, Matrix } from './types';
import { LINEAR_LOSSES, LINEAR_LOSS_NAMES, type LinearLossName } from './linear-losses';
import { optimalInit, type LearningRateName } from './learning-rates';
import { LOSS_CODE, PENALTY_CODE, RATE_CODE, plainSgdEpoch, type BinaryProblem, type SgdKernel } from './plain-sgd';
import { unrolledEpochFor, type UnrolledEpoch } from './unrolled-sgd';
import { averageStart, boolean, classWeights, finiteNumber, integerAtLeast, oneOf, rejectUnknownOptions } from './linear-options';
import { TypedArraySlab } from './typed-array-slab';

export type SgdLoss = LinearLossName;
export type SgdPenalty = 'none' | 'l2' | 'l1' | 'elasticnet';
export type SgdLearningRate = LearningRateName;

export interface SgdOptions {
  nFeatures: number;
  nClasses?: number;
  loss?: SgdLoss;
  penalty?: SgdPenalty;
  alpha?: number;
  l1Ratio?: number;
  learningRate?: SgdLearningRate;
  eta0?: number;
  powerT?: number;
  fitIntercept?: boolean;
  /** false, true (average from the first sample) or the number of samples after which to start. */
  average?: boolean | number;
  classWeight?: readonly number[];
}

/** Resolved hyperparameters of every linear classifier; `pa1`/`pa2` are Passive-Aggressive's rates. */
export interface SgdParams {
  readonly nFeatures: number;
  readonly nClasses: number;
  readonly loss: SgdLoss;
  readonly penalty: SgdPenalty;
  readonly alpha: number;
  readonly l1Ratio: number;
  readonly learningRate: SgdLearningRate | 'pa1' | 'pa2';
  readonly eta0: number;
  readonly powerT: number;
  /** Passive-Aggressive's step bound (scikit-learn passes C = 1 to plain SGD, which ignores it). */
  readonly C: number;
  readonly fitIntercept: boolean;
  /** Sample count at which averaging starts; 0 = no averaging. */
  readonly average: number;
  readonly classWeight: readonly number[];
}

/**
 * Learned state. Rows are binary problems: 1 for two classes, else one per class. Between batches the
 * weights are plain values (scikit-learn folds its `wscale` back at the end of every call, and starts
 * the L1 accumulators u, q afresh in every call, so neither belongs in the state).
 */
export interface SgdState {
  /** problems × nFeatures: the SGD iterate (scikit-learn's `_standard_coef`, or `coef_` without averaging). */
  readonly weights: Float64Array;
  /** The intercept the next batch starts from (scikit-learn's `_standard_intercept`). */
  readonly intercepts: Float64Array;
  /** problems × nFeatures averaged weights; empty without averaging. */
  readonly averageWeights: Float64Array;
  /** scikit-learn's `_average_intercept`; empty without averaging. */
  readonly averageIntercepts: Float64Array;
  /** Samples seen plus 1 (scikit-learn's `t_`). */
  readonly t: number;
}

const SGD_OPTIONS = ['nFeatures', 'nClasses', 'loss', 'penalty', 'alpha', 'l1Ratio', 'learningRate', 'eta0', 'powerT',
  'fitIntercept', 'average', 'classWeight'] as const;

export function sgdClassifier(options: SgdOptions): Classifier<SgdState> {
  const who = 'sgdClassifier';
  rejectUnknownOptions(who, options, SGD_OPTIONS);
  const nFeatures = integerAtLeast(who, 'nFeatures', options.nFeatures, 1);
  const nClasses = integerAtLeast(who, 'nClasses', options.nClasses ?? 2, 2);
  const learningRate = oneOf(who, 'learningRate', options.learningRate ?? 'constant', ['constant', 'optimal', 'invscaling'] as const);
  const alpha = finiteNumber(who, 'alpha', options.alpha ?? 1e-4, (v) => v >= 0, '≥ 0');
  if (learningRate === 'optimal' && alpha === 0) {
    throw new Error(`${who}: alpha must be > 0 for learningRate 'optimal' (it sets the rate), got 0`);
  }
  const eta0 = finiteNumber(who, 'eta0', options.eta0 ?? 0.001, (v) => v >= 0, '≥ 0');
  if (learningRate !== 'optimal' && eta0 === 0) {
    throw new Error(`${who}: eta0 must be > 0 for learningRate '${learningRate}', got 0`);
  }
  return linearSgdClassifier('sgd', {
    nFeatures,
    nClasses,
    loss: oneOf(who, 'loss', options.loss ?? 'log_loss', LINEAR_LOSS_NAMES),
    penalty: oneOf(who, 'penalty', options.penalty ?? 'none', ['none', 'l2', 'l1', 'elasticnet'] as const),
    alpha,
    l1Ratio: finiteNumber(who, 'l1Ratio', options.l1Ratio ?? 0.15, (v) => v >= 0 && v <= 1, 'in [0, 1]'),
    learningRate,
    eta0,
    powerT: finiteNumber(who, 'powerT', options.powerT ?? 0.5, () => true, ''),
    C: 1,
    fitIntercept: boolean(who, 'fitIntercept', options.fitIntercept ?? true),
    average: averageStart(who, options.average ?? false),
    classWeight: classWeights(who, options.classWeight, nClasses),
  });
}

/** The shared factory behind `sgdClassifier`, `perceptron` and `passiveAggressive`; `params` must be valid. */
export function linearSgdClassifier(kind: string, params: SgdParams): Classifier<SgdState> {
  const frozen: SgdParams = Object.freeze({ ...params, classWeight: Object.freeze(params.classWeight.slice()) });
  const plan = planOf(frozen);
  return Object.freeze({
    kind,
    params: frozen as unknown as Readonly<Record<string, unknown>>,
    nFeatures: frozen.nFeatures,
    nClasses: frozen.nClasses,
    probabilistic: frozen.loss === 'log_loss' || frozen.loss === 'modified_huber',
    init: () => initSgd(frozen),
    learn: (state: SgdState, batch: LabeledBatch) => learnWithPlan(frozen, plan, state, batch),
    predictProba: (state: SgdState, x: Matrix) => predictProbaSgd(frozen, state, x),
    predict: (state: SgdState, x: Matrix) => predictSgd(frozen, state, x),
    restore: (plain: unknown) => restoreSgd(frozen, plain),
  });
}

/** Binary problems solved: 1 for two classes, one per class (one-vs-rest) otherwise. */
export function problemCount(params: SgdParams): number {
  return params.nClasses === 2 ? 1 : params.nClasses;
}

export function initSgd(params: SgdParams): SgdState {
  const problems = problemCount(params);
  const averaged = params.average > 0;
  return {
    weights: new Float64Array(problems * params.nFeatures),
    intercepts: new Float64Array(problems),
    averageWeights: new Float64Array(averaged ? problems * params.nFeatures : 0),
    averageIntercepts: new Float64Array(averaged ? problems : 0),
    t: 1,
  };
}

/** What `learnSgd` derives from the params once: the epoch's numeric settings and its fast path. */
interface SgdPlan {
  readonly kernel: SgdKernel;
  readonly fastEpoch: UnrolledEpoch | null;
}

const plans = new WeakMap<SgdParams, SgdPlan>();

function planOf(params: SgdParams): SgdPlan {
  let plan = plans.get(params);
  if (plan === undefined) {
    const { penalty, learningRate, alpha } = params;
    const kernel: SgdKernel = Object.freeze({
      lossCode: LOSS_CODE[params.loss],
      penaltyCode: PENALTY_CODE[penalty],
      rateCode: RATE_CODE[learningRate],
      alpha,
      l1Ratio: penalty === 'l2' ? 0 : penalty === 'l1' ? 1 : params.l1Ratio,
      eta0: params.eta0,
      powerT: params.powerT,
      C: params.C,
      optimalInit: learningRate === 'optimal' ? optimalInit(alpha, LINEAR_LOSSES[params.loss].gradient) : 0,
      fitIntercept: params.fitIntercept,
      average: params.average,
    });
    const weighted = params.classWeight.some((w) => w !== 1);
    plan = Object.freeze({ kernel, fastEpoch: unrolledEpochFor(kernel, params.nFeatures, weighted) });
    plans.set(params, plan);
  }
  return plan;
}

/**
 * Where each `learn` call's copies of the state come from. The seed's 10 weights fill 80 bytes, past
 * V8's 64-byte limit for typed arrays on its heap; an off-heap buffer of their own costs about 1 µs,
 * a quarter of the time the epoch takes on a 105-row batch. The slab is small so that a state kept
 * for long (a checkpoint, the gated model) pins little besides itself.
 */
const stateArrays = new TypedArraySlab(16 * 1024);

/** One `partial_fit` call. Returns a new state; `state` and `batch` are left untouched. */
export function learnSgd(params: SgdParams, state: SgdState, batch: LabeledBatch): SgdState {
  return learnWithPlan(params, planOf(params), state, batch);
}

function learnWithPlan(params: SgdParams, plan: SgdPlan, state: SgdState, batch: LabeledBatch): SgdState {
  checkBatch(params, batch);
  const rows = batch.x.rows;
  if (rows === 0) return state;
  const { kernel, fastEpoch } = plan;
  const { nFeatures, nClasses, average, classWeight } = params;
  const problems = problemCount(params);
  const weights = stateArrays.copyFloat64(state.weights);
  const intercepts = stateArrays.copyFloat64(state.intercepts);
  const tBefore = state.t;
  const tAfter = tBefore + rows;
  const x = batch.x.data;
  const labels = batch.y;

  if (fastEpoch !== null) {
    // no averaging: the averaged arrays are empty, so sharing them cannot leak a mutation
    const { averageWeights, averageIntercepts } = state;
    if (problems === 1) {
      fastEpoch(kernel, x, labels, rows, nClasses, 1, classWeight[1], classWeight[0], weights, intercepts, 0, tBefore);
    } else {
      for (let i = 0; i < problems; i++) {
        const w = weights.subarray(i * nFeatures, (i + 1) * nFeatures);
        fastEpoch(kernel, x, labels, rows, nClasses, i, classWeight[i], 1, w, intercepts, i, tBefore);
      }
    }
    return { weights, intercepts, averageWeights, averageIntercepts, t: tAfter };
  }

  const averaged = average > 0;
  const averageWeights = averaged ? stateArrays.copyFloat64(state.averageWeights) : state.averageWeights;
  const averageIntercepts = averaged ? stateArrays.copyFloat64(state.averageIntercepts) : state.averageIntercepts;
  const q = kernel.penaltyCode === PENALTY_CODE.l1 || kernel.penaltyCode === PENALTY_CODE.elasticnet
    ? new Float64Array(nFeatures) : null;
  for (let i = 0; i < problems; i++) {
    const binary = problems === 1;
    const problem: BinaryProblem = {
      x, rows, nFeatures, labels, nClasses,
      positiveClass: binary ? 1 : i,
      weightPos: binary ? classWeight[1] : classWeight[i],
      weightNeg: binary ? classWeight[0] : 1,
    };
    const w = binary ? weights : weights.subarray(i * nFeatures, (i + 1) * nFeatures);
    const aw = !averaged ? null : binary ? averageWeights : averageWeights.subarray(i * nFeatures, (i + 1) * nFeatures);
    const plainIntercept = plainSgdEpoch(kernel, problem, w, aw, q, intercepts[i], averageIntercepts, i, tBefore);
    storePlainIntercept(params, i, plainIntercept, tBefore, tAfter, intercepts, averageIntercepts);
  }
  return { weights, intercepts, averageWeights, averageIntercepts, t: tAfter };
}

/** Where scikit-learn's `_fit_binary` / `_fit_multiclass` keep a new plain intercept (see the file comment). */
function storePlainIntercept(
  params: SgdParams, i: number, plain: number, tBefore: number, tAfter: number, intercepts: Float64Array, averageIntercepts: Float64Array,
): void {
  const { average } = params;
  if (average === 0) {
    intercepts[i] = plain;
  } else if (params.nClasses === 2) {
    if (!(average <= tAfter - 1)) intercepts[i] = plain;
  } else {
    // `intercept_` aliases `_average_intercept` once averaging was in use before this call
    (average <= tBefore - 1 ? averageIntercepts : intercepts)[i] = plain;
  }
}

function checkBatch(params: SgdParams, batch: LabeledBatch): void {
  const { x, y } = batch;
  if (x.cols !== params.nFeatures) {
    throw new Error(`sgd learn: the batch has ${x.cols} feature columns, expected nFeatures = ${params.nFeatures}`);
  }
  if (x.data.length !== x.rows * x.cols) {
    throw new Error(`sgd learn: the batch matrix holds ${x.data.length} values, expected rows × cols = ${x.rows * x.cols}`);
  }
  if (y.length !== x.rows) throw new Error(`sgd learn: the batch has ${x.rows} rows but ${y.length} labels`);
  // labels are range-checked by the epoch loops as they read them (a separate pass costs ~3 %)
}

/** True once scikit-learn reports the averaged coefficients as `coef_` (average ≤ t_ − 1). */
export function averagingActive(params: SgdParams, state: SgdState): boolean {
  return params.average > 0 && params.average <= state.t - 1;
}

/** scikit-learn's `coef_` (problems × nFeatures) and `intercept_`, as views of the state (do not mutate). */
export function sgdCoefficients(params: SgdParams, state: SgdState): { coef: Float64Array; intercept: Float64Array } {
  return averagingActive(params, state)
    ? { coef: state.averageWeights, intercept: state.averageIntercepts }
    : { coef: state.weights, intercept: state.intercepts };
}

/** rows × problems (1 column for two classes) decision values `x·coef + intercept`. */
export function decisionFunctionSgd(params: SgdParams, state: SgdState, x: Matrix): Float64Array {
  const nf = params.nFeatures;
  checkColumns(params, x);
  const { coef, intercept } = sgdCoefficients(params, state);
  const problems = problemCount(params);
  const data = x.data;
  const out = new Float64Array(x.rows * problems);
  for (let r = 0; r < x.rows; r++) {
    const base = r * nf;
    for (let i = 0; i < problems; i++) {
      const offset = i * nf;
      let dot = 0;
      for (let j = 0; j < nf; j++) dot += data[base + j] * coef[offset + j];
      out[r * problems + i] = dot + intercept[i];
    }
  }
  return out;
}

/**
 * rows × nClasses. log_loss: scikit-learn's sigmoid (binary) or OvR-normalised sigmoids; modified_huber:
 * (clip(f, −1, 1) + 1) / 2, normalised for several classes. Other losses get the sigmoid form as a
 * monotone squashing (scikit-learn offers no probabilities for them).
 */
export function predictProbaSgd(params: SgdParams, state: SgdState, x: Matrix): Float64Array {
  const k = params.nClasses;
  if (k === 2) return binaryProbaSgd(params, state, x);
  const scores = decisionFunctionSgd(params, state, x);
  const squash = params.loss === 'modified_huber' ? clippedLinear : sigmoid;
  const out = new Float64Array(x.rows * k);
  for (let r = 0; r < x.rows; r++) {
    const base = r * k;
    let sum = 0;
    for (let c = 0; c < k; c++) sum += out[base + c] = squash(scores[base + c]);
    if (sum === 0) {
      out.fill(1, base, base + k);
      sum = k;
    }
    for (let c = 0; c < k; c++) out[base + c] /= sum;
  }
  return out;
}

/**
 * Where binary probabilities go: training asks for ~100 rows per window, and a Float64Array of that
 * size otherwise gets an off-heap buffer of its own, ~0.5 µs against ~0.1 µs for a slab view.
 */
const probabilityArrays = new TypedArraySlab(64 * 1024);

/**
 * The binary case of `predictProbaSgd` in one pass, without the intermediate decision values (the
 * per-window hot path of training): the same dot products in the same order, so the same bits.
 */
function binaryProbaSgd(params: SgdParams, state: SgdState, x: Matrix): Float64Array {
  checkColumns(params, x);
  const nf = params.nFeatures;
  const { coef, intercept } = sgdCoefficients(params, state);
  const b = intercept[0];
  const huber = params.loss === 'modified_huber';
  const { rows, data } = x;
  const out = probabilityArrays.float64(rows * 2);
  for (let r = 0; r < rows; r++) {
    const base = r * nf;
    let dot = 0;
    for (let j = 0; j < nf; j++) dot += data[base + j] * coef[j];
    const positive = huber ? clippedLinear(dot + b) : sigmoid(dot + b);
    out[2 * r] = 1 - positive;
    out[2 * r + 1] = positive;
  }
  return out;
}

function checkColumns(params: SgdParams, x: Matrix): void {
  if (x.cols !== params.nFeatures) throw new Error(`sgd predict: the matrix has ${x.cols} feature columns, expected nFeatures = ${params.nFeatures}`);
}

function sigmoid(f: number): number {
  return 1 / (1 + Math.exp(-f));
}

function clippedLinear(f: number): number {
  return ((f < -1 ? -1 : f > 1 ? 1 : f) + 1) / 2;
}

/** Class 1 when the decision value is > 0 (two classes), else the first class with the largest value. */
export function predictSgd(params: SgdParams, state: SgdState, x: Matrix): Int32Array {
  const scores = decisionFunctionSgd(params, state, x);
  const problems = problemCount(params);
  const out = new Int32Array(x.rows);
  for (let r = 0; r < x.rows; r++) {
    if (problems === 1) {
      out[r] = scores[r] > 0 ? 1 : 0;
      continue;
    }
    let best = 0;
    for (let c = 1; c < problems; c++) if (scores[r * problems + c] > scores[r * problems + best]) best = c;
    out[r] = best;
  }
  return out;
}

/** Checks a decoded plain value against the shapes `params` imply. */
export function restoreSgd(params: SgdParams, plain: unknown): SgdState {
  if (plain === null || typeof plain !== 'object') throw new Error(`sgd restore: state must be an object, got ${String(plain)}`);
  const record = plain as Record<string, unknown>;
  const problems = problemCount(params);
  const averaged = params.average > 0;
  const shape = `${problems} problem(s) × ${params.nFeatures} features`;
  const expect = (name: string, length: number, what: string): Float64Array => {
    const value = record[name];
    if (!(value instanceof Float64Array)) {
      throw new Error(`sgd restore: ${name} must be a Float64Array, got ${value === undefined ? 'nothing' : value?.constructor?.name ?? typeof value}`);
    }
    if (value.length !== length) throw new Error(`sgd restore: ${name} has ${value.length} values, expected ${length} (${what})`);
    return value;
  };
  const weights = expect('weights', problems * params.nFeatures, shape);
  const intercepts = expect('intercepts', problems, `${problems} problem(s)`);
  const averageWeights = expect('averageWeights', averaged ? problems * params.nFeatures : 0, averaged ? shape : 'no averaging');
  const averageIntercepts = expect('averageIntercepts', averaged ? problems : 0, averaged ? `${problems} problem(s)` : 'no averaging');
  const t = record.t;
  if (typeof t !== 'number' || !Number.isInteger(t) || t < 1) {
    throw new Error(`sgd restore: t must be an integer ≥ 1 (samples seen + 1), got ${String(t)}`);
  }
  for (const [name, values] of [['weights', weights], ['intercepts', intercepts], ['averageWeights', averageWeights], ['averageIntercepts', averageIntercepts]] as const) {
    if (!values.every(Number.isFinite)) throw new Error(`sgd restore: ${name} holds a non-finite value`);
  }
  const extra = Object.keys(record).filter((k) => !['weights', 'intercepts', 'averageWeights', 'averageIntercepts', 't'].includes(k));
  if (extra.length > 0) throw new Error(`sgd restore: unexpected field(s) ${extra.join(', ')}`);
  return { weights, intercepts, averageWeights, averageIntercepts, t };
}
