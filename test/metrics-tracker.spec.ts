/**
 * Contract of the metric states and trackers: purity (no input is mutated, states are frozen),
 * batch-split invariance, input validation, hand-checked edge cases, the binned ROC AUC bound and
 * checkpoint round-trips.
 */
import assert from 'node:assert/strict';
import type { Scored } from '../metrics/types';
import { METRIC_NAMES } from '../metrics/types';
import { Random } from '../models/random';
import { encodeState, decodeState } from '../models/state-codec';
import { scoreBatch } from '../metrics/score-batch';
import { type TrackerState, type TrackingMode, tracker, updateTracker, readMetrics } from '../metrics/tracker';
import { restoreTracker } from '../metrics/tracker-restore';
import { confusionInit, updateConfusion, precisionRecallF1 } from '../metrics/confusion';
import { logLossInit, updateLogLoss, logLoss } from '../metrics/log-loss';
import { aucHistogramInit, updateAucHistogram, aucBinEdges, DEFAULT_AUC_BINS } from '../metrics/auc-histogram';
import { rollingInit, updateRolling } from '../metrics/rolling';

function randomScored(seed: number, rows: number, nClasses: number, decimals?: number): Scored {
  const random = new Random(seed);
  const y = new Int32Array(rows);
  const predicted = new Int32Array(rows);
  const proba = new Float64Array(rows * nClasses);
  const logits = new Float64Array(nClasses);
  for (let r = 0; r < rows; r++) {
    y[r] = random.int(0, nClasses - 1);
    let total = 0;
    for (let c = 0; c < nClasses; c++) {
      logits[c] = Math.exp((c === y[r] ? 1.2 : 0) + random.normal());
      total += logits[c];
    }
    for (let c = 0; c < nClasses; c++) proba[r * nClasses + c] = logits[c] / total;
    if (decimals !== undefined && nClasses === 2) {
      proba[r * 2 + 1] = Number(proba[r * 2 + 1].toFixed(decimals));
      proba[r * 2] = 1 - proba[r * 2 + 1];
    }
    let best = 0;
    for (let c = 1; c < nClasses; c++) if (proba[r * nClasses + c] > proba[r * nClasses + best]) best = c;
    predicted[r] = best;
  }
  return { nClasses, y, predicted, proba };
}

function sliceScored(s: Scored, start: number, end: number): Scored {
  const k = s.nClasses;
  return { nClasses: k, y: s.y.subarray(start, end), predicted: s.predicted.subarray(start, end), proba: s.proba.subarray(start * k, end * k) };
}

function feed(state: TrackerState, s: Scored, chunkSizes: readonly number[]): TrackerState {
  let start = 0;
  for (let i = 0; start < s.y.length; i++) {
    const end = Math.min(s.y.length, start + chunkSizes[i % chunkSizes.length]);
    state = updateTracker(state, sliceScored(s, start, end));
    start = end;
  }
  return state;
}

const MODES: readonly TrackingMode[] = [
  { kind: 'window' },
  { kind: 'cumulative' },
  { kind: 'rolling', size: 64 },
  { kind: 'fading', alpha: 0.98 },
];

describe('metrics: states are pure', () => {
  const first = randomScored(1, 40, 3);
  const second = randomScored(2, 30, 3);
  const incremental: [string, () => unknown, (state: never, scored: Scored) => unknown][] = [
    ['updateConfusion', () => confusionInit(3), (s, b) => updateConfusion(s, b, 0.9)],
    ['updateLogLoss', () => logLossInit(3), (s, b) => updateLogLoss(s, b, 0.9)],
    ['updateAucHistogram', () => aucHistogramInit(3, 1000), (s, b) => updateAucHistogram(s, b, 0.9)],
    ['updateRolling', () => rollingInit(3, 50), (s, b) => updateRolling(s, b)],
    ...MODES.map((mode): [string, () => unknown, (state: never, scored: Scored) => unknown] => [
      `updateTracker (${mode.kind})`, () => tracker(mode, 3), (s, b) => updateTracker(s, b),
    ]),
  ];
  for (const [name, init, update] of incremental) {
    it(`${name} leaves the state and the scored rows it is given untouched and returns a frozen state`, () => {
      const before = update(init() as never, first);
      const stateText = encodeState(before);
      const scoredText = encodeState(second);
      const after = update(before as never, second);
      assert.equal(encodeState(before), stateText, 'state was mutated');
      assert.equal(encodeState(second), scoredText, 'scored rows were mutated');
      assert.notEqual(encodeState(after), stateText, 'the update had no effect');
      assert.ok(Object.isFrozen(after) && Object.isFrozen(before));
    });
  }
});

