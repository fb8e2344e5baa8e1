/**
 * Writes what one stretch of training produced (metrics, snapshot, dead letters) together with the
 * input offsets it covers.
 *
 * - `transactionalWriter`: records and offsets in ONE Kafka transaction (exactly-once with
 *   read-committed readers): either all of a checkpoint is visible, or none of it is.
 * - `atLeastOnceWriter`: produce, then commit the offsets. A crash in between replays the stretch,
 *   so its records may be written twice.
 *
 * KafkaJS has no KIP-447 fencing (the consumer group generation is not checked on commit), so the
 * transactional id is derived from the input topic-partitions: a second instance on the same input
 * fences the first through the transaction coordinator.
 *
 * `connect()` of the transactional writer registers its transactional id before anything is read:
 * that fences an earlier instance and makes the coordinator finish whatever transaction it left
 * open (aborted, or committed if it was already committing). Only then is a read-committed view of
 * the snapshot topic and the group offsets final, so resume must come after it.
 *
 * The fencing transaction is also the resume barrier (resume-barrier.ts): without it, a broker
 * killed mid-commit can make a resume learn windows twice.
 */
import type { Message, Producer, Transaction } from 'kafkajs';
import { connectionError, createKafka, DEFAULT_RETRY, withAdmin, type KafkaConnection } from './client';
import type { KafkaSource } from './kafka-source';
import { chunkByBytes, DEFAULT_MAX_REQUEST_BYTES, kafkaSink, memoizedDefaultPartitioner } from './kafka-sink';
import type { OutgoingRecord } from './records';
import { writeResumeBarrier, type ResumeBarrier } from './resume-barrier';
import type { NextOffset } from './training-records';

export interface CheckpointWriter {
  readonly kind: 'transactional' | 'at-least-once';
  /** Connects (and for transactions, fences earlier instances); write() connects too if needed. */
  connect(): Promise<void>;
  write(records: readonly OutgoingRecord[], offsets: readonly NextOffset[]): Promise<void>;
  close(): Promise<void>;
}

export function atLeastOnceWriter(connection: KafkaConnection, source: Pick<KafkaSource, 'commit'>): CheckpointWriter {
  const sink = kafkaSink({ connection });
  return {
    kind: 'at-least-once',
    connect: () => sink.connect(),
    async write(records, offsets) {
      await sink.send(records);
      if (offsets.length > 0) {
        await source.commit(offsets.map((o) => ({ topic: o.topic, partition: o.partition, firstOffset: o.nextOffset, lastOffset: String(BigInt(o.nextOffset) - 1n) })));
      }
    },
    close: () => sink.close(),
  };
}

export function transactionalId(groupId: string, inputTopics: readonly string[]): string {
  return `streamlearn.${groupId}.${[...inputTopics].sort().join('+')}`;
}

/**
 * The coordinator writes a transaction's commit markers after EndTxn has returned, and answers the
 * next transaction's first request with CONCURRENT_TRANSACTIONS until they are written (a few ms).
 * KafkaJS retries that with the client's backoff, whose default 300 ms first wait made a typical
 * checkpoint take ~300 ms instead of ~20 ms (measured on the local broker). Waits of 20, 40, 80 ms
 * still made the worst latencies at 20 messages/s: a checkpoint every 50 ms often starts before the
 * markers of the one before are written, and on a busy machine those take up to ~50 ms. Starting at
 * 5 ms and growing 1.5× for 17 retries follows them more closely, and gives up after about the same
 * ~10 s as DEFAULT_RETRY when the broker is down.
 */
export const TRANSACTION_RETRY = Object.freeze({ ...DEFAULT_RETRY, initialRetryTime: 5, multiplier: 1.5, retries: 17 });

export interface TransactionalWriterOptions {
  readonly groupId: string;
  readonly transactionalId: string;
  /** What connect()'s fencing transaction touches before it aborts (see resume-barrier.ts). */
  readonly barrier?: ResumeBarrier;
}

export function transactionalWriter(connection: KafkaConnection, options: TransactionalWriterOptions): CheckpointWriter {
  const retry = { ...TRANSACTION_RETRY, ...connection.retry };
  const kafka = createKafka({ ...connection, retry }, 'checkpoint-writer');
  const producer: Producer = kafka.producer({
    transactionalId: options.transactionalId,
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: memoizedDefaultPartitioner,
    retry,
  });
  let connecting: Promise<void> | undefined;
  const connect = (): Promise<void> => {
    connecting ??= (async () => {
      const startedAt = Date.now();
      try {
        await producer.connect();
      } catch (error) {
        throw connectionError('transactionalWriter', { ...connection, retry }, startedAt, error);
      }
      // KafkaJS sends InitProducerId for the transactional id with the first transaction, not on
      // connect; this transaction sends it, then writes the resume barrier and aborts.
      const fencing = await producer.transaction();
      try {
        const barrier = options.barrier;
        if (barrier !== undefined) await withAdmin({ ...connection, retry }, 'checkpoint-writer', (admin) => writeResumeBarrier(connection, admin, fencing, options.groupId, barrier));
      } finally {
        await fencing.abort();
      }
    })().catch((error: unknown) => {
      connecting = undefined; // the next call tries again
      throw error;
    });
    return connecting;
  };
  return {
    kind: 'transactional',
    connect,
    async write(records, offsets) {
      if (records.length === 0 && offsets.length === 0) return;
      await connect();
      const transaction: Transaction = await producer.transaction();
      try {
        // A partition's records of one request form one record batch, which the broker refuses whole
        // above the topic's max.message.bytes (~1 MiB for metrics and dead letters).
        for (const chunk of chunkByBytes(records, DEFAULT_MAX_REQUEST_BYTES)) await transaction.sendBatch({ topicMessages: groupByTopic(chunk), acks: -1 });
        if (offsets.length > 0) {
          const topics = new Map<string, { partition: number; offset: string }[]>();
          for (const o of offsets) topics.set(o.topic, [...(topics.get(o.topic) ?? []), { partition: o.partition, offset: o.nextOffset }]);
          await transaction.sendOffsets({ consumerGroupId: options.groupId, topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })) });
        }
        await transaction.commit();
      } catch (error) {
        await transaction.abort().catch(() => {});
        throw new Error(`transactionalWriter: checkpoint of ${records.length} record(s) failed and was aborted: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    },
    async close() {
      await connecting?.catch(() => {});
      await producer.disconnect();
    },
  };
}

function groupByTopic(records: readonly OutgoingRecord[]): Array<{ topic: string; messages: Message[] }> {
  const byTopic = new Map<string, Message[]>();
  for (const record of records) {
    if (record.topic === undefined) throw new Error('transactionalWriter: every record must name its topic');
    let messages = byTopic.get(record.topic);
    if (messages === undefined) byTopic.set(record.topic, (messages = []));
    messages.push({ key: record.key, value: record.value, headers: record.headers, partition: record.partition });
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
