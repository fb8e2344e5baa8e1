/**
 * The clickstream wire format (schemas/clickstream-batch.avsc in single-object encoding), encoded
 * and decoded by hand for speed, with validation at the edge.
 *
 * Data written with the current schema takes the hand-written path: the features of an array
 * block are the block's raw little-endian doubles, so they are copied into a Float64Array with
 * one memcpy and no per-row or per-value objects. Data from any other registered writer schema
 * goes through avsc with a resolver (schema evolution), after the body guard has checked its
 * lengths. Both paths end in the same validation, so a message fails the same way on either.
 */
import { endianness } from 'node:os';
import * as modelTypes from '../../models/types';
import { allFinite } from '../../models/all-finite';
import type { LabeledMessage } from '../../transforms/types';
import { AvroReader, longSize, writeLong } from './binary';
import { checkBody } from './body-guard';
import { schemaFingerprint } from './canonical-form';
import { decodeFailure, type DecodeResult } from './decode-result';
import { formatFingerprint } from './rabin-fingerprint';
import type { SchemaRegistry } from './schema-registry';
import { CLICKSTREAM_BATCH_TYPE, projectSchemaRegistry, type ClickstreamBatchRecord } from './schemas';
import { TypedArraySlab } from './slab';
import * as singleObject from './single-object';

// Read once: under tsx every use of an imported binding goes through a module getter, which the
// per-message path would pay several times (see binary.ts).
const { asBuffer, readSingleObjectHeader, SINGLE_OBJECT_HEADER_BYTES, writeSingleObjectHeader } = singleObject;
const { matrix } = modelTypes;

export const CLICKSTREAM_FINGERPRINT = schemaFingerprint(CLICKSTREAM_BATCH_TYPE);
/** The 10 header bytes of a current-schema message, compared byte by byte (no BigInt per message). */
const CURRENT_HEADER = (() => {
  const header = Buffer.alloc(SINGLE_OBJECT_HEADER_BYTES);
  writeSingleObjectHeader(header, CLICKSTREAM_FINGERPRINT);
  return Uint8Array.from(header);
})();

const DOUBLE_BYTES = 8;
/** Avro doubles are little-endian; on such a host their bytes are a Float64Array's bytes. */
const LITTLE_ENDIAN_HOST = endianness() === 'LE';
const PROJECT_REGISTRY = projectSchemaRegistry();
/** Decoded features and labels are views into shared slabs (see TypedArraySlab): 1 MiB holds ~110 messages. */
const SLAB = new TypedArraySlab();

export type DecodeOutcome = DecodeResult<LabeledMessage>;

export interface ClickstreamDecodeOptions {
  /** Features per row the consumer expects; other counts fail with WRONG_FEATURE_COUNT. */
  readonly nFeatures: number;
  /**
   * Known writer schemas; default: the project's current schemas. Register older clickstream
   * writer schemas here to keep reading their data.
   */
  readonly registry?: SchemaRegistry;
}

/**
 * The message as a single-object encoded ClickstreamBatch. Throws a RangeError when the message
 * cannot be represented (labels and rows disagree, or id or event time is not an integer within
 * ±2^52); features and labels are written as they are, even NaN or a label of 7, so tests and
 * tools can produce the records that consumers must dead-letter.
 */
export function encodeClickstream(message: LabeledMessage): Buffer {
  const { x, y } = message.batch;
  if (y.length !== x.rows) {
    throw new RangeError(`encodeClickstream: message ${message.id} has ${x.rows} feature rows but ${y.length} labels`);
  }
  const values = x.rows * x.cols;
  let labelBytes = 0;
  for (let i = 0; i < y.length; i++) labelBytes += y[i] >= -64 && y[i] <= 63 ? 1 : longSize(y[i]);
  const size =
    SINGLE_OBJECT_HEADER_BYTES +
    longSize(message.id) +
    longSize(message.eventTime) +
    longSize(x.cols) +
    (values > 0 ? longSize(values) + values * DOUBLE_BYTES : 0) + 1 +
    (y.length > 0 ? longSize(y.length) + labelBytes : 0) + 1;
  const out = Buffer.allocUnsafe(size);
  writeSingleObjectHeader(out, CLICKSTREAM_FINGERPRINT);
  let pos = writeLong(out, SINGLE_OBJECT_HEADER_BYTES, message.id);
  pos = writeLong(out, pos, message.eventTime);
  pos = writeLong(out, pos, x.cols);
  // Each array is written as one block (count, items) and the end-of-array zero count.
  if (values > 0) {
    pos = writeLong(out, pos, values);
    if (LITTLE_ENDIAN_HOST) {
      out.set(new Uint8Array(x.data.buffer, x.data.byteOffset, values * DOUBLE_BYTES), pos);
      pos += values * DOUBLE_BYTES;
    } else {
      for (let i = 0; i < values; i++, pos += DOUBLE_BYTES) out.writeDoubleLE(x.data[i], pos);
    }
  }
  out[pos++] = 0;
  if (y.length > 0) {
    pos = writeLong(out, pos, y.length);
    for (let i = 0; i < y.length; i++) {
      const label = y[i];
      if (label === 0 || label === 1) out[pos++] = label << 1;
      else pos = writeLong(out, pos, label);
    }
  }
  out[pos++] = 0;
  return out;
}

