/**
 * Bayesian online logistic regression: a diagonal Gaussian posterior N(μ, diag(s²)) over the
 * weights and the bias, updated row by row by assumed density filtering (ADF) — after each row the
 * exact posterior is projected back onto a diagonal Gaussian by matching moments (Opper, "A Bayesian
 * approach to on-line learning", in On-Line Learning in Neural Networks, 1998).
 *
 * The logistic likelihood σ(y·a) of the logit a = w·x has no closed-form moments, so it is replaced
 * by the probit Φ(y·a/β) with β = 1.702, the classic scaling under which Φ(a/β) stays within 0.0095
 * of σ(a) everywhere (β = √(8/π), which matches the slope at 0 instead, is 0.018 off and shrinks the
 * learned weights by several per cent).
 * The moment-matching update is then the one of AdPredictor (Graepel, Quiñonero Candela, Borchert
 * & Herbrich, "Web-scale Bayesian click-through rate prediction for sponsored search advertising in
 * Microsoft's Bing search engine", ICML 2010), for real-valued features:
 *
 *   m = μ·x,  v = Σⱼ sⱼ² xⱼ²,  Σ² = β² + v,  t = y·m/Σ,  𝒱 = φ(t)/Φ(t),  𝒲 = 𝒱(𝒱 + t)
 *   μⱼ ← μⱼ + y · sⱼ² xⱼ · 𝒱/Σ,   sⱼ² ← sⱼ² · (1 − sⱼ² xⱼ² · 𝒲/Σ²)
 *
 * Variances only shrink (0 < 𝒲 < 1). For drift, `driftVariance` adds to every variance once per
 * window before learning it (a random-walk prior on the weights), so old evidence fades.
 *
 * Predictions integrate the logit over the posterior with the probit approximation
 * p(y = 1 | x) ≈ σ(m / √(1 + π v / 8)) (MacKay, "The evidence framework applied to classification
 * networks", 1992): an input the posterior knows little about (large v) is pulled towards ½.
 * For more than two classes every class gets its own one-vs-rest posterior, and the class
 * probabilities are those of the binary problems, normalised.
 */
import { argMaxRows } from './arg-max';
import type { Classifier, LabeledBatch, Matrix } from './types';
import { inverseMillsRatio } from './probit';
import {
  fail, nonNegativeNumber, positiveInteger, requireColumns, requireKnownKeys, requireLabels, requireOptions, stateFloat64, stateRecord,
} from './validate';

const OWNER = 'bayesianLogistic';
const OPTION_NAMES = ['nFeatures', 'nClasses', 'priorVariance', 'driftVariance'];
/** β² of the probit likelihood Φ(a/β) that stands in for σ(a) (see the file comment). */
const PROBIT_SCALE_SQUARED = 1.702 * 1.702;
const PI_OVER_8 = Math.PI / 8;

export interface BayesianLogisticOptions {
  nFeatures: number;
  /** Default 2; more classes are learned one-vs-rest. */
  nClasses?: number;
  /** Prior variance of every weight and the bias (prior mean 0); default 1. */
  priorVariance?: number;
  /** Added to every posterior variance at the start of each non-empty window; default 0 (no drift). */
  driftVariance?: number;
}

export interface BayesianLogisticParams {
  readonly nFeatures: number;
  readonly nClasses: number;
  readonly priorVariance: number;
  readonly driftVariance: number;
}

/**
 * One block of `nFeatures + 1` values per binary problem (1 for two classes, else one per class):
 * the weights, then the bias.
 */
export interface BayesianLogisticState {
  readonly mean: Float64Array;
  readonly variance: Float64Array;
}

export interface BayesianLogisticClassifier extends Classifier<BayesianLogisticState> {
  /** rows × problems: the posterior variance of each row's logit (problems = 1 for two classes). */
  predictiveUncertainty(state: BayesianLogisticState, x: Matrix): Float64Array;
}