describe('metrics: how rows are split into batches does not matter', () => {
  for (const nClasses of [2, 3]) {
    const rows = randomScored(7 + nClasses, 300, nClasses);
    for (const mode of [...MODES.slice(1), { kind: 'rolling', size: 1000 } as const, { kind: 'rolling', size: 1 } as const]) {
      it(`${mode.kind}${mode.kind === 'rolling' ? `(${mode.size})` : ''} with ${nClasses} classes: one batch = single rows = uneven chunks`, () => {
        const whole = readMetrics(feed(tracker(mode, nClasses), rows, [300]));
        for (const chunks of [[1], [7, 50, 1, 93, 2]]) {
          const split = readMetrics(feed(tracker(mode, nClasses), rows, chunks));
          assert.equal(split.rows, whole.rows);
          assert.equal(split.seen, 300);
          for (const name of [...METRIC_NAMES, 'weight', 'rocAucErrorBound'] as const) {
            const diff = Math.abs(split[name] - whole[name]);
            assert.ok(diff <= 1e-12 || (Number.isNaN(split[name]) && Number.isNaN(whole[name])), `${name}: ${split[name]} vs ${whole[name]} (chunks ${chunks})`);
          }
        }
      });
    }
  }
});

describe('metrics: malformed input throws a clear Error', () => {
  const valid = (): { nClasses: number; y: Int32Array; predicted: Int32Array; proba: Float64Array } => ({
    nClasses: 2, y: Int32Array.of(0, 1), predicted: Int32Array.of(0, 1), proba: Float64Array.of(0.8, 0.2, 0.3, 0.7),
  });
  const cases: [string, (s: ReturnType<typeof valid>) => void, RegExp][] = [
    ['NaN probability', (s) => { s.proba[2] = NaN; }, /proba\[row 1, class 0\] is NaN; probabilities must be finite/],
    ['Infinity probability', (s) => { s.proba[1] = Infinity; }, /proba\[row 0, class 1\] is Infinity/],
    ['-Infinity probability', (s) => { s.proba[3] = -Infinity; }, /proba\[row 1, class 1\] is -Infinity/],
    ['label above range', (s) => { s.y[1] = 2; }, /label y\[1\] = 2 is outside 0 … 1/],
    ['negative label', (s) => { s.y[0] = -1; }, /label y\[0\] = -1 is outside 0 … 1/],
    ['prediction out of range', (s) => { s.predicted[0] = 5; }, /predicted\[0\] = 5 is outside 0 … 1/],
    ['short proba', (s) => { s.proba = s.proba.subarray(0, 3); }, /proba has 3 values, expected rows × nClasses = 2 × 2/],
    ['short predictions', (s) => { s.predicted = s.predicted.subarray(0, 1); }, /2 labels but 1 predictions/],
    ['one class', (s) => { s.nClasses = 1; s.proba = s.proba.subarray(0, 2); }, /nClasses must be an integer ≥ 2, got 1/],
  ];
  for (const [what, spoil, message] of cases) {
    it(`${what}: scoreBatch and every tracker mode reject it`, () => {
      const scored = valid();
      spoil(scored);
      assert.throws(() => scoreBatch(scored), (e: Error) => e instanceof Error && /^scoreBatch: /.test(e.message) && message.test(e.message));
      for (const mode of MODES) {
        assert.throws(() => updateTracker(tracker(mode, 2), scored), (e: Error) => message.test(e.message) || /nClasses/.test(e.message), `${mode.kind}`);
      }
    });
  }

  it('a tracker rejects rows of another class count', () => {
    assert.throws(() => updateTracker(tracker({ kind: 'cumulative' }, 3), valid()), /scored rows have nClasses = 2, but the state tracks 3/);
  });

  it('bad modes name the parameter and what is allowed', () => {
    assert.throws(() => tracker({ kind: 'rolling', size: 0 }, 2), /tracker: size must be an integer ≥ 1, got 0/);
    assert.throws(() => tracker({ kind: 'rolling', size: 2.5 }, 2), /tracker: size must be an integer ≥ 1, got 2.5/);
    assert.throws(() => tracker({ kind: 'fading', alpha: 0 }, 2), /tracker: alpha must be a number in \(0, 1\], got 0/);
    assert.throws(() => tracker({ kind: 'fading', alpha: 1.5 }, 2), /alpha must be a number in \(0, 1\], got 1.5/);
    assert.throws(() => tracker({ kind: 'fading', alpha: NaN }, 2), /alpha must be a number in \(0, 1\], got NaN/);
    assert.throws(() => tracker({ kind: 'cumulative', aucBins: 1 }, 2), /tracker: aucBins must be an integer ≥ 2, got 1/);
    assert.throws(() => tracker({ kind: 'sliding' } as unknown as TrackingMode, 2), /tracker: mode.kind must be "window", "cumulative", "rolling", "fading", got "sliding"/);
    assert.throws(() => tracker({ kind: 'window' }, 1), /tracker: nClasses must be an integer ≥ 2, got 1/);
    assert.throws(() => updateConfusion(confusionInit(2), valid(), 2), /updateConfusion: alpha must be a number in \(0, 1\], got 2/);
    assert.throws(() => updateLogLoss(logLossInit(2), valid(), 0), /updateLogLoss: alpha must be a number in \(0, 1\], got 0/);
    assert.throws(() => updateAucHistogram(aucHistogramInit(2), valid(), -1), /updateAucHistogram: alpha must be/);
  });
});

