// The Kafka train pipeline end to end on the real local broker: produce, train, read the metrics,
// snapshot and dead-letter topics back with the .avsc files, and resume with the same group.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import avro from 'avsc';
import { from, lastValueFrom, toArray } from 'rxjs';
import { clickstream } from '../generators/clickstream';
import { encodeClickstream } from '../io/avro/clickstream-codec';
import { ensureBroker, type LocalBroker } from '../io/kafka/local-broker';
import { kafkaSink } from '../io/kafka/kafka-sink';
import { readDeadLetterHeaders } from '../io/kafka/dead-letter';
import { ensureTopics } from '../io/kafka/topics';
import type { OutgoingRecord } from '../io/kafka/records';
import { decodeState } from '../models/state-codec';
import { sgdClassifier } from '../models/sgd-classifier';
import { matrix } from '../models/types';
import { messageWindow } from '../transforms/message-window';
import { partialFit } from '../transforms/partial-fit';
import { seedGate } from '../training/gate-policies';
import { prequential } from '../training/evaluation';
import { inputTopicSpec } from '../pipelines/produce';
import { train, TRAIN_DEFAULTS, type TrainConfig } from '../pipelines/train';
import type { LabeledMessage } from '../transforms/types';
import { readTopic } from './support/kafka-read';

const schema = (name: string) => avro.Type.forSchema(JSON.parse(readFileSync(join(__dirname, '..', 'schemas', name), 'utf8')));
/** Decodes a single-object record with the .avsc file alone (header: C3 01 + 8-byte fingerprint). */
const decodeWith = (type: avro.Type, bytes: Buffer) => {
  assert.deepEqual([bytes[0], bytes[1]], [0xc3, 0x01]);
  return type.fromBuffer(bytes.subarray(10));
};