export function bayesianLogisticParams(options: BayesianLogisticOptions): BayesianLogisticParams {
  const o = requireOptions(OWNER, options);
  requireKnownKeys(OWNER, o, OPTION_NAMES);
  const priorVariance = o.priorVariance ?? 1;
  if (typeof priorVariance !== 'number' || !Number.isFinite(priorVariance) || !(priorVariance > 0)) {
    fail(OWNER, 'priorVariance', 'a finite number > 0', priorVariance);
  }
  return Object.freeze({
    nFeatures: positiveInteger(OWNER, 'nFeatures', o.nFeatures),
    nClasses: positiveInteger(OWNER, 'nClasses', o.nClasses ?? 2, 2),
    priorVariance,
    driftVariance: nonNegativeNumber(OWNER, 'driftVariance', o.driftVariance ?? 0),
  });
}

function problemCount(params: BayesianLogisticParams): number {
  return params.nClasses === 2 ? 1 : params.nClasses;
}

function stateLength(params: BayesianLogisticParams): number {
  return problemCount(params) * (params.nFeatures + 1);
}

export function initBayesianLogistic(params: BayesianLogisticParams): BayesianLogisticState {
  const length = stateLength(params);
  return { mean: new Float64Array(length), variance: new Float64Array(length).fill(params.priorVariance) };
}

/** Row-by-row ADF over the window, after the window's variance inflation. Returns a new state. */
export function learnBayesianLogistic(params: BayesianLogisticParams, state: BayesianLogisticState, batch: LabeledBatch): BayesianLogisticState {
  const { nFeatures, nClasses, driftVariance } = params;
  const { x, y } = batch;
  requireColumns(OWNER, x, nFeatures);
  requireLabels(OWNER, y, x.rows, nClasses);
  if (x.rows === 0) return state;
  const mean = state.mean.slice();
  const variance = state.variance.slice();
  if (driftVariance > 0) for (let k = 0; k < variance.length; k++) variance[k] += driftVariance;
  const problems = problemCount(params);
  const width = nFeatures + 1;
  const data = x.data;
  for (let r = 0; r < x.rows; r++) {
    const row = r * nFeatures;
    for (let p = 0; p < problems; p++) {
      const sign = (problems === 1 ? y[r] === 1 : y[r] === p) ? 1 : -1;
      const base = p * width;
      const bias = base + nFeatures;
      let m = mean[bias];
      let v = variance[bias];
      for (let j = 0; j < nFeatures; j++) {
        const xj = data[row + j];
        m += mean[base + j] * xj;
        v += variance[base + j] * xj * xj;
      }
      const total = PROBIT_SCALE_SQUARED + v;
      const spread = Math.sqrt(total);
      const t = (sign * m) / spread;
      const shift = inverseMillsRatio(t);
      // In (0, 1) in exact arithmetic; clamped so rounding cannot make a variance negative.
      const shrink = Math.min(1, Math.max(0, shift * (shift + t)));
      const meanStep = (sign * shift) / spread;
      const varianceStep = shrink / total;
      for (let j = 0; j < nFeatures; j++) {
        const xj = data[row + j];
        const s2 = variance[base + j];
        mean[base + j] += meanStep * s2 * xj;
        variance[base + j] = s2 * (1 - varianceStep * s2 * xj * xj);
      }
      const s2 = variance[bias];
      mean[bias] += meanStep * s2;
      variance[bias] = s2 * (1 - varianceStep * s2);
    }
  }
  return { mean, variance };
}

