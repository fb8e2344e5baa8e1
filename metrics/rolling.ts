/**
 * Metrics over the last `size` rows (River's `utils.Rolling`: a window of the last N samples, not
 * of the last N batches). The state keeps a ring of those rows' labels, predictions, probabilities
 * and losses in typed arrays; a new row evicts the oldest one and reverts its contribution to the
 * confusion counts and the loss sum. The loss sum is re-added from the ring each time the ring wraps,
 * so floating-point drift from add/subtract never spans more than two ring lengths.
 *
 * Cost: `updateRolling` is copy-on-write, so each call copies the ring, O(size × (nClasses + 3))
 * numbers (≈ 280 kB per call for size = 10,000 and 2 classes); pass batches, not single rows, at
 * that size. `readRolling` computes the exact ROC AUC from the ring, O(nClasses · size log size)
 * (about 1 ms per class at size = 10,000).
 */
import type { BatchMetrics, Scored } from './types';
import { validateScored, requireClasses } from './validate-scored';
import { type ConfusionState, confusionInit, accuracy, precisionRecallF1 } from './confusion';
import { sampleLogLoss } from './log-loss';
import { exactRocAuc } from './roc-auc';
import { positiveInteger } from '../models/validate';

export interface RollingState {
  readonly nClasses: number;
  readonly size: number;
  /** Rows in the window, ≤ size. They occupy ring slots 0 … count-1. */
  readonly count: number;
  /** Ring slot the next row is written to (the oldest row once the ring is full). */
  readonly head: number;
  /** Rows seen since the start. */
  readonly seen: number;
  readonly y: Int32Array;
  readonly predicted: Int32Array;
  /** `size × nClasses`, row-major like `Scored.proba`. */
  readonly proba: Float64Array;
  /** Each row's clipped log loss, so eviction subtracts exactly what was added. */
  readonly loss: Float64Array;
  readonly confusion: ConfusionState;
  readonly lossSum: number;
}

export function rollingInit(nClasses: number, size: number): RollingState {
  positiveInteger('rollingInit', 'nClasses', nClasses, 2);
  positiveInteger('rollingInit', 'size', size, 1);
  return Object.freeze({
    nClasses,
    size,
    count: 0,
    head: 0,
    seen: 0,
    y: new Int32Array(size),
    predicted: new Int32Array(size),
    proba: new Float64Array(size * nClasses),
    loss: new Float64Array(size),
    confusion: confusionInit(nClasses),
    lossSum: 0,
  });
}

export function updateRolling(state: RollingState, scored: Scored): RollingState {
  const rows = validateScored('updateRolling', scored);
  requireClasses('updateRolling', scored, state.nClasses);
  if (rows === 0) return state;
  const { nClasses: k, size } = state;
  const y = state.y.slice();
  const predicted = state.predicted.slice();
  const proba = state.proba.slice();
  const loss = state.loss.slice();
  const counts = state.confusion.counts.slice();
  let { head, count, lossSum } = state;
  let wrapped = false;
  // Rows before `first` would enter and leave the window within this very batch.
  const first = Math.max(0, rows - size);
  for (let r = first; r < rows; r++) {
    if (count === size) {
      counts[y[head] * k + predicted[head]] -= 1;
      lossSum -= loss[head];
    } else {
      count++;
    }
    const label = scored.y[r];
    const guess = scored.predicted[r];
    y[head] = label;
    predicted[head] = guess;
    for (let c = 0; c < k; c++) proba[head * k + c] = scored.proba[r * k + c];
    const rowLoss = sampleLogLoss(scored.proba[r * k + label]);
    loss[head] = rowLoss;
    lossSum += rowLoss;
    counts[label * k + guess] += 1;
    if (++head === size) {
      head = 0;
      wrapped = true;
    }
  }
  if (wrapped) {
    lossSum = 0;
    for (let i = 0; i < count; i++) lossSum += loss[i];
  }
  return Object.freeze({
    nClasses: k,
    size,
    count,
    head,
    seen: state.seen + rows,
    y,
    predicted,
    proba,
    loss,
    confusion: Object.freeze({ nClasses: k, counts }),
    lossSum,
  });
}

/** The metrics of the rows in the window (all NaN while it is empty); ROC AUC is exact. */
export function readRolling(state: RollingState): BatchMetrics {
  const { count } = state;
  const { precision, recall, f1 } = precisionRecallF1(state.confusion);
  return {
    rows: count,
    accuracy: accuracy(state.confusion),
    precision,
    recall,
    f1,
    logLoss: count > 0 ? state.lossSum / count : NaN,
    rocAuc: count > 0 ? exactRocAuc(state.y, state.proba, state.nClasses, count) : NaN,
  };
}
