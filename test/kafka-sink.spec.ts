// kafkaSink, dead-letter records and ensureTopics against the real local broker; written records are
// read back through kafkaSource (tested on its own in kafka-source.spec.ts).
import assert from 'node:assert/strict';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { lastValueFrom, mergeMap, toArray } from 'rxjs';
import { DEAD_LETTER_HEADERS, deadLetterRecord, readDeadLetterHeaders } from '../io/kafka/dead-letter';
import { kafkaSink } from '../io/kafka/kafka-sink';
import { kafkaSource } from '../io/kafka/kafka-source';
import { ensureBroker, type LocalBroker } from '../io/kafka/local-broker';
import type { KafkaRecord } from '../io/kafka/records';
import { deadLetterTopic, ensureTopics, metricsTopic, snapshotTopic, SNAPSHOT_MAX_MESSAGE_BYTES, topicOverrides } from '../io/kafka/topics';

describe('kafkaSink and ensureTopics (real broker)', function () {
  // Each test joins a consumer group and waits for the broker; well under this, but not under mocha's 2 s default.
  this.timeout(20_000);
  const runId = `${Date.now().toString(36)}-${process.pid}`;
  let broker: LocalBroker;
  let admin: Admin;
  let names = 0;

  before(async function () {
    this.timeout(300_000);
    broker = await ensureBroker();
    admin = new Kafka({ clientId: `sink-spec-${runId}`, brokers: broker.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
  });

  after(async function () {
    this.timeout(30_000);
    await admin?.disconnect();
    await broker?.stop();
  });

  function name(label: string): string {
    names += 1;
    return `sink-${label}-${runId}-${names}`;
  }

  async function readAll(topic: string): Promise<KafkaRecord[]> {
    const source = kafkaSource({ connection: { brokers: broker.brokers }, topics: [topic], groupId: `${topic}-reader` });
    const records = await lastValueFrom(source.batches$.pipe(mergeMap((batch) => batch.records), toArray()));
    await source.close();
    return records;
  }

  it('writes keys, values and headers in one batch per send, across topics', async function () {
    const metrics = name('metrics');
    const deadLetters = name('dlq');
    await ensureTopics({ brokers: broker.brokers }, [metricsTopic(metrics), deadLetterTopic(deadLetters)]);
    const sink = kafkaSink({ connection: { brokers: broker.brokers }, topic: metrics });
    try {
      const acks = await sink.send([
        { key: 'model-a', value: Buffer.from([1, 2, 3]), headers: { kind: 'metrics' } },
        { key: Buffer.from('model-a'), value: Buffer.from([4, 5]) },
        { topic: deadLetters, key: null, value: Buffer.from('bad'), headers: { reason: 'test' } },
        { value: null },
      ]);
      assert.deepEqual(await sink.send([]), []);
      // One acknowledgement per topic-partition written: both topics went out in the same request batch.
      assert.deepEqual(acks.map((ack) => ack.topicName).sort(), [deadLetters, metrics].sort());
      assert.ok(acks.every((ack) => ack.errorCode === 0));
    } finally {
      await sink.close();
    }

    const written = await readAll(metrics);
    assert.deepEqual(
      written.map((record) => ({ offset: record.offset, key: record.key?.toString() ?? null, value: record.value, kind: record.headers.kind?.toString() })),
      [
        { offset: '0', key: 'model-a', value: Buffer.from([1, 2, 3]), kind: 'metrics' },
        { offset: '1', key: 'model-a', value: Buffer.from([4, 5]), kind: undefined },
        { offset: '2', key: null, value: null, kind: undefined },
      ],
    );
    const [dead] = await readAll(deadLetters);
    assert.equal(dead.value?.toString(), 'bad');
    assert.equal(dead.headers.reason?.toString(), 'test');
  });

  it('splits a send larger than the ~1 MiB record-batch limit of the broker into ordered requests', async function () {
    const topic = name('large-send');
    await ensureTopics({ brokers: broker.brokers }, [metricsTopic(topic)]);
    // 300 × 8.5 KB in one partition: as a single record batch the broker would refuse it (MESSAGE_TOO_LARGE).
    const payloads = Array.from({ length: 300 }, (_, index) => Buffer.alloc(8_500, index % 251));
    const sink = kafkaSink({ connection: { brokers: broker.brokers }, topic });
    try {
      const acks = await sink.send(payloads.map((value, index) => ({ key: String(index), value, partition: 0 })));
      assert.ok(acks.length >= 3, `expected the send to go out in several requests, got ${acks.length}`);
    } finally {
      await sink.close();
    }
    const written = await readAll(topic);
    assert.deepEqual(written.map((record) => record.key?.toString()), payloads.map((_, index) => String(index)));
    assert.ok(written.every((record, index) => record.value?.equals(payloads[index])));
  });

  it('turns a raw record into a dead letter that keeps its bytes and says why and where from', async function () {
    const input = name('input');
    const deadLetters = name('dead');
    await ensureTopics({ brokers: broker.brokers }, [{ topic: input }, deadLetterTopic(deadLetters)]);
    const producer = kafkaSink({ connection: { brokers: broker.brokers }, topic: input });
    const poison = Buffer.from([0xc3, 0x01, 0xde, 0xad]);
    await producer.send([{ key: 'k', value: Buffer.from('fine') }, { key: 'k', value: poison, headers: { origin: 'spec' } }]);
    await producer.close();
    const [, raw] = await readAll(input);

    const letter = deadLetterRecord(raw, 'UNKNOWN_FINGERPRINT', 'fingerprint deadbeef is not registered');
    const sink = kafkaSink({ connection: { brokers: broker.brokers }, topic: deadLetters });
    await sink.send([letter]);
    await sink.close();

    const [stored] = await readAll(deadLetters);
    assert.deepEqual(stored.value, poison);
    assert.equal(stored.key?.toString(), 'k');
    assert.equal(stored.headers.origin?.toString(), 'spec', 'the original headers are kept');
    assert.deepEqual(readDeadLetterHeaders(stored.headers), {
      reason: 'UNKNOWN_FINGERPRINT',
      message: 'fingerprint deadbeef is not registered',
      sourceTopic: input,
      sourcePartition: 0,
      sourceOffset: '1',
    });
    assert.throws(() => readDeadLetterHeaders({}), new RegExp(`header ${DEAD_LETTER_HEADERS.reason.replace('.', '\\.')} is missing`));
  });

  it('ensureTopics creates once, reads back the snapshot settings, and changes nothing the second time', async function () {
    const snapshots = name('snapshots');
    const metrics = name('metrics');
    const specs = [snapshotTopic(snapshots), metricsTopic(metrics, 2)];
    const first = await ensureTopics({ brokers: broker.brokers }, specs);
    assert.deepEqual(first, { created: [snapshots, metrics], partitionsAdded: [], reconfigured: [] });
    const second = await ensureTopics({ brokers: broker.brokers }, specs);
    assert.deepEqual(second, { created: [], partitionsAdded: [], reconfigured: [] });

    const overrides = await topicOverrides(admin, [snapshots]);
    assert.equal(overrides.get(snapshots)?.['cleanup.policy'], 'compact');
    assert.equal(overrides.get(snapshots)?.['max.message.bytes'], String(16 * 1024 * 1024));
    const { topics } = await admin.fetchTopicMetadata({ topics: [metrics] });
    assert.equal(topics[0].partitions.length, 2);
  });

  it('ensureTopics brings an existing topic up to date and keeps its other settings', async function () {
    const topic = name('existing');
    await ensureTopics({ brokers: broker.brokers }, [{ topic, configs: { 'retention.ms': '3600000' } }]);
    const result = await ensureTopics({ brokers: broker.brokers }, [{ ...snapshotTopic(topic), numPartitions: 2 }]);
    assert.deepEqual(result, { created: [], partitionsAdded: [topic], reconfigured: [topic] });
    const overrides = (await topicOverrides(admin, [topic])).get(topic);
    assert.equal(overrides?.['cleanup.policy'], 'compact');
    assert.equal(overrides?.['max.message.bytes'], String(SNAPSHOT_MAX_MESSAGE_BYTES));
    assert.equal(overrides?.['retention.ms'], '3600000');
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    assert.equal(topics[0].partitions.length, 2);
  });

  it('a snapshot larger than the broker default of ~1 MiB fits the snapshot topic, not a default one', async function () {
    const snapshots = name('big-snapshots');
    const plain = name('plain');
    await ensureTopics({ brokers: broker.brokers }, [snapshotTopic(snapshots), metricsTopic(plain)]);
    const snapshot = Buffer.alloc(3 * 1024 * 1024, 7);
    const sink = kafkaSink({ connection: { brokers: broker.brokers } });
    try {
      await sink.send([{ topic: snapshots, key: 'model-a', value: snapshot }]);
      await assert.rejects(sink.send([{ topic: plain, key: 'model-a', value: snapshot }]), /producing 1 record\(s\) to sink-plain-\S+ failed/);
    } finally {
      await sink.close();
    }
    const [stored] = await readAll(snapshots);
    assert.equal(stored.value?.length, snapshot.length);
    assert.ok(stored.value?.equals(snapshot));
  });

  it('fails with a clear error when no broker answers, and rejects records without a topic', async function () {
    const sink = kafkaSink({ connection: { brokers: ['127.0.0.1:1'], retry: { retries: 1, initialRetryTime: 100 } } });
    await assert.rejects(sink.send([{ value: Buffer.from('x') }]), /a record names no topic and the sink has no default topic/);
    await assert.rejects(sink.send([{ topic: 'anything', value: Buffer.from('x') }]), /kafkaSink: could not reach Kafka at 127\.0\.0\.1:1 \(gave up after 1 retries/);
    await sink.close();
    await assert.rejects(ensureTopics({ brokers: ['127.0.0.1:1'], retry: { retries: 0 } }, [{ topic: 'x' }]), /ensureTopics: could not reach Kafka/);
    await assert.rejects(ensureTopics({ brokers: broker.brokers }, [{ topic: 'bad name!' }]), /topic must be 1-249 characters/);
  });
});
