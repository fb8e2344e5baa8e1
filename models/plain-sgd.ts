/**
 * One epoch of scikit-learn's `_plain_sgd` (1.7, dense float64 data, no shuffling, no early stopping)
 * for one binary problem, on caller-owned arrays that it updates in place. The operations and their
 * order follow the Cython source, including `WeightVector`'s lazy representations: the weights are
 * `wscale · w` and the averaged weights are `(aw + averageA · w) / averageB` until `reset_wscale`
 * folds them back, which happens when `wscale` drops below 1e-9 and at the end of the epoch.
 */
import * as losses from './linear-losses';
import type { LinearLossName } from './linear-losses';
import * as rates from './learning-rates';
import { foldAverage, foldScale, truncateL1 } from './weight-vector';
import { allFinite } from './all-finite';

export const LOSS_CODE: Readonly<Record<LinearLossName, number>> = Object.freeze({
  log_loss: 0, hinge: 1, modified_huber: 2, squared_hinge: 3, perceptron: 4,
});
export const PENALTY_CODE = Object.freeze({ none: 0, l1: 1, l2: 2, elasticnet: 3 });
export const RATE_CODE = Object.freeze({ constant: 1, optimal: 2, invscaling: 3, pa1: 5, pa2: 6 });

const LOG = 0, HINGE = 1, MODIFIED_HUBER = 2, SQUARED_HINGE = 3;
const L1 = 1, L2 = 2, ELASTICNET = 3;
const OPTIMAL = 2, INVSCALING = 3, PA1 = 5;
const RESET_WSCALE_BELOW = 1e-9;

// Module-local aliases for the per-row calls: when tsx runs this file as CommonJS every imported
// binding is a getter call, which costs ~10 % of the loop; plain local functions inline cleanly.
const { clipDloss, hingeLoss, hingeGradient, logGradient, modifiedHuberGradient, perceptronGradient, squaredHingeGradient } = losses;
const { invscalingEta, optimalEta } = rates;

/** Hyperparameters of the epoch, resolved to the numeric codes the loop branches on. */
export interface SgdKernel {
  readonly lossCode: number;
  readonly penaltyCode: number;
  readonly rateCode: number;
  readonly alpha: number;
  /** The effective ratio: 0 for l2, 1 for l1, the option for elasticnet. */
  readonly l1Ratio: number;
  readonly eta0: number;
  readonly powerT: number;
  readonly C: number;
  /** Bottou's offset for the `optimal` rate (unused otherwise). */
  readonly optimalInit: number;
  readonly fitIntercept: boolean;
  /** Averaging starts once `t` reaches this; 0 means no averaging. */
  readonly average: number;
}

/** The rows of one batch seen as a binary problem: `labels[r] === positiveClass` means y = +1. */
export interface BinaryProblem {
  readonly x: Float64Array;
  readonly rows: number;
  readonly nFeatures: number;
  /** Checked by the loop: a label outside 0 … nClasses − 1 throws. */
  readonly labels: Int32Array;
  readonly nClasses: number;
  readonly positiveClass: number;
  readonly weightPos: number;
  readonly weightNeg: number;
}

/**
 * Runs one epoch and returns the new intercept. `w` and `aw` (averaged weights, or null without
 * averaging) hold one problem's coefficients; with averaging, `averageIntercepts[index]` is read and
 * updated too. `q` is the L1 scratch (zeroed here: each scikit-learn call starts with fresh q and u).
 * `t` is scikit-learn's `t_` at the start of the call.
 */
