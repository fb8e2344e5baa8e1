/**
 * The in-place tracker behind `trackMetrics` must agree with the pure `updateTracker`/`readMetrics`
 * bit for bit, hand out states that never change afterwards, and never touch its seed.
 */
import assert from 'node:assert/strict';
import { Random } from '../models/random';
import { encodeState, decodeState } from '../models/state-codec';
import type { Scored } from '../metrics/types';
import { type TrackerState, type TrackingMode, tracker, updateTracker, readMetrics } from '../metrics/tracker';
import { restoreTracker } from '../metrics/tracker-restore';
import { LOG_CAPACITY, trackerAccumulator } from '../metrics/tracker-accumulator';
import { aucBinEdges, scoreBin } from '../metrics/auc-histogram';

function batch(random: Random, rows: number, nClasses: number): Scored {
  const y = new Int32Array(rows);
  const predicted = new Int32Array(rows);
  const proba = new Float64Array(rows * nClasses);
  for (let r = 0; r < rows; r++) {
    y[r] = random.int(0, nClasses - 1);
    let total = 0;
    for (let c = 0; c < nClasses; c++) total += proba[r * nClasses + c] = Math.exp((c === y[r] ? 1 : 0) + 2 * random.normal());
    let best = 0;
    for (let c = 0; c < nClasses; c++) {
      proba[r * nClasses + c] /= total;
      if (proba[r * nClasses + c] > proba[r * nClasses + best]) best = c;
    }
    predicted[r] = best;
  }
  // Exact 0 and 1 and a tie with a bin edge's neighbourhood, which binning must place as the pure path does.
  if (rows > 2 && nClasses === 2) {
    proba.set([1, 0], 0);
    proba.set([0, 1], 2);
  }
  return { nClasses, y, predicted, proba };
}

function stream(seed: number, batches: number, nClasses: number): Scored[] {
  const random = new Random(seed);
  return Array.from({ length: batches }, (_, i) => batch(random, i % 7 === 3 ? 0 : random.int(1, 130), nClasses));
}

const MODES: readonly TrackingMode[] = [{ kind: 'cumulative' }, { kind: 'cumulative', aucBins: 64 }, { kind: 'fading', alpha: 0.99 }, { kind: 'rolling', size: 50 }, { kind: 'window' }];

