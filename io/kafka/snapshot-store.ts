/**
 * The model snapshots on their compacted topic: finding the latest committed snapshot of a model,
 * following newer ones as they are committed (scoring), keeping a large snapshot writable, and
 * moving a consumer group to the offsets a snapshot reflects, so training resumes exactly there.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigResourceTypes, type Admin } from 'kafkajs';
import { filter, lastValueFrom, map, mergeMap, reduce, type Observable } from 'rxjs';
import type { ModelSnapshotRecord } from '../avro/schemas';
import { retryRetriable, withAdmin, type KafkaConnection } from './client';
import { kafkaSource } from './kafka-source';
import { topicPartitionKey } from './records';
import { SNAPSHOT_MAX_MESSAGE_BYTES, topicOverrides } from './topics';
import { decodeSnapshot, type NextOffset } from './training-records';

/** The last committed snapshot keyed `modelId`, or null when there is none. Reads the topic to its end. */
export async function latestSnapshot(connection: KafkaConnection, topic: string, modelId: string): Promise<ModelSnapshotRecord | null> {
  const groupId = readerGroupId(modelId);
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

export interface SnapshotFollower {
  /**
   * Every committed snapshot of the model, oldest first, then each new one as its transaction
   * commits. Errors if the topic cannot be read; completes on close().
   */
  readonly snapshots$: Observable<ModelSnapshotRecord>;
  close(): Promise<void>;
}

/** Follows the snapshot topic for one model id, with a throwaway consumer group (deleted on close). */
export function followSnapshots(connection: KafkaConnection, topic: string, modelId: string): SnapshotFollower {
  const groupId = readerGroupId(modelId);
  const source = kafkaSource({ connection, topics: [topic], groupId, until: 'follow' });
  return {
    snapshots$: source.batches$.pipe(
      mergeMap((batch) => batch.records),
      filter((record) => record.value !== null && record.key?.toString('utf8') === modelId),
      map((record) => decodeSnapshot(record.value as Buffer)),
    ),
    async close() {
      try {
        await source.close();
      } finally {
        await deleteGroup(connection, groupId);
      }
    },
  };
}

function readerGroupId(modelId: string): string {
  return `streamlearn.snapshot-reader.${modelId}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2, 8)}`;
}

async function deleteGroup(connection: KafkaConnection, groupId: string): Promise<void> {
  await withAdmin(connection, 'snapshot-reader', (admin) => admin.deleteGroups([groupId]).then(() => {}, () => {}));
}

/** Record batch framing around one snapshot record: batch header, record header, key. */
const SNAPSHOT_FRAMING_BYTES = 64 * 1024;

/**
 * Makes sure a snapshot of `bytes` fits the topic's max.message.bytes, raising the setting (to twice
 * what is needed, so a growing model does not raise it at every checkpoint) when it does not. Returns
 * the limit now in force. The default topic setting is {@link SNAPSHOT_MAX_MESSAGE_BYTES}.
 */
export async function ensureSnapshotFits(connection: KafkaConnection, topic: string, bytes: number, knownLimit = SNAPSHOT_MAX_MESSAGE_BYTES): Promise<number> {
  const needed = bytes + SNAPSHOT_FRAMING_BYTES;
  if (needed <= knownLimit) return knownLimit;
  return withAdmin(connection, 'snapshot-limit', async (admin) => {
    const overrides = (await topicOverrides(admin, [topic])).get(topic) ?? {};
    const current = Number(overrides['max.message.bytes'] ?? SNAPSHOT_MAX_MESSAGE_BYTES);
    if (needed <= current) return current;
    const raised = 2 * needed;
    // AlterConfigs replaces a topic's whole set of overrides, so the ones already there go in again.
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: topic,
          configEntries: Object.entries({ ...overrides, 'max.message.bytes': String(raised) }).map(([name, value]) => ({ name, value })),
        },
      ],
    });
    return raised;
  });
}

/** Sets the committed offsets of `groupId` (which must have no live members) to `offsets`. */
export async function setGroupOffsets(connection: KafkaConnection, groupId: string, offsets: readonly NextOffset[]): Promise<void> {
  await withAdmin(connection, 'group-offsets', async (admin) => {
    for (const [topic, partitions] of byTopic(offsets)) await admin.setOffsets({ groupId, topic, partitions });
  });
}

export interface SyncGroupOptions {
  /**
   * How long to wait for the group to have no members before moving its offsets: a process killed
   * without leaving stays a member until its session times out. Default 60 s.
   */
  readonly emptyWaitMs?: number;
}

/** The committed offsets of `groupId` in `topics`, keyed by topic-partition ("-1" where none is committed). */
export async function committedOffsets(connection: KafkaConnection, groupId: string, topics: readonly string[]): Promise<Map<string, string>> {
  return withAdmin(connection, 'group-offsets', async (admin) => {
    const committed = await retryRetriable(connection, () => admin.fetchOffsets({ groupId, topics: [...topics] }));
    const offsets = new Map<string, string>();
    for (const { topic, partitions } of committed) for (const p of partitions) offsets.set(topicPartitionKey(topic, p.partition), p.offset);
    return offsets;
  });
}

/** The entries of `offsets` the group has not committed exactly (ahead, behind or missing). */
export function differingOffsets(offsets: readonly NextOffset[], committed: ReadonlyMap<string, string>): NextOffset[] {
  return offsets.filter((o) => committed.get(topicPartitionKey(o.topic, o.partition)) !== o.nextOffset);
}

/**
 * Brings the committed offsets of `groupId` to `offsets` (a snapshot's), and returns whether it had
 * to move any. When every checkpoint commits its offsets in the same transaction as its snapshot,
 * they already agree and nothing is done, so a restart does not wait for the members of a killed
 * process to time out. They differ after an at-least-once crash between the snapshot and the
 * commit, or when the snapshot was written under another group.
 */
export async function syncGroupOffsets(
  connection: KafkaConnection,
  groupId: string,
  offsets: readonly NextOffset[],
  options: SyncGroupOptions & { readonly committed?: ReadonlyMap<string, string> } = {},
): Promise<boolean> {
  if (offsets.length === 0) return false;
  const committed = options.committed ?? (await committedOffsets(connection, groupId, [...new Set(offsets.map((o) => o.topic))]));
  const differing = differingOffsets(offsets, committed);
  if (differing.length === 0) return false;
  await withAdmin(connection, 'group-offsets', async (admin) => {
    await waitUntilEmpty(admin, groupId, options.emptyWaitMs ?? 60_000);
    for (const [topic, partitions] of byTopic(differing)) await admin.setOffsets({ groupId, topic, partitions });
  });
  return true;
}

async function waitUntilEmpty(admin: Admin, groupId: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { groups } = await admin.describeGroups([groupId]);
    const state = groups[0]?.state ?? 'Dead';
    if (state === 'Empty' || state === 'Dead') return;
    if (Date.now() > deadline) {
      throw new Error(
        `consumer group ${groupId} still has ${groups[0].members.length} member(s) (state ${state}) after ${Math.round(timeoutMs / 1000)} s, ` +
          'so its offsets cannot be moved to the snapshot: stop the other consumer of this group, or wait for its session to time out',
      );
    }
    await sleep(250);
  }
}

function byTopic(offsets: readonly NextOffset[]): Map<string, { partition: number; offset: string }[]> {
  const grouped = new Map<string, { partition: number; offset: string }[]>();
  for (const o of offsets) grouped.set(o.topic, [...(grouped.get(o.topic) ?? []), { partition: o.partition, offset: o.nextOffset }]);
  return grouped;
}
