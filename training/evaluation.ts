import type { Classifier, LabeledBatch } from '../models/types';
import { argMaxRows } from '../models/arg-max';
import { Random, deriveSeed } from '../models/random';
import { TypedArraySlab } from '../models/typed-array-slab';
import type { BatchMetrics, Scored } from '../metrics/types';
import { scoreBatch } from '../metrics/score-batch';

/**
 * How a step scores its candidate model.
 * - `prequential` (test-then-train): the candidate learned from window n is scored on window n + 1
 *   before anything learns from it, so every row is used for both testing and training and no score
 *   is in-sample.
 * - `holdout`: each window is split by a seeded shuffle into train and test rows (the seed's 80/20);
 *   the candidate learns the train rows and is scored on the test rows of the same window.
 */
export type Evaluation =
  | { readonly mode: 'prequential' }
  | { readonly mode: 'holdout'; readonly testFraction: number; readonly seed: number };

export const prequential = (): Evaluation => Object.freeze({ mode: 'prequential' });

export function holdout(options: { testFraction?: number; seed?: number } = {}): Evaluation {
  const testFraction = options.testFraction ?? 0.2;
  const seed = options.seed ?? 42;
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new RangeError(`holdout: testFraction must be in (0, 1), got ${testFraction}`);
  }
  if (!Number.isSafeInteger(seed)) throw new RangeError(`holdout: seed must be an integer, got ${seed}`);
  return Object.freeze({ mode: 'holdout', testFraction, seed });
}

/** Where `predictScored` puts its predicted labels: a view costs a small object, an own buffer ~0.5 µs. */
const PREDICTED_SLAB = new TypedArraySlab();

/**
 * The predictions of `state` of `model` on every row of `batch`, in the shape the metrics consume.
 * `predicted` is a view into a shared slab (use it with its byteOffset, never its whole buffer).
 */
export function predictScored<S>(model: Classifier<S>, state: S, batch: LabeledBatch): Scored {
  const proba = model.predictProba(state, batch.x);
  const k = model.nClasses;
  const rows = batch.x.rows;
  const predicted = argMaxRows(proba, rows, k, PREDICTED_SLAB.int32(rows));
  return { nClasses: k, y: batch.y, predicted, proba };
}

/** Scores `state` of `model` on every row of `batch`. */
export function scoreModel<S>(model: Classifier<S>, state: S, batch: LabeledBatch): BatchMetrics {
  return scoreBatch(predictScored(model, state, batch));
}

/**
 * Splits `batch` into train and test rows as scikit-learn's `train_test_split` sizes them
 * (test = ceil(fraction × rows)), by a shuffle seeded from `(seed, windowIndex)` so the split is
 * reproducible per window and independent of how many windows came before.
 */
export function splitHoldout(batch: LabeledBatch, testFraction: number, seed: number, windowIndex: number): { train: LabeledBatch; test: LabeledBatch } {
  const rows = batch.x.rows;
  const cols = batch.x.cols;
  const nTest = Math.ceil(testFraction * rows);
  const order = new Int32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = i;
  new Random(deriveSeed(seed, windowIndex)).shuffle(order);
  const take = (from: number, to: number): LabeledBatch => {
    const n = to - from;
    const data = new Float64Array(n * cols);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const r = order[from + i];
      data.set(batch.x.data.subarray(r * cols, (r + 1) * cols), i * cols);
      y[i] = batch.y[r];
    }
    return { x: { rows: n, cols, data }, y };
  };
  return { test: take(0, nTest), train: take(nTest, rows) };
}
