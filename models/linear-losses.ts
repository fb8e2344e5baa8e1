/**
 * The classification losses of scikit-learn's `_sgd_fast` (1.7), as functions of the decision value
 * `p = w·x + b` and the label `y ∈ {-1, +1}`. The formulas and branch boundaries are copied from the
 * Cython source so that the SGD core rounds like scikit-learn does:
 * - `hinge` is `Hinge(threshold = 1)` and `perceptron` is `Hinge(threshold = 0)` (the same class);
 * - `log_loss` is `CyHalfBinomialLoss`, which scikit-learn feeds labels in {0, 1}; it is written here
 *   for y = ±1 with exactly the same operations;
 * - `dloss` is the gradient after the ±1e12 clipping `_plain_sgd` applies; `gradient` is the raw one
 *   (Bottou's initial rate for `optimal` uses the raw gradient);
 * - `exp` is glibc's (see libm-exp.ts), the one scikit-learn's Cython calls, not V8's `Math.exp`.
 */
import * as libm from './libm-exp';

// A module-local alias: when tsx runs this file as CommonJS an imported binding is a getter call on
// every use, which the per-row gradient should not pay (see plain-sgd.ts).
const { libmExp } = libm;

export type LinearLossName = 'log_loss' | 'hinge' | 'modified_huber' | 'squared_hinge' | 'perceptron';

export interface LinearLoss {
  readonly loss: (p: number, y: number) => number;
  /** Raw derivative of `loss` with respect to `p`, as `cy_gradient`. */
  readonly gradient: (p: number, y: number) => number;
  /** `gradient` clipped to ±`MAX_DLOSS`, the value `_plain_sgd` turns into an update. */
  readonly dloss: (p: number, y: number) => number;
}

/** `_plain_sgd` clips the gradient to this magnitude to avoid numerical blow-ups. */
export const MAX_DLOSS = 1e12;

export function clipDloss(gradient: number): number {
  if (gradient < -MAX_DLOSS) return -MAX_DLOSS;
  if (gradient > MAX_DLOSS) return MAX_DLOSS;
  return gradient;
}

/** log(1 + e^x) with the branch points of scikit-learn's `log1pexp`. */
function log1pexp(x: number): number {
  if (x <= -37) return libmExp(x);
  if (x <= -2) return Math.log1p(libmExp(x));
  if (x <= 18) return Math.log(1 + libmExp(x));
  if (x <= 33.3) return x + libmExp(-x);
  return x;
}

export function logLoss(p: number, y: number): number {
  return y > 0 ? log1pexp(p) - p : log1pexp(p);
}

/** expit(p) − y01, in the branch form of `cgradient_half_binomial` (y01 = 1 for y = +1, else 0). */
export function logGradient(p: number, y: number): number {
  if (p > -37) {
    const e = libmExp(-p);
    // ((1 − y01) − y01 · e) / (1 + e) with y01 ∈ {0, 1}: the same operations minus the exact × 0 / × 1
    return y > 0 ? -e / (1 + e) : 1 / (1 + e);
  }
  const e = libmExp(p);
  return y > 0 ? e - 1 : e;
}

export function hingeLoss(p: number, y: number): number {
  const z = p * y;
  return z <= 1 ? 1 - z : 0;
}

export function hingeGradient(p: number, y: number): number {
  return p * y <= 1 ? -y : 0;
}

export function perceptronLoss(p: number, y: number): number {
  const z = p * y;
  return z <= 0 ? 0 - z : 0;
}

export function perceptronGradient(p: number, y: number): number {
  return p * y <= 0 ? -y : 0;
}

export function squaredHingeLoss(p: number, y: number): number {
  const z = 1 - p * y;
  return z > 0 ? z * z : 0;
}

export function squaredHingeGradient(p: number, y: number): number {
  const z = 1 - p * y;
  return z > 0 ? -2 * y * z : 0;
}

export function modifiedHuberLoss(p: number, y: number): number {
  const z = p * y;
  if (z >= 1) return 0;
  if (z >= -1) return (1 - z) * (1 - z);
  return -4 * z;
}

export function modifiedHuberGradient(p: number, y: number): number {
  const z = p * y;
  if (z >= 1) return 0;
  if (z >= -1) return 2 * (1 - z) * -y;
  return -4 * y;
}

function withClipping(loss: LinearLoss['loss'], gradient: LinearLoss['gradient']): LinearLoss {
  return Object.freeze({ loss, gradient, dloss: (p: number, y: number) => clipDloss(gradient(p, y)) });
}

export const LINEAR_LOSSES: Readonly<Record<LinearLossName, LinearLoss>> = Object.freeze({
  log_loss: withClipping(logLoss, logGradient),
  hinge: withClipping(hingeLoss, hingeGradient),
  modified_huber: withClipping(modifiedHuberLoss, modifiedHuberGradient),
  squared_hinge: withClipping(squaredHingeLoss, squaredHingeGradient),
  perceptron: withClipping(perceptronLoss, perceptronGradient),
});

export const LINEAR_LOSS_NAMES = Object.freeze(Object.keys(LINEAR_LOSSES)) as readonly LinearLossName[];
