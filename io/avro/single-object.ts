/**
 * Avro single-object encoding: the marker bytes C3 01, the 8-byte little-endian CRC-64-AVRO
 * fingerprint of the writer schema's Parsing Canonical Form, then the Avro binary body.
 */
import type { Type } from 'avsc';
import { checkBody } from './body-guard';
import { decodeFailure, type DecodeFailure, type DecodeResult } from './decode-result';
import { describeType, type SchemaRegistry } from './schema-registry';

export const SINGLE_OBJECT_MARKER_0 = 0xc3;
export const SINGLE_OBJECT_MARKER_1 = 0x01;
export const SINGLE_OBJECT_HEADER_BYTES = 10;

/** Writes the marker and fingerprint into `buf[0 … 10)`. */
export function writeSingleObjectHeader(buf: Buffer, fingerprint: bigint): void {
  buf[0] = SINGLE_OBJECT_MARKER_0;
  buf[1] = SINGLE_OBJECT_MARKER_1;
  buf.writeBigUInt64LE(fingerprint, 2);
}

/** Header plus `body`, in one new buffer. */
export function frameSingleObject(fingerprint: bigint, body: Uint8Array): Buffer {
  const framed = Buffer.allocUnsafe(SINGLE_OBJECT_HEADER_BYTES + body.length);
  writeSingleObjectHeader(framed, fingerprint);
  framed.set(body, SINGLE_OBJECT_HEADER_BYTES);
  return framed;
}

/** The writer fingerprint, or NOT_AVRO when the bytes are too short or lack the marker. */
export function readSingleObjectHeader(bytes: Uint8Array): { readonly ok: true; readonly fingerprint: bigint } | DecodeFailure {
  if (bytes.length < SINGLE_OBJECT_HEADER_BYTES || bytes[0] !== SINGLE_OBJECT_MARKER_0 || bytes[1] !== SINGLE_OBJECT_MARKER_1) {
    return decodeFailure('NOT_AVRO', describeNotAvro(bytes));
  }
  return { ok: true, fingerprint: asBuffer(bytes).readBigUInt64LE(2) };
}

function describeNotAvro(bytes: Uint8Array): string {
  const head = Buffer.from(bytes.subarray(0, 2)).toString('hex') || '(nothing)';
  if (bytes.length >= 2 && bytes[0] === SINGLE_OBJECT_MARKER_0 && bytes[1] === SINGLE_OBJECT_MARKER_1) {
    return `only ${bytes.length} bytes, shorter than the ${SINGLE_OBJECT_HEADER_BYTES}-byte single-object header`;
  }
  return `starts with ${head}, not the Avro single-object marker c301 (${bytes.length} bytes)`;
}

/** `bytes` as a Buffer over the same memory (avsc and the Buffer readers need one). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export interface SingleObjectCodec<T> {
  readonly type: Type;
  readonly fingerprint: bigint;
  /** Throws when `value` does not match the schema: that is a bug in the writer, not bad input. */
  encode(value: T): Buffer;
  /** Never throws: bad input comes back as a failure value with a dead-letter reason. */
  decode(bytes: Uint8Array): DecodeResult<T>;
}

/**
 * Encodes with `readerType` and decodes any writer schema in `registry` that resolves into it.
 * `readerType` is registered in `registry` if it was not already.
 */
export function singleObjectCodec<T>(readerType: Type, registry: SchemaRegistry): SingleObjectCodec<T> {
  const { fingerprint } = registry.register(readerType);
  return {
    type: readerType,
    fingerprint,
    encode(value: T): Buffer {
      return frameSingleObject(fingerprint, readerType.toBuffer(value));
    },
    decode(bytes: Uint8Array): DecodeResult<T> {
      const header = readSingleObjectHeader(bytes);
      if (!header.ok) return header;
      const resolution = registry.resolve(readerType, header.fingerprint);
      if (!resolution.ok) return resolution;
      const buf = asBuffer(bytes);
      const problem = checkBody(resolution.writer.type, buf, SINGLE_OBJECT_HEADER_BYTES);
      if (problem !== undefined) return decodeFailure('MALFORMED_BODY', `${describeType(resolution.writer.type)} body: ${problem}`);
      try {
        const value = readerType.fromBuffer(buf.subarray(SINGLE_OBJECT_HEADER_BYTES), resolution.resolver) as T;
        return { ok: true, value, writerFingerprint: header.fingerprint };
      } catch (error) {
        return decodeFailure('MALFORMED_BODY', `${describeType(resolution.writer.type)} body: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  };
}
