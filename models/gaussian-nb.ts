/**
 * Gaussian naive Bayes, learned online exactly as scikit-learn's `GaussianNB.partial_fit` learns it:
 * per-class means and variances merged batch by batch (Chan, Golub & LeVeque), variances smoothed by
 * `epsilon = varSmoothing × (largest feature variance of the current batch)`.
 *
 * scikit-learn keeps the smoothed variance (`var_`) and, on every later call, subtracts the epsilon
 * of the *new* batch before merging and adds it back afterwards. The epsilons of different batches
 * therefore do not cancel and the stored variance drifts by their differences; this module
 * reproduces that, so its state matches `theta_`, `var_` and `class_count_` call for call.
 * One consequence: a one-row batch has zero variance, hence epsilon 0, so learning row by row is
 * not the same as learning the rows as one batch unless `varSmoothing` is 0.
 *
 * Where scikit-learn's probabilities are NaN (a class with a zero variance), this module deviates:
 * see `scoresOrPriors`.
 */
import type { Classifier, LabeledBatch, Matrix } from './types';
import {
  fail, nonNegativeNumber, positiveInteger, requireColumns, requireKnownKeys, requireLabels, requireOptions, stateFloat64, stateNumber,
  stateRecord,
} from './validate';

const OPTION_NAMES = ['nFeatures', 'nClasses', 'varSmoothing', 'priors'];
const OWNER = 'gaussianNB';

export interface GaussianNbOptions {
  nFeatures: number;
  /** Default 2. */
  nClasses?: number;
  /** Fraction of the largest feature variance added to every variance; default 1e-9. */
  varSmoothing?: number;
  /** Fixed class priors (non-negative, summing to 1); default: the empirical class frequencies. */
  priors?: readonly number[];
}

export type GaussianNbParams = {
  readonly nFeatures: number;
  readonly nClasses: number;
  readonly varSmoothing: number;
  readonly priors: readonly number[] | null;
};

export interface GaussianNbState {
  /** `class_count_`: rows seen per class. */
  readonly classCount: Float64Array;
  /** `theta_`: per-class feature means, `nClasses × nFeatures` row-major. */
  readonly theta: Float64Array;
  /** `var_`: per-class feature variances including the current epsilon, `nClasses × nFeatures`. */
  readonly variance: Float64Array;
  /**
   * `epsilon_`: the smoothing the last non-empty batch added to every variance. Kept for inspection
   * and parity: the next batch subtracts its own epsilon, not this one, as scikit-learn does.
   */
  readonly epsilon: number;
}

export function gaussianNbParams(options: GaussianNbOptions): GaussianNbParams {
  const o = requireOptions(OWNER, options);
  requireKnownKeys(OWNER, o, OPTION_NAMES);
  const nFeatures = positiveInteger(OWNER, 'nFeatures', o.nFeatures);
  const nClasses = positiveInteger(OWNER, 'nClasses', o.nClasses ?? 2, 2);
  const varSmoothing = nonNegativeNumber(OWNER, 'varSmoothing', o.varSmoothing ?? 1e-9);
  let priors: readonly number[] | null = null;
  if (o.priors !== undefined) {
    const p = o.priors;
    if (!Array.isArray(p) || p.length !== nClasses) fail(OWNER, 'priors', `an array of nClasses = ${nClasses} numbers`, p);
    if (!p.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)) {
      throw new Error(`${OWNER}: priors must be finite numbers ≥ 0, got [${p.join(', ')}]`);
    }
    const sum = (p as number[]).reduce((a, b) => a + b, 0);
    // numpy.isclose(sum, 1), as scikit-learn checks it.
    if (!(Math.abs(sum - 1) <= 1e-8 + 1e-5)) throw new Error(`${OWNER}: priors must sum to 1 (within 1e-5), got a sum of ${sum}`);
    priors = Object.freeze([...(p as number[])]);
  }
  return Object.freeze({ nFeatures, nClasses, varSmoothing, priors });
}

export function initGaussianNb(params: GaussianNbParams): GaussianNbState {
  const size = params.nClasses * params.nFeatures;
  return { classCount: new Float64Array(params.nClasses), theta: new Float64Array(size), variance: new Float64Array(size), epsilon: 0 };
}

