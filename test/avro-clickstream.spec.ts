import assert from 'node:assert/strict';
import avro, { type Schema } from 'avsc';
import { clickstream } from '../generators/clickstream';
import { matrix } from '../models/types';
import { writeLong } from '../io/avro/binary';
import { CLICKSTREAM_FINGERPRINT, decodeClickstream, encodeClickstream, type DecodeOutcome } from '../io/avro/clickstream-codec';
import { CLICKSTREAM_BATCH_TYPE, projectSchemaRegistry, type ClickstreamBatchRecord } from '../io/avro/schemas';
import { frameSingleObject, SINGLE_OBJECT_HEADER_BYTES } from '../io/avro/single-object';
import type { LabeledMessage } from '../transforms/types';

const OPTIONS = { nFeatures: 10 } as const;

function message(rows: number[][], labels: number[], id = 3, eventTime = 1_700_000_000_050): LabeledMessage {
  const cols = rows[0]?.length ?? 10;
  return { id, eventTime, batch: { x: matrix(rows.length, cols, Float64Array.from(rows.flat())), y: Int32Array.from(labels) } };
}

function tenFeatureRows(count: number, fill = (r: number, c: number) => r + c / 10): number[][] {
  return Array.from({ length: count }, (_, r) => Array.from({ length: 10 }, (_, c) => fill(r, c)));
}

function expectOk(outcome: DecodeOutcome): LabeledMessage {
  assert.ok(outcome.ok, outcome.ok ? '' : `${outcome.reason}: ${outcome.message}`);
  return outcome.value;
}

function expectFailure(outcome: DecodeOutcome, reason: string, message?: RegExp): void {
  assert.equal(outcome.ok, false, 'decoded, but should have failed');
  if (outcome.ok) return;
  assert.equal(outcome.reason, reason, outcome.message);
  if (message) assert.match(outcome.message, message);
}

/** The record avsc reads from the body: the reference the hand-written decoder must agree with. */
function avscRead(bytes: Buffer): ClickstreamBatchRecord {
  return CLICKSTREAM_BATCH_TYPE.fromBuffer(bytes.subarray(SINGLE_OBJECT_HEADER_BYTES)) as ClickstreamBatchRecord;
}

/** Hand-built bodies, to reach encodings avsc's writer never produces (several blocks, byte sizes). */
function varints(...values: number[]): number[] {
  const out = new Uint8Array(10 * values.length);
  let pos = 0;
  for (const value of values) pos = writeLong(out, pos, value);
  return [...out.subarray(0, pos)];
}
function doubles(values: number[]): number[] {
  return [...new Uint8Array(Float64Array.from(values).buffer)];
}
function clickstreamBytes(body: number[]): Buffer {
  return frameSingleObject(CLICKSTREAM_FINGERPRINT, Uint8Array.from(body));
}

