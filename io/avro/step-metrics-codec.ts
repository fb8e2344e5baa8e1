/**
 * The step-metrics record (schemas/step-metrics.avsc) in single-object encoding, written by hand:
 * the train pipeline writes one per window, and avsc's generic writer cost 2–4 µs of each.
 * The bytes are exactly avsc's (test/avro-step-metrics.spec.ts compares them); decoding stays
 * with avsc (`recordCodecs().stepMetrics`), which also resolves older writer schemas.
 *
 * Like avsc's `toBuffer`, it throws on a value the schema cannot hold (a writer bug, not bad
 * input); longs must be integers within ±2^52, as everywhere in this project.
 */
import * as avroBinary from './binary';
import { schemaFingerprint } from './canonical-form';
import { STEP_METRICS_TYPE, type StepMetricsRecord } from './schemas';
import { SINGLE_OBJECT_HEADER_BYTES, writeSingleObjectHeader } from './single-object';

export const STEP_METRICS_FINGERPRINT = schemaFingerprint(STEP_METRICS_TYPE);

const HEADER = (() => {
  const header = Buffer.alloc(SINGLE_OBJECT_HEADER_BYTES);
  writeSingleObjectHeader(header, STEP_METRICS_FINGERPRINT);
  return header;
})();

// Read once: under tsx an imported function is looked up through a module getter on every call (see binary.ts).
const { longSize, writeLong } = avroBinary;

const DOUBLE_BYTES = 8;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * UTF-8 bytes of the strings that repeat in every record (model id and kind, source topics): a
 * handful per run, so kept until the cache is full and then no longer added to.
 */
const utf8Cache = new Map<string, Buffer>();
const UTF8_CACHE_LIMIT = 64;

function checkString(text: unknown, field: string): string {
  if (typeof text !== 'string') throw new TypeError(`step-metrics record: ${field} must be a string, got ${typeof text}`);
  return text;
}

function utf8Of(text: unknown, field: string): Buffer {
  const key = checkString(text, field);
  let bytes = utf8Cache.get(key);
  if (bytes === undefined) {
    bytes = Buffer.from(key, 'utf8');
    if (utf8Cache.size < UTF8_CACHE_LIMIT) utf8Cache.set(key, bytes);
  }
  return bytes;
}

function checkInt(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
    throw new TypeError(`step-metrics record: ${field} must be a 32-bit integer, got ${String(value)}`);
  }
  return value;
}

function checkLong(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new TypeError(`step-metrics record: ${field} must be an integer, got ${String(value)}`);
  }
  return value;
}

function checkDouble(value: unknown, field: string): number {
  if (typeof value !== 'number') throw new TypeError(`step-metrics record: ${field} must be a number, got ${typeof value}`);
  return value;
}

function checkBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`step-metrics record: ${field} must be a boolean, got ${typeof value}`);
  return value;
}

/** `record` as avsc's `STEP_METRICS_TYPE.toBuffer(record)` behind the single-object header. */
export function encodeStepMetrics(record: StepMetricsRecord): Buffer {
  const batchIndex = checkLong(record.batchIndex, 'batchIndex');
  const sources = record.sources;
  if (!Array.isArray(sources)) throw new TypeError('step-metrics record: sources must be an array');
  const rows = checkInt(record.rows, 'rows');
  const evaluatedRows = checkInt(record.evaluatedRows, 'evaluatedRows');
  const logLoss = checkDouble(record.logLoss, 'logLoss');
  const accuracy = checkDouble(record.accuracy, 'accuracy');
  const precision = checkDouble(record.precision, 'precision');
  const recall = checkDouble(record.recall, 'recall');
  const f1 = checkDouble(record.f1, 'f1');
  const rocAuc = checkDouble(record.rocAuc, 'rocAuc');
  // Fields with a default may be left out, as avsc allows.
  const accepted = record.accepted === undefined || record.accepted === null ? null : checkBoolean(record.accepted, 'accepted');
  const reason = checkString(record.reason, 'reason');
  const modelVersion = checkLong(record.modelVersion, 'modelVersion');
  const recordsPerSecond = checkDouble(record.recordsPerSecond, 'recordsPerSecond');
  const eventTime = checkLong(record.eventTime, 'eventTime');
  const modelId = utf8Of(record.modelId, 'modelId');
  const modelKind = utf8Of(record.modelKind, 'modelKind');
  const drift = record.drift === undefined ? false : checkBoolean(record.drift, 'drift');

  const reasonBytes = Buffer.byteLength(reason, 'utf8');
  let size = SINGLE_OBJECT_HEADER_BYTES + longSize(batchIndex) + 1;
  const topics: Buffer[] = [];
  if (sources.length > 0) {
    size += longSize(sources.length);
    for (const source of sources) {
      const topic = utf8Of(source.topic, 'sources.topic');
      topics.push(topic);
      size +=
        longSize(topic.length) + topic.length +
        longSize(checkInt(source.partition, 'sources.partition')) +
        longSize(checkLong(source.firstOffset, 'sources.firstOffset')) +
        longSize(checkLong(source.lastOffset, 'sources.lastOffset'));
    }
  }
  size += longSize(rows) + longSize(evaluatedRows) + 6 * DOUBLE_BYTES;
  size += accepted === null ? 1 : 2;
  size += longSize(reasonBytes) + reasonBytes + longSize(modelVersion) + DOUBLE_BYTES + longSize(eventTime);
  size += longSize(modelId.length) + modelId.length + longSize(modelKind.length) + modelKind.length + 1;

  const out = Buffer.allocUnsafe(size);
  HEADER.copy(out, 0);
  let pos = writeLong(out, SINGLE_OBJECT_HEADER_BYTES, batchIndex);
  // An array is written as one block (count, items), then the zero count that ends it.
  if (sources.length > 0) {
    pos = writeLong(out, pos, sources.length);
    for (let i = 0; i < sources.length; i++) {
      const source = sources[i];
      pos = writeBytes(out, pos, topics[i]);
      pos = writeLong(out, pos, source.partition);
      pos = writeLong(out, pos, source.firstOffset);
      pos = writeLong(out, pos, source.lastOffset);
    }
  }
  out[pos++] = 0;
  pos = writeLong(out, pos, rows);
  pos = writeLong(out, pos, evaluatedRows);
  pos = out.writeDoubleLE(logLoss, pos);
  pos = out.writeDoubleLE(accuracy, pos);
  pos = out.writeDoubleLE(precision, pos);
  pos = out.writeDoubleLE(recall, pos);
  pos = out.writeDoubleLE(f1, pos);
  pos = out.writeDoubleLE(rocAuc, pos);
  // The union ["null", "boolean"]: branch index 0 (null) or 1 followed by the boolean.
  if (accepted === null) {
    out[pos++] = 0;
  } else {
    out[pos++] = 2;
    out[pos++] = accepted ? 1 : 0;
  }
  pos = writeLong(out, pos, reasonBytes);
  pos += out.write(reason, pos, reasonBytes, 'utf8');
  pos = writeLong(out, pos, modelVersion);
  pos = out.writeDoubleLE(recordsPerSecond, pos);
  pos = writeLong(out, pos, eventTime);
  pos = writeBytes(out, pos, modelId);
  pos = writeBytes(out, pos, modelKind);
  out[pos++] = drift ? 1 : 0;
  if (pos !== size) throw new Error(`encodeStepMetrics: wrote ${pos} bytes of ${size} (a bug in the encoder)`);
  return out;
}

function writeBytes(out: Buffer, pos: number, bytes: Buffer): number {
  const at = writeLong(out, pos, bytes.length);
  bytes.copy(out, at);
  return at + bytes.length;
}
