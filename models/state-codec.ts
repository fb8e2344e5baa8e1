/**
 * Bit-exact serialisation of plain model state: numbers (including NaN, ±Infinity and -0), strings,
 * booleans, null, arrays, plain objects and typed arrays. Typed arrays travel as base64 of their
 * little-endian bytes, so a decoded state predicts bit-identically to the one that was encoded.
 */

type TypedArrayName = 'Float64Array' | 'Float32Array' | 'Int32Array' | 'Uint32Array' | 'Uint8Array' | 'Int8Array' | 'Uint16Array' | 'Int16Array';

const TYPED: Record<TypedArrayName, { new (buffer: ArrayBuffer): ArrayLike<number>; BYTES_PER_ELEMENT: number }> = {
  Float64Array, Float32Array, Int32Array, Uint32Array, Uint8Array, Int8Array, Uint16Array, Int16Array,
};

const TYPED_KEY = '$typed';
const NUMBER_KEY = '$num';

function toJsonValue(value: unknown, path: string): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value) && !Object.is(value, -0)) return value;
    return { [NUMBER_KEY]: Object.is(value, -0) ? '-0' : String(value) };
  }
  if (ArrayBuffer.isView(value)) {
    const name = value.constructor.name as TypedArrayName;
    if (!(name in TYPED)) throw new TypeError(`encodeState: unsupported binary type ${name} at ${path}`);
    const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    return { [TYPED_KEY]: name, base64: bytes.toString('base64') };
  }
  if (Array.isArray(value)) return value.map((v, i) => toJsonValue(v, `${path}[${i}]`));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== undefined) out[k] = toJsonValue(v, `${path}.${k}`);
    }
    return out;
  }
  throw new TypeError(`encodeState: ${path} is a ${typeof value === 'object' ? value?.constructor?.name : typeof value}, which is not plain state`);
}

function fromJsonValue(value: unknown, path: string): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v, i) => fromJsonValue(v, `${path}[${i}]`));
  const record = value as Record<string, unknown>;
  if (typeof record[NUMBER_KEY] === 'string') {
    const text = record[NUMBER_KEY] as string;
    if (text === '-0') return -0;
    const n = Number(text);
    if (!Number.isNaN(n) || text === 'NaN') return n;
    throw new TypeError(`decodeState: ${path} holds the unknown number ${JSON.stringify(text)}`);
  }
  if (typeof record[TYPED_KEY] === 'string') {
    const name = record[TYPED_KEY] as TypedArrayName;
    const ctor = TYPED[name];
    if (!ctor || typeof record.base64 !== 'string') throw new TypeError(`decodeState: ${path} is a malformed binary value`);
    const bytes = Buffer.from(record.base64, 'base64');
    if (bytes.length % ctor.BYTES_PER_ELEMENT !== 0) throw new TypeError(`decodeState: ${path} has ${bytes.length} bytes, not a whole number of ${name} elements`);
    const copy = new ArrayBuffer(bytes.length);
    new Uint8Array(copy).set(bytes);
    return new ctor(copy);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) out[k] = fromJsonValue(v, `${path}.${k}`);
  return out;
}

/** Plain state → JSON text. Throws a TypeError naming the path of anything that is not plain state. */
export function encodeState(state: unknown): string {
  return JSON.stringify(toJsonValue(state, 'state'));
}

/** JSON text from `encodeState` → plain state. Pass the result to a model's `restore` to validate it. */
export function decodeState(text: string): unknown {
  return fromJsonValue(JSON.parse(text), 'state');
}
