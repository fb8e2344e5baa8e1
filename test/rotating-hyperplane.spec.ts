import assert from 'node:assert/strict';
import { Random } from '../models/random';
import { hyperplaneParams, initHyperplane, rotatingHyperplane, sampleHyperplane } from '../generators/rotating-hyperplane';
import type { HyperplaneState } from '../generators/rotating-hyperplane';

describe('rotating hyperplane generator', () => {
  describe('options', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ nFeatures: 0 }, /rotatingHyperplane: nFeatures must be an integer ≥ 1, got 0/],
      [{ nFeatures: 3, nDriftFeatures: 4 }, /rotatingHyperplane: nDriftFeatures must be an integer ≤ nFeatures \(3\), got 4/],
      [{ magChange: -0.1 }, /rotatingHyperplane: magChange must be a number in \[0, 1\], got -0\.1/],
      [{ sigma: 2 }, /rotatingHyperplane: sigma must be a number in \[0, 1\], got 2/],
      [{ noise: NaN }, /rotatingHyperplane: noise must be a number in \[0, 1\], got NaN/],
      [{ mag_change: 0.1 }, /rotatingHyperplane: unknown option "mag_change"/],
    ];
    for (const [options, message] of cases) {
      it(`rejects ${JSON.stringify(options)}`, () => assert.throws(() => rotatingHyperplane(options as never), message));
    }
  });

  it('moves each drifting weight by exactly magChange per row, reversing with probability sigma, and no other weight', () => {
    const params = hyperplaneParams({ nFeatures: 5, nDriftFeatures: 2, magChange: 0.01, sigma: 0.1, noise: 0 });
    const random = new Random(4);
    let state = initHyperplane(params, new Random(5));
    const initial = state.weights.slice();
    let reversals = 0;
    const rows = 5000;
    for (let t = 0; t < rows; t++) {
      const before: HyperplaneState = state;
      const beforeWeights = before.weights.slice();
      const { state: next, batch } = sampleHyperplane(params, before, 1, random);
      assert.deepEqual(before.weights, beforeWeights, 'input state untouched');
      // The label uses the weights before this row's drift.
      let weighted = 0;
      let sum = 0;
      for (let i = 0; i < 5; i++) {
        const xi = batch.x.data[i];
        assert.ok(xi >= 0 && xi < 1);
        weighted += before.weights[i] * xi;
        sum += before.weights[i];
      }
      assert.equal(batch.y[0], weighted >= sum / 2 ? 1 : 0, `row ${t}`);
      for (let i = 0; i < 2; i++) {
        assert.ok(Math.abs(Math.abs(next.weights[i] - before.weights[i]) - 0.01) < 1e-12, `weight ${i} at row ${t}`);
        assert.equal(next.weights[i] - before.weights[i] > 0, before.directions[i] > 0, 'moves in its direction');
        if (next.directions[i] !== before.directions[i]) reversals++;
      }
      for (let i = 2; i < 5; i++) assert.equal(next.weights[i], initial[i]);
      assert.equal(next.position, t + 1);
      state = next;
    }
    // 10 000 coin flips at 0.1: 1 000 ± 30.
    assert.ok(Math.abs(reversals - 1000) < 5 * 30, `${reversals} reversals`);
  });

  it('drifts gradually: the label rule changes little over a few rows and a lot over many', () => {
    const params = hyperplaneParams({ nFeatures: 4, nDriftFeatures: 4, magChange: 0.002, sigma: 0.01, noise: 0 });
    const start = initHyperplane(params, new Random(6));
    const later = (rows: number): HyperplaneState => sampleHyperplane(params, start, rows, new Random(7)).state;
    const probe = new Random(8);
    const points = Array.from({ length: 4000 }, () => Float64Array.from({ length: 4 }, () => probe.next()));
    const label = (w: Float64Array, x: Float64Array): number => (w.reduce((s, wi, i) => s + wi * x[i], 0) >= w.reduce((a, b) => a + b, 0) / 2 ? 1 : 0);
    const disagreement = (w: Float64Array): number => points.filter((x) => label(w, x) !== label(start.weights, x)).length / points.length;
    const soon = disagreement(later(10).weights);
    const late = disagreement(later(2000).weights);
    assert.ok(soon < 0.02, `after 10 rows ${soon} of the labels changed`);
    assert.ok(late > 0.1, `after 2 000 rows only ${late} of the labels changed`);
  });

  it('flips a fraction noise of the labels', () => {
    const params = hyperplaneParams({ magChange: 0, noise: 0.2 });
    const state = initHyperplane(params, new Random(9));
    const { batch } = sampleHyperplane(params, state, 10_000, new Random(10));
    let flipped = 0;
    const sum = state.weights.reduce((a, b) => a + b, 0);
    for (let r = 0; r < 10_000; r++) {
      let weighted = 0;
      for (let i = 0; i < 10; i++) weighted += state.weights[i] * batch.x.data[r * 10 + i];
      if (batch.y[r] !== (weighted >= sum / 2 ? 1 : 0)) flipped++;
    }
    // Binomial(10 000, 0.2): 2 000 ± 40.
    assert.ok(Math.abs(flipped - 2000) < 5 * 40, `${flipped} flipped`);
  });
});
