/**
 * Carves typed arrays out of shared ArrayBuffers. Allocating a fresh ArrayBuffer per decoded
 * message (about 8 KB of features) costs microseconds in V8, more than decoding the message; views
 * into a slab cost a small object each. The price is sharing: `array.buffer` is the whole slab
 * (always use `byteOffset`/`byteLength` with it), and a slab stays alive while any of its views
 * does, so at most one slab's worth of memory is held beyond the live arrays per straggler.
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

  /** Byte offset of `bytes` fresh bytes, 8-aligned; -1 when the array should get its own buffer. */
  private reserve(bytes: number): number {
    // Big arrays get their own buffer: they would waste most of a slab and pin it for long.
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
