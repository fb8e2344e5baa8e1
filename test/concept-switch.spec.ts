import assert from 'node:assert/strict';
import { Random } from '../models/random';
import { matrix } from '../models/types';
import type { LabeledBatch } from '../models/types';
import { conceptSwitch, newConceptProbability } from '../generators/concept-switch';
import { sampleConcept } from '../generators/make-classification';
import { concatBatches } from '../transforms/shared/concat-messages';
import { columnRank } from './support/column-rank';

function rowsWhere(batch: LabeledBatch, concepts: Int32Array, concept: number): LabeledBatch {
  const cols = batch.x.cols;
  const picked: number[] = [];
  concepts.forEach((c, r) => { if (c === concept) picked.push(r); });
  const x = new Float64Array(picked.length * cols);
  picked.forEach((r, i) => x.set(batch.x.data.subarray(r * cols, (r + 1) * cols), i * cols));
  return { x: matrix(picked.length, cols, x), y: Int32Array.from(picked, (r) => batch.y[r]) };
}

describe('concept switch generator', () => {
  it('rejects a width ≤ 0 and a non-finite position, and bad make_classification options', () => {
    assert.throws(() => conceptSwitch({ width: 0 }, new Random(1)), /conceptSwitch: width must be a finite number > 0, got 0/);
    assert.throws(() => conceptSwitch({ position: NaN }, new Random(1)), /conceptSwitch: position must be a finite number, got NaN/);
    assert.throws(() => conceptSwitch({ nInformative: 20 }, new Random(1)), /makeClassification: nInformative \+ nRedundant/);
  });

  it('uses the sigmoid 1 / (1 + e^(−4(t − position)/width))', () => {
    for (const [t, position, width] of [[5000, 5000, 1000], [5500, 5000, 1000], [1, 100, 10], [300, 100, 400]]) {
      assert.ok(Math.abs(newConceptProbability(t, position, width) - 1 / (1 + Math.exp((-4 * (t - position)) / width))) < 1e-15);
    }
    assert.equal(newConceptProbability(5000, 5000, 1000), 0.5);
    // Symmetric about the position, rising through 12 % and 88 % half a width either side.
    assert.ok(Math.abs(newConceptProbability(4500, 5000, 1000) + newConceptProbability(5500, 5000, 1000) - 1) < 1e-15);
    assert.ok(Math.abs(newConceptProbability(4500, 5000, 1000) - 0.1192) < 1e-4);
  });

  it('draws the share of new-concept rows along the sigmoid, bin by bin', () => {
    const position = 12_000;
    const width = 6000;
    const generator = conceptSwitch({ position, width }, new Random(2));
    const random = new Random(3);
    let state = generator.init(random);
    const bin = 1000;
    for (let b = 0; b < 24; b++) {
      const { state: next, concepts } = generator.sample(state, bin, random);
      let expected = 0;
      let variance = 0;
      for (let r = 0; r < bin; r++) {
        const p = newConceptProbability(state.position + r + 1, position, width);
        expected += p;
        variance += p * (1 - p);
      }
      const observed = concepts!.reduce((a, c) => a + c, 0);
      assert.ok(Math.abs(observed - expected) <= 5 * Math.sqrt(variance) + 1, `rows ${state.position}–${next.position}: ${observed} new, expected ${expected.toFixed(1)}`);
      state = next;
    }
  });

  it('takes old-concept rows from the first concept and new-concept rows from the second', () => {
    const generator = conceptSwitch({ position: 200, width: 100, flipY: 0 }, new Random(4));
    const random = new Random(5);
    const { batch, concepts } = generator.sample(generator.init(random), 400, random);
    const old = rowsWhere(batch, concepts!, 0);
    const fresh = rowsWhere(batch, concepts!, 1);
    assert.ok(old.x.rows > 50 && fresh.x.rows > 50, `${old.x.rows} old and ${fresh.x.rows} new rows`);
    const pureBefore = sampleConcept(generator.before, 100, new Random(6));
    const pureAfter = sampleConcept(generator.after, 100, new Random(7));
    // One concept's rows span 6 informative + 2 redundant dimensions; two concepts' rows span all 10.
    assert.equal(columnRank(concatBatches([pureBefore, old]).x), 8);
    assert.equal(columnRank(concatBatches([pureAfter, fresh]).x), 8);
    assert.equal(columnRank(concatBatches([pureBefore, fresh]).x), 10);
    assert.equal(columnRank(concatBatches([pureAfter, old]).x), 10);
  });

  it('never mutates its state and gives the same rows for the same generator', () => {
    const make = () => conceptSwitch({ position: 50, width: 20 }, new Random(8));
    const a = make();
    const b = make();
    const state = a.init(new Random(0));
    const first = a.sample(state, 120, new Random(9));
    const again = b.sample(b.init(new Random(0)), 120, new Random(9));
    assert.deepEqual(state, { position: 0 });
    assert.deepEqual(first.batch.x.data, again.batch.x.data);
    assert.deepEqual(first.batch.y, again.batch.y);
    assert.deepEqual(first.concepts, again.concepts);
  });
});