/** Largest per-feature population variance of the batch (numpy `var(X, axis=0).max()`). */
function largestFeatureVariance(x: Matrix): number {
  const { rows, cols, data } = x;
  const mean = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) mean[c] += data[base + c];
  }
  for (let c = 0; c < cols; c++) mean[c] /= rows;
  const ssd = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      const d = data[base + c] - mean[c];
      ssd[c] += d * d;
    }
  }
  let largest = -Infinity;
  for (let c = 0; c < cols; c++) largest = Math.max(largest, ssd[c] / rows);
  return largest;
}

export function learnGaussianNb(params: GaussianNbParams, state: GaussianNbState, batch: LabeledBatch): GaussianNbState {
  const { nFeatures, nClasses } = params;
  const { x, y } = batch;
  requireColumns(OWNER, x, nFeatures);
  requireLabels(OWNER, y, x.rows, nClasses);
  if (x.rows === 0) return state;

  const epsilon = params.varSmoothing * largestFeatureVariance(x);
  const firstCall = state.classCount.every((n) => n === 0);
  const classCount = state.classCount.slice();
  const theta = state.theta.slice();
  const variance = state.variance.slice();
  if (!firstCall) for (let k = 0; k < variance.length; k++) variance[k] -= epsilon;

  // Mean and population variance of each class's new rows, two-pass as numpy computes them.
  const newCount = new Float64Array(nClasses);
  const newMean = new Float64Array(nClasses * nFeatures);
  const newVar = new Float64Array(nClasses * nFeatures);
  const { rows, data } = x;
  for (let r = 0; r < rows; r++) {
    const base = y[r] * nFeatures;
    const row = r * nFeatures;
    newCount[y[r]]++;
    for (let j = 0; j < nFeatures; j++) newMean[base + j] += data[row + j];
  }
  for (let c = 0; c < nClasses; c++) {
    if (newCount[c] === 0) continue;
    for (let j = 0; j < nFeatures; j++) newMean[c * nFeatures + j] /= newCount[c];
  }
  for (let r = 0; r < rows; r++) {
    const base = y[r] * nFeatures;
    const row = r * nFeatures;
    for (let j = 0; j < nFeatures; j++) {
      const d = data[row + j] - newMean[base + j];
      newVar[base + j] += d * d;
    }
  }

  for (let c = 0; c < nClasses; c++) {
    const nNew = newCount[c];
    if (nNew === 0) continue;
    const nPast = classCount[c];
    const nTotal = nPast + nNew;
    for (let j = 0; j < nFeatures; j++) {
      const k = c * nFeatures + j;
      const muNew = newMean[k];
      const varNew = newVar[k] / nNew;
      if (nPast === 0) {
        theta[k] = muNew;
        variance[k] = varNew;
      } else {
        const mu = theta[k];
        const delta = mu - muNew;
        theta[k] = (nNew * muNew + nPast * mu) / nTotal;
        variance[k] = (nPast * variance[k] + nNew * varNew + ((nNew * nPast) / nTotal) * (delta * delta)) / nTotal;
      }
    }
    classCount[c] = nTotal;
  }
  for (let k = 0; k < variance.length; k++) variance[k] += epsilon;
  return { classCount, theta, variance, epsilon };
}

/** Class priors: the fixed ones, else the class frequencies, else (nothing learned) uniform. */
function classPriors(params: GaussianNbParams, state: GaussianNbState): Float64Array {
  const { nClasses } = params;
  if (params.priors) return Float64Array.from(params.priors);
  let total = 0;
  for (let c = 0; c < nClasses; c++) total += state.classCount[c];
  return total === 0 ? new Float64Array(nClasses).fill(1 / nClasses) : state.classCount.map((n) => n / total);
}

/** `rows × nClasses` joint log likelihoods log P(c) + log P(x | c), as scikit-learn's `_joint_log_likelihood`. */
export function jointLogLikelihoodGaussianNb(params: GaussianNbParams, state: GaussianNbState, x: Matrix): Float64Array {
  const { nFeatures, nClasses } = params;
  requireColumns(OWNER, x, nFeatures);
  const logPrior = classPriors(params, state).map(Math.log);
  const normaliser = new Float64Array(nClasses);
  for (let c = 0; c < nClasses; c++) {
    let s = 0;
    for (let j = 0; j < nFeatures; j++) s += Math.log(2 * Math.PI * state.variance[c * nFeatures + j]);
    normaliser[c] = -0.5 * s;
  }
  const { rows, data } = x;
  const { theta, variance } = state;
  const out = new Float64Array(rows * nClasses);
  for (let r = 0; r < rows; r++) {
    const row = r * nFeatures;
    for (let c = 0; c < nClasses; c++) {
      const base = c * nFeatures;
      let s = 0;
      for (let j = 0; j < nFeatures; j++) {
        const d = data[row + j] - theta[base + j];
        s += (d * d) / variance[base + j];
      }
      out[r * nClasses + c] = logPrior[c] + (normaliser[c] - 0.5 * s);
    }
  }
  return out;
}

