/**
 * A faster `plainSgdEpoch` for the common case — no penalty, no averaging, a gradient step (the seed's
 * model) — on up to 32 features. The loop is generated once per feature count, loss, learning rate,
 * intercept and class weighting, with every weight in a local variable and the dot product written out:
 * the chain of additions in the dot product and the gradient's `exp` are the critical path of the
 * loop, and everything else is kept off it. The code is shaped so that TurboFan keeps every loop value
 * unboxed: the intercept goes in and out through a Float64Array (a returned local is boxed on every
 * row), and the gradient functions are the same ones `plainSgdEpoch` calls, which TurboFan inlines.
 * It performs the same operations in the same order as `plainSgdEpoch`, where `wscale` stays 1 and so
 * drops out, so every bit agrees (test/sgd-classifier.spec.ts checks both against each other and
 * against scikit-learn). Falls back to `plainSgdEpoch` where code generation is disallowed.
 */
import * as losses from './linear-losses';
import * as rates from './learning-rates';
import { PENALTY_CODE, RATE_CODE, labelError, nonFiniteError, overflowError, type SgdKernel } from './plain-sgd';

const MAX_UNROLLED_FEATURES = 32;

/**
 * One epoch of one binary problem (`labels[r] === positiveClass` means y = +1): updates the weights `w`
 * in place and replaces `intercepts[index]` with the new intercept; `t` is scikit-learn's `t_` at the
 * start. Class weights are only read by the weighted variant.
 */
export type UnrolledEpoch = (
  k: SgdKernel, x: Float64Array, labels: Int32Array, rows: number, nClasses: number, positiveClass: number,
  weightPos: number, weightNeg: number, w: Float64Array, intercepts: Float64Array, index: number, t: number,
) => void;

/** The gradient function of each loss code (the `LOSS_CODE` order) and whether it needs `_plain_sgd`'s clipping. */
const GRADIENTS = [
  { name: 'log', gradient: losses.logGradient, bounded: true }, // |gradient| ≤ 1
  { name: 'hinge', gradient: losses.hingeGradient, bounded: true }, // ≤ 1
  { name: 'modifiedHuber', gradient: losses.modifiedHuberGradient, bounded: true }, // ≤ 4
  { name: 'squaredHinge', gradient: losses.squaredHingeGradient, bounded: false },
  { name: 'perceptron', gradient: losses.perceptronGradient, bounded: true }, // ≤ 1
] as const;

const epochs = new Map<string, UnrolledEpoch | null>();

/** The unrolled epoch for this kernel, feature count and class weighting, or null where it does not apply. */
export function unrolledEpochFor(k: SgdKernel, nFeatures: number, weighted: boolean): UnrolledEpoch | null {
  if (k.penaltyCode !== PENALTY_CODE.none || k.average !== 0 || k.rateCode >= RATE_CODE.pa1 || nFeatures > MAX_UNROLLED_FEATURES) {
    return null;
  }
  const key = `${nFeatures}/${k.lossCode}/${k.rateCode}/${k.fitIntercept}/${weighted}`;
  let epoch = epochs.get(key);
  if (epoch === undefined) {
    epoch = generate(nFeatures, k.lossCode, k.rateCode, k.fitIntercept, weighted);
    epochs.set(key, epoch);
  }
  return epoch;
}

function generate(nf: number, lossCode: number, rateCode: number, fitIntercept: boolean, weighted: boolean): UnrolledEpoch | null {
  const each = (line: (j: number) => string, separator = '\n'): string => Array.from({ length: nf }, (_, j) => line(j)).join(separator);
  const { name, bounded } = GRADIENTS[lossCode];
  // `_plain_sgd` clips every gradient to ±1e12; for the bounded losses that is the identity
  const dloss = bounded ? 'gradient(p, y)' : 'clipDloss(gradient(p, y))';
  const constantRate = rateCode === RATE_CODE.constant;
  const eta = rateCode === RATE_CODE.optimal ? 'optimalEta(alpha, optimalInit, t)' : 'invscalingEta(eta0, powerT, t)';
  const source = `
    return function sgdEpoch${nf}_${name}_${rateCode}${fitIntercept ? '' : '_noIntercept'}${weighted ? '_weighted' : ''}(
      k, x, labels, rows, nClasses, positiveClass, weightPos, weightNeg, w, intercepts, index, t,
    ) {
      const eta0 = k.eta0, alpha = k.alpha, powerT = k.powerT, optimalInit = k.optimalInit;
      // loop invariants as untagged locals: a parameter is re-checked and untagged on every row
      const negativeEta0 = -eta0, classes = nClasses | 0, positive = positiveClass | 0;
      ${each((j) => `let w${j} = w[${j}];`)}
      let intercept = intercepts[index];
      for (let r = 0, b = 0; r < rows; r++, b += ${nf}) {
        // scikit-learn starts the sum at 0; 0 + a = a except for the sign of a zero, which no loss sees
        let p = w0 * x[b];
        ${each((j) => (j === 0 ? '' : `p += w${j} * x[b + ${j}];`))}
        p += intercept;
        if (!(p - p === 0)) throw nonFiniteError(r, p);
        ${constantRate ? '' : `const eta = ${eta};`}
        const label = labels[r];
        if (label >>> 0 >= classes) throw labelError(r, label, classes);
        const y = label === positive ? 1 : -1;
        const update = ${constantRate ? 'negativeEta0' : '-eta'} * ${dloss}${weighted ? ' * (y > 0 ? weightPos : weightNeg)' : ''};
        if (update !== 0) {
          ${each((j) => `w${j} += x[b + ${j}] * update;`)}
          ${fitIntercept ? 'intercept += update;' : ''}
        }
        ${constantRate ? '' : 't += 1;'}
      }
      // scikit-learn's end-of-epoch under-/overflow check
      if (!(intercept - intercept === 0 && ${each((j) => `w${j} - w${j} === 0`, ' && ')})) throw overflowError();
      ${each((j) => `w[${j}] = w${j};`)}
      intercepts[index] = intercept;
    };`;
  try {
    return new Function('gradient', 'clipDloss', 'optimalEta', 'invscalingEta', 'nonFiniteError', 'labelError', 'overflowError', source)(
      GRADIENTS[lossCode].gradient, losses.clipDloss, rates.optimalEta, rates.invscalingEta, nonFiniteError, labelError, overflowError,
    ) as UnrolledEpoch;
  } catch {
    return null; // e.g. node --disallow-code-generation-from-strings
  }
}