describe('scoreBin', () => {
  /** The definition, how many edges are ≤ the score, by binary search over the ascending edges. */
  const edgesAtOrBelow = (score: number, edges: Float64Array): number => {
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (edges[mid] <= score) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const nextUp = (x: number): number => x + Math.max(Number.MIN_VALUE, Math.abs(x) * Number.EPSILON);
  const nextDown = (x: number): number => x - Math.max(Number.MIN_VALUE, Math.abs(x) * Number.EPSILON);

  for (const bins of [4096, 1000, 2]) {
    it(`counts the edges at or below a score exactly, on and next to each of ${bins - 1} edges and beyond [0, 1]`, () => {
      const edges = aucBinEdges(bins);
      const scores = [0, 1, -0.5, 1.5, Number.MIN_VALUE, 1e-300, 1 - Number.EPSILON / 2, 0.5, ...[...edges].flatMap((e) => [e, nextUp(e), nextDown(e)])];
      for (const score of scores) assert.equal(scoreBin(score, edges), edgesAtOrBelow(score, edges), `score ${score}`);
    });
  }
});

describe('trackerAccumulator', () => {
  for (const mode of MODES) {
    for (const nClasses of [2, 3]) {
      it(`${mode.kind}${'aucBins' in mode ? ` (${mode.aucBins} bins)` : ''}, ${nClasses} classes: metrics and states equal the pure tracker's after every batch`, () => {
        let pure = tracker(mode, nClasses);
        const accumulator = trackerAccumulator(pure);
        const handedOut: [() => TrackerState, TrackerState][] = [];
        for (const [i, scored] of stream(nClasses * 10 + 1, 60, nClasses).entries()) {
          pure = updateTracker(pure, scored);
          accumulator.add(scored);
          assert.deepEqual(accumulator.metrics(), readMetrics(pure), `batch ${i}`);
          const snapshot = accumulator.snapshot();
          // Half read at once (the live counts), half only after the whole stream (replayed from the log).
          if (i % 2 === 0) assert.deepEqual(snapshot(), pure, `state after batch ${i}`);
          handedOut.push([snapshot, pure]);
        }
        for (const [i, [snapshot, expected]] of handedOut.entries()) {
          const state = snapshot();
          assert.deepEqual(state, expected, `state after batch ${i}, read at the end`);
          assert.ok(Object.isFrozen(state));
          assert.equal(snapshot(), state, 'a snapshot materialises once');
        }
      });
    }
  }

  it('never mutates its seed or a state it handed out', () => {
    const seed = updateTracker(tracker({ kind: 'cumulative' }, 2), stream(3, 1, 2)[0]);
    const seedBefore = encodeState(seed);
    const accumulator = trackerAccumulator(seed);
    const batches = stream(4, 20, 2);
    accumulator.add(batches[0]);
    const first = accumulator.snapshot()();
    const firstBefore = encodeState(first);
    for (const scored of batches.slice(1)) accumulator.add(scored);
    assert.equal(encodeState(seed), seedBefore);
    assert.equal(encodeState(first), firstBefore);
  });

  it('snapshots stay right across log rollovers', () => {
    const random = new Random(8);
    const rowsPerBatch = 1000;
    let pure = tracker({ kind: 'cumulative' }, 2);
    const accumulator = trackerAccumulator(pure);
    const handedOut: [() => TrackerState, TrackerState][] = [];
    for (let rows = 0; rows < 2.5 * LOG_CAPACITY; rows += rowsPerBatch) {
      const scored = batch(random, rowsPerBatch, 2);
      pure = updateTracker(pure, scored);
      accumulator.add(scored);
      handedOut.push([accumulator.snapshot(), pure]);
    }
    for (const i of [0, 1, 64, 65, 66, 130, 131, handedOut.length - 1]) assert.deepEqual(handedOut[i][0](), handedOut[i][1], `snapshot ${i}`);
    assert.deepEqual(accumulator.metrics(), readMetrics(pure));
  });

  it('continues a restored state exactly, and falls back to the pure path on fractional counts', () => {
    const [first, ...rest] = stream(5, 12, 3);
    const restored = restoreTracker(decodeState(encodeState(updateTracker(tracker({ kind: 'cumulative' }, 3), first))));
    const fractional = restoreTracker(decodeState(encodeState(updateTracker(tracker({ kind: 'fading', alpha: 0.5 }, 3), first)))) as unknown as Record<string, unknown>;
    const asCumulative = Object.freeze({ ...fractional, mode: Object.freeze({ kind: 'cumulative', aucBins: 4096 }) }) as unknown as TrackerState;
    for (const seed of [restored, asCumulative]) {
      let pure = seed;
      const accumulator = trackerAccumulator(seed);
      for (const scored of rest) {
        pure = updateTracker(pure, scored);
        accumulator.add(scored);
      }
      assert.deepEqual(accumulator.metrics(), readMetrics(pure));
      assert.deepEqual(accumulator.snapshot()(), pure);
    }
  });

  it('rejects malformed rows as updateTracker does, and is unchanged by them', () => {
    const [good, next] = stream(6, 2, 2);
    const accumulator = trackerAccumulator(tracker({ kind: 'cumulative' }, 2));
    accumulator.add(good);
    const before = accumulator.metrics();
    const bad = { ...next, y: Int32Array.from(next.y, (v, i) => (i === 1 ? 2 : v)) };
    assert.throws(() => accumulator.add(bad), /^Error: updateTracker: label y\[1\] = 2 is outside 0 … 1$/);
    assert.throws(() => accumulator.add({ ...next, nClasses: 3, proba: new Float64Array(next.y.length * 3) }), /updateTracker: scored rows have nClasses = 3, but the state tracks 2/);
    assert.deepEqual(accumulator.metrics(), before);
    assert.deepEqual(accumulator.snapshot()(), updateTracker(tracker({ kind: 'cumulative' }, 2), good));
  });

  it('throws exactly the error updateTracker throws for every kind of malformed row, wherever it sits, and changes nothing', () => {
    const [good, next] = stream(7, 2, 2);
    const rows = next.y.length;
    const last = rows - 1;
    const spoilt = (change: (s: { y: Int32Array; predicted: Int32Array; proba: Float64Array }) => void): Scored => {
      const copy = { nClasses: 2, y: next.y.slice(), predicted: next.predicted.slice(), proba: next.proba.slice() };
      change(copy);
      return copy;
    };
    const cases: Scored[] = [
      spoilt((s) => (s.proba[2 * last] = NaN)),
      spoilt((s) => (s.proba[1] = -Infinity)),
      spoilt((s) => (s.y[last] = -1)),
      spoilt((s) => (s.predicted[0] = 2)),
      // A bad label is reported before a non-finite probability in an earlier row, as validateScored orders them.
      spoilt((s) => {
        s.proba[0] = NaN;
        s.y[last] = 5;
      }),
      { ...next, proba: next.proba.subarray(0, 2 * rows - 1) },
      { ...next, predicted: next.predicted.subarray(1) },
    ];
    const accumulator = trackerAccumulator(tracker({ kind: 'cumulative' }, 2));
    accumulator.add(good);
    const before = accumulator.metrics();
    for (const [i, bad] of cases.entries()) {
      const expected = (() => {
        try {
          updateTracker(tracker({ kind: 'cumulative' }, 2), bad);
        } catch (error) {
          return (error as Error).message;
        }
        return assert.fail(`case ${i}: updateTracker accepted it`);
      })();
      assert.throws(() => accumulator.add(bad), (error: Error) => error.message === expected, `case ${i}: ${expected}`);
    }
    assert.deepEqual(accumulator.metrics(), before);
    assert.deepEqual(accumulator.snapshot()(), updateTracker(tracker({ kind: 'cumulative' }, 2), good));
  });
});
