// Snapshots as the scorer sees them: a restored snapshot predicts exactly like the model that wrote
// it (every catalog model, then through Kafka), pipelines/score answers each request once with the
// model version it used and follows newer snapshots, and snapshots over 1 MiB and over the topic's
// 16 MiB go through the pipeline's writer.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import avro from 'avsc';
import { from, lastValueFrom, toArray } from 'rxjs';
import { encodeClickstream } from '../io/avro/clickstream-codec';
import { encodeScoringRequest } from '../io/avro/scoring-codec';
import { atLeastOnceWriter, transactionalWriter } from '../io/kafka/checkpoint-writer';
import { readDeadLetterHeaders } from '../io/kafka/dead-letter';
import { kafkaSink } from '../io/kafka/kafka-sink';
import { kafkaSource } from '../io/kafka/kafka-source';
import { ensureBroker, type LocalBroker } from '../io/kafka/local-broker';
import { ensureSnapshotFits, latestSnapshot } from '../io/kafka/snapshot-store';
import { ensureTopics, SNAPSHOT_MAX_MESSAGE_BYTES, snapshotTopic, topicOverrides } from '../io/kafka/topics';
import { decodeSnapshot, restoreCheckpoint, snapshotOutgoing, snapshotRecord } from '../io/kafka/training-records';
import { tracker } from '../metrics/tracker';
import { CLASSIFIER_NAMES, createClassifier } from '../models/catalog';
import { sgdClassifier } from '../models/sgd-classifier';
import { matrix, type Classifier, type Matrix } from '../models/types';
import { score, type ServingModel } from '../pipelines/score';
import { train, TRAIN_DEFAULTS, type TrainConfig } from '../pipelines/train';
import { alwaysAccept } from '../training/gate-policies';
import { initialTrainerState } from '../training/train-step';
import { messageWindow } from '../transforms/message-window';
import { partialFit } from '../transforms/partial-fit';
import { createKafka } from '../io/kafka/client';
import { readTopic } from './support/kafka-read';
import { defaultChoices, fixedClickstream, produceInput, settleTransactions } from './support/train-process';

const predictionType = avro.Type.forSchema(JSON.parse(readFileSync(join(__dirname, '..', 'schemas', 'prediction.avsc'), 'utf8')));
/** Decodes a prediction with the .avsc file alone (single-object header: C3 01 + 8-byte fingerprint). */
const decodePredictionWithSchema = (bytes: Buffer) => {
  assert.deepEqual([bytes[0], bytes[1]], [0xc3, 0x01]);
  return predictionType.fromBuffer(bytes.subarray(10)) as { requestId: number; modelId: string; modelVersion: number; modelWindows: number; nClasses: number; probabilities: number[] };
};

const bits = (values: Float64Array | readonly number[]): string => Buffer.from(Float64Array.from(values).buffer).toString('hex');

describe('restored snapshots', () => {
  const messages = fixedClickstream(12, 31);
  const probe = messages[11].batch.x;
  for (const name of CLASSIFIER_NAMES) {
    it(`${name}: the restored model (kept and pending) predicts bit-identically to the one that wrote the snapshot`, async () => {
      const model = createClassifier(name, { nFeatures: 10, nClasses: 2 });
      const steps = await lastValueFrom(from(messages.slice(0, 10)).pipe(messageWindow(2), partialFit(model, { gate: alwaysAccept() }), toArray()));
      const state = steps[steps.length - 1].state;
      const written = snapshotOutgoing('t', snapshotRecord(model, { modelId: 'm', modelKind: model.kind }, { trainer: state, metrics: tracker({ kind: 'cumulative' }, 2) }, [], 0));
      const restored = restoreCheckpoint(model, decodeSnapshot(written.value as Buffer));
      assert.equal(bits(model.predictProba(restored.trainer.kept, probe)), bits(model.predictProba(state.kept, probe)));
      assert.ok(restored.trainer.pending !== null && state.pending !== null);
      assert.equal(bits(model.predictProba(restored.trainer.pending, probe)), bits(model.predictProba(state.pending, probe)));
      assert.equal(restored.trainer.version, state.version);
    });
  }
});

