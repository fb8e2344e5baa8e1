/**
 * Gaussian tail functions for probit-likelihood updates, accurate far into the tails where
 * `1 − erf` would cancel to 0: the scaled complementary error function and the inverse Mills ratio.
 * (`hoeffding/erf.ts` computes erf itself, which is fine near the centre but not for these ratios.)
 */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
/** Below it the Maclaurin series of erf is used, above it the continued fraction (both ≲ 1e-13 relative). */
const SERIES_LIMIT = 2;
const FRACTION_TERMS = 60;

/**
 * erfcx(z) = e^{z²} · erfc(z). For 0 ≤ z < 2: e^{z²} − (2/√π) Σₙ 2ⁿ z^{2n+1} / (2n+1)!! (the positive
 * series of e^{z²}·erf z); for z ≥ 2: Laplace's continued fraction 1 / (√π (z + ½/(z + 1/(z + 3⁄2/(z + …)))))
 * evaluated backwards from a fixed depth; for z < 0: 2e^{z²} − erfcx(−z) (Infinity once e^{z²} overflows).
 */
export function erfcx(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z < 0) return 2 * Math.exp(z * z) - erfcx(-z);
  if (z < SERIES_LIMIT) {
    let term = z;
    let sum = z;
    for (let n = 1; term > 1e-17 * sum; n++) {
      term *= (2 * z * z) / (2 * n + 1);
      sum += term;
    }
    return Math.exp(z * z) - TWO_OVER_SQRT_PI * sum;
  }
  let fraction = z;
  for (let k = FRACTION_TERMS; k >= 1; k--) fraction = z + k / 2 / fraction;
  return 1 / (Math.sqrt(Math.PI) * fraction);
}

/**
 * φ(t) / Φ(t), the inverse Mills ratio (the 𝒱 of Herbrich's TrueSkill and Graepel's AdPredictor):
 * the mean shift of a standard normal truncated to (−t, ∞). Tends to −t as t → −∞ and to 0 as t → ∞.
 * Φ(t) = ½ erfc(−t/√2), so φ(t)/Φ(t) = √(2/π) / erfcx(−t/√2) without forming either tail.
 */
export function inverseMillsRatio(t: number): number {
  return SQRT_2_OVER_PI / erfcx(-t / Math.SQRT2);
}
