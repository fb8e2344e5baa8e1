import assert from 'node:assert/strict';
import { argMaxRows } from '../models/arg-max';

describe('argMaxRows', () => {
  it('picks the most probable class of each row, the first one on a tie, for 2 and 3 classes', () => {
    assert.deepEqual(argMaxRows(Float64Array.of(0.2, 0.8, 0.9, 0.1, 0.5, 0.5, 0, 1), 4, 2), Int32Array.of(1, 0, 0, 1));
    assert.deepEqual(argMaxRows(Float64Array.of(0.2, 0.3, 0.5, 0.4, 0.4, 0.2, 0.1, 0.6, 0.3), 3, 3), Int32Array.of(2, 0, 1));
  });

  it('writes into the array it is given and returns it, leaving what lies beyond the rows alone', () => {
    const slab = new Int32Array(6).fill(7);
    const out = slab.subarray(1, 4);
    assert.equal(argMaxRows(Float64Array.of(0.9, 0.1, 0.3, 0.7, 0.6, 0.4), 3, 2, out), out);
    assert.deepEqual(slab, Int32Array.of(7, 0, 1, 0, 7, 7));
  });

  it('keeps the first class unless another is strictly greater, so a comparison with NaN keeps class 0', () => {
    assert.deepEqual(argMaxRows(Float64Array.of(NaN, 0.4, 0.4, NaN), 2, 2), Int32Array.of(0, 0));
  });
});
