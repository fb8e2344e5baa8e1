import { strict as assert } from 'node:assert';
import { minMaxDecimate } from '../io/artifacts/decimate';
import { BoundedSeries } from '../io/artifacts/bounded-series';
import { TrainingTrace } from '../io/artifacts/training-chart';

const isIncreasing = (xs: Float64Array): boolean => xs.every((x, i) => i === 0 || x > xs[i - 1]);

describe('series for charts', () => {
  describe('minMaxDecimate', () => {
    it('returns a short series unchanged, without points that are not finite', () => {
      const { xs, ys } = minMaxDecimate([1, 2, 3, 4], [0.5, NaN, 0.7, Infinity], 10);
      assert.deepEqual([...xs], [1, 3]);
      assert.deepEqual([...ys], [0.5, 0.7]);
    });

    it('keeps the first and last point and both extremes of every bucket, in order', () => {
      // First, then 4 buckets of 4 points, then last; each bucket's low and high are picked by hand
      // (a flat bucket gives one point; on ties the earlier point is kept).
      const ys = [9, 5, 1, 8, 5, 5, 5, 5, 5, 0, 3, 7, 2, 4, 6, 6, 1, 3];
      const out = minMaxDecimate(ys.map((_, i) => i), ys, 10);
      const kept = [0, 2, 3, 5, 9, 11, 14, 16, 17];
      assert.deepEqual([...out.xs], kept);
      assert.deepEqual([...out.ys], [9, 1, 8, 5, 0, 7, 6, 1, 3]);
    });

    it('stays within the point budget and keeps the spikes of a long series', () => {
      const n = 200_003;
      const xs = Float64Array.from({ length: n }, (_, i) => i);
      const ys = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 300));
      ys[123_456] = 10;
      ys[7] = -10;
      const out = minMaxDecimate(xs, ys, 2000);
      assert.ok(out.xs.length <= 2000 && out.xs.length > 1900, `${out.xs.length} points`);
      assert.ok(isIncreasing(out.xs));
      assert.equal(out.xs[0], 0);
      assert.equal(out.xs[out.xs.length - 1], n - 1);
      assert.equal(out.xs[out.ys.indexOf(10)], 123_456);
      assert.equal(out.xs[out.ys.indexOf(-10)], 7);
    });

    it('refuses a budget too small for first, last and one bucket', () => {
      assert.throws(() => minMaxDecimate([1], [1], 3), /maxPoints must be an integer ≥ 4, got 3/);
      assert.throws(() => minMaxDecimate([1, 2], [1], 10), /same length/);
    });
  });

  describe('BoundedSeries', () => {
    it('keeps a series shorter than its buckets exactly', () => {
      const series = new BoundedSeries(8);
      const ys = [0.5, 0.25, 0.75, 1];
      ys.forEach((y, i) => series.add(i * 10, y));
      const { xs, ys: kept } = series.points();
      assert.deepEqual([...xs], [0, 10, 20, 30]);
      assert.deepEqual([...kept], ys);
    });

    it('stays bounded after a million points and keeps the run’s extremes, first and last', () => {
      const series = new BoundedSeries(998);
      const n = 1_000_000;
      for (let i = 0; i < n; i++) {
        const y = i === 654_321 ? 42 : i === 3 ? -42 : i % 1000 === 500 ? NaN : Math.sin(i / 1000);
        series.add(i, y);
      }
      const { xs, ys } = series.points();
      assert.equal(series.length, n);
      assert.ok(xs.length <= 2 * 998 + 2, `${xs.length} points kept`);
      assert.ok(xs.length > 998, 'the buckets are well used');
      assert.equal(series.pointsPerBucket, 1024);
      assert.ok(isIncreasing(xs), 'points in order');
      assert.ok(ys.every(Number.isFinite));
      assert.equal(xs[0], 0);
      assert.equal(xs[xs.length - 1], n - 1);
      assert.equal(xs[ys.indexOf(42)], 654_321);
      assert.equal(xs[ys.indexOf(-42)], 3);
    });

    it('matches a min–max pass over the same points at every bucket', () => {
      // 40 points in 4 buckets: after two merges each bucket covers 16 points (the last one 8).
      const series = new BoundedSeries(4);
      const ys = Array.from({ length: 40 }, (_, i) => ((i * 7919) % 31) / 31);
      ys.forEach((y, i) => series.add(i, y));
      assert.equal(series.pointsPerBucket, 16);
      const expected = new Set<number>([0, 39]);
      for (let start = 0; start < 40; start += 16) {
        const bucket = ys.slice(start, start + 16);
        expected.add(start + bucket.indexOf(Math.min(...bucket)));
        expected.add(start + bucket.indexOf(Math.max(...bucket)));
      }
      assert.deepEqual([...series.points().xs], [...expected].sort((a, b) => a - b));
    });

    it('refuses an odd or tiny bucket count', () => {
      assert.throws(() => new BoundedSeries(7), /buckets must be an even integer ≥ 2, got 7/);
      assert.throws(() => new BoundedSeries(0), /buckets must be an even integer/);
    });
  });

  describe('TrainingTrace', () => {
    it('keeps a fixed number of points and markers for a 5M-record run', () => {
      const trace = new TrainingTrace({ buckets: 100, maxMarkers: 5 });
      const metrics = { rows: 100, accuracy: 0.8, precision: 0.8, recall: 0.8, f1: 0.8, logLoss: 0.4, rocAuc: 0.9 };
      for (let i = 0; i < 50_000; i++) trace.add({ metrics, state: { rowsSeen: 100 * (i + 1) }, drift: i % 5000 === 4999 });
      const data = trace.data();
      assert.equal(data.records, 5_000_000);
      assert.equal(data.windows, 50_000);
      for (const series of [data.perWindow.accuracy, data.perWindow.f1, data.perWindow.logLoss]) assert.ok(series.xs.length <= 202);
      assert.equal(data.markers.length, 5);
      assert.equal(data.markersDropped, 5);
      assert.deepEqual(data.markers[0], { x: 500_000, label: 'drift' });
      assert.equal(data.tracked, undefined);
    });
  });
});
