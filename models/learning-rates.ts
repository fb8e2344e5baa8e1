/**
 * Learning-rate schedules of scikit-learn's `_plain_sgd`. `t` is scikit-learn's `t_`: it starts at 1
 * and counts the samples seen over all `partial_fit` calls.
 */

export type LearningRateName = 'constant' | 'optimal' | 'invscaling';

/**
 * Bottou's offset for the `optimal` rate, so that the first step has the rate
 * `typw / max(1, gradient(-typw, +1))` with `typw = sqrt(1 / sqrt(alpha))`. Like scikit-learn, this
 * uses the signed raw gradient (negative for every classification loss), so the divisor is 1.
 */
export function optimalInit(alpha: number, gradient: (p: number, y: number) => number): number {
  const typw = Math.sqrt(1 / Math.sqrt(alpha));
  const g = gradient(-typw, 1);
  const initialEta0 = typw / (g > 1 ? g : 1);
  return 1 / (initialEta0 * alpha);
}

export function optimalEta(alpha: number, init: number, t: number): number {
  return 1 / (alpha * (init + t - 1));
}

export function invscalingEta(eta0: number, powerT: number, t: number): number {
  return eta0 / Math.pow(t, powerT);
}