/**
 * Bytes off the wire as a LabeledMessage (features in a Float64Array, labels in an Int32Array),
 * or a failure value with a dead-letter reason. Never throws on bad input, never reads past the
 * end, and never allocates more than the input's size declares room for.
 */
export function decodeClickstream(bytes: Uint8Array, options: ClickstreamDecodeOptions): DecodeOutcome {
  const expected = options.nFeatures;
  if (!Number.isInteger(expected) || expected < 1) {
    throw new RangeError(`decodeClickstream: nFeatures must be an integer >= 1, got ${expected}`);
  }
  if (hasCurrentHeader(bytes)) return decodeCurrent(asBuffer(bytes), expected);
  const header = readSingleObjectHeader(bytes);
  if (!header.ok) return header;
  return decodeResolved(asBuffer(bytes), header.fingerprint, expected, options.registry ?? PROJECT_REGISTRY);
}

function hasCurrentHeader(bytes: Uint8Array): boolean {
  if (bytes.length < SINGLE_OBJECT_HEADER_BYTES) return false;
  for (let i = 0; i < SINGLE_OBJECT_HEADER_BYTES; i++) if (bytes[i] !== CURRENT_HEADER[i]) return false;
  return true;
}

function decodeCurrent(buf: Buffer, expected: number): DecodeOutcome {
  const cursor = new AvroReader(buf, SINGLE_OBJECT_HEADER_BYTES, buf.length);
  const id = cursor.readLong();
  if (Number.isNaN(id)) return malformed(cursor, 'id');
  const eventTime = cursor.readLong();
  if (Number.isNaN(eventTime)) return malformed(cursor, 'eventTime');
  const nFeatures = cursor.readInt();
  if (Number.isNaN(nFeatures)) return malformed(cursor, 'nFeatures');
  // Before the arrays are read: a consumer of 10 features has no use for the rest.
  if (nFeatures !== expected) return wrongFeatureCount(id, nFeatures, expected);
  const features = readDoubles(cursor);
  if (features === undefined) return malformed(cursor, 'features');
  const labels = readInts(cursor);
  if (labels === undefined) return malformed(cursor, 'labels');
  if (cursor.pos !== cursor.end) {
    const endedAt = cursor.pos - SINGLE_OBJECT_HEADER_BYTES;
    return decodeFailure('MALFORMED_BODY', `clickstream body: ${cursor.end - cursor.pos} bytes left over after the record ended at byte ${endedAt}`);
  }
  return validated(id, eventTime, nFeatures, expected, features, labels, CLICKSTREAM_FINGERPRINT);
}

function decodeResolved(buf: Buffer, writerFingerprint: bigint, expected: number, registry: SchemaRegistry): DecodeOutcome {
  const resolution = registry.resolve(CLICKSTREAM_BATCH_TYPE, writerFingerprint);
  if (!resolution.ok) return resolution;
  const problem = checkBody(resolution.writer.type, buf, SINGLE_OBJECT_HEADER_BYTES);
  if (problem !== undefined) {
    return decodeFailure('MALFORMED_BODY', `clickstream body (writer ${formatFingerprint(writerFingerprint)}): ${problem}`);
  }
  let record: ClickstreamBatchRecord;
  try {
    record = CLICKSTREAM_BATCH_TYPE.fromBuffer(buf.subarray(SINGLE_OBJECT_HEADER_BYTES), resolution.resolver) as ClickstreamBatchRecord;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return decodeFailure('MALFORMED_BODY', `clickstream body (writer ${formatFingerprint(writerFingerprint)}): ${why}`);
  }
  const features = Float64Array.from(record.features);
  const labels = Int32Array.from(record.labels);
  return validated(record.id, record.eventTime, record.nFeatures, expected, features, labels, writerFingerprint);
}

