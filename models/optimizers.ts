/**
 * First-order optimizer steps on a flat parameter vector, in place (callers pass copies they own).
 * Each step consumes one gradient of the same layout.
 */

export interface AdamSettings {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

/**
 * Adam (Kingma & Ba 2015, Algorithm 1) with bias-corrected moments:
 * m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², w ← w − α · m̂ / (√v̂ + ε) with m̂ = m / (1 − β₁ᵗ),
 * v̂ = v / (1 − β₂ᵗ), where `step` is t (1 for the first step).
 */
export function adamStep(
  settings: AdamSettings, step: number, parameters: Float64Array, gradient: Float64Array, moment1: Float64Array, moment2: Float64Array,
): void {
  const { learningRate, beta1, beta2, epsilon } = settings;
  const correction1 = 1 - Math.pow(beta1, step);
  const correction2 = 1 - Math.pow(beta2, step);
  const keep1 = 1 - beta1;
  const keep2 = 1 - beta2;
  for (let k = 0; k < parameters.length; k++) {
    const g = gradient[k];
    const m = (moment1[k] = beta1 * moment1[k] + keep1 * g);
    const v = (moment2[k] = beta2 * moment2[k] + keep2 * g * g);
    parameters[k] -= (learningRate * (m / correction1)) / (Math.sqrt(v / correction2) + epsilon);
  }
}

export interface SgdMomentumSettings {
  readonly learningRate: number;
  readonly momentum: number;
  readonly nesterov: boolean;
}

/**
 * SGD with heavy-ball or Nesterov momentum in scikit-learn's `SGDOptimizer` form: the velocity
 * u ← μu − αg; then w ← w + u, or for Nesterov w ← w + μu − αg. With μ = 0 this is plain SGD
 * (and `velocity` may be empty).
 */
export function sgdMomentumStep(settings: SgdMomentumSettings, parameters: Float64Array, gradient: Float64Array, velocity: Float64Array): void {
  const { learningRate, momentum, nesterov } = settings;
  if (momentum === 0) {
    for (let k = 0; k < parameters.length; k++) parameters[k] -= learningRate * gradient[k];
    return;
  }
  for (let k = 0; k < parameters.length; k++) {
    const step = learningRate * gradient[k];
    const u = (velocity[k] = momentum * velocity[k] - step);
    parameters[k] += nesterov ? momentum * u - step : u;
  }
}
