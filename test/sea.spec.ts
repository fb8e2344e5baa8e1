import assert from 'node:assert/strict';
import { Random } from '../models/random';
import { sampleSea, sea, seaConceptAt, seaParams } from '../generators/sea';

/** Street & Kim's thresholds, written out independently of the module's table. */
const THETA = [8, 9, 7, 9.5];

describe('SEA generator', () => {
  describe('options', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ driftsAt: [10, 10] }, /sea: driftsAt\[1\] must be an integer > driftsAt\[0\] \(10\), got 10/],
      [{ driftsAt: [-1] }, /sea: driftsAt\[0\] must be an integer ≥ 0, got -1/],
      [{ driftsAt: 5 }, /sea: driftsAt must be an array of row positions, got 5/],
      [{ variants: [] }, /sea: variants must be a non-empty array of variants 0 … 3, got \[\]/],
      [{ variants: [0, 4] }, /sea: variants\[1\] must be one of 0, 1, 2, 3, got 4/],
      [{ noise: 1.5 }, /sea: noise must be a number in \[0, 1\], got 1\.5/],
      [{ nosie: 0.1 }, /sea: unknown option "nosie"/],
    ];
    for (const [options, message] of cases) {
      it(`rejects ${JSON.stringify(options)}`, () => assert.throws(() => sea(options as never), message));
    }

    it('defaults to three drifts over a million rows, the four variants in order and 10 % noise', () => {
      assert.deepEqual(sea().params, { driftsAt: [250_000, 500_000, 750_000], variants: [0, 1, 2, 3], noise: 0.1 });
    });
  });

  it('labels every row by f1 + f2 > θ of the concept in force, switching exactly at driftsAt, cycling the variants', () => {
    const params = seaParams({ driftsAt: [300, 700, 701, 1500], variants: [2, 3], noise: 0 });
    const random = new Random(1);
    let state = { position: 0 };
    let position = 0;
    // Uneven calls, so that drifts fall inside a call, on a call boundary and across calls.
    for (const rows of [150, 150, 399, 2, 500, 799]) {
      const { state: next, batch, concepts } = sampleSea(params, state, rows, random);
      assert.equal(batch.x.cols, 3);
      for (let r = 0; r < rows; r++, position++) {
        const expectedConcept = [300, 700, 701, 1500].filter((at) => at <= position).length;
        assert.equal(concepts![r], expectedConcept, `concept at row ${position}`);
        assert.equal(seaConceptAt(params, position), expectedConcept);
        const theta = THETA[[2, 3][expectedConcept % 2]];
        const [f1, f2, f3] = batch.x.data.subarray(r * 3, r * 3 + 3);
        for (const f of [f1, f2, f3]) assert.ok(f >= 0 && f < 10, `feature ${f}`);
        assert.equal(batch.y[r], f1 + f2 > theta ? 1 : 0, `row ${position}: ${f1} + ${f2} vs θ ${theta}`);
      }
      assert.equal(next.position, position);
      state = next;
    }
  });

  it('flips a fraction noise of the labels, and only those', () => {
    const params = seaParams({ driftsAt: [], noise: 0.1 });
    const rows = 20_000;
    const { batch } = sampleSea(params, { position: 0 }, rows, new Random(2));
    let flipped = 0;
    for (let r = 0; r < rows; r++) if (batch.y[r] !== (batch.x.data[r * 3] + batch.x.data[r * 3 + 1] > 8 ? 1 : 0)) flipped++;
    // Binomial(20 000, 0.1): standard deviation ≈ 42 rows; allow 5 of them.
    assert.ok(Math.abs(flipped - 2000) < 5 * 42, `${flipped} flipped`);
  });

  it('continues across calls exactly as one long call would, without touching the state', () => {
    const generator = sea({ driftsAt: [120], noise: 0.2 });
    const state = generator.init(new Random(0));
    const whole = generator.sample(state, 300, new Random(3));
    const random = new Random(3);
    const first = generator.sample(state, 100, random);
    const second = generator.sample(first.state, 200, random);
    assert.deepEqual(state, { position: 0 });
    assert.deepEqual([...first.batch.x.data, ...second.batch.x.data], [...whole.batch.x.data]);
    assert.deepEqual([...first.batch.y, ...second.batch.y], [...whole.batch.y]);
    assert.deepEqual(second.state, whole.state);
  });
});
