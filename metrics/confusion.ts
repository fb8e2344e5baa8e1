/**
 * Confusion counts and the metrics read from them (accuracy, precision, recall, F1).
 *
 * Zero-division follows scikit-learn's default (`zero_division="warn"`, which returns 0): a class
 * that is never predicted has precision 0, one that never occurs has recall 0, and F1 = 2tp / (2tp +
 * fp + fn) is 0 when that denominator is 0. Macro averages run, as scikit-learn's do by default, over
 * the classes that occur in the labels or the predictions (classes absent from both are left out).
 * With no rows at all every metric is NaN.
 */
import type { Scored } from './types';
import { validateScored, requireClasses } from './validate-scored';
import { fadingFactor, scaledCopy } from './fading';
import { positiveInteger } from '../models/validate';

/**
 * `counts[t * nClasses + p]` is the number (under fading: the weight) of rows with true class t that
 * were predicted as p. For binary problems tn = counts[0], fp = counts[1], fn = counts[2], tp = counts[3].
 */
export interface ConfusionState {
  readonly nClasses: number;
  readonly counts: Float64Array;
}

export type Average = 'binary' | 'macro' | 'micro' | 'weighted';

export interface PrecisionRecallF1 {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface BinaryCounts {
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
}

export function confusionInit(nClasses: number): ConfusionState {
  positiveInteger('confusionInit', 'nClasses', nClasses, 2);
  return Object.freeze({ nClasses, counts: new Float64Array(nClasses * nClasses) });
}

/** Adds the rows of `scored`; with `alpha` < 1 older rows fade as described in `fading.ts`. */
export function updateConfusion(state: ConfusionState, scored: Scored, alpha = 1): ConfusionState {
  const rows = validateScored('updateConfusion', scored);
  requireClasses('updateConfusion', scored, state.nClasses);
  fadingFactor('updateConfusion', alpha);
  if (rows === 0) return state;
  const k = state.nClasses;
  const counts = scaledCopy(state.counts, alpha ** rows);
  const { y, predicted } = scored;
  let weight = 1;
  for (let r = rows - 1; r >= 0; r--) {
    counts[y[r] * k + predicted[r]] += weight;
    weight *= alpha;
  }
  return Object.freeze({ nClasses: k, counts });
}

export function binaryCounts(state: ConfusionState): BinaryCounts {
  if (state.nClasses !== 2) throw new Error(`binaryCounts: needs a binary confusion state, got nClasses = ${state.nClasses}`);
  const c = state.counts;
  return { tn: c[0], fp: c[1], fn: c[2], tp: c[3] };
}

/** Total rows (or weight) counted. */
export function confusionTotal(state: ConfusionState): number {
  let total = 0;
  for (let i = 0; i < state.counts.length; i++) total += state.counts[i];
  return total;
}

export function accuracy(state: ConfusionState): number {
  return accuracyOf(state.counts, state.nClasses);
}

/** `average` defaults to scikit-learn's choice here: `binary` (class 1) for 2 classes, else `macro`. */
export function precisionRecallF1(state: ConfusionState, average: Average = state.nClasses === 2 ? 'binary' : 'macro'): PrecisionRecallF1 {
  return precisionRecallF1Of(state.counts, state.nClasses, average);
}

export function accuracyOf(counts: ArrayLike<number>, nClasses: number): number {
  let correct = 0;
  let total = 0;
  for (let t = 0; t < nClasses; t++) {
    for (let p = 0; p < nClasses; p++) total += counts[t * nClasses + p];
    correct += counts[t * nClasses + t];
  }
  return total > 0 ? correct / total : NaN;
}

const ratio = (numerator: number, denominator: number): number => (denominator > 0 ? numerator / denominator : 0);

/** The kernel behind `precisionRecallF1`, on a bare count matrix (so `scoreBatch` can pass scratch). */
export function precisionRecallF1Of(counts: ArrayLike<number>, nClasses: number, average: Average): PrecisionRecallF1 {
  const k = nClasses;
  if (average === 'binary') {
    if (k !== 2) throw new Error(`precisionRecallF1: average 'binary' needs 2 classes, got nClasses = ${k}`);
    const fp = counts[1];
    const fn = counts[2];
    const tp = counts[3];
    if (counts[0] + fp + fn + tp === 0) return NO_ROWS;
    return { precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn), f1: ratio(2 * tp, 2 * tp + fp + fn) };
  }
  let precisionSum = 0;
  let recallSum = 0;
  let f1Sum = 0;
  let classes = 0;
  let support = 0;
  let correct = 0;
  let predictedTotal = 0;
  for (let c = 0; c < k; c++) {
    const tp = counts[c * k + c];
    let actual = 0;
    let predicted = 0;
    for (let o = 0; o < k; o++) {
      actual += counts[c * k + o];
      predicted += counts[o * k + c];
    }
    if (actual + predicted === 0) continue;
    const weight = average === 'weighted' ? actual : 1;
    precisionSum += weight * ratio(tp, predicted);
    recallSum += weight * ratio(tp, actual);
    f1Sum += weight * ratio(2 * tp, actual + predicted);
    classes++;
    support += actual;
    correct += tp;
    predictedTotal += predicted;
  }
  if (classes === 0) return NO_ROWS;
  if (average === 'micro') {
    // Single-label rows: micro precision = micro recall = micro F1 = accuracy.
    const micro = ratio(correct, predictedTotal);
    return { precision: micro, recall: micro, f1: micro };
  }
  const divisor = average === 'weighted' ? support : classes;
  if (divisor === 0) return { precision: 0, recall: 0, f1: 0 };
  return { precision: precisionSum / divisor, recall: recallSum / divisor, f1: f1Sum / divisor };
}

const NO_ROWS: PrecisionRecallF1 = Object.freeze({ precision: NaN, recall: NaN, f1: NaN });
