import assert from 'node:assert/strict';
import { Random } from '../models/random';
import { recordCodecs, type StepMetricsRecord } from '../io/avro/schemas';
import { encodeStepMetrics, STEP_METRICS_FINGERPRINT } from '../io/avro/step-metrics-codec';

const AVSC = recordCodecs().stepMetrics;

function record(overrides: Partial<StepMetricsRecord> = {}): StepMetricsRecord {
  return {
    batchIndex: 41,
    sources: [{ topic: 'clicks', partition: 0, firstOffset: 100, lastOffset: 109 }],
    rows: 105,
    evaluatedRows: 105,
    logLoss: 0.3125,
    accuracy: 0.875,
    precision: 0.5,
    recall: 0.25,
    f1: 1 / 3,
    rocAuc: 0.91,
    accepted: true,
    reason: 'f1 0.8 > 0.76',
    modelVersion: 3,
    recordsPerSecond: 1.5e6,
    eventTime: 1_700_000_000_123,
    modelId: 'sgd-main',
    modelKind: 'sgd',
    drift: false,
    ...overrides,
  };
}

/** Varied records: sizes that cross varint byte boundaries, every union branch, odd doubles and text. */
function randomRecord(random: Random): StepMetricsRecord {
  const pick = <T>(values: readonly T[]): T => values[random.int(0, values.length - 1)];
  const long = (): number => pick([0, 1, -1, 63, 64, -64, -65, 8191, 8192, 2 ** 31, -(2 ** 40), 2 ** 52, -(2 ** 52), random.int(0, 1e9)]);
  const int = (): number => pick([0, 1, -1, 63, 64, 127, 128, 16_383, 16_384, 2 ** 31 - 1, -(2 ** 31), random.int(0, 1e6)]);
  const double = (): number => pick([0, -0, Number.NaN, Infinity, -Infinity, Number.MIN_VALUE, Number.MAX_VALUE, random.next(), -random.next() * 1e300]);
  const text = (): string => pick(['', 'a', 'f1 0.81 ≤ 0.95 × mean 0.8', 'x'.repeat(200), 'émoji 🚀 "quoted", comma', random.next().toString(36)]);
  const sources = Array.from({ length: random.int(0, 3) }, () => ({ topic: pick(['clicks', 'ünïcode-topic', 't'.repeat(70)]), partition: int(), firstOffset: long(), lastOffset: long() }));
  return {
    batchIndex: long(),
    sources,
    rows: int(),
    evaluatedRows: int(),
    logLoss: double(),
    accuracy: double(),
    precision: double(),
    recall: double(),
    f1: double(),
    rocAuc: double(),
    accepted: pick([null, true, false]),
    reason: text(),
    modelVersion: long(),
    recordsPerSecond: double(),
    eventTime: long(),
    modelId: text(),
    modelKind: pick(['sgd', 'hoeffding-tree', 'ñ']),
    drift: pick([true, false]),
  };
}

describe('step-metrics hand-written encoder', () => {
  it('writes exactly the bytes avsc writes, on 2,000 varied records', () => {
    const random = new Random(7);
    for (let i = 0; i < 2000; i++) {
      const value = randomRecord(random);
      const ours = encodeStepMetrics(value);
      const reference = AVSC.encode(value);
      assert.ok(ours.equals(reference), `record ${i} (${JSON.stringify(value)}): ${ours.toString('hex')} ≠ ${reference.toString('hex')}`);
    }
  });

  it('uses the schema fingerprint of the registered step-metrics schema', () => {
    assert.equal(STEP_METRICS_FINGERPRINT, AVSC.fingerprint);
  });

  it('decodes back through avsc to the same record', () => {
    const value = record({ accepted: null, rocAuc: Number.NaN, drift: true });
    const decoded = AVSC.decode(encodeStepMetrics(value));
    assert.ok(decoded.ok, decoded.ok ? '' : decoded.message);
    assert.deepEqual({ ...decoded.value, sources: decoded.value.sources.map((s) => ({ ...s })) }, value);
  });

  it('fills the fields that have defaults when they are left out, as avsc does', () => {
    const value = record();
    const partial = { ...value } as Partial<StepMetricsRecord>;
    delete partial.accepted;
    delete partial.drift;
    assert.ok(encodeStepMetrics(partial as StepMetricsRecord).equals(AVSC.encode(partial as StepMetricsRecord)));
    assert.ok(encodeStepMetrics(partial as StepMetricsRecord).equals(encodeStepMetrics({ ...value, accepted: null, drift: false })));
  });

  it('refuses values the schema cannot hold, naming the field', () => {
    const cases: [Partial<StepMetricsRecord>, RegExp][] = [
      [{ rows: 'many' as unknown as number }, /rows must be a 32-bit integer/],
      [{ rows: 2 ** 31 }, /rows must be a 32-bit integer/],
      [{ evaluatedRows: 1.5 }, /evaluatedRows must be a 32-bit integer/],
      [{ batchIndex: 0.5 }, /batchIndex must be an integer/],
      [{ eventTime: Number.NaN }, /eventTime must be an integer/],
      [{ f1: '0.5' as unknown as number }, /f1 must be a number/],
      [{ accepted: 1 as unknown as boolean }, /accepted must be a boolean/],
      [{ reason: undefined as unknown as string }, /reason must be a string/],
      [{ modelId: 7 as unknown as string }, /modelId must be a string/],
      [{ sources: [{ topic: 'clicks', partition: -1.5, firstOffset: 0, lastOffset: 0 }] }, /sources.partition must be a 32-bit integer/],
      [{ sources: null as unknown as StepMetricsRecord['sources'] }, /sources must be an array/],
    ];
    for (const [overrides, message] of cases) {
      assert.throws(() => encodeStepMetrics(record(overrides)), message, JSON.stringify(overrides));
      assert.throws(() => AVSC.encode(record(overrides)), Error, `avsc refuses ${JSON.stringify(overrides)} too`);
    }
  });
});