describe('clickstream codec', () => {
  const stream = [...clickstream({ messages: 20, seed: 7 })];

  it('writes exactly the bytes avsc writes for the same record', () => {
    for (const m of stream) {
      const bytes = encodeClickstream(m);
      const record = { id: m.id, eventTime: m.eventTime, nFeatures: 10, features: Array.from(m.batch.x.data), labels: Array.from(m.batch.y) };
      assert.deepEqual(bytes.subarray(SINGLE_OBJECT_HEADER_BYTES), CLICKSTREAM_BATCH_TYPE.toBuffer(record));
      assert.equal(bytes.readBigUInt64LE(2), CLICKSTREAM_FINGERPRINT);
    }
  });

  it('decodes what avsc decodes, into typed arrays, bit for bit', () => {
    for (const m of stream) {
      const bytes = encodeClickstream(m);
      const decoded = expectOk(decodeClickstream(bytes, OPTIONS));
      const reference = avscRead(bytes);
      assert.equal(decoded.id, reference.id);
      assert.equal(decoded.eventTime, reference.eventTime);
      assert.ok(decoded.batch.x.data instanceof Float64Array);
      assert.ok(decoded.batch.y instanceof Int32Array);
      assert.equal(decoded.batch.x.rows, reference.labels.length);
      assert.equal(decoded.batch.x.cols, 10);
      assert.deepEqual(Array.from(decoded.batch.x.data), reference.features);
      assert.deepEqual(Array.from(decoded.batch.y), reference.labels);
      assert.deepEqual(decoded.batch.x.data, m.batch.x.data);
    }
  });

  it('keeps awkward doubles exact: -0, subnormals, extremes', () => {
    const awkward = [-0, 5e-324, -2.2250738585072014e-308, Number.MAX_VALUE, -Number.MAX_VALUE, 1 / 3, 0.1, 2 ** 53, -1, 0];
    const decoded = expectOk(decodeClickstream(encodeClickstream(message([awkward], [1])), OPTIONS));
    assert.deepEqual(decoded.batch.x.data, Float64Array.from(awkward));
    assert.ok(Object.is(decoded.batch.x.data[0], -0));
  });

  it('returns arrays that neither alias the input bytes nor each other', () => {
    const first = encodeClickstream(message(tenFeatureRows(2), [0, 1]));
    const decodedFirst = expectOk(decodeClickstream(first, OPTIONS));
    const before = Float64Array.from(decodedFirst.batch.x.data);
    first.fill(0xff, SINGLE_OBJECT_HEADER_BYTES);
    expectOk(decodeClickstream(encodeClickstream(message(tenFeatureRows(2, () => 9), [1, 1])), OPTIONS));
    assert.deepEqual(decodedFirst.batch.x.data, before);
    assert.deepEqual(Array.from(decodedFirst.batch.y), [0, 1]);
  });

  it('decodes a message with no rows as an empty batch', () => {
    const decoded = expectOk(decodeClickstream(encodeClickstream({ id: 1, eventTime: 0, batch: { x: matrix(0, 10), y: new Int32Array(0) } }), OPTIONS));
    assert.equal(decoded.batch.x.rows, 0);
    assert.equal(decoded.batch.x.cols, 10);
    assert.equal(decoded.batch.y.length, 0);
  });

  it('reads arrays written in several blocks, with and without byte sizes, as avsc does', () => {
    const rows = tenFeatureRows(3);
    const flat = rows.flat();
    const body = [
      ...varints(77, 1234, 10),
      // features: 12 values, then 18 values with a byte size (negative count), then the end
      ...varints(12), ...doubles(flat.slice(0, 12)),
      ...varints(-18, 18 * 8), ...doubles(flat.slice(12)),
      0,
      // labels: 1 value, then 2 values with a byte size, then the end
      ...varints(1, 1),
      ...varints(-2, 2, 0, 1),
      0,
    ];
    const bytes = clickstreamBytes(body);
    const reference = avscRead(bytes);
    const decoded = expectOk(decodeClickstream(bytes, OPTIONS));
    assert.deepEqual(Array.from(decoded.batch.x.data), reference.features);
    assert.deepEqual(Array.from(decoded.batch.x.data), flat);
    assert.deepEqual(Array.from(decoded.batch.y), [1, 0, 1]);
    assert.equal(decoded.id, 77);
  });

  it('refuses messages it cannot represent when encoding', () => {
    const good = message(tenFeatureRows(2), [0, 1]);
    assert.throws(() => encodeClickstream({ ...good, batch: { x: good.batch.x, y: Int32Array.of(1) } }), /2 feature rows but 1 labels/);
    assert.throws(() => encodeClickstream({ ...good, eventTime: 1.5 }), RangeError);
    assert.throws(() => decodeClickstream(encodeClickstream(good), { nFeatures: 0 }), /nFeatures must be an integer >= 1/);
  });
});

describe('clickstream validation at the edge', () => {
  it('calls a different number of features per row WRONG_FEATURE_COUNT', () => {
    const nine = message([Array.from({ length: 9 }, (_, c) => c / 9)], [1], 11);
    expectFailure(decodeClickstream(encodeClickstream(nine), OPTIONS), 'WRONG_FEATURE_COUNT', /message 11 has 9 features per row, expected 10/);
  });

  it('calls NaN and ±Infinity features NON_FINITE_FEATURE, naming row and feature', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const rows = tenFeatureRows(3);
      rows[2][7] = bad;
      expectFailure(decodeClickstream(encodeClickstream(message(rows, [0, 1, 0])), OPTIONS), 'NON_FINITE_FEATURE', new RegExp(`feature 7 of row 2 is ${bad}`));
    }
  });

  it('calls labels outside {0, 1} BAD_LABEL', () => {
    for (const bad of [2, -1, 1_000_000, -(2 ** 31)]) {
      expectFailure(decodeClickstream(encodeClickstream(message(tenFeatureRows(3), [0, bad, 1])), OPTIONS), 'BAD_LABEL', new RegExp(`row 1 is ${bad},`));
    }
  });

  it('calls a feature count that is not nFeatures × rows SHAPE_MISMATCH', () => {
    const body = [...varints(5, 0, 10), ...varints(25), ...doubles(Array.from({ length: 25 }, () => 0.5)), 0, ...varints(2, 0, 1), 0];
    expectFailure(decodeClickstream(clickstreamBytes(body), OPTIONS), 'SHAPE_MISMATCH', /25 feature values for 2 labels; expected 2 × 10 = 20/);
  });

  it('calls a truncated message MALFORMED_BODY', () => {
    const bytes = encodeClickstream(message(tenFeatureRows(2), [0, 1]));
    expectFailure(decodeClickstream(bytes.subarray(0, bytes.length - 1), OPTIONS), 'MALFORMED_BODY', /labels/);
    expectFailure(decodeClickstream(bytes.subarray(0, 40), OPTIONS), 'MALFORMED_BODY', /features/);
    expectFailure(decodeClickstream(Buffer.concat([bytes, Buffer.of(0)]), OPTIONS), 'MALFORMED_BODY', /1 bytes left over/);
  });
});

