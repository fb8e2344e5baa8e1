// KafkaJS 2.2.4 against a real Kafka 4.x broker: topics, consumer groups with committed offsets,
// and transactions (offsets committed inside a transaction; aborted records hidden from read-committed readers).
import assert from 'node:assert/strict';
import { ensureTopics } from '../io/kafka/topics';
import { Kafka, Partitioners, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs';
import { ensureBroker, type LocalBroker } from '../io/kafka/local-broker';

const CONSUME_TIMEOUT_MS = 15_000;
// consumer.stop() waits for the fetch in flight; the default 5 s long poll would add 5 s to every stop.
const FETCH_MAX_WAIT_MS = 100;

describe('Kafka smoke test: KafkaJS 2.2.4 against the local broker', function () {
  const runId = `${Date.now().toString(36)}-${process.pid}`;
  let broker: LocalBroker;
  let kafka: Kafka;
  let admin: Admin;
  const openClients: Array<Producer | Consumer> = [];

  before(async function () {
    // The first run resolves the broker's jars with Maven and formats storage.
    this.timeout(300_000);
    broker = await ensureBroker();
    // KafkaJS logs retried, expected broker answers (coordinator still loading, previous transaction still
    // completing) as errors; failures surface as rejections anyway. KAFKAJS_LOG_LEVEL=debug brings the logs back.
    kafka = new Kafka({ clientId: `smoke-${runId}`, brokers: broker.brokers, logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
  });

  after(async function () {
    this.timeout(60_000);
    await Promise.allSettled(openClients.map((client) => client.disconnect()));
    await admin?.disconnect();
    await broker?.stop();
  });

  function producer(options: Parameters<Kafka['producer']>[0] = {}): Producer {
    const created = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, ...options });
    openClients.push(created);
    return created;
  }

  function consumer(options: Parameters<Kafka['consumer']>[0]): Consumer {
    const created = kafka.consumer({ maxWaitTimeInMs: FETCH_MAX_WAIT_MS, ...options });
    openClients.push(created);
    return created;
  }

  async function createTopic(name: string): Promise<void> {
    // ensureTopics retries the 'does not host this topic-partition' answers of a freshly started broker.
    const result = await ensureTopics({ brokers: broker.brokers }, [{ topic: name, numPartitions: 1 }]);
    assert.deepEqual(result.created, [name], `topic ${name} was not created`);
  }

  /**
   * Runs `reader` from the beginning of `topic` until `isDone` holds for the values read so far,
   * and leaves it running (KafkaJS commits offsets only for a running consumer).
   */
  async function readValues(
    reader: Consumer,
    topic: string,
    isDone: (values: string[]) => boolean,
    options: { autoCommit: boolean } = { autoCommit: true },
  ): Promise<Array<{ value: string; offset: string }>> {
    await reader.connect();
    await reader.subscribe({ topics: [topic], fromBeginning: true });
    const read: Array<{ value: string; offset: string }> = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read only ${JSON.stringify(read)} from ${topic} in ${CONSUME_TIMEOUT_MS} ms`)),
        CONSUME_TIMEOUT_MS,
      );
      reader
        .run({
          autoCommit: options.autoCommit,
          eachMessage: async ({ message }) => {
            read.push({ value: message.value?.toString() ?? '', offset: message.offset });
            if (isDone(read.map((entry) => entry.value))) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    return read;
  }

  it('creates a topic that the admin client then lists', async function () {
    const topic = `smoke-create-${runId}`;
    await createTopic(topic);
    assert.ok((await admin.listTopics()).includes(topic));
  });

  it('produces, consumes back in a consumer group, and reads the committed offset back', async function () {
    const topic = `smoke-roundtrip-${runId}`;
    const groupId = `smoke-roundtrip-group-${runId}`;
    await createTopic(topic);
    const sent = ['first', 'second', 'third'];
    const writer = producer();
    await writer.connect();
    await writer.send({ topic, messages: sent.map((value, index) => ({ key: `k${index}`, value })) });

    const reader = consumer({ groupId });
    const read = await readValues(reader, topic, (values) => values.length >= sent.length, { autoCommit: false });
    assert.deepEqual(read.map((entry) => entry.value), sent);

    const nextOffset = (Number(read[read.length - 1].offset) + 1).toString();
    await reader.commitOffsets([{ topic, partition: 0, offset: nextOffset }]);
    await reader.stop();
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    assert.equal(committed.topic, topic);
    assert.deepEqual(
      committed.partitions.map(({ partition, offset }) => ({ partition, offset })),
      [{ partition: 0, offset: String(sent.length) }],
    );
  });

  it('commits offsets inside a transaction and hides aborted records from read-committed consumers', async function () {
    const input = `smoke-txn-in-${runId}`;
    const output = `smoke-txn-out-${runId}`;
    const groupId = `smoke-txn-group-${runId}`;
    await Promise.all([createTopic(input), createTopic(output)]);

    const writer = producer({ transactionalId: `smoke-txn-${runId}-${input}-0`, idempotent: true, maxInFlightRequests: 1 });
    await writer.connect();

    const committed = await writer.transaction();
    await committed.send({ topic: output, messages: [{ value: 'committed-1' }, { value: 'committed-2' }] });
    // As if input records 0..4 were processed: the committed offset is the next one to read.
    await committed.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: input, partitions: [{ partition: 0, offset: '5' }] }] });
    await committed.commit();

    const aborted = await writer.transaction();
    await aborted.send({ topic: output, messages: [{ value: 'aborted-1' }, { value: 'aborted-2' }] });
    await aborted.abort();

    // A committed record after the aborted ones proves the reader got past them rather than stopping short.
    const last = await writer.transaction();
    await last.send({ topic: output, messages: [{ value: 'committed-3' }] });
    await last.commit();

    const readCommitted = consumer({ groupId: `smoke-txn-rc-${runId}` });
    const seenCommitted = await readValues(readCommitted, output, (values) => values.includes('committed-3'));
    assert.deepEqual(seenCommitted.map((entry) => entry.value), ['committed-1', 'committed-2', 'committed-3']);

    // Control: the aborted records really are in the log, so the read-committed result above is a real filter.
    const readUncommitted = consumer({ groupId: `smoke-txn-ru-${runId}`, readUncommitted: true });
    const seenUncommitted = await readValues(readUncommitted, output, (values) => values.includes('committed-3'));
    assert.deepEqual(seenUncommitted.map((entry) => entry.value), [
      'committed-1',
      'committed-2',
      'aborted-1',
      'aborted-2',
      'committed-3',
    ]);

    const [offsets] = await admin.fetchOffsets({ groupId, topics: [input] });
    assert.deepEqual(
      offsets.partitions.map(({ partition, offset }) => ({ partition, offset })),
      [{ partition: 0, offset: '5' }],
    );
  });
});