export function plainSgdEpoch(
  k: SgdKernel, problem: BinaryProblem, w: Float64Array, aw: Float64Array | null, q: Float64Array | null,
  intercept: number, averageIntercepts: Float64Array, index: number, t: number,
): number {
  const { lossCode, penaltyCode, rateCode, alpha, eta0, powerT, C, optimalInit, fitIntercept, average } = k;
  const { x, rows, nFeatures: nf, labels, nClasses, positiveClass, weightPos, weightNeg } = problem;
  const l1Ratio = k.l1Ratio;
  const usesL1 = penaltyCode === L1 || penaltyCode === ELASTICNET;
  const scalesWeights = penaltyCode >= L2;
  if (usesL1) q!.fill(0);
  let averageIntercept = aw === null ? 0 : averageIntercepts[index];
  let wscale = 1;
  let averageA = 0;
  let averageB = 1;
  let u = 0;
  let eta = eta0;

  for (let r = 0; r < rows; r++) {
    const base = r * nf;
    const p = dotRow(w, x, base, nf) * wscale + intercept;
    if (!(p - p === 0)) throw nonFiniteError(r, p);
    if (rateCode === OPTIMAL) eta = optimalEta(alpha, optimalInit, t);
    else if (rateCode === INVSCALING) eta = invscalingEta(eta0, powerT, t);
    const label = labels[r];
    if (label >>> 0 >= nClasses) throw labelError(r, label, nClasses);
    const y = label === positiveClass ? 1 : -1;

    let update: number;
    if (rateCode >= PA1) {
      let sqnorm = 0;
      for (let j = 0; j < nf; j++) {
        const z = x[base + j];
        sqnorm += z * z;
      }
      if (rateCode === PA1) {
        // scikit-learn skips a zero row entirely, without counting it in t
        if (sqnorm === 0) continue;
        const step = hingeLoss(p, y) / sqnorm;
        update = step < C ? step : C;
      } else {
        update = hingeLoss(p, y) / (sqnorm + 0.5 / C);
      }
      update *= y;
    } else {
      update = -eta * lossGradient(lossCode, p, y);
    }
    update *= y > 0 ? weightPos : weightNeg;

    if (scalesWeights) {
      const factor = 1 - (1 - l1Ratio) * eta * alpha;
      wscale *= factor > 0 ? factor : 0;
      if (wscale < RESET_WSCALE_BELOW) {
        foldAverage(w, aw, nf, averageA, averageB);
        averageA = 0;
        averageB = 1;
        foldScale(w, nf, wscale);
        wscale = 1;
      }
    }
    if (update !== 0) {
      addRow(w, x, base, nf, update / wscale);
      if (fitIntercept) intercept += update;
    }

    if (average > 0 && average <= t) {
      const numIter = t - average + 1;
      const mu = 1 / numIter;
      if (update !== 0) {
        const step = -update / wscale;
        for (let j = 0; j < nf; j++) aw![j] += averageA * x[base + j] * step;
      }
      if (numIter > 1) averageB /= 1 - mu;
      averageA += mu * averageB * wscale;
      averageIntercept += (intercept - averageIntercept) / numIter;
    }

    if (usesL1) {
      u += l1Ratio * eta * alpha;
      truncateL1(w, q!, nf, wscale, u);
    }
    t += 1;
  }

  foldAverage(w, aw, nf, averageA, averageB);
  foldScale(w, nf, wscale);
  // scikit-learn's end-of-epoch under-/overflow check
  if (!Number.isFinite(intercept) || !allFinite(w, nf)) throw overflowError();
  if (aw !== null) averageIntercepts[index] = averageIntercept;
  return intercept;
}

/**
 * w · x[base …] summed left to right from 0, as scikit-learn's `WeightVector.dot`; unrolled by 4
 * (the order of the additions, hence every rounding, is unchanged) because this chain of additions
 * is the loop's critical path.
 */
function dotRow(w: Float64Array, x: Float64Array, base: number, nf: number): number {
  const unrolled = nf & ~3;
  let sum = 0;
  let j = 0;
  for (; j < unrolled; j += 4) {
    sum += w[j] * x[base + j];
    sum += w[j + 1] * x[base + j + 1];
    sum += w[j + 2] * x[base + j + 2];
    sum += w[j + 3] * x[base + j + 3];
  }
  for (; j < nf; j++) sum += w[j] * x[base + j];
  return sum;
}

/** w += x[base …] · step, as `WeightVector.add` (with step = c / wscale); unrolled like `dotRow`. */
function addRow(w: Float64Array, x: Float64Array, base: number, nf: number, step: number): void {
  const unrolled = nf & ~3;
  let j = 0;
  for (; j < unrolled; j += 4) {
    w[j] += x[base + j] * step;
    w[j + 1] += x[base + j + 1] * step;
    w[j + 2] += x[base + j + 2] * step;
    w[j + 3] += x[base + j + 3] * step;
  }
  for (; j < nf; j++) w[j] += x[base + j] * step;
}

export function lossGradient(lossCode: number, p: number, y: number): number {
  switch (lossCode) {
    case LOG: return clipDloss(logGradient(p, y));
    case HINGE: return clipDloss(hingeGradient(p, y));
    case MODIFIED_HUBER: return clipDloss(modifiedHuberGradient(p, y));
    case SQUARED_HINGE: return clipDloss(squaredHingeGradient(p, y));
    default: return clipDloss(perceptronGradient(p, y));
  }
}

export function labelError(row: number, label: number, nClasses: number): Error {
  return new Error(`sgd learn: label ${label} at row ${row} is outside 0..${nClasses - 1} (nClasses = ${nClasses})`);
}

export function overflowError(): Error {
  return new Error('sgd learn: floating-point overflow in the weights; scaling the features (e.g. with MinMax) may help');
}

export function nonFiniteError(row: number, p: number): Error {
  return new Error(
    `sgd learn: row ${row} of the batch gives the decision value ${p}; the batch holds NaN or ±Infinity, `
    + 'or the weights overflowed (scaling the features, e.g. with MinMax, may help)',
  );
}
