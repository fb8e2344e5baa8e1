/**
 * Fading (MOA's and River's exponential forgetting), shared by the incremental metric states: each new
 * sample enters with weight 1 and every older weight is multiplied by α once per new sample, so after
 * a batch of n rows the carried state is scaled by αⁿ and row j of the batch weighs α^(n-1-j).
 * α = 1 is plain cumulative counting.
 */
import { fail } from '../models/validate';

export function fadingFactor(owner: string, alpha: unknown): number {
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha <= 1)) fail(owner, 'alpha', 'a number in (0, 1]', alpha);
  return alpha;
}

/** A fresh copy of `values` times `factor`; the state it came from stays untouched. */
export function scaledCopy(values: Float64Array, factor: number): Float64Array {
  if (factor === 1) return values.slice();
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] * factor;
  return out;
}
