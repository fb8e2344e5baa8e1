/**
 * Parity of the metrics library with scikit-learn on the fixture streams of test/fixtures/metrics.py:
 * per batch (scoreBatch and window tracking), cumulative, rolling and fading tracking.
 */
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import type { Scored } from '../metrics/types';
import { METRIC_NAMES } from '../metrics/types';
import { scoreBatch } from '../metrics/score-batch';
import { type AccumulatingTracker, type TrackedMetrics, type TrackingMode, tracker, updateTracker, readMetrics } from '../metrics/tracker';
import { binaryCounts, precisionRecallF1 } from '../metrics/confusion';
import { PROBA_EPS } from '../metrics/log-loss';

interface ExpectedMetrics {
  rows: number;
  weight: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  logLoss: number;
  rocAuc: number | null;
}
interface ExpectedCumulative extends ExpectedMetrics {
  confusion: number[];
  macro: { precision: number; recall: number; f1: number };
  micro: { precision: number; recall: number; f1: number };
  weighted: { precision: number; recall: number; f1: number };
}
interface FixtureStream {
  name: string;
  nClasses: number;
  batches: { y: number[]; predicted: number[]; proba: number[] }[];
  window: ExpectedMetrics[];
  cumulative: ExpectedCumulative[];
  rolling: Record<string, ExpectedMetrics[]>;
  fading: Record<string, ExpectedMetrics[]>;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/metrics.json', import.meta.url), 'utf8')) as { eps: number; streams: FixtureStream[] };
const EXACT = 1e-12;

function scoredOf(stream: FixtureStream, index: number): Scored {
  const batch = stream.batches[index];
  return { nClasses: stream.nClasses, y: Int32Array.from(batch.y), predicted: Int32Array.from(batch.predicted), proba: Float64Array.from(batch.proba) };
}

function assertClose(actual: number, expected: number | null, tolerance: number, what: string): void {
  if (expected === null) {
    assert.ok(Number.isNaN(actual), `${what}: expected NaN, got ${actual}`);
    return;
  }
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: expected ${expected}, got ${actual} (|diff| ${Math.abs(actual - expected)} > ${tolerance})`);
}

/** Exact metrics to 1e-12; ROC AUC either exact too or within the bound the tracker reports. */
function assertMatches(actual: TrackedMetrics | ReturnType<typeof scoreBatch>, expected: ExpectedMetrics, aucExact: boolean, what: string): void {
  assert.equal(actual.rows, expected.rows, `${what}: rows`);
  for (const name of METRIC_NAMES) {
    if (name === 'rocAuc' && !aucExact) continue;
    assertClose(actual[name], expected[name], EXACT, `${what}: ${name}`);
  }
  if (!aucExact) {
    const bound = (actual as TrackedMetrics).rocAucErrorBound;
    if (expected.rocAuc === null) {
      assert.ok(Number.isNaN(actual.rocAuc) && Number.isNaN(bound), `${what}: rocAuc and its bound should be NaN`);
    } else {
      assert.ok(bound >= 0 && bound < 0.25, `${what}: implausible rocAuc bound ${bound}`);
      assertClose(actual.rocAuc, expected.rocAuc, bound + EXACT, `${what}: binned rocAuc`);
    }
  }
}

function trackThrough(stream: FixtureStream, mode: TrackingMode, check: (metrics: TrackedMetrics, state: ReturnType<typeof tracker>, index: number) => void): void {
  let state = tracker(mode, stream.nClasses);
  stream.batches.forEach((_, index) => {
    state = updateTracker(state, scoredOf(stream, index));
    check(readMetrics(state), state, index);
  });
}

describe('metrics: scikit-learn parity on fixture streams', () => {
  it('uses the float64 machine epsilon for log-loss clipping', () => {
    assert.equal(PROBA_EPS, fixture.eps);
  });

  for (const stream of fixture.streams) {
    describe(stream.name, () => {
      it('scoreBatch equals accuracy, precision/recall/F1, log_loss and roc_auc_score per batch', () => {
        stream.window.forEach((expected, index) => assertMatches(scoreBatch(scoredOf(stream, index)), expected, true, `batch ${index}`));
      });

      it('window tracking reports the last batch', () => {
        trackThrough(stream, { kind: 'window' }, (metrics, _state, index) => {
          assertMatches(metrics, stream.window[index], true, `window after batch ${index}`);
          assert.equal(metrics.rocAucErrorBound, stream.window[index].rocAuc === null ? NaN : 0);
        });
      });

      it('cumulative tracking equals scikit-learn on all rows so far (ROC AUC within its bound)', () => {
        trackThrough(stream, { kind: 'cumulative' }, (metrics, state, index) => {
          const expected = stream.cumulative[index];
          assertMatches(metrics, expected, false, `cumulative after batch ${index}`);
          assert.equal(metrics.weight, expected.rows);
          const { confusion } = state as AccumulatingTracker;
          assert.deepEqual(Array.from(confusion.counts), expected.confusion);
          for (const average of ['macro', 'micro', 'weighted'] as const) {
            const got = precisionRecallF1(confusion, average);
            for (const key of ['precision', 'recall', 'f1'] as const) {
              assertClose(got[key], expected[average][key], EXACT, `cumulative ${average} ${key} after batch ${index}`);
            }
          }
          if (stream.nClasses === 2) {
            const [tn, fp, fn, tp] = expected.confusion;
            assert.deepEqual(binaryCounts(confusion), { tn, fp, fn, tp });
          }
        });
      });

      for (const [size, expectations] of Object.entries(stream.rolling)) {
        it(`rolling tracking over the last ${size} rows equals scikit-learn on them (exact ROC AUC)`, () => {
          trackThrough(stream, { kind: 'rolling', size: Number(size) }, (metrics, _state, index) => {
            assertMatches(metrics, expectations[index], true, `rolling(${size}) after batch ${index}`);
            assert.equal(metrics.seen, stream.cumulative[index].rows);
          });
        });
      }

      for (const [alpha, expectations] of Object.entries(stream.fading)) {
        it(`fading tracking with alpha ${alpha} equals scikit-learn with sample_weight alpha^age`, () => {
          trackThrough(stream, { kind: 'fading', alpha: Number(alpha) }, (metrics, _state, index) => {
            const expected = expectations[index];
            assertMatches(metrics, expected, false, `fading(${alpha}) after batch ${index}`);
            assertClose(metrics.weight, expected.weight, EXACT, `fading(${alpha}) weight after batch ${index}`);
          });
        });
      }
    });
  }
});
