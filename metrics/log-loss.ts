/**
 * Log loss (cross-entropy) from the probability given to the true class, clipped as scikit-learn
 * ≥ 1.5 does: to [ε, 1 − ε] with ε the float64 machine epsilon (2⁻⁵²), so a confident miss costs
 * at most −ln ε ≈ 36.04 instead of Infinity.
 */
import type { Scored } from './types';
import { validateScored, requireClasses } from './validate-scored';
import { fadingFactor } from './fading';
import { positiveInteger } from '../models/validate';

/** `np.finfo(np.float64).eps`. */
export const PROBA_EPS = Number.EPSILON;

/** `weight` is the number of rows (under fading their total weight) and `sum` their weighted loss. */
export interface LogLossState {
  readonly nClasses: number;
  readonly sum: number;
  readonly weight: number;
}

export function sampleLogLoss(trueClassProba: number): number {
  const p = trueClassProba < PROBA_EPS ? PROBA_EPS : trueClassProba > 1 - PROBA_EPS ? 1 - PROBA_EPS : trueClassProba;
  return -Math.log(p);
}

export function logLossInit(nClasses: number): LogLossState {
  positiveInteger('logLossInit', 'nClasses', nClasses, 2);
  return Object.freeze({ nClasses, sum: 0, weight: 0 });
}

/** Adds the rows of `scored`; with `alpha` < 1 older rows fade as described in `fading.ts`. */
export function updateLogLoss(state: LogLossState, scored: Scored, alpha = 1): LogLossState {
  const rows = validateScored('updateLogLoss', scored);
  requireClasses('updateLogLoss', scored, state.nClasses);
  fadingFactor('updateLogLoss', alpha);
  if (rows === 0) return state;
  const k = state.nClasses;
  const { y, proba } = scored;
  let sum = 0;
  let weight = 0;
  let w = 1;
  for (let r = rows - 1; r >= 0; r--) {
    sum += w * sampleLogLoss(proba[r * k + y[r]]);
    weight += w;
    w *= alpha;
  }
  const carried = alpha ** rows;
  return Object.freeze({ nClasses: k, sum: state.sum * carried + sum, weight: state.weight * carried + weight });
}

/** Mean (weighted) log loss; NaN before any row. */
export function logLoss(state: LogLossState): number {
  return state.weight > 0 ? state.sum / state.weight : NaN;
}