describe('clickstream schema evolution', () => {
  /** An older writer: no nFeatures field (the reader's default is 10), features as floats. */
  const OLDER_SCHEMA = {
    type: 'record',
    name: 'ClickstreamBatch',
    namespace: 'streamlearn',
    fields: [
      { name: 'id', type: 'long' },
      { name: 'eventTime', type: { type: 'long', logicalType: 'timestamp-millis' } },
      { name: 'features', type: { type: 'array', items: 'float' } },
      { name: 'labels', type: { type: 'array', items: 'int' } },
    ],
  };
  const olderType = avro.Type.forSchema(OLDER_SCHEMA as Schema);
  const registry = projectSchemaRegistry();
  const older = registry.register(olderType);

  function olderBytes(features: number[], labels: number[]): Buffer {
    return frameSingleObject(older.fingerprint, olderType.toBuffer({ id: 9, eventTime: 1_600_000_000_000, features, labels }));
  }

  it('decodes data of a registered older writer through an avsc resolver', () => {
    // Quarter steps are exact as floats, so promotion to double must reproduce them exactly.
    const features = Array.from({ length: 20 }, (_, i) => i / 4 - 2);
    const outcome = decodeClickstream(olderBytes(features, [1, 0]), { nFeatures: 10, registry });
    const decoded = expectOk(outcome);
    assert.equal(outcome.ok && outcome.writerFingerprint, older.fingerprint);
    assert.notEqual(older.fingerprint, CLICKSTREAM_FINGERPRINT);
    assert.equal(decoded.id, 9);
    assert.equal(decoded.eventTime, 1_600_000_000_000);
    assert.equal(decoded.batch.x.cols, 10);
    assert.equal(decoded.batch.x.rows, 2);
    assert.deepEqual(Array.from(decoded.batch.x.data), features);
    assert.deepEqual(Array.from(decoded.batch.y), [1, 0]);
  });

  it('validates older data the same way', () => {
    const nineWide = Array.from({ length: 18 }, () => 0.5);
    expectFailure(decodeClickstream(olderBytes(nineWide, [1, 0]), { nFeatures: 10, registry }), 'SHAPE_MISMATCH');
    const withNaN = Array.from({ length: 20 }, (_, i) => (i === 13 ? Number.NaN : 0.5));
    expectFailure(decodeClickstream(olderBytes(withNaN, [1, 0]), { nFeatures: 10, registry }), 'NON_FINITE_FEATURE', /feature 3 of row 1/);
    expectFailure(decodeClickstream(olderBytes(Array.from({ length: 10 }, () => 0), [3]), { nFeatures: 10, registry }), 'BAD_LABEL');
    expectFailure(decodeClickstream(olderBytes(Array.from({ length: 10 }, () => 0), [1]), { nFeatures: 12, registry }), 'WRONG_FEATURE_COUNT');
  });

  it('calls an older writer that is not registered UNKNOWN_FINGERPRINT', () => {
    expectFailure(decodeClickstream(olderBytes(Array.from({ length: 10 }, () => 0), [1]), OPTIONS), 'UNKNOWN_FINGERPRINT', new RegExp(older.fingerprint.toString(16)));
  });

  it('calls another registered record on the clickstream topic INCOMPATIBLE_SCHEMA', () => {
    const snapshotLike = avro.Type.forSchema({ type: 'record', name: 'streamlearn.Other', fields: [{ name: 'x', type: 'int' }] });
    const other = registry.register(snapshotLike);
    expectFailure(decodeClickstream(frameSingleObject(other.fingerprint, snapshotLike.toBuffer({ x: 1 })), { nFeatures: 10, registry }), 'INCOMPATIBLE_SCHEMA');
  });
});
