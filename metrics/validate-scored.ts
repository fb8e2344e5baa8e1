import type { Scored } from './types';

/**
 * Checks that `scored` is well formed and returns its row count. Throws an Error naming `owner`, the
 * offending field and row, so the chain can forward it as an error notification: labels (true and
 * predicted) must lie in `0 … nClasses - 1` and every probability must be finite. Finite values
 * outside [0, 1] are accepted (log loss clips them like scikit-learn; ROC AUC only ranks them).
 */
export function validateScored(owner: string, scored: Scored): number {
  const { nClasses, y, predicted, proba } = scored;
  if (!Number.isInteger(nClasses) || nClasses < 2) throw new Error(`${owner}: nClasses must be an integer ≥ 2, got ${nClasses}`);
  const rows = y.length;
  if (predicted.length !== rows) throw new Error(`${owner}: ${rows} labels but ${predicted.length} predictions`);
  if (proba.length !== rows * nClasses) {
    throw new Error(`${owner}: proba has ${proba.length} values, expected rows × nClasses = ${rows} × ${nClasses}`);
  }
  for (let r = 0; r < rows; r++) {
    const label = y[r];
    if (!(label >= 0 && label < nClasses)) throw new Error(`${owner}: label y[${r}] = ${label} is outside 0 … ${nClasses - 1}`);
    const guess = predicted[r];
    if (!(guess >= 0 && guess < nClasses)) throw new Error(`${owner}: predicted[${r}] = ${guess} is outside 0 … ${nClasses - 1}`);
  }
  for (let i = 0; i < proba.length; i++) {
    const p = proba[i];
    // `p - p` is NaN exactly for NaN and ±Infinity: one subtraction instead of a call per value.
    if (p - p !== 0) {
      throw new Error(`${owner}: proba[row ${Math.floor(i / nClasses)}, class ${i % nClasses}] is ${p}; probabilities must be finite`);
    }
  }
  return rows;
}

/**
 * The checks of `validateScored` that need no pass over the rows: class count and array lengths.
 * Hot paths check labels inside their own row loop and probabilities with `allFinite`
 * (models/all-finite.ts), and call `rejectScored` when anything fails, so the error is exactly
 * `validateScored`'s.
 */
export function wellShaped(scored: Scored): boolean {
  const { nClasses, y } = scored;
  return Number.isInteger(nClasses) && nClasses >= 2 && scored.predicted.length === y.length && scored.proba.length === y.length * nClasses;
}

/** Throws `validateScored`'s error for rows a hot path found malformed. */
export function rejectScored(owner: string, scored: Scored): never {
  validateScored(owner, scored);
  throw new Error(`${owner}: malformed scored rows`);
}

/** Throws unless `scored` has the class count a metric state was built for. */
export function requireClasses(owner: string, scored: Scored, nClasses: number): void {
  if (scored.nClasses !== nClasses) throw new Error(`${owner}: scored rows have nClasses = ${scored.nClasses}, but the state tracks ${nClasses}`);
}
