import assert from 'node:assert/strict';
import { adwin, adwinEstimation, adwinInit, adwinParams, adwinUpdateMany } from '../drift/adwin';
import type { AdwinState } from '../drift/adwin';
import { createDetector, DETECTOR_NAMES } from '../drift/catalog';
import { ddm } from '../drift/ddm';
import { eddm } from '../drift/eddm';
import { pageHinkley } from '../drift/page-hinkley';
import type { DriftDetector } from '../drift/types';
import { Random } from '../models/random';
import { decodeState, encodeState } from '../models/state-codec';

/** 0/1 errors: rate 0.1 for 2 000 values, then 0.45; every detector flags something on it. */
function errorStream(seed: number): Uint8Array {
  const random = new Random(seed);
  return Uint8Array.from({ length: 4000 }, (_, i) => (random.next() < (i < 2000 ? 0.1 : 0.45) ? 1 : 0));
}

/** Fresh detectors with options that make them fire several times on `errorStream`. */
const DETECTORS: [string, () => DriftDetector<unknown>][] = [
  ['adwin', () => adwin({ clock: 4 }) as DriftDetector<unknown>],
  ['page-hinkley', () => pageHinkley({ threshold: 10 }) as DriftDetector<unknown>],
  ['ddm', () => ddm() as DriftDetector<unknown>],
  ['eddm', () => eddm() as DriftDetector<unknown>],
];

