/**
 * A faster `plainSgdEpoch` for the common case — no penalty, no averaging, a gradient step (the seed's
 * model) — on up to 32 features. The loop is generated once per feature count with every weight in
 * a local variable and the dot product written out, which is ~25 % faster than typed-array loops
 * (the chain of additions in the dot product is the critical path). It performs the same operations
 * in the same order as `plainSgdEpoch`, where `wscale` stays 1 and so drops out, so every bit agrees
 * (test/sgd-classifier.spec.ts checks both against each other and against scikit-learn).
 * Falls back to `plainSgdEpoch` where code generation is disallowed.
 */
import { PENALTY_CODE, RATE_CODE, labelError, lossGradient, nonFiniteError, allFinite, overflowError, type BinaryProblem, type SgdKernel } from './plain-sgd';
import { invscalingEta, optimalEta } from './learning-rates';

const MAX_UNROLLED_FEATURES = 32;

type GeneratedLoop = (
  x: Float64Array, labels: Int32Array, nClasses: number, rows: number, positiveClass: number, weightPos: number, weightNeg: number,
  w: Float64Array, intercept: number, t: number, k: SgdKernel,
) => number;

/** A specialised epoch: same contract as `plainSgdEpoch` without averaging, L1 scratch or index. */
export type FastEpoch = (k: SgdKernel, problem: BinaryProblem, w: Float64Array, intercept: number, t: number) => number;

const epochs = new Map<number, FastEpoch | null>();

/** The unrolled epoch for this kernel and feature count, or null where it does not apply. */
export function unrolledEpochFor(k: SgdKernel, nFeatures: number): FastEpoch | null {
  if (k.penaltyCode !== PENALTY_CODE.none || k.average !== 0 || k.rateCode >= RATE_CODE.pa1 || nFeatures > MAX_UNROLLED_FEATURES) {
    return null;
  }
  let epoch = epochs.get(nFeatures);
  if (epoch === undefined) {
    const loop = generate(nFeatures);
    epoch = loop === null ? null : (kernel, problem, w, intercept, t) => {
      const { x, labels, nClasses, rows, positiveClass, weightPos, weightNeg } = problem;
      const next = loop(x, labels, nClasses, rows, positiveClass, weightPos, weightNeg, w, intercept, t, kernel);
      if (!Number.isFinite(next) || !allFinite(w, nFeatures)) throw overflowError();
      return next;
    };
    epochs.set(nFeatures, epoch);
  }
  return epoch;
}

function generate(nf: number): GeneratedLoop | null {
  const each = (line: (j: number) => string): string => Array.from({ length: nf }, (_, j) => line(j)).join('\n');
  const source = `
    return function unrolledSgdEpoch${nf}(x, labels, nClasses, rows, positiveClass, weightPos, weightNeg, w, intercept, t, k) {
      const { lossCode, rateCode, alpha, eta0, powerT, optimalInit, fitIntercept } = k;
      ${each((j) => `let w${j} = w[${j}];`)}
      let eta = eta0;
      const unweighted = weightPos === 1 && weightNeg === 1;
      for (let r = 0, b = 0; r < rows; r++, b += ${nf}) {
        // scikit-learn starts the sum at 0; 0 + a = a except for the sign of a zero, which no loss sees
        let p = w0 * x[b];
        ${each((j) => (j === 0 ? '' : `p += w${j} * x[b + ${j}];`))}
        p += intercept;
        if (!(p - p === 0)) throw nonFiniteError(r, p);
        if (rateCode === ${RATE_CODE.optimal}) eta = optimalEta(alpha, optimalInit, t);
        else if (rateCode === ${RATE_CODE.invscaling}) eta = invscalingEta(eta0, powerT, t);
        const label = labels[r];
        if (label >>> 0 >= nClasses) throw labelError(r, label, nClasses);
        const y = label === positiveClass ? 1 : -1;
        const step = -eta * lossGradient(lossCode, p, y);
        // skipping an exact × 1 takes a multiplication and a data-dependent branch off the critical path
        const update = unweighted ? step : step * (y > 0 ? weightPos : weightNeg);
        if (update !== 0) {
          ${each((j) => `w${j} += x[b + ${j}] * update;`)}
          if (fitIntercept) intercept += update;
        }
        t += 1;
      }
      ${each((j) => `w[${j}] = w${j};`)}
      return intercept;
    };`;
  try {
    return new Function('lossGradient', 'optimalEta', 'invscalingEta', 'nonFiniteError', 'labelError', source)(
      lossGradient, optimalEta, invscalingEta, nonFiniteError, labelError,
    ) as GeneratedLoop;
  } catch {
    return null; // e.g. node --disallow-code-generation-from-strings
  }
}
