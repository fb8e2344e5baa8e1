/**
 * Learner core, our side (a child of bench/run.ts): the seed's SGD (log_loss, no penalty, constant
 * 0.001) through the public `Classifier.learn`, one call per batch over every row of the data file,
 * best of `repeats`. The first pass pauses its clock at the holdout split to score the last 20%.
 *
 * Argument (JSON): { "file": "<learner data>", "repeats": 5 }
 */
import { accuracyOf, precisionRecallF1Of } from '../../metrics/confusion';
import { sgdClassifier, sgdCoefficients, type SgdParams } from '../../models/sgd-classifier';
import { sliceRows } from '../../models/types';
import { runChild } from '../harness/child-report';
import { batchesOf, FEATURES, readLearnerData } from '../harness/learner-data';

runChild(async (argument) => {
  const { file, repeats } = argument as { file: string; repeats: number };
  const data = readLearnerData(file);
  const batches = batchesOf(data);
  const model = sgdClassifier({ nFeatures: FEATURES });
  const test = { x: sliceRows(data.x, data.trainRows, data.x.rows), y: data.y.subarray(data.trainRows) };
  let holdout: { accuracy: number; f1: number } | undefined;
  let best = Infinity;
  let state = model.init();
  for (let repeat = 0; repeat < repeats; repeat++) {
    state = model.init();
    let seconds = 0;
    let rows = 0;
    let start = process.hrtime.bigint();
    for (const batch of batches) {
      state = model.learn(state, batch);
      rows += batch.y.length;
      if (rows === data.trainRows && holdout === undefined) {
        seconds += Number(process.hrtime.bigint() - start) / 1e9;
        holdout = score(model.predict(state, test.x), test.y);
        start = process.hrtime.bigint();
      }
    }
    seconds += Number(process.hrtime.bigint() - start) / 1e9;
    best = Math.min(best, seconds);
  }
  const { coef, intercept } = sgdCoefficients(model.params as unknown as SgdParams, state);
  return {
    records: data.x.rows,
    batches: batches.length,
    seconds: best,
    recordsPerSecond: data.x.rows / best,
    repeats,
    accuracy: holdout?.accuracy ?? null,
    f1: holdout?.f1 ?? null,
    coef: Array.from(coef),
    intercept: Array.from(intercept),
  };
});

function score(predicted: Int32Array, y: Int32Array): { accuracy: number; f1: number } {
  const counts = new Float64Array(4);
  for (let i = 0; i < y.length; i++) counts[y[i] * 2 + predicted[i]] += 1;
  return { accuracy: accuracyOf(counts, 2), f1: precisionRecallF1Of(counts, 2, 'binary').f1 };
}
