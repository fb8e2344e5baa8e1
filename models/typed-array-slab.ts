/**
 * Carves small typed arrays out of shared ArrayBuffers. V8 keeps a typed array of up to 64 bytes on
 * its heap, but gives a bigger one its own off-heap buffer, which costs about a microsecond to allocate
 * (more than an SGD step on a 105-row batch takes per row of weights); a view into a slab costs a
 * small object. The price is sharing: `array.buffer` is the whole slab (always pair it with
 * `byteOffset`/`byteLength`, as state-codec does), and a slab stays alive while any of its views does.
 * Each region is handed out once, so views never alias and start zero-filled.
 *
 * The Avro decoder uses it too (io/avro/slab.ts re-exports it).
 */
export class TypedArraySlab {
  private buffer: ArrayBuffer;
  private used = 0;

  constructor(private readonly slabBytes = 1 << 20) {
    if (!Number.isInteger(slabBytes) || slabBytes < 64 || slabBytes % 8 !== 0) {
      throw new RangeError(`TypedArraySlab: slabBytes must be a multiple of 8 and >= 64, got ${slabBytes}`);
    }
    this.buffer = new ArrayBuffer(slabBytes);
  }

  float64(length: number): Float64Array {
    const offset = this.reserve(length * Float64Array.BYTES_PER_ELEMENT);
    return offset < 0 ? new Float64Array(length) : new Float64Array(this.buffer, offset, length);
  }

  int32(length: number): Int32Array {
    const offset = this.reserve(length * Int32Array.BYTES_PER_ELEMENT);
    return offset < 0 ? new Int32Array(length) : new Int32Array(this.buffer, offset, length);
  }

  /** A fresh Float64Array holding the values of `source`. */
  copyFloat64(source: Float64Array): Float64Array {
    const copy = this.float64(source.length);
    copy.set(source);
    return copy;
  }

  /** Byte offset of `bytes` fresh bytes, 8-aligned; -1 when the array should get its own buffer. */
  private reserve(bytes: number): number {
    // big arrays get their own buffer: they would waste most of a slab and pin it for long
    if (bytes > this.slabBytes / 4) return -1;
    if (this.used + bytes > this.slabBytes) {
      this.buffer = new ArrayBuffer(this.slabBytes);
      this.used = 0;
    }
    const offset = this.used;
    this.used += (bytes + 7) & ~7;
    return offset;
  }
}
