/**
 * The dense parts of scikit-learn's `WeightVector` that `plain-sgd` needs outside its hot loop: folding
 * the lazy scale and lazy average back into plain values (`reset_wscale`) and the L1 truncation.
 */

/**
 * `aw ← (aw + averageA · w) / averageB` as `reset_wscale` computes it: a BLAS axpy, which OpenBLAS runs
 * with fused multiply-adds, then a scal by 1 / averageB. The fused rounding matters: `aw` and
 * `averageA · w` can be large and nearly cancel, so a separately rounded product would be visible.
 */
export function foldAverage(w: Float64Array, aw: Float64Array | null, nf: number, averageA: number, averageB: number): void {
  if (aw === null) return;
  const inverseB = 1 / averageB;
  for (let j = 0; j < nf; j++) aw[j] = fusedMultiplyAdd(averageA, w[j], aw[j]) * inverseB;
}

/** `w ← wscale · w`. */
export function foldScale(w: Float64Array, nf: number, wscale: number): void {
  for (let j = 0; j < nf; j++) w[j] *= wscale;
}

/**
 * Tsuruoka et al.'s cumulative truncated gradient, as scikit-learn's `l1penalty`: `u` is the total L1
 * penalty so far, `q[j]` what feature j has received of it.
 */
export function truncateL1(w: Float64Array, q: Float64Array, nf: number, wscale: number, u: number): void {
  for (let j = 0; j < nf; j++) {
    const z = w[j];
    if (wscale * z > 0) {
      const v = z - (u + q[j]) / wscale;
      w[j] = v > 0 ? v : 0;
    } else if (wscale * z < 0) {
      const v = z + (u - q[j]) / wscale;
      w[j] = v < 0 ? v : 0;
    }
    q[j] += wscale * (w[j] - z);
  }
}

const SPLITTER = 134217729; // 2^27 + 1, Veltkamp's constant for doubles

/**
 * a · b + c with a single rounding, emulated (JavaScript has no Math.fma): Dekker's exact product
 * plus a compensated sum. It can differ from a true fma only when the exact result is within a
 * hair of a rounding tie, and it assumes |a|, |b| < 2^995 (no overflow in the split).
 */
export function fusedMultiplyAdd(a: number, b: number, c: number): number {
  const product = a * b;
  if (!Number.isFinite(product) || product === 0) return product + c;
  let t = SPLITTER * a;
  const aHigh = t - (t - a);
  const aLow = a - aHigh;
  t = SPLITTER * b;
  const bHigh = t - (t - b);
  const bLow = b - bHigh;
  const productError = ((aHigh * bHigh - product) + aHigh * bLow + aLow * bHigh) + aLow * bLow;
  const sum = product + c;
  const virtual = sum - product;
  const sumError = (product - (sum - virtual)) + (c - virtual);
  return sum + (sumError + productError);
}