describe('train pipeline (real broker)', function () {
  this.timeout(120_000);
  const runId = `${Date.now().toString(36)}-${process.pid}`;
  let broker: LocalBroker;
  let connection: { brokers: string[] };
  const good = [...clickstream({ messages: 120, seed: 11 })];
  const badLabel: LabeledMessage = { ...good[0], id: 9001, batch: { x: good[0].batch.x, y: Int32Array.from(good[0].batch.y, (v, i) => (i === 3 ? 2 : v)) } };
  const nanFeature: LabeledMessage = { ...good[1], id: 9002, batch: { x: matrix(good[1].batch.x.rows, 10, Float64Array.from(good[1].batch.x.data, (v, i) => (i === 17 ? NaN : v))), y: good[1].batch.y } };
  const nineFeatures: LabeledMessage = { ...good[2], id: 9003, batch: { x: matrix(2, 9, new Float64Array(18)), y: Int32Array.of(0, 1) } };
  const unknownFingerprint = Buffer.concat([Buffer.from([0xc3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8]), encodeClickstream(good[3]).subarray(10)]);
  const bad: { value: Buffer; reason: string }[] = [
    { value: Buffer.from('{"X": [[0.1]], "y": [1]}'), reason: 'NOT_AVRO' },
    { value: unknownFingerprint, reason: 'UNKNOWN_FINGERPRINT' },
    { value: encodeClickstream(nineFeatures), reason: 'WRONG_FEATURE_COUNT' },
    { value: encodeClickstream(nanFeature), reason: 'NON_FINITE_FEATURE' },
    { value: encodeClickstream(badLabel), reason: 'BAD_LABEL' },
  ];
  const topic = `it-clicks-${runId}`;
  let config: TrainConfig;
  let out: string;

  before(async function () {
    this.timeout(300_000);
    broker = await ensureBroker();
    connection = { brokers: broker.brokers };
    await ensureTopics(connection, [inputTopicSpec(topic, 1)]);
    // 100 good messages with the 5 bad ones spread among them.
    const records: OutgoingRecord[] = [];
    good.slice(0, 100).forEach((message, i) => {
      records.push({ topic, key: String(message.id), value: encodeClickstream(message) });
      if (i % 20 === 10) records.push({ topic, key: 'bad', value: bad[(i - 10) / 20].value });
    });
    const sink = kafkaSink({ connection });
    await sink.send(records);
    await sink.close();
    out = mkdtempSync(join(tmpdir(), 'train-it-'));
    config = {
      ...TRAIN_DEFAULTS,
      input: topic,
      metricsTopic: `${topic}.metrics`,
      snapshotTopic: `${topic}.snapshots`,
      deadLetterTopic: `${topic}.dlq`,
      groupId: `${topic}.group`,
      modelId: `${topic}.sgd`,
      outDir: out,
      log: () => {},
    };
  });

  after(async function () {
    this.timeout(30_000);
    await broker?.stop();
  });

  const choices = () => ({ model: sgdClassifier({ nFeatures: 10 }), gate: seedGate(), evaluation: prequential() });
  let first: Awaited<ReturnType<typeof train>>;

  it('trains on every good record, dead-letters every bad one and writes the summary', async () => {
    first = await train(connection, config, choices());
    assert.equal(first.resumedFromVersion, null);
    assert.equal(first.writer, 'transactional');
    const s = first.summary;
    assert.equal(s.messages, 105);
    assert.equal(s.deadLettered, 5);
    assert.equal(s.batches, 100);
    assert.equal(s.records, good.slice(0, 100).reduce((n, m) => n + m.batch.x.rows, 0));
    assert.equal(s.accepted + s.rejected + (s.undecided ?? 0), 100);
    assert.deepEqual(JSON.parse(readFileSync(join(out, 'run-summary.json'), 'utf8')), s);
    assert.equal(readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n').length, 101);
  });

  it('writes one metrics record per window, readable with the .avsc file', async () => {
    const records = await readTopic(connection, config.metricsTopic, 100);
    const metrics = records.map((r) => decodeWith(schema('step-metrics.avsc'), r.value!));
    assert.deepEqual(metrics.map((m) => m.batchIndex), Array.from({ length: 100 }, (_, i) => i));
    assert.equal(metrics.filter((m) => m.accepted === true).length, first.summary.accepted);
    assert.equal(metrics.filter((m) => m.accepted === false).length, first.summary.rejected);
    for (const m of metrics) assert.equal(m.sources[0].topic, topic);
  });

  it('sends each bad record whole to the dead-letter topic with its reason and source offset', async () => {
    const records = await readTopic(connection, config.deadLetterTopic, 5);
    assert.equal(records.length, 5);
    records.forEach((record, i) => {
      const info = readDeadLetterHeaders(record.headers);
      assert.equal(info.reason, bad[i].reason, info.message);
      assert.equal(info.sourceTopic, topic);
      assert.equal(info.sourceOffset, String(11 + i * 21));
      assert.ok(record.value!.equals(bad[i].value), 'the original bytes');
    });
  });

  it('writes snapshots whose last model predicts exactly like the same chain trained in memory', async () => {
    const records = await readTopic(connection, config.snapshotTopic, 1);
    assert.ok(records.length >= 1);
    const last = decodeWith(schema('model-snapshot.avsc'), records[records.length - 1].value!);
    assert.equal(last.modelId, config.modelId);
    assert.deepEqual(last.sources.map((s: object) => ({ ...s })), [{ topic, partition: 0, nextOffset: 105 }]);
    const model = sgdClassifier({ nFeatures: 10 });
    const checkpoint = decodeState(last.state.toString('utf8')) as { trainer: { kept: unknown } };
    const kept = model.restore(checkpoint.trainer.kept);
    const steps = await lastValueFrom(from(good.slice(0, 100)).pipe(messageWindow(), partialFit(model, { gate: seedGate() }), toArray()));
    const probe = good[110].batch.x;
    assert.deepEqual(model.predictProba(kept, probe), model.predictProba(steps[99].state.kept, probe));
    assert.equal(last.version, steps[99].version);
  });

  it('a second run with the same group resumes from the committed offsets and learns nothing old', async () => {
    const second = await train(connection, config, choices());
    assert.equal(second.resumedFromVersion, first.summary.modelVersion);
    assert.equal(second.summary.messages, 0);
    assert.equal(second.summary.batches, 0);
    assert.equal((await readTopic(connection, config.metricsTopic, 100)).length, 100);
  });

  it('a third run continues the same model on new records only', async () => {
    const sink = kafkaSink({ connection });
    await sink.send(good.slice(100, 110).map((m) => ({ topic, key: String(m.id), value: encodeClickstream(m) })));
    await sink.close();
    const third = await train(connection, config, choices());
    assert.equal(third.summary.messages, 10);
    assert.equal(third.summary.batches, 10);
    const metrics = (await readTopic(connection, config.metricsTopic, 110)).map((r) => decodeWith(schema('step-metrics.avsc'), r.value!));
    assert.deepEqual(metrics.map((m) => m.batchIndex), Array.from({ length: 110 }, (_, i) => i), 'window indexes continue, no duplicates, no gaps');
  });
});
