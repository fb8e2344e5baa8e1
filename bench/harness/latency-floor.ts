/**
 * Section 5's floor: what one Kafka transaction per message costs on this broker with KafkaJS,
 * measured at the same rate right after the pipeline's latency. A bare loop does per message what
 * a checkpoint of the train pipeline must at least do: the producer sends the message, then one
 * transaction writes one record with the offset past that message and commits (the same producer
 * settings and retry policy as the pipeline's checkpoint writer). There is no fetch, decoding,
 * training or snapshot. A read-committed consumer notes when each record becomes readable, as the
 * observer of the pipeline's metrics does, so the two p99s compare directly: the pipeline's cannot
 * go below this one on the same broker.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { TRANSACTION_RETRY } from '../../io/kafka/checkpoint-writer';
import { createKafka } from '../../io/kafka/client';
import { connectionOf, type BenchContext } from './context';
import { createInputTopic } from './input-topic';
import { DRAIN_WAIT_MS, observeCommitted, waitForStableGroup } from './latency';
import { summarizeLatency, type LatencySummary } from './results';

export async function transactionFloor(context: BenchContext): Promise<LatencySummary> {
  const { messagesPerSecond, seconds } = context.options.latency;
  const messages = Math.round(messagesPerSecond * seconds);
  const connection = connectionOf(context);
  const prefix = `${context.runId}.latency-floor`;
  const input = `${prefix}.in`;
  const output = `${prefix}.out`;
  await createInputTopic(connection, input);
  await createInputTopic(connection, output);
  const kafka = createKafka({ ...connection, retry: TRANSACTION_RETRY }, 'bench-latency-floor');
  const sender = kafka.producer({ allowAutoTopicCreation: false });
  const transactional = kafka.producer({ transactionalId: prefix, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, retry: TRANSACTION_RETRY });
  const committedAt = new Map<string, number>();
  const observer = observeCommitted(connection, output, `${prefix}.observer`, (record, at) => {
    if (record.value !== null) committedAt.set(record.value.toString(), at);
  });
  const sentAt = new Map<string, number>();
  try {
    await Promise.all([sender.connect(), transactional.connect()]);
    await waitForStableGroup(connection, `${prefix}.observer`);
    await sleep(1000);
    context.log(`latency floor: ${messages} bare KafkaJS transactions at ${messagesPerSecond}/s …`);
    const interval = 1000 / messagesPerSecond;
    const start = Date.now();
    for (let i = 0; i < messages; i++) {
      await sleep(Math.max(0, start + i * interval - Date.now()));
      const key = String(i);
      sentAt.set(key, Date.now());
      const [sent] = await sender.send({ topic: input, messages: [{ value: key }], acks: -1 });
      const transaction = await transactional.transaction();
      try {
        await transaction.send({ topic: output, messages: [{ value: key }], acks: -1 });
        await transaction.sendOffsets({ consumerGroupId: `${prefix}.group`, topics: [{ topic: input, partitions: [{ partition: sent.partition, offset: String(BigInt(sent.baseOffset ?? '0') + 1n) }] }] });
        await transaction.commit();
      } catch (error) {
        await transaction.abort().catch(() => undefined);
        throw error;
      }
    }
    const deadline = Date.now() + DRAIN_WAIT_MS;
    while (committedAt.size < messages && Date.now() < deadline) await sleep(50);
    const latencies = [...sentAt].flatMap(([key, sent]) => {
      const committed = committedAt.get(key);
      return committed === undefined ? [] : [committed - sent];
    });
    return summarizeLatency(latencies);
  } finally {
    await observer.close();
    await Promise.allSettled([sender.disconnect(), transactional.disconnect()]);
  }
}