describe('metrics: edge cases checked by hand', () => {
  const binary = (y: number[], p1: number[]): Scored => ({
    nClasses: 2,
    y: Int32Array.from(y),
    predicted: Int32Array.from(p1, (p) => (p > 0.5 ? 1 : 0)),
    proba: Float64Array.from(p1.flatMap((p) => [1 - p, p])),
  });

  it('ROC AUC: the scikit-learn doc example, and tied scores counting ½', () => {
    assert.equal(scoreBatch(binary([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).rocAuc, 0.75);
    assert.equal(scoreBatch(binary([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])).rocAuc, 3.5 / 4);
  });

  it('zero division gives 0: nothing predicted positive, or no positives at all', () => {
    const nonePredicted = scoreBatch(binary([1, 1, 0], [0.2, 0.4, 0.1]));
    assert.deepEqual([nonePredicted.precision, nonePredicted.recall, nonePredicted.f1], [0, 0, 0]);
    const noPositives = scoreBatch(binary([0, 0, 0], [0.1, 0.2, 0.3]));
    assert.deepEqual([noPositives.accuracy, noPositives.precision, noPositives.recall, noPositives.f1], [1, 0, 0, 0]);
    assert.ok(Number.isNaN(noPositives.rocAuc), 'AUC is undefined with one class');
  });

  it('macro averages skip classes absent from both labels and predictions', () => {
    // nClasses 4, y = [0, 0], predicted = [0, 2]: class 0 has P 1, R ½, F1 ⅔; class 2 has 0, 0, 0.
    const scored: Scored = { nClasses: 4, y: Int32Array.of(0, 0), predicted: Int32Array.of(0, 2), proba: Float64Array.of(0.7, 0.1, 0.1, 0.1, 0.3, 0.1, 0.5, 0.1) };
    const metrics = scoreBatch(scored);
    assert.equal(metrics.precision, 0.5);
    assert.equal(metrics.recall, 0.25);
    assert.equal(metrics.f1, 1 / 3);
    const weighted = precisionRecallF1(updateConfusion(confusionInit(4), scored), 'weighted');
    assert.deepEqual(weighted, { precision: 1, recall: 0.5, f1: 2 / 3 });
  });

  it('log loss clips a zero probability of the true class at −ln ε = 52 ln 2', () => {
    const state = updateLogLoss(logLossInit(2), binary([1], [0]));
    assert.equal(logLoss(state), 52 * Math.LN2);
  });

  it('empty batches: NaN metrics with 0 rows, and no effect on a tracker', () => {
    const empty: Scored = { nClasses: 2, y: new Int32Array(0), predicted: new Int32Array(0), proba: new Float64Array(0) };
    const metrics = scoreBatch(empty);
    assert.equal(metrics.rows, 0);
    for (const name of METRIC_NAMES) assert.ok(Number.isNaN(metrics[name]), name);
    for (const mode of MODES.slice(1)) {
      assert.ok(Number.isNaN(readMetrics(updateTracker(tracker(mode, 2), empty)).accuracy), `${mode.kind} before any row`);
      const loaded = updateTracker(tracker(mode, 2), binary([0, 1], [0.3, 0.6]));
      assert.deepEqual(readMetrics(updateTracker(loaded, empty)), readMetrics(loaded), mode.kind);
    }
  });

  it('fading with alpha ½: three rows weigh ¼, ½, 1', () => {
    // Correct, wrong, correct → weighted accuracy (¼ + 1) / (¼ + ½ + 1) = 5/7.
    const state = updateTracker(tracker({ kind: 'fading', alpha: 0.5 }, 2), binary([0, 1, 1], [0.1, 0.2, 0.9]));
    const metrics = readMetrics(state);
    assert.equal(metrics.weight, 1.75);
    assert.equal(metrics.accuracy, 5 / 7);
  });
});

describe('metrics: binned ROC AUC for cumulative and fading tracking', () => {
  it('bin edges ascend strictly, so binning is monotone', () => {
    const edges = aucBinEdges(DEFAULT_AUC_BINS);
    assert.equal(edges.length, DEFAULT_AUC_BINS - 1);
    for (let i = 1; i < edges.length; i++) assert.ok(edges[i] > edges[i - 1], `edge ${i}`);
  });

  for (const nClasses of [2, 4]) {
    it(`on 20,000 continuous ${nClasses}-class scores the bound is < 0.001 and holds`, () => {
      const rows = randomScored(99 + nClasses, 20_000, nClasses);
      const exact = scoreBatch(rows).rocAuc;
      const binned = readMetrics(updateTracker(tracker({ kind: 'cumulative' }, nClasses), rows));
      assert.ok(binned.rocAucErrorBound < 0.001, `bound ${binned.rocAucErrorBound}`);
      assert.ok(Math.abs(binned.rocAuc - exact) <= binned.rocAucErrorBound, `${binned.rocAuc} vs exact ${exact}`);
    });
  }

  it('with tied scores the bound still holds', () => {
    const rows = randomScored(5, 2000, 2, 2);
    const exact = scoreBatch(rows).rocAuc;
    const binned = readMetrics(updateTracker(tracker({ kind: 'cumulative', aucBins: 1000 }, 2), rows));
    assert.ok(Math.abs(binned.rocAuc - exact) <= binned.rocAucErrorBound + 1e-12);
  });
});

describe('metrics: tracker states survive encodeState → decodeState → restoreTracker', () => {
  const batches = [randomScored(11, 40, 3), randomScored(12, 70, 3), randomScored(13, 25, 3)];
  for (const mode of MODES) {
    it(`${mode.kind}: a restored state continues exactly like the original`, () => {
      const midway = updateTracker(updateTracker(tracker(mode, 3), batches[0]), batches[1]);
      const restored = restoreTracker(decodeState(encodeState(midway)));
      assert.deepEqual(readMetrics(updateTracker(restored, batches[2])), readMetrics(updateTracker(midway, batches[2])));
    });
  }

  it('a damaged state is rejected with the field named', () => {
    const plain = decodeState(encodeState(updateTracker(tracker({ kind: 'cumulative' }, 2), randomScored(3, 10, 2)))) as Record<string, any>;
    plain.confusion.counts = new Float64Array(3);
    assert.throws(() => restoreTracker(plain), /restoreTracker: state.confusion.counts must be a Float64Array of length 4, got Float64Array\(3\)/);
    const ring = decodeState(encodeState(updateTracker(tracker({ kind: 'rolling', size: 8 }, 2), randomScored(4, 5, 2)))) as Record<string, any>;
    ring.window.y[2] = 7;
    assert.throws(() => restoreTracker(ring), /state.window.y\[2\] must be a label in 0 … 1, got 7/);
    assert.throws(() => restoreTracker({ ...ring, mode: { kind: 'rolling', size: 9 } }), /state.window.size must be 9, got 8/);
  });
});
