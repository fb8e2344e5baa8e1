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
 */
import type { Producer, Transaction } from 'kafkajs';
import { connectionError, createKafka, DEFAULT_RETRY, type KafkaConnection } from './client';
import type { KafkaSource } from './kafka-source';
import { kafkaSink } from './kafka-sink';
import type { OutgoingRecord } from './records';
import type { NextOffset } from './training-records';

export interface CheckpointWriter {
  readonly kind: 'transactional' | 'at-least-once';
  write(records: readonly OutgoingRecord[], offsets: readonly NextOffset[]): Promise<void>;
  close(): Promise<void>;
}

export function atLeastOnceWriter(connection: KafkaConnection, source: Pick<KafkaSource, 'commit'>): CheckpointWriter {
  const sink = kafkaSink({ connection });
  return {
    kind: 'at-least-once',
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

export function transactionalWriter(connection: KafkaConnection, options: { readonly groupId: string; readonly transactionalId: string }): CheckpointWriter {
  const kafka = createKafka(connection, 'checkpoint-writer');
  const producer: Producer = kafka.producer({
    transactionalId: options.transactionalId,
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    retry: { ...DEFAULT_RETRY, ...connection.retry },
  });
  let connecting: Promise<void> | undefined;
  const connect = (): Promise<void> => {
    if (connecting === undefined) {
      const startedAt = Date.now();
      connecting = producer.connect().catch((error: unknown) => {
        connecting = undefined;
        throw connectionError('transactionalWriter', connection, startedAt, error);
      });
    }
    return connecting;
  };
  return {
    kind: 'transactional',
    async write(records, offsets) {
      if (records.length === 0 && offsets.length === 0) return;
      await connect();
      const transaction: Transaction = await producer.transaction();
      try {
        const byTopic = new Map<string, { key?: Buffer | string | null; value: Buffer | null; headers?: OutgoingRecord['headers']; partition?: number }[]>();
        for (const record of records) {
          if (record.topic === undefined) throw new Error('transactionalWriter: every record must name its topic');
          const list = byTopic.get(record.topic) ?? [];
          list.push({ key: record.key, value: record.value, headers: record.headers, partition: record.partition });
          byTopic.set(record.topic, list);
        }
        if (byTopic.size > 0) await transaction.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })), acks: -1 });
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
      if (connecting !== undefined) {
        await connecting.catch(() => {});
        await producer.disconnect();
      }
    },
  };
}
