import assert from 'node:assert/strict';
import avro, { type Schema } from 'avsc';
import { decodeState, encodeState } from '../models/state-codec';
import { schemaFingerprint } from '../io/avro/canonical-form';
import { SchemaRegistry } from '../io/avro/schema-registry';
import {
  DEAD_LETTER_TYPE,
  projectSchemaRegistry,
  recordCodecs,
  STEP_METRICS_TYPE,
  type DeadLetterRecord,
  type ModelSnapshotRecord,
  type StepMetricsRecord,
} from '../io/avro/schemas';
import { frameSingleObject, readSingleObjectHeader, singleObjectCodec } from '../io/avro/single-object';

function metrics(overrides: Partial<StepMetricsRecord> = {}): StepMetricsRecord {
  return {
    batchIndex: 41,
    sources: [
      { topic: 'clicks', partition: 0, firstOffset: 100, lastOffset: 109 },
      { topic: 'clicks', partition: 2, firstOffset: 7, lastOffset: 7 },
    ],
    rows: 1050,
    evaluatedRows: 1050,
    logLoss: 0.3125,
    accuracy: 0.875,
    precision: 0.5,
    recall: 0.25,
    f1: 1 / 3,
    rocAuc: Number.NaN,
    accepted: null,
    reason: 'first window',
    modelVersion: 3,
    recordsPerSecond: 1.5e6,
    eventTime: 1_700_000_000_123,
    modelId: 'sgd-main',
    modelKind: 'sgd',
    drift: false,
    ...overrides,
  };
}

function deadLetter(reason: DeadLetterRecord['reason']): DeadLetterRecord {
  return { original: Buffer.from('not avro'), topic: 'clicks', partition: 1, offset: 12345, reason, message: 'starts with 6e6f', time: 1_700_000_000_000 };
}

describe('single-object encoding', () => {
  it('frames a body as C3 01, the little-endian CRC-64-AVRO of the schema, then the body', () => {
    // Apache Avro's vector: the fingerprint of "int" is 8247732601305521295 (signed 64-bit).
    const fingerprint = BigInt.asUintN(64, 8247732601305521295n);
    const littleEndian = Array.from({ length: 8 }, (_, i) => Number((fingerprint >> BigInt(8 * i)) & 0xffn));
    const codec = singleObjectCodec<number>(avro.Type.forSchema('int'), new SchemaRegistry());
    assert.equal(codec.fingerprint, fingerprint);
    // 5 as a zigzag varint is 0x0a.
    assert.deepEqual([...codec.encode(5)], [0xc3, 0x01, ...littleEndian, 0x0a]);
    assert.deepEqual(codec.decode(codec.encode(-3)), { ok: true, value: -3, writerFingerprint: fingerprint });
  });

  it('reads the header back', () => {
    const framed = frameSingleObject(0x0102030405060708n, Uint8Array.of(9));
    assert.deepEqual([...framed], [0xc3, 0x01, 8, 7, 6, 5, 4, 3, 2, 1, 9]);
    assert.deepEqual(readSingleObjectHeader(framed), { ok: true, fingerprint: 0x0102030405060708n });
  });

  it('round-trips step metrics, keeping NaN and each state of accepted', () => {
    const { stepMetrics } = recordCodecs();
    for (const accepted of [null, true, false]) {
      const record = metrics({ accepted });
      const decoded = stepMetrics.decode(stepMetrics.encode(record));
      assert.ok(decoded.ok, decoded.ok ? '' : decoded.message);
      assert.deepEqual({ ...decoded.value }, { ...record, sources: decoded.value.sources });
      assert.deepEqual(decoded.value.sources.map((s) => ({ ...s })), record.sources);
      assert.ok(Number.isNaN(decoded.value.rocAuc));
      assert.equal(decoded.value.accepted, accepted);
    }
  });

  it('round-trips a model snapshot whose state is encodeState output', () => {
    const { modelSnapshot } = recordCodecs();
    const state = { weights: Float64Array.of(0.5, -0, Number.NaN, 1e-310), bias: -0, seen: 7 };
    const record: ModelSnapshotRecord = {
      modelId: 'sgd-main',
      modelKind: 'sgd',
      hyperparameters: JSON.stringify({ alpha: 1e-4, loss: 'log_loss' }),
      nFeatures: 4,
      nClasses: 2,
      state: Buffer.from(encodeState(state), 'utf8'),
      version: 12,
      trainer: { windows: 40, rowsSeen: 41_000 },
      sources: [{ topic: 'clicks', partition: 0, nextOffset: 410 }],
      time: 1_700_000_000_999,
    };
    const decoded = modelSnapshot.decode(modelSnapshot.encode(record));
    assert.ok(decoded.ok, decoded.ok ? '' : decoded.message);
    assert.equal(decoded.value.version, 12);
    assert.deepEqual({ ...decoded.value.trainer }, record.trainer);
    assert.deepEqual(decodeState(decoded.value.state.toString('utf8')), state);
  });

  it('round-trips a dead-letter record', () => {
    const { deadLetter: codec } = recordCodecs();
    const decoded = codec.decode(codec.encode(deadLetter('NOT_AVRO')));
    assert.ok(decoded.ok);
    assert.equal(decoded.value.reason, 'NOT_AVRO');
    assert.deepEqual(decoded.value.original, Buffer.from('not avro'));
  });

  it('encodes an invalid value by throwing, as a bug in the writer', () => {
    const { stepMetrics } = recordCodecs();
    assert.throws(() => stepMetrics.encode(metrics({ rows: 'many' as unknown as number })));
  });
});