describe('drift detectors', () => {
  describe('options', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => adwin({ delta: 0 }), /adwin: delta must be a number in \(0, 1\), got 0/],
      [() => adwin({ clock: 0 }), /adwin: clock must be an integer ≥ 1, got 0/],
      [() => adwin({ maxBuckets: 2.5 }), /adwin: maxBuckets must be an integer ≥ 1, got 2\.5/],
      [() => adwin({ minWindowLength: 0 }), /adwin: minWindowLength must be an integer ≥ 1, got 0/],
      [() => adwin({ gracePeriod: -1 }), /adwin: gracePeriod must be an integer ≥ 0, got -1/],
      [() => adwin({ dleta: 0.1 } as never), /adwin: unknown option "dleta"/],
      [() => pageHinkley({ alpha: 1.5 }), /pageHinkley: alpha must be a number in \(0, 1\], got 1\.5/],
      [() => pageHinkley({ threshold: 0 }), /pageHinkley: threshold must be a finite number > 0, got 0/],
      [() => pageHinkley({ delta: -1 }), /pageHinkley: delta must be a finite number ≥ 0, got -1/],
      [() => pageHinkley({ mode: 'sideways' as never }), /pageHinkley: mode must be one of "up", "down", "both", got "sideways"/],
      [() => pageHinkley({ minInstances: 0 }), /pageHinkley: minInstances must be an integer ≥ 1, got 0/],
      [() => ddm({ warmStart: -1 }), /ddm: warmStart must be an integer ≥ 0, got -1/],
      [() => ddm({ driftThreshold: NaN }), /ddm: driftThreshold must be a finite number > 0, got NaN/],
      [() => eddm({ alpha: 0.8, beta: 0.9 }), /eddm: beta must be ≤ alpha \(0\.8\), got 0\.9/],
      [() => eddm({ beta: 0 }), /eddm: beta must be a number in \(0, 1\], got 0/],
      [() => createDetector('kswin'), /unknown drift detector "kswin"; choose one of adwin, page-hinkley, ddm, eddm/],
    ];
    for (const [make, message] of cases) {
      it(`rejects: ${message.source}`, () => assert.throws(make, message));
    }

    it('uses River 0.23 defaults and freezes the parameters', () => {
      assert.deepEqual(adwin().params, { delta: 0.002, clock: 32, maxBuckets: 5, minWindowLength: 5, gracePeriod: 10 });
      assert.deepEqual(pageHinkley().params, { minInstances: 30, delta: 0.005, threshold: 50, alpha: 1 - 0.0001, mode: 'both' });
      assert.deepEqual(ddm().params, { warmStart: 30, warningThreshold: 2, driftThreshold: 3 });
      assert.deepEqual(eddm().params, { warmStart: 30, alpha: 0.95, beta: 0.9 });
      for (const name of DETECTOR_NAMES) assert.ok(Object.isFrozen(createDetector(name).params), name);
    });
  });

  for (const [name, make] of DETECTORS) {
    describe(name, () => {
      const values = errorStream(11);

      it('flags drift on the error stream (so the checks below compare something)', () => {
        const detector = make();
        const run = detector.updateMany(detector.init(), values);
        assert.ok(run.drifts.length > 0, 'no drift flagged');
      });

      it('never mutates the state it is given, and rejects a non-finite value without touching it', () => {
        const detector = make();
        let state = detector.updateMany(detector.init(), values.subarray(0, 1500)).state;
        const before = encodeState(state);
        for (const value of values.subarray(1500, 1600)) detector.update(state, value);
        detector.updateMany(state, values.subarray(1500));
        assert.equal(encodeState(state), before);
        assert.throws(() => detector.update(state, NaN), /values must be finite numbers, got NaN/);
        assert.throws(() => detector.updateMany(state, [0, 1, Infinity]), /got Infinity/);
        assert.equal(encodeState(state), before);
        state = detector.update(state, 1).state;
        assert.notEqual(encodeState(state), before);
      });

      it('gives the same flags and final state value by value, in one batch and in uneven chunks', () => {
        const detector = make();
        const whole = detector.updateMany(detector.init(), values);
        let state = detector.init();
        const drifts: number[] = [];
        const warnings: number[] = [];
        values.forEach((value, i) => {
          const step = detector.update(state, value);
          state = step.state;
          if (step.drift) drifts.push(i);
          if (step.warning) warnings.push(i);
        });
        assert.deepEqual(drifts, whole.drifts);
        assert.deepEqual(warnings, whole.warnings);
        assert.equal(encodeState(state), encodeState(whole.state));

        const random = new Random(5);
        let chunked = detector.init();
        const chunkDrifts: number[] = [];
        for (let start = 0; start < values.length;) {
          const end = Math.min(values.length, start + random.int(0, 97));
          const run = detector.updateMany(chunked, values.subarray(start, end));
          chunkDrifts.push(...run.drifts.map((i) => i + start));
          chunked = run.state;
          start = end;
        }
        assert.deepEqual(chunkDrifts, whole.drifts);
        assert.equal(encodeState(chunked), encodeState(whole.state));
      });

      it('resumes from an encoded state exactly where it left off', () => {
        const detector = make();
        const whole = detector.updateMany(detector.init(), values);
        const half = detector.updateMany(detector.init(), values.subarray(0, 2100));
        const restored = detector.restore(decodeState(encodeState(half.state)));
        const rest = detector.updateMany(restored, values.subarray(2100));
        assert.deepEqual([...half.drifts, ...rest.drifts.map((i) => i + 2100)], whole.drifts);
        assert.equal(encodeState(rest.state), encodeState(whole.state));
      });

      it('restore rejects a state that is not its own', () => {
        const detector = make();
        assert.throws(() => detector.restore(null), /restore: state must be a plain object, got null/);
        const plain = { ...(detector.init() as Record<string, unknown>) };
        delete plain.driftDetected;
        assert.throws(() => detector.restore(plain), /state\.driftDetected must be true or false, got undefined/);
      });

      it('starts afresh on the update after a drift', () => {
        const detector = make();
        const run = detector.updateMany(detector.init(), values);
        const firstDrift = run.drifts[0];
        const atDrift = detector.updateMany(detector.init(), values.subarray(0, firstDrift + 1)).state;
        const fresh = detector.update(detector.init(), values[firstDrift + 1]).state;
        assert.equal(encodeState(detector.update(atDrift, values[firstDrift + 1]).state), encodeState(fresh));
      });
    });
  }

  describe('adwin window', () => {
    const params = adwinParams();

    it('keeps every value of a stationary stream, and its mean, in the exponential histogram', () => {
      const random = new Random(3);
      const values = Float64Array.from({ length: 3000 }, () => random.normal());
      const { state, drifts } = adwinUpdateMany(params, adwinInit(params), values);
      assert.deepEqual(drifts, []);
      assert.equal(state.width, 3000);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      assert.ok(Math.abs(adwinEstimation(state) - mean) < 1e-12);
      let width = 0;
      let total = 0;
      for (let row = 0; row < state.rows; row++) {
        assert.ok(state.bucketCounts[row] <= params.maxBuckets, `row ${row} holds ${state.bucketCounts[row]} buckets`);
        width += state.bucketCounts[row] * 2 ** row;
        for (let k = 0; k < state.bucketCounts[row]; k++) total += state.bucketTotals[row * (params.maxBuckets + 1) + k];
      }
      assert.equal(width, 3000);
      assert.ok(Math.abs(total - state.total) < 1e-9);
      // Row r holds buckets of 2^r values: at most maxBuckets per row bounds the rows by log2.
      assert.ok(state.rows <= Math.ceil(Math.log2(3000 / params.maxBuckets + 1)) + 1, `rows ${state.rows}`);
    });

    it('grows its rows when the window needs more, with the same result as a roomier start', () => {
      const values = errorStream(2);
      const roomy = adwinUpdateMany(params, adwinInit(params), values);
      const cramped = adwinUpdateMany(params, adwinInit(params, 1), values);
      assert.ok(cramped.state.bucketCounts.length > 1, 'grew');
      assert.deepEqual(cramped.drifts, roomy.drifts);
      for (const key of ['width', 'total', 'variance', 'rows'] as const) assert.equal(cramped.state[key], roomy.state[key], key);
    });

    it('restore checks the histogram against the window it claims', () => {
      const state = adwinUpdateMany(params, adwinInit(params), errorStream(4).subarray(0, 500)).state;
      const plain = decodeState(encodeState(state)) as Record<string, unknown>;
      assert.equal(encodeState(adwin().restore(plain)), encodeState(state));
      assert.throws(() => adwin().restore({ ...plain, width: 499 }), /adwin\.restore: state\.width is 499 but the buckets hold 500 values/);
      assert.throws(() => adwin({ maxBuckets: 3 }).restore(plain), /state\.bucketTotals must be a Float64Array of bucketCounts\.length × \(maxBuckets \+ 1\)/);
      assert.throws(() => adwin().restore({ ...plain, rows: 0 }), /state\.rows must be an integer in 1 … 16, got 0/);
    });

    it('drops the values before a shift of the mean when it flags the drift', () => {
      const random = new Random(9);
      const values = Float64Array.from({ length: 2000 }, (_, i) => random.normal() + (i < 1000 ? 0 : 3));
      const { state, drifts } = adwinUpdateMany(params, adwinInit(params), values);
      assert.equal(drifts.length, 1);
      assert.ok(drifts[0] >= 1000 && drifts[0] < 1100, `flagged at ${drifts[0]}`);
      const atDrift: AdwinState = adwinUpdateMany(params, adwinInit(params), values.subarray(0, drifts[0] + 1)).state;
      assert.ok(atDrift.width <= drifts[0] + 1 - 900, `window of ${atDrift.width} still holds most of the old concept`);
      assert.ok(adwinEstimation(atDrift) > 2, `estimation ${adwinEstimation(atDrift)}`);
      assert.ok(state.width < 1000);
    });
  });
});
