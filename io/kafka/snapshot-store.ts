/**
 * Finding the latest committed snapshot of a model on the (compacted) snapshot topic, and moving a
 * consumer group to the offsets that snapshot reflects, so training resumes exactly there.
 */
import { lastValueFrom, reduce } from 'rxjs';
import { createKafka, type KafkaConnection } from './client';
import { kafkaSource } from './kafka-source';
import { decodeSnapshot, type NextOffset } from './training-records';
import type { ModelSnapshotRecord } from '../avro/schemas';

/** The last committed snapshot keyed `modelId`, or null when there is none. Reads the topic to its end. */
export async function latestSnapshot(connection: KafkaConnection, topic: string, modelId: string): Promise<ModelSnapshotRecord | null> {
  const groupId = `streamlearn.snapshot-reader.${modelId}.${process.pid}.${Date.now()}`;
  const source = kafkaSource({ connection, topics: [topic], groupId, until: 'end-offsets-at-start' });
  let latest: Buffer | null = null;
  try {
    latest = await lastValueFrom(
      source.batches$.pipe(
        reduce((found: Buffer | null, batch) => {
          for (const record of batch.records) {
            if (record.key?.toString('utf8') === modelId) found = record.value;
          }
          return found;
        }, null),
      ),
    );
  } finally {
    await source.close();
    await deleteGroup(connection, groupId);
  }
  return latest === null ? null : decodeSnapshot(latest);
}

async function deleteGroup(connection: KafkaConnection, groupId: string): Promise<void> {
  const admin = createKafka(connection, 'snapshot-reader').admin();
  await admin.connect();
  try {
    await admin.deleteGroups([groupId]).catch(() => {});
  } finally {
    await admin.disconnect();
  }
}

/** Sets the committed offsets of `groupId` (which must have no live members) to `offsets`. */
export async function setGroupOffsets(connection: KafkaConnection, groupId: string, offsets: readonly NextOffset[]): Promise<void> {
  const admin = createKafka(connection, 'group-offsets').admin();
  await admin.connect();
  try {
    const byTopic = new Map<string, { partition: number; offset: string }[]>();
    for (const o of offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), { partition: o.partition, offset: o.nextOffset }]);
    for (const [topic, partitions] of byTopic) await admin.setOffsets({ groupId, topic, partitions });
  } finally {
    await admin.disconnect();
  }
}