/** rows × problems means and variances of the logit w·x + b under the posterior. */
export function logitMoments(params: BayesianLogisticParams, state: BayesianLogisticState, x: Matrix): { mean: Float64Array; variance: Float64Array } {
  const { nFeatures } = params;
  requireColumns(OWNER, x, nFeatures);
  const problems = problemCount(params);
  const width = nFeatures + 1;
  const outMean = new Float64Array(x.rows * problems);
  const outVariance = new Float64Array(x.rows * problems);
  const data = x.data;
  for (let r = 0; r < x.rows; r++) {
    const row = r * nFeatures;
    for (let p = 0; p < problems; p++) {
      const base = p * width;
      let m = state.mean[base + nFeatures];
      let v = state.variance[base + nFeatures];
      for (let j = 0; j < nFeatures; j++) {
        const xj = data[row + j];
        m += state.mean[base + j] * xj;
        v += state.variance[base + j] * xj * xj;
      }
      outMean[r * problems + p] = m;
      outVariance[r * problems + p] = v;
    }
  }
  return { mean: outMean, variance: outVariance };
}

/** σ(m / √(1 + πv/8)): the logistic likelihood averaged over a N(m, v) logit. */
function moderatedSigmoid(m: number, v: number): number {
  return 1 / (1 + Math.exp(-m / Math.sqrt(1 + PI_OVER_8 * v)));
}

/** rows × nClasses predictive probabilities (binary: [1 − p, p]; more classes: normalised one-vs-rest). */
export function predictProbaBayesianLogistic(params: BayesianLogisticParams, state: BayesianLogisticState, x: Matrix): Float64Array {
  const { mean, variance } = logitMoments(params, state, x);
  const k = params.nClasses;
  const out = new Float64Array(x.rows * k);
  if (k === 2) {
    for (let r = 0; r < x.rows; r++) {
      const p = moderatedSigmoid(mean[r], variance[r]);
      out[2 * r] = 1 - p;
      out[2 * r + 1] = p;
    }
    return out;
  }
  for (let r = 0; r < x.rows; r++) {
    const base = r * k;
    let sum = 0;
    for (let c = 0; c < k; c++) sum += out[base + c] = moderatedSigmoid(mean[base + c], variance[base + c]);
    if (sum === 0) {
      out.fill(1, base, base + k);
      sum = k;
    }
    for (let c = 0; c < k; c++) out[base + c] /= sum;
  }
  return out;
}

/** The first most probable class of each row. */
export function predictBayesianLogistic(params: BayesianLogisticParams, state: BayesianLogisticState, x: Matrix): Int32Array {
  return argMaxRows(predictProbaBayesianLogistic(params, state, x), x.rows, params.nClasses);
}

export function restoreBayesianLogistic(params: BayesianLogisticParams, plain: unknown): BayesianLogisticState {
  const record = stateRecord(OWNER, plain);
  const length = stateLength(params);
  const mean = stateFloat64(OWNER, record, 'mean', length);
  const variance = stateFloat64(OWNER, record, 'variance', length);
  const bad = variance.findIndex((s2) => !(s2 >= 0 && s2 < Infinity));
  if (bad >= 0) throw new TypeError(`${OWNER}.restore: state.variance[${bad}] must be a finite number ≥ 0, got ${variance[bad]}`);
  return { mean, variance };
}

export function bayesianLogistic(options: BayesianLogisticOptions): BayesianLogisticClassifier {
  const params = bayesianLogisticParams(options);
  return Object.freeze({
    kind: 'bayesian-logistic',
    params: params as unknown as Readonly<Record<string, unknown>>,
    nFeatures: params.nFeatures,
    nClasses: params.nClasses,
    probabilistic: true,
    init: () => initBayesianLogistic(params),
    learn: (state: BayesianLogisticState, batch: LabeledBatch) => learnBayesianLogistic(params, state, batch),
    predictProba: (state: BayesianLogisticState, x: Matrix) => predictProbaBayesianLogistic(params, state, x),
    predict: (state: BayesianLogisticState, x: Matrix) => predictBayesianLogistic(params, state, x),
    restore: (plain: unknown) => restoreBayesianLogistic(params, plain),
    predictiveUncertainty: (state: BayesianLogisticState, x: Matrix) => logitMoments(params, state, x).variance,
  });
}
