/**
 * Avro binary primitives for the hand-written hot paths (the clickstream codec and the body guard).
 * Reading never throws and never goes past `end`: a malformed value comes back as NaN.
 *
 * The readers are methods rather than exported functions on purpose: under tsx every call to an
 * imported function goes through a module getter, which showed up as 10% of decode time.
 */

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
/** A 64-bit varint has at most 10 bytes of 7 bits. */
const MAX_VARINT_BYTES = 10;

/** A read position in `buf`; reads advance `pos` and never look at or beyond `end`. */
export class AvroReader {
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
    readonly end: number,
  ) {}

  /**
   * A zigzag varint `long` as a JS number. NaN when the varint runs past `end`, is longer than 10
   * bytes, or its zigzag value exceeds 2^53 - 1 (values beyond about ±2^52 would lose precision as
   * numbers, so they are refused rather than rounded). The position is left unchanged on NaN.
   */
  readLong(): number {
    const { buf, end } = this;
    let pos = this.pos;
    let zigzag = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARINT_BYTES && pos < end; i++) {
      const byte = buf[pos++];
      zigzag += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (zigzag > Number.MAX_SAFE_INTEGER) return NaN;
        this.pos = pos;
        return zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
      }
      scale *= 128;
    }
    return NaN;
  }

  /** A zigzag varint `int`: as {@link readLong}, and NaN outside the 32-bit range too. */
  readInt(): number {
    const value = this.readLong();
    return value >= INT32_MIN && value <= INT32_MAX ? value : NaN;
  }
}

function zigzag(value: number): number {
  if (!Number.isSafeInteger(value) || Math.abs(value) > 2 ** 52) {
    throw new RangeError(`avro: cannot encode ${value} as a long; only integers within ±2^52 are written exactly`);
  }
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

/** Bytes that {@link writeLong} takes for `value`. */
export function longSize(value: number): number {
  let rest = zigzag(value);
  let size = 1;
  while (rest >= 0x80) {
    rest = Math.floor(rest / 128);
    size++;
  }
  return size;
}

/** Writes `value` as a zigzag varint at `pos` and returns the position after it. */
export function writeLong(buf: Uint8Array, pos: number, value: number): number {
  let rest = zigzag(value);
  while (rest >= 0x80) {
    buf[pos++] = (rest % 128) | 0x80;
    rest = Math.floor(rest / 128);
  }
  buf[pos++] = rest;
  return pos;
}