describe('single-object decoding failures', () => {
  const { stepMetrics, modelSnapshot } = recordCodecs();
  const good = stepMetrics.encode(metrics());

  it('calls bytes without the C3 01 marker, or shorter than the header, NOT_AVRO', () => {
    for (const bytes of [Buffer.alloc(0), Buffer.from('{"id":1}'), Buffer.from([0xc3, 0x00, ...good.subarray(2)]), good.subarray(0, 9)]) {
      const decoded = stepMetrics.decode(bytes);
      assert.equal(decoded.ok, false);
      assert.equal(!decoded.ok && decoded.reason, 'NOT_AVRO');
    }
    const short = stepMetrics.decode(good.subarray(0, 9));
    assert.match(!short.ok ? short.message : '', /only 9 bytes/);
  });

  it('calls a fingerprint no registered schema has UNKNOWN_FINGERPRINT, and names it', () => {
    const bytes = Buffer.from(good);
    bytes[9] ^= 0xff;
    const decoded = stepMetrics.decode(bytes);
    assert.equal(!decoded.ok && decoded.reason, 'UNKNOWN_FINGERPRINT');
    assert.match(!decoded.ok ? decoded.message : '', new RegExp(`0x${bytes.readBigUInt64LE(2).toString(16).padStart(16, '0')}`));
  });

  it('calls a known schema that does not resolve into the reader INCOMPATIBLE_SCHEMA', () => {
    const decoded = modelSnapshot.decode(good);
    assert.equal(!decoded.ok && decoded.reason, 'INCOMPATIBLE_SCHEMA');
    assert.match(!decoded.ok ? decoded.message : '', /StepMetrics.*ModelSnapshot/);
  });

  it('calls a truncated body or trailing bytes MALFORMED_BODY', () => {
    for (const bytes of [good.subarray(0, good.length - 1), good.subarray(0, 11), Buffer.concat([good, Buffer.of(0)])]) {
      const decoded = stepMetrics.decode(bytes);
      assert.equal(!decoded.ok && decoded.reason, 'MALFORMED_BODY', `${bytes.length} bytes`);
    }
  });
});

describe('schema registry and evolution', () => {
  it('registers a schema once, by the fingerprint of its canonical form', () => {
    const registry = projectSchemaRegistry();
    assert.equal(registry.size, 4);
    const withDocs = registry.register(JSON.stringify({ ...STEP_METRICS_TYPE.schema({ exportAttrs: true }) as object, doc: 'a different doc' }));
    assert.equal(registry.size, 4);
    assert.equal(withDocs.fingerprint, schemaFingerprint(STEP_METRICS_TYPE));
    assert.equal(registry.lookup(withDocs.fingerprint), withDocs);
  });

  it('reads an unknown enum symbol of a newer dead-letter writer as the default OTHER', () => {
    const newerSchema = DEAD_LETTER_TYPE.schema({ exportAttrs: true }) as { fields: Array<{ name: string; type: { symbols: string[] } }> };
    const reason = newerSchema.fields.find((field) => field.name === 'reason');
    assert.ok(reason);
    reason.type.symbols = [...reason.type.symbols, 'LABEL_FROM_THE_FUTURE'];
    const newerType = avro.Type.forSchema(newerSchema as unknown as Schema);
    const registry = projectSchemaRegistry();
    const newer = registry.register(newerType);
    const bytes = frameSingleObject(newer.fingerprint, newerType.toBuffer({ ...deadLetter('OTHER'), reason: 'LABEL_FROM_THE_FUTURE' }));

    const { deadLetter: current } = recordCodecs(registry);
    const decoded = current.decode(bytes);
    assert.ok(decoded.ok, decoded.ok ? '' : decoded.message);
    assert.equal(decoded.value.reason, 'OTHER');
    assert.equal(decoded.writerFingerprint, newer.fingerprint);

    const withoutNewer = recordCodecs().deadLetter.decode(bytes);
    assert.equal(!withoutNewer.ok && withoutNewer.reason, 'UNKNOWN_FINGERPRINT');
  });
});