describe('pipelines/score and large snapshots (real broker)', function () {
  this.timeout(120_000);
  const runId = `${Date.now().toString(36)}-${process.pid}`;
  const topic = `score-${runId}`;
  const requestsTopic = `${topic}.requests`;
  const messages = fixedClickstream(80, 23);
  let broker: LocalBroker;
  let connection: { brokers: string[] };
  let trainConfig: TrainConfig;
  const scoreConfig = () => ({
    input: requestsTopic,
    predictionsTopic: `${requestsTopic}.predictions`,
    deadLetterTopic: `${requestsTopic}.dlq`,
    snapshotTopic: `${topic}.snapshots`,
    modelId: `${topic}.sgd`,
    groupId: `${topic}.scorer`,
    until: 'end-offsets-at-start' as const,
    log: () => {},
  });

  /** The kept model of the same chain trained in memory on the first `count` messages. */
  const keptAfter = async (count: number): Promise<unknown> => {
    const { model, gate, evaluation } = defaultChoices();
    const steps = await lastValueFrom(from(messages.slice(0, count)).pipe(messageWindow(), partialFit(model, { gate, evaluation }), toArray()));
    return steps[steps.length - 1].state.kept;
  };
  const sendRequests = async (ids: readonly number[], extra: Buffer[] = []): Promise<void> => {
    const sink = kafkaSink({ connection, topic: requestsTopic });
    await sink.send([...ids.map((id) => ({ key: String(id), value: encodeScoringRequest({ id, eventTime: 1, x: messages[id].batch.x }) })), ...extra.map((value) => ({ key: 'bad', value }))]);
    await sink.close();
  };

  before(async function () {
    this.timeout(300_000);
    broker = await ensureBroker();
    connection = { brokers: broker.brokers };
    await produceInput(connection, topic, messages.slice(0, 60));
    await ensureTopics(connection, [{ topic: requestsTopic }]);
    trainConfig = {
      ...TRAIN_DEFAULTS,
      input: topic,
      metricsTopic: `${topic}.metrics`,
      snapshotTopic: `${topic}.snapshots`,
      deadLetterTopic: `${topic}.dlq`,
      groupId: `${topic}.group`,
      modelId: `${topic}.sgd`,
      outDir: mkdtempSync(join(tmpdir(), 'score-')),
      log: () => {},
    };
    await train(connection, trainConfig, defaultChoices());
    await settleTransactions(connection, trainConfig.groupId, topic);
  });

  after(async function () {
    this.timeout(30_000);
    await broker?.stop();
  });

  it('answers each request once with the version it used; the probabilities are the writing model’s, bit for bit', async () => {
    const model = defaultChoices().model;
    const snapshot = await latestSnapshot(connection, `${topic}.snapshots`, `${topic}.sgd`);
    assert.ok(snapshot !== null);
    const nineFeatures = encodeScoringRequest({ id: 999, eventTime: 1, x: matrix(1, 9, new Float64Array(9)) });
    await sendRequests([60, 61, 62, 63, 64], [nineFeatures]);
    const result = await score(connection, scoreConfig(), model);
    await settleTransactions(connection, `${topic}.scorer`, requestsTopic);
    assert.deepEqual(result, { requests: 5, rows: [60, 61, 62, 63, 64].reduce((n, id) => n + messages[id].batch.x.rows, 0), deadLettered: 1, versionsUsed: [snapshot.version] });

    const kept = await keptAfter(60);
    const predictions = (await readTopic(connection, `${requestsTopic}.predictions`, 5)).map((record) => decodePredictionWithSchema(record.value as Buffer));
    assert.deepEqual(predictions.map((p) => p.requestId), [60, 61, 62, 63, 64]);
    for (const p of predictions) {
      assert.equal(p.modelId, `${topic}.sgd`);
      assert.equal(p.modelVersion, snapshot.version);
      assert.equal(p.modelWindows, 60);
      assert.equal(p.nClasses, 2);
      assert.equal(bits(p.probabilities), bits(model.predictProba(kept, messages[p.requestId].batch.x)), `request ${p.requestId}`);
    }
    const deadLetters = await readTopic(connection, `${requestsTopic}.dlq`, 1);
    assert.deepEqual(deadLetters.map((record) => readDeadLetterHeaders(record.headers).reason), ['WRONG_FEATURE_COUNT']);

    const again = await score(connection, scoreConfig(), model);
    assert.equal(again.requests, 0, 'a second run answers nothing twice');
  });

  it('with --follow, switches to a newer snapshot once the trainer commits it', async () => {
    const model = defaultChoices().model;
    const served: ServingModel[] = [];
    let answered = 0;
    const stop = new AbortController();
    const running = score(connection, { ...scoreConfig(), until: 'follow', signal: stop.signal, onModel: (m) => served.push(m), onCommitted: (n) => (answered = n) }, model);
    const waitFor = async (condition: () => boolean, what: string): Promise<void> => {
      for (const deadline = Date.now() + 30_000; !condition(); await sleep(50)) if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    };
    try {
      await waitFor(() => served.some((m) => m.windows === 60), 'the first snapshot');
      const sink = kafkaSink({ connection, topic });
      await sink.send(messages.slice(60).map((m) => ({ key: String(m.id), value: encodeClickstream(m) })));
      await sink.close();
      await train(connection, trainConfig, defaultChoices());
      await waitFor(() => served.some((m) => m.windows === 80), 'the snapshot after 80 windows');
      await sendRequests([70, 71, 72]);
      await waitFor(() => answered === 3, 'the predictions');
    } finally {
      stop.abort();
    }
    const result = await running;
    await settleTransactions(connection, `${topic}.scorer`, requestsTopic);
    const newest = served[served.length - 1];
    assert.equal(newest.windows, 80);
    assert.equal(result.requests, 3);
    assert.deepEqual(result.versionsUsed, [newest.version]);
    const kept = await keptAfter(80);
    const predictions = (await readTopic(connection, `${requestsTopic}.predictions`)).map((record) => decodePredictionWithSchema(record.value as Buffer)).slice(5);
    assert.deepEqual(predictions.map((p) => [p.requestId, p.modelWindows, p.modelVersion]), [70, 71, 72].map((id) => [id, 80, newest.version]));
    for (const p of predictions) assert.equal(bits(p.probabilities), bits(model.predictProba(kept, messages[p.requestId].batch.x)));
  });

  /** A checkpoint state of an SGD model over `nFeatures` features, learned from 3 rows, and a probe. */
  const wideModel = (nFeatures: number) => {
    const model = sgdClassifier({ nFeatures });
    const x = matrix(3, nFeatures, Float64Array.from({ length: 3 * nFeatures }, (_, i) => ((i * 7919) % 1000) / 1000));
    const trainer = { ...initialTrainerState(model, alwaysAccept()), kept: model.learn(model.init(), { x, y: Int32Array.of(0, 1, 1) }) };
    return { model: model as Classifier<unknown>, checkpoint: { trainer, metrics: tracker({ kind: 'cumulative' }, 2) }, probe: x as Matrix };
  };

  const writeAndReadBack = async (nFeatures: number, writerKind: 'transactional' | 'at-least-once') => {
    const snapshots = `${topic}.wide-${nFeatures}-${writerKind}`;
    await ensureTopics(connection, [snapshotTopic(snapshots)]);
    const { model, checkpoint, probe } = wideModel(nFeatures);
    const record = snapshotOutgoing(snapshots, snapshotRecord(model, { modelId: 'wide', modelKind: model.kind }, checkpoint, [], 0));
    // As the train pipeline does before each checkpoint.
    const limit = await ensureSnapshotFits(connection, snapshots, record.value?.length ?? 0);
    const writer =
      writerKind === 'transactional'
        ? transactionalWriter(connection, { groupId: `${snapshots}.group`, transactionalId: `${snapshots}.tx` })
        : atLeastOnceWriter(connection, kafkaSource({ connection, topics: [snapshots], groupId: `${snapshots}.group` }));
    try {
      await writer.write([record], []);
    } finally {
      await writer.close();
    }
    // EndTxn returns once the commit is decided; its markers, which make the record readable to a
    // read-committed consumer, land just after. So the first read may still find nothing.
    let restored = await latestSnapshot(connection, snapshots, 'wide');
    for (const deadline = Date.now() + 10_000; restored === null && Date.now() < deadline; ) {
      await sleep(100);
      restored = await latestSnapshot(connection, snapshots, 'wide');
    }
    assert.ok(restored !== null, 'the committed snapshot became readable within 10 s');
    const kept = restoreCheckpoint(model, restored).trainer.kept;
    assert.equal(bits(model.predictProba(kept, probe)), bits(model.predictProba(checkpoint.trainer.kept, probe)));
    return { bytes: record.value?.length ?? 0, limit, snapshots };
  };

  it('writes a snapshot over 1 MiB through both checkpoint writers (the producer has no 1 MiB limit) and restores it', async () => {
    for (const kind of ['transactional', 'at-least-once'] as const) {
      const { bytes, limit } = await writeAndReadBack(150_000, kind);
      assert.ok(bytes > 1024 * 1024, `${bytes} bytes`);
      assert.equal(limit, SNAPSHOT_MAX_MESSAGE_BYTES, 'within the topic setting: nothing raised');
    }
  });

  it('raises the snapshot topic’s max.message.bytes for a snapshot over 16 MiB, so the write does not fail', async () => {
    const { bytes, limit, snapshots } = await writeAndReadBack(1_700_000, 'transactional');
    assert.ok(bytes > SNAPSHOT_MAX_MESSAGE_BYTES, `${bytes} bytes`);
    assert.ok(limit > bytes);
    const admin = createKafka(connection, 'score-spec').admin();
    await admin.connect();
    try {
      const overrides = (await topicOverrides(admin, [snapshots])).get(snapshots) ?? {};
      assert.equal(overrides['max.message.bytes'], String(limit));
      assert.equal(overrides['cleanup.policy'], 'compact', 'the other settings are kept');
    } finally {
      await admin.disconnect();
    }
  });
});
