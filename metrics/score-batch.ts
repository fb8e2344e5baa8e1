/**
 * The metrics of one batch, as the training chain computes them once per window: accuracy,
 * precision / recall / F1 (binary: of class 1; multiclass: macro), clipped log loss and exact ROC AUC
 * (NaN when only one class is present). Conventions are those of `confusion.ts`, `log-loss.ts` and
 * `roc-auc.ts`. With 0 rows every metric is NaN.
 *
 * Hot path (~100 rows per call, many thousands of calls): one pass checks the labels and gathers
 * counts and loss into a reused module-level confusion buffer, one more checks that every
 * probability is finite (malformed rows throw `validateScored`'s error), then the exact AUC runs
 * on reused scratch. Per call it allocates the result and one small precision/recall record.
 */
import type { BatchMetrics, Scored } from './types';
import { allFinite } from '../models/all-finite';
import { rejectScored, wellShaped } from './validate-scored';
import { precisionRecallF1Of } from './confusion';
import { sampleLogLoss } from './log-loss';
import { exactRocAuc } from './roc-auc';

const NO_ROWS: BatchMetrics = Object.freeze({ rows: 0, accuracy: NaN, precision: NaN, recall: NaN, f1: NaN, logLoss: NaN, rocAuc: NaN });

let confusionScratch = new Float64Array(4);

export function scoreBatch(scored: Scored): BatchMetrics {
  if (!wellShaped(scored)) rejectScored('scoreBatch', scored);
  const { nClasses: k, y, predicted, proba } = scored;
  const rows = y.length;
  if (rows === 0) return NO_ROWS;
  if (confusionScratch.length < k * k) confusionScratch = new Float64Array(k * k);
  const counts = confusionScratch;
  counts.fill(0, 0, k * k);
  let correct = 0;
  let lossSum = 0;
  for (let r = 0; r < rows; r++) {
    const label = y[r];
    const guess = predicted[r];
    if (!(label >= 0 && label < k && guess >= 0 && guess < k)) rejectScored('scoreBatch', scored);
    counts[label * k + guess]++;
    correct += +(label === guess);
    lossSum += sampleLogLoss(proba[r * k + label]);
  }
  if (!allFinite(proba)) rejectScored('scoreBatch', scored);
  const { precision, recall, f1 } = precisionRecallF1Of(counts, k, k === 2 ? 'binary' : 'macro');
  return { rows, accuracy: correct / rows, precision, recall, f1, logLoss: lossSum / rows, rocAuc: exactRocAuc(y, proba, k, rows) };
}
