/**
 * The resume barrier: the first transaction of a transactional writer touches every partition a
 * checkpoint can write (one record each) and the group's offsets, and is then aborted.
 *
 * Why: a single broker killed (SIGKILL) while a checkpoint commits can come back with its
 * transaction coordinator having forgotten that checkpoint (it reloads its log only up to a high
 * watermark checkpointed every few seconds), even though EndTxn had answered success. Its records
 * then sit in the logs with no marker, as an open transaction of an older epoch, and the broker
 * folds them into our next transaction on each partition: a later commit on the metrics partition
 * would publish them twice, while the snapshot partition would drop them. Reproduced by SIGKILLing
 * the broker mid-run (test/broker-restart.spec.ts).
 *
 * Aborting one transaction of the new epoch on every such partition, and on the group's offsets,
 * ends any orphan the same way everywhere (aborted), and its appends move each partition's high
 * watermark past everything committed before the crash. The barrier records carry a null value and
 * the {@link BARRIER_HEADER} header; being aborted, read-committed readers never see them.
 */
import type { Admin, Transaction } from 'kafkajs';
import { retryRetriable, type KafkaConnection } from './client';

export const BARRIER_HEADER = 'streamlearn.barrier';
/** Compacted topics refuse records without a key; no model uses this one. */
export const BARRIER_KEY = 'streamlearn.barrier';

export interface ResumeBarrier {
  /** Topics a checkpoint writes to (metrics, snapshots, dead letters): every partition gets a barrier record. */
  readonly topics: readonly string[];
  /** Input topics whose offsets the checkpoints commit for the writer's group. */
  readonly inputTopics: readonly string[];
}

export async function writeResumeBarrier(
  connection: KafkaConnection,
  admin: Admin,
  transaction: Transaction,
  groupId: string,
  barrier: ResumeBarrier,
): Promise<void> {
  const { topics } = await retryRetriable(connection, () => admin.fetchTopicMetadata({ topics: [...new Set([...barrier.topics, ...barrier.inputTopics])] }));
  const partitionsOf = (topic: string): number[] => topics.find((t) => t.name === topic)?.partitions.map((p) => p.partitionId) ?? [];
  await transaction.sendBatch({
    acks: -1,
    topicMessages: barrier.topics.map((topic) => ({
      topic,
      messages: partitionsOf(topic).map((partition) => ({ partition, key: BARRIER_KEY, value: null, headers: { [BARRIER_HEADER]: 'resume' } })),
    })),
  });
  if (barrier.inputTopics.length === 0) return;
  // The offsets are aborted with the rest, so their value does not matter; the committed ones are
  // sent. On a fresh broker this can be the first use of the group coordinator, which then loads.
  const committed = await retryRetriable(connection, () => admin.fetchOffsets({ groupId, topics: [...barrier.inputTopics] }));
  await transaction.sendOffsets({
    consumerGroupId: groupId,
    topics: barrier.inputTopics.map((topic) => ({
      topic,
      partitions: partitionsOf(topic).map((partition) => {
        const offset = committed.find((c) => c.topic === topic)?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
        return { partition, offset: BigInt(offset) < 0n ? '0' : offset };
      }),
    })),
  });
}