/**
 * Joint log likelihoods fit to normalise. A class with a zero variance (nothing learned yet, a
 * single row so far, or `varSmoothing` 0) scores NaN, where scikit-learn returns NaN probabilities;
 * such a class counts as impossible here, and a row no class can score (no finite maximum) gets
 * the class priors instead, so that every row is a distribution.
 */
function scoresOrPriors(params: GaussianNbParams, state: GaussianNbState, x: Matrix): { scores: Float64Array; fallback: Uint8Array } {
  const { nClasses } = params;
  const scores = jointLogLikelihoodGaussianNb(params, state, x);
  const fallback = new Uint8Array(x.rows);
  let priors: Float64Array | null = null;
  for (let r = 0; r < x.rows; r++) {
    const base = r * nClasses;
    let max = -Infinity;
    for (let c = 0; c < nClasses; c++) {
      if (Number.isNaN(scores[base + c])) scores[base + c] = -Infinity;
      max = Math.max(max, scores[base + c]);
    }
    if (max > -Infinity) continue;
    priors ??= classPriors(params, state);
    scores.set(priors, base);
    fallback[r] = 1;
  }
  return { scores, fallback };
}

export function predictProbaGaussianNb(params: GaussianNbParams, state: GaussianNbState, x: Matrix): Float64Array {
  const { nClasses } = params;
  const { scores: out, fallback } = scoresOrPriors(params, state, x);
  for (let r = 0; r < x.rows; r++) {
    if (fallback[r]) continue;
    // exp(jll − logsumexp(jll)), as scikit-learn's predict_proba.
    const base = r * nClasses;
    let max = -Infinity;
    for (let c = 0; c < nClasses; c++) max = Math.max(max, out[base + c]);
    let sum = 0;
    for (let c = 0; c < nClasses; c++) sum += Math.exp(out[base + c] - max);
    const logNormaliser = Math.log(sum) + max;
    for (let c = 0; c < nClasses; c++) out[base + c] = Math.exp(out[base + c] - logNormaliser);
  }
  return out;
}

/** Arg-max of the joint log likelihood (the first class on ties), as scikit-learn predicts. */
export function predictGaussianNb(params: GaussianNbParams, state: GaussianNbState, x: Matrix): Int32Array {
  const { nClasses } = params;
  const { scores } = scoresOrPriors(params, state, x);
  const out = new Int32Array(x.rows);
  for (let r = 0; r < x.rows; r++) {
    let best = 0;
    for (let c = 1; c < nClasses; c++) if (scores[r * nClasses + c] > scores[r * nClasses + best]) best = c;
    out[r] = best;
  }
  return out;
}

export function restoreGaussianNb(params: GaussianNbParams, plain: unknown): GaussianNbState {
  const owner = OWNER;
  const s = stateRecord(owner, plain);
  const size = params.nClasses * params.nFeatures;
  const classCount = stateFloat64(owner, s, 'classCount', params.nClasses);
  if (!classCount.every((n) => Number.isInteger(n) && n >= 0)) {
    throw new TypeError(`${owner}.restore: state.classCount must hold whole numbers ≥ 0, got [${Array.from(classCount).join(', ')}]`);
  }
  return {
    classCount,
    theta: stateFloat64(owner, s, 'theta', size),
    variance: stateFloat64(owner, s, 'variance', size),
    epsilon: stateNumber(owner, s, 'epsilon', 'a finite number ≥ 0', (n) => Number.isFinite(n) && n >= 0),
  };
}

export function gaussianNB(options: GaussianNbOptions): Classifier<GaussianNbState> {
  const params = gaussianNbParams(options);
  return Object.freeze({
    kind: 'gaussian-nb',
    params,
    nFeatures: params.nFeatures,
    nClasses: params.nClasses,
    probabilistic: true,
    init: () => initGaussianNb(params),
    learn: (state: GaussianNbState, batch: LabeledBatch) => learnGaussianNb(params, state, batch),
    predictProba: (state: GaussianNbState, x: Matrix) => predictProbaGaussianNb(params, state, x),
    predict: (state: GaussianNbState, x: Matrix) => predictGaussianNb(params, state, x),
    restore: (plain: unknown) => restoreGaussianNb(params, plain),
  });
}