function validated(
  id: number,
  eventTime: number,
  nFeatures: number,
  expected: number,
  features: Float64Array,
  labels: Int32Array,
  writerFingerprint: bigint,
): DecodeOutcome {
  if (nFeatures !== expected) return wrongFeatureCount(id, nFeatures, expected);
  const rows = labels.length;
  if (features.length !== rows * nFeatures) {
    return decodeFailure('SHAPE_MISMATCH', `message ${id} has ${features.length} feature values for ${rows} labels; expected ${rows} × ${nFeatures} = ${rows * nFeatures}`);
  }
  if (!allFinite(features)) {
    for (let i = 0; i < features.length; i++) {
      const value = features[i];
      // x - x is 0 for every finite x and NaN for NaN and ±Infinity: one test for both.
      if (value - value !== 0) {
        return decodeFailure('NON_FINITE_FEATURE', `message ${id}: feature ${i % nFeatures} of row ${Math.floor(i / nFeatures)} is ${value}`);
      }
    }
  }
  for (let r = 0; r < rows; r++) {
    const label = labels[r];
    if (label !== 0 && label !== 1) return decodeFailure('BAD_LABEL', `message ${id}: the label of row ${r} is ${label}, not 0 or 1`);
  }
  return { ok: true, value: { id, eventTime, batch: { x: matrix(rows, nFeatures, features), y: labels } }, writerFingerprint };
}

function wrongFeatureCount(id: number, nFeatures: number, expected: number): DecodeOutcome {
  return decodeFailure('WRONG_FEATURE_COUNT', `message ${id} has ${nFeatures} features per row, expected ${expected}`);
}

function malformed(cursor: AvroReader, field: string): DecodeOutcome {
  const near = cursor.pos - SINGLE_OBJECT_HEADER_BYTES;
  return decodeFailure('MALFORMED_BODY', `clickstream body: field ${field} is truncated or malformed near byte ${near}`);
}

/**
 * An array<double>, or undefined when malformed. Pass 1 walks the block headers and checks every
 * count against the bytes left, so the allocation is bounded by the input; pass 2 copies.
 */
function readDoubles(cursor: AvroReader): Float64Array | undefined {
  const start = cursor.pos;
  let total = 0;
  for (;;) {
    const count = readBlockCount(cursor, DOUBLE_BYTES);
    if (count === undefined) return undefined;
    if (count === 0) break;
    cursor.pos += count * DOUBLE_BYTES;
    total += count;
  }
  const end = cursor.pos;
  const out = SLAB.float64(total);
  const outBytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  const buf = cursor.buf as Buffer;
  cursor.pos = start;
  for (let filled = 0; filled < total; ) {
    const count = readBlockCount(cursor, DOUBLE_BYTES) as number;
    if (LITTLE_ENDIAN_HOST) {
      buf.copy(outBytes, filled * DOUBLE_BYTES, cursor.pos, cursor.pos + count * DOUBLE_BYTES);
    } else {
      for (let i = 0; i < count; i++) out[filled + i] = buf.readDoubleLE(cursor.pos + i * DOUBLE_BYTES);
    }
    cursor.pos += count * DOUBLE_BYTES;
    filled += count;
  }
  cursor.pos = end;
  return out;
}

/** An array<int>, or undefined when malformed; two passes as {@link readDoubles}. */
function readInts(cursor: AvroReader): Int32Array | undefined {
  const start = cursor.pos;
  let total = 0;
  for (;;) {
    const count = readBlockCount(cursor, 0);
    if (count === undefined) return undefined;
    if (count === 0) break;
    // Every int takes at least one byte.
    if (count > cursor.end - cursor.pos) return undefined;
    const { buf } = cursor;
    let i = 0;
    // One-byte varints (-64 … 63, which includes the labels 0 and 1) are skipped without a call.
    for (let pos = cursor.pos; i < count && buf[pos] < 0x80; i++) pos++;
    cursor.pos += i;
    for (; i < count; i++) if (Number.isNaN(cursor.readInt())) return undefined;
    total += count;
  }
  const end = cursor.pos;
  const out = SLAB.int32(total);
  const { buf } = cursor;
  cursor.pos = start;
  for (let filled = 0; filled < total; ) {
    const count = readBlockCount(cursor, 0) as number;
    for (let i = 0; i < count; i++) {
      const byte = buf[cursor.pos];
      // One-byte varints (-64 … 63, which includes the labels 0 and 1) inline; the rest in full.
      if (byte < 0x80) {
        out[filled + i] = (byte >>> 1) ^ -(byte & 1);
        cursor.pos++;
      } else {
        out[filled + i] = cursor.readInt();
      }
    }
    filled += count;
  }
  cursor.pos = end;
  return out;
}

/**
 * The item count of the next array block (0 at the end of the array), having read past its
 * header; undefined when the header is malformed, or, for fixed-size items (`itemBytes` > 0), when
 * the items would run past the end or disagree with the block's declared byte size.
 */
function readBlockCount(cursor: AvroReader, itemBytes: number): number | undefined {
  let count = cursor.readLong();
  if (Number.isNaN(count)) return undefined;
  if (count < 0) {
    count = -count;
    const byteSize = cursor.readLong();
    if (!(byteSize >= 0 && byteSize <= cursor.end - cursor.pos)) return undefined;
    if (itemBytes > 0 && byteSize !== count * itemBytes) return undefined;
  }
  if (count * itemBytes > cursor.end - cursor.pos) return undefined;
  return count;
}
