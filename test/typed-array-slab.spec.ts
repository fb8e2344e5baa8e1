import assert from 'node:assert/strict';
import { TypedArraySlab } from '../models/typed-array-slab';

describe('TypedArraySlab', () => {
  it('hands out zero-filled, non-overlapping, 8-aligned views of one buffer', () => {
    const slab = new TypedArraySlab(256);
    const a = slab.float64(3);
    const b = slab.int32(3);
    const c = slab.float64(2);
    assert.equal(a.buffer, c.buffer);
    assert.deepEqual([a.byteOffset, b.byteOffset, c.byteOffset], [0, 24, 40]);
    assert.deepEqual([...a, ...b, ...c], [0, 0, 0, 0, 0, 0, 0, 0]);
    a.fill(1);
    b.fill(2);
    c.fill(3);
    assert.deepEqual([...a, ...b, ...c], [1, 1, 1, 2, 2, 2, 3, 3]);
  });

  it('starts a new buffer when the current one is full, and gives big arrays their own', () => {
    const slab = new TypedArraySlab(64);
    const filling = [slab.float64(2), slab.float64(2), slab.float64(2), slab.float64(2)];
    assert.ok(filling.every((a) => a.buffer === filling[0].buffer));
    const next = slab.float64(2);
    assert.notEqual(next.buffer, filling[0].buffer);
    assert.equal(next.byteOffset, 0);
    const big = slab.float64(3); // 24 bytes > a quarter of 64
    assert.equal(big.buffer.byteLength, 24);
  });

  it('copyFloat64 copies values into a fresh view', () => {
    const slab = new TypedArraySlab(128);
    const source = Float64Array.of(1.5, -2, 3e-300);
    const copy = slab.copyFloat64(source);
    assert.deepEqual(copy, source);
    copy[0] = 9;
    assert.equal(source[0], 1.5);
  });

  it('rejects a slab size that is not a multiple of 8 of at least 64 bytes', () => {
    assert.throws(() => new TypedArraySlab(60), /slabBytes must be a multiple of 8 and >= 64, got 60/);
    assert.throws(() => new TypedArraySlab(100), /got 100/);
  });
});
