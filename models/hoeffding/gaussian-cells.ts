/**
 * Per-class, per-feature Gaussian estimators, as River's `GaussianSplitter` keeps them (a weighted
 * Welford mean and variance with ddof 1, plus the smallest and largest value seen), stored as
 * fixed-width cells of doubles inside a pooled Float64Array instead of one object per estimator.
 * A cell whose weight is 0 has seen nothing: River has no estimator for that class yet.
 */
import { erf } from './erf';

export const CELL_WEIGHT = 0;
export const CELL_MEAN = 1;
/** Sum of weighted squared deviations (River's `Var._S`). */
export const CELL_M2 = 2;
export const CELL_MIN = 3;
export const CELL_MAX = 4;
export const CELL_SIZE = 5;

const LOG_TAU = Math.log(2 * Math.PI);
/** Below this a density underflows to 0 in double precision, which River then ignores. */
const LOG_SMALLEST_DENSITY = Math.log(Number.MIN_VALUE);

/** Adds `value` with weight `w` (> 0) to the cell at `at`. */
export function updateCell(cells: Float64Array, at: number, value: number, w: number): void {
  const before = cells[at + CELL_WEIGHT];
  if (before === 0) {
    cells[at + CELL_MIN] = value;
    cells[at + CELL_MAX] = value;
  } else {
    if (value < cells[at + CELL_MIN]) cells[at + CELL_MIN] = value;
    if (value > cells[at + CELL_MAX]) cells[at + CELL_MAX] = value;
  }
  const weight = before + w;
  const oldMean = cells[at + CELL_MEAN];
  const mean = oldMean + (w / weight) * (value - oldMean);
  cells[at + CELL_WEIGHT] = weight;
  cells[at + CELL_MEAN] = mean;
  cells[at + CELL_M2] += w * (value - oldMean) * (value - mean);
}

/** Sample variance (ddof 1), 0 until the weight exceeds 1, as River's `stats.Var`. */
export function cellVariance(cells: Float64Array, at: number): number {
  const weight = cells[at + CELL_WEIGHT];
  return weight > 1 ? cells[at + CELL_M2] / (weight - 1) : 0;
}

/**
 * log of the Gaussian density at `value`, or 0 where River's naive Bayes adds nothing: no
 * observations, a zero variance, or a density that underflows to 0.
 */
export function logDensityOrZero(cells: Float64Array, at: number, value: number): number {
  const variance = cellVariance(cells, at);
  if (!(variance > 0)) return 0;
  const d = value - cells[at + CELL_MEAN];
  const log = (d * d) / (-2 * variance) - 0.5 * (LOG_TAU + Math.log(variance));
  return log > LOG_SMALLEST_DENSITY ? log : 0;
}

/** P(X ≤ value) under the cell's Gaussian; 0 for a zero variance, as River's `Gaussian.cdf`. */
export function cellCdf(cells: Float64Array, at: number, value: number): number {
  const sigma = Math.sqrt(cellVariance(cells, at));
  if (sigma === 0) return 0;
  return 0.5 * (1 + erf((value - cells[at + CELL_MEAN]) / (sigma * Math.SQRT2)));
}
