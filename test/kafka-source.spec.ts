// kafkaSource against the real local broker: bounded reads, backpressure, commits and resume,
// follow mode, transactions, and failures that must be loud rather than hang.
import assert from 'node:assert/strict';
import { Kafka, logLevel, Partitioners, type Admin, type Producer } from 'kafkajs';
import { concatMap, firstValueFrom, lastValueFrom, mergeMap, tap, toArray } from 'rxjs';
import { retryRetriable } from '../io/kafka/client';
import { kafkaSource, type KafkaSourceOptions } from '../io/kafka/kafka-source';
import { ensureBroker, type LocalBroker } from '../io/kafka/local-broker';
import { batchPosition, type KafkaBatch, type KafkaRecord } from '../io/kafka/records';
import { ensureTopics } from '../io/kafka/topics';
import { freePort } from './support/free-port';

describe('kafkaSource (real broker)', function () {
  // Each test joins a consumer group and waits for the broker; well under this, but not under mocha's 2 s default.
  this.timeout(20_000);
  const runId = `${Date.now().toString(36)}-${process.pid}`;
  let broker: LocalBroker;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let names = 0;

  before(async function () {
    this.timeout(300_000);
    broker = await ensureBroker();
    kafka = new Kafka({ clientId: `source-spec-${runId}`, brokers: broker.brokers, logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    // Idempotent: a send retried on a just-created topic (seen once on a freshly restarted broker)
    // would otherwise write its records twice, and the counts below would fail for the fixture's sake.
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
    await Promise.all([admin.connect(), producer.connect()]);
  });

  after(async function () {
    this.timeout(30_000);
    await Promise.allSettled([producer?.disconnect(), admin?.disconnect()]);
    await broker?.stop();
  });

  /** A fresh topic (and group id) per test, so runs and tests never see each other's data. */
  async function freshTopic(label: string, numPartitions = 1): Promise<{ topic: string; groupId: string }> {
    names += 1;
    const topic = `source-${label}-${runId}-${names}`;
    await ensureTopics({ brokers: broker.brokers }, [{ topic, numPartitions }]);
    return { topic, groupId: `${topic}-group` };
  }

  function sourceOptions(topic: string, groupId: string, extra: Partial<KafkaSourceOptions> = {}): KafkaSourceOptions {
    return { connection: { brokers: broker.brokers }, topics: [topic], groupId, ...extra };
  }

  async function produce(topic: string, count: number, from = 0, partition?: number): Promise<void> {
    const messages = Array.from({ length: count }, (_, index) => ({
      key: `key-${(from + index) % 7}`,
      value: `value-${from + index}`,
      headers: { seq: String(from + index) },
      partition,
    }));
    await producer.send({ topic, messages });
  }

  function values(records: readonly KafkaRecord[]): string[] {
    return records.map((record) => record.value?.toString() ?? '<null>');
  }

  it('reads every record up to the end offsets captured at start, then completes', async function () {
    const { topic, groupId } = await freshTopic('bounded', 3);
    await produce(topic, 60);
    const source = kafkaSource(sourceOptions(topic, groupId));
    const batches = await lastValueFrom(source.batches$.pipe(toArray()));
    await source.close();

    const records = batches.flatMap((batch) => batch.records);
    assert.equal(records.length, 60);
    assert.deepEqual(new Set(values(records)), new Set(Array.from({ length: 60 }, (_, i) => `value-${i}`)));
    for (const record of records) {
      const seq = Number(record.headers.seq?.toString());
      assert.equal(record.value?.toString(), `value-${seq}`, 'headers travel with their record');
      assert.equal(record.key?.toString(), `key-${seq % 7}`);
      assert.ok(Math.abs(record.timestamp - Date.now()) < 60_000, `timestamp ${record.timestamp} is epoch ms`);
    }
    // Each batch is one partition's records, in offset order, and each partition is read from 0 with no gaps.
    const offsetsByPartition = new Map<number, number[]>();
    for (const batch of batches) {
      assert.ok(batch.records.length > 0);
      for (const record of batch.records) {
        assert.equal(record.topic, topic);
        assert.equal(record.partition, batch.partition);
        offsetsByPartition.set(batch.partition, [...(offsetsByPartition.get(batch.partition) ?? []), Number(record.offset)]);
      }
    }
    assert.ok(offsetsByPartition.size > 1, 'the keys spread the records over several partitions');
    for (const offsets of offsetsByPartition.values()) {
      assert.deepEqual(offsets, offsets.map((_, index) => index));
    }
  });

  it('completes at once on an empty topic, and ignores records produced after start', async function () {
    const { topic, groupId } = await freshTopic('empty');
    const source = kafkaSource(sourceOptions(topic, groupId));
    assert.deepEqual(await lastValueFrom(source.batches$.pipe(toArray())), []);
    await source.close();

    // Captured end: 5 records. Five more arrive while the first batch is being processed.
    const { topic: growing, groupId: growingGroup } = await freshTopic('growing');
    await produce(growing, 5);
    const bounded = kafkaSource(sourceOptions(growing, growingGroup));
    const read = await lastValueFrom(
      bounded.batches$.pipe(
        concatMap((batch) => bounded.track(produce(growing, 5, 5).then(() => batch))),
        toArray(),
      ),
    );
    await bounded.close();
    assert.deepEqual(values(read.flatMap((batch) => batch.records)), ['value-0', 'value-1', 'value-2', 'value-3', 'value-4']);
  });

  describe('backpressure', function () {
    // Small fetches make many batches out of 240 records produced in sends of 8.
    const smallFetches = { maxBytesPerPartition: 2048, maxBytes: 4096 };

    async function topicWithManySmallBatches(label: string): Promise<{ topic: string; groupId: string }> {
      const created = await freshTopic(label);
      for (let from = 0; from < 240; from += 8) await produce(created.topic, 8, from);
      return created;
    }

    it('does not fetch again until the tracked work of the previous batch is done', async function () {
      const { topic, groupId } = await topicWithManySmallBatches('slow');
      const source = kafkaSource(sourceOptions(topic, groupId, { fetch: smallFetches }));
      let emitted = 0;
      let processed = 0;
      let largestBatch = 0;
      const unprocessedAtEmission: number[] = [];
      let mostUnprocessed = 0;
      await lastValueFrom(
        source.batches$.pipe(
          tap((batch) => {
            unprocessedAtEmission.push(emitted - processed);
            emitted += batch.records.length;
            largestBatch = Math.max(largestBatch, batch.records.length);
            mostUnprocessed = Math.max(mostUnprocessed, emitted - processed);
          }),
          // A slow, asynchronous downstream: one record every 2 ms.
          mergeMap((batch) => batch.records),
          concatMap((record) => source.track(delay(2).then(() => (processed += 1)).then(() => record))),
          toArray(),
        ),
      );
      await source.close();
      assert.equal(processed, 240);
      assert.ok(unprocessedAtEmission.length >= 5, `expected many small batches, got ${unprocessedAtEmission.length}`);
      assert.deepEqual(new Set(unprocessedAtEmission), new Set([0]), 'every batch was emitted only once the previous one was processed');
      assert.ok(mostUnprocessed <= largestBatch, `${mostUnprocessed} records were in the chain, more than one batch (${largestBatch})`);
    });

    it('control: a chain that does not track its async step lets the source run ahead', async function () {
      const { topic, groupId } = await topicWithManySmallBatches('untracked');
      const source = kafkaSource(sourceOptions(topic, groupId, { fetch: smallFetches }));
      let emitted = 0;
      let processed = 0;
      let largestBatch = 0;
      let mostUnprocessed = 0;
      await lastValueFrom(
        source.batches$.pipe(
          tap((batch) => {
            emitted += batch.records.length;
            largestBatch = Math.max(largestBatch, batch.records.length);
            mostUnprocessed = Math.max(mostUnprocessed, emitted - processed);
          }),
          mergeMap((batch) => batch.records),
          concatMap((record) => delay(2).then(() => (processed += 1))),
          toArray(),
        ),
      );
      await source.close();
      assert.ok(mostUnprocessed > largestBatch, `untracked: at most ${mostUnprocessed} unprocessed records, batches up to ${largestBatch}`);
    });
  });

  it('commits lastOffset + 1, and a second run of the same group resumes from there', async function () {
    const { topic, groupId } = await freshTopic('resume');
    await produce(topic, 30);
    // Run 1 reads everything but commits only through offset 19, as if the last window had not been written.
    const first = kafkaSource(sourceOptions(topic, groupId));
    const firstRecords = await lastValueFrom(first.batches$.pipe(mergeMap((batch) => batch.records), toArray()));
    assert.equal(firstRecords.length, 30);
    const through19 = firstRecords.filter((record) => Number(record.offset) <= 19);
    // Completion keeps the consumer in the group until tracked work is done: the commit still goes through.
    await first.track(first.commit(through19.map((record) => ({ topic, partition: 0, firstOffset: record.offset, lastOffset: record.offset }))));
    await first.close();
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    assert.equal(committed.partitions[0].offset, '20');

    await produce(topic, 10, 30);
    const second = kafkaSource(sourceOptions(topic, groupId));
    const secondRecords = await lastValueFrom(
      second.batches$.pipe(
        concatMap((batch) => second.track(second.commit([batchPosition(batch)]).then(() => batch.records))),
        mergeMap((records) => records),
        toArray(),
      ),
    );
    await second.close();
    assert.deepEqual(secondRecords.map((record) => Number(record.offset)), Array.from({ length: 20 }, (_, i) => 20 + i));
    assert.deepEqual(values(secondRecords), Array.from({ length: 20 }, (_, i) => `value-${20 + i}`));

    // Everything committed: a third run has nothing to read and completes without joining.
    const third = kafkaSource(sourceOptions(topic, groupId));
    assert.deepEqual(await lastValueFrom(third.batches$.pipe(toArray())), []);
    await third.close();
    const [final] = await admin.fetchOffsets({ groupId, topics: [topic] });
    assert.equal(final.partitions[0].offset, '40');
  });

  it('follow mode delivers records produced later, and close() completes and leaves the group', async function () {
    const { topic, groupId } = await freshTopic('follow');
    await produce(topic, 3);
    const source = kafkaSource(sourceOptions(topic, groupId, { until: 'follow' }));
    const seen: string[] = [];
    let completed = false;
    const subscription = source.batches$.subscribe({
      next: (batch) => seen.push(...values(batch.records)),
      complete: () => (completed = true),
    });
    await waitFor(() => seen.length === 3, 'the first three records');
    await produce(topic, 2, 3);
    await waitFor(() => seen.length === 5, 'the records produced while following');
    await source.close();
    assert.equal(completed, true, 'close() completes the Observable');
    assert.equal(subscription.closed, true);
    assert.deepEqual(seen, ['value-0', 'value-1', 'value-2', 'value-3', 'value-4']);
    const { groups } = await admin.describeGroups([groupId]);
    assert.equal(groups[0].members.length, 0, 'the consumer left the group');
  });

  it('unsubscribing disconnects the consumer; close() then resolves', async function () {
    const { topic, groupId } = await freshTopic('unsubscribe');
    await produce(topic, 5);
    const source = kafkaSource(sourceOptions(topic, groupId, { until: 'follow' }));
    const first = await firstValueFrom(source.batches$);
    assert.equal(first.records[0].value?.toString(), 'value-0');
    await source.close();
    const { groups } = await admin.describeGroups([groupId]);
    assert.equal(groups[0].members.length, 0);
    await assert.rejects(source.commit([batchPosition(first)]), /cannot commit .*left the group/);
  });

  it('close() right after subscribing completes without reading, and leaves nothing running', async function () {
    const { topic, groupId } = await freshTopic('early-close');
    await produce(topic, 5);
    const source = kafkaSource(sourceOptions(topic, groupId, { until: 'follow' }));
    let completed = false;
    let received = 0;
    source.batches$.subscribe({ next: () => (received += 1), complete: () => (completed = true) });
    await source.close();
    assert.equal(completed, true);
    assert.equal(received, 0);
  });

  it('an error downstream ends the read and disconnects the consumer', async function () {
    const { topic, groupId } = await freshTopic('downstream-error');
    await produce(topic, 5);
    const source = kafkaSource(sourceOptions(topic, groupId, { until: 'follow' }));
    await assert.rejects(
      lastValueFrom(
        source.batches$.pipe(
          tap(() => {
            throw new Error('decoder exploded');
          }),
        ),
      ),
      /decoder exploded/,
    );
    await source.close();
    const { groups } = await admin.describeGroups([groupId]);
    assert.equal(groups[0].members.length, 0);
  });

  it('stops at the last stable offset: an open transaction neither hangs the read nor leaks into it', async function () {
    const { topic, groupId } = await freshTopic('txn');
    const transactional = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      transactionalId: `source-spec-txn-${runId}`,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await transactional.connect();
    try {
      const committed = await transactional.transaction();
      await committed.send({ topic, messages: [{ value: 'committed-0' }, { value: 'committed-1' }] });
      await committed.commit();
      const open = await transactional.transaction();
      await open.send({ topic, messages: [{ value: 'open-0' }] });

      const source = kafkaSource(sourceOptions(topic, groupId));
      const batches = await lastValueFrom(source.batches$.pipe(toArray()));
      await source.close();
      await open.abort();
      assert.deepEqual(values(batches.flatMap((batch) => batch.records)), ['committed-0', 'committed-1']);

      // After the abort, the end is past the abort marker: a resumed read gets there without any record.
      const resumed = kafkaSource(sourceOptions(topic, groupId));
      const [committedOffsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      assert.equal(committedOffsets.partitions[0].offset, '-1', 'nothing was committed by the first read');
      const again = await lastValueFrom(resumed.batches$.pipe(toArray()));
      await resumed.close();
      assert.deepEqual(values(again.flatMap((batch: KafkaBatch) => batch.records)), ['committed-0', 'committed-1']);
    } finally {
      await transactional.disconnect();
    }
  });

  it('fails with a clear error when a topic does not exist', async function () {
    const source = kafkaSource(sourceOptions(`source-missing-${runId}`, `source-missing-${runId}`));
    await assert.rejects(lastValueFrom(source.batches$), /topic source-missing-\S+ not found.*ensureTopics/);
    await source.close();
  });

  it('fails with a clear error, after a bounded retry, when no broker answers', async function () {
    const port = await freePort();
    const source = kafkaSource({
      connection: { brokers: [`127.0.0.1:${port}`], retry: { retries: 2, initialRetryTime: 100 } },
      topics: ['anything'],
      groupId: `source-down-${runId}`,
    });
    const startedAt = Date.now();
    await assert.rejects(lastValueFrom(source.batches$), (error: Error) => {
      assert.match(error.message, new RegExp(`could not reach Kafka at 127\\.0\\.0\\.1:${port} \\(gave up after 2 retries`));
      assert.match(error.message, /ECONNREFUSED/);
      return true;
    });
    assert.ok(Date.now() - startedAt < 10_000, `gave up after ${Date.now() - startedAt} ms`);
    await source.close();
  });

  it('rejects invalid options by name', function () {
    assert.throws(() => kafkaSource({ connection: { brokers: broker.brokers }, topics: [], groupId: 'g' }), /topics must be a non-empty list/);
    assert.throws(() => kafkaSource({ connection: { brokers: broker.brokers }, topics: ['t'], groupId: '' }), /groupId must be a non-empty string/);
    assert.throws(
      () => kafkaSource({ connection: { brokers: broker.brokers }, topics: ['t'], groupId: 'g', until: 'forever' as never }),
      /until must be 'end-offsets-at-start' or 'follow', got "forever"/,
    );
  });
});

describe('retryRetriable', function () {
  const fast = { brokers: ['unused:9092'], retry: { retries: 3, initialRetryTime: 1 } };

  it('retries errors KafkaJS marks retriable (a loading group coordinator), then returns the result', async function () {
    let attempts = 0;
    const result = await retryRetriable(fast, async () => {
      attempts += 1;
      if (attempts < 3) throw Object.assign(new Error('The coordinator is loading'), { retriable: true });
      return 'offsets';
    });
    assert.equal(result, 'offsets');
    assert.equal(attempts, 3);
  });

  it('gives up after the configured retries, and never retries other errors', async function () {
    let attempts = 0;
    await assert.rejects(
      retryRetriable(fast, async () => {
        attempts += 1;
        throw Object.assign(new Error('still loading'), { retriable: true });
      }),
      /still loading/,
    );
    assert.equal(attempts, 4);
    attempts = 0;
    await assert.rejects(
      retryRetriable(fast, async () => {
        attempts += 1;
        throw new Error('unknown topic');
      }),
      /unknown topic/,
    );
    assert.equal(attempts, 1);
  });
});

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}

