/**
 * Where a bounded read stops: the end offset of every partition, captured once at start, and how
 * far the consumer has got.
 *
 * The end offset is what `admin.fetchTopicOffsets` reports as `high`. KafkaJS's admin sends
 * ListOffsets with isolation level READ_COMMITTED, so for a partition with an open transaction
 * this is the last stable offset (the first offset of the oldest open transaction), not the high
 * watermark: exactly where a read-committed consumer can read up to without waiting for a
 * transaction that may never end. Offsets of transaction markers count as read, so a partition
 * whose last record is a commit marker still reaches its end.
 */
import type { Admin } from 'kafkajs';
import { topicPartitionKey } from './records';

export interface PartitionProgress {
  readonly topic: string;
  readonly partition: number;
  /** First offset at or past which this read stops. */
  readonly end: bigint;
  /** Next offset to read: the committed or initial position, then last read + 1. */
  next: bigint;
}

export class EndOffsets {
  readonly #partitions = new Map<string, PartitionProgress>();

  constructor(partitions: Iterable<PartitionProgress>) {
    for (const progress of partitions) {
      this.#partitions.set(topicPartitionKey(progress.topic, progress.partition), { ...progress });
    }
  }

  /** The captured end offset; undefined for a partition that did not exist at start (nothing to read there). */
  endOf(topic: string, partition: number): bigint | undefined {
    return this.#partitions.get(topicPartitionKey(topic, partition))?.end;
  }

  /** Records that everything up to and including `lastOffset` has been read. */
  advance(topic: string, partition: number, lastOffset: string): void {
    const progress = this.#partitions.get(topicPartitionKey(topic, partition));
    if (progress === undefined) return;
    const next = BigInt(lastOffset) + 1n;
    if (next > progress.next) progress.next = next;
  }

  isDone(topic: string, partition: number): boolean {
    const progress = this.#partitions.get(topicPartitionKey(topic, partition));
    return progress === undefined || progress.next >= progress.end;
  }

  /**
   * Whether every partition of `assignment` (topic → partitions) has reached its end; without an
   * assignment, every captured partition.
   */
  allDone(assignment?: ReadonlyMap<string, readonly number[]>): boolean {
    if (assignment === undefined) {
      for (const progress of this.#partitions.values()) if (progress.next < progress.end) return false;
      return true;
    }
    for (const [topic, partitions] of assignment) {
      for (const partition of partitions) if (!this.isDone(topic, partition)) return false;
    }
    return true;
  }

  /** Partitions still to read, as `topic[partition] next/end`, for messages and logs. */
  describePending(): string[] {
    return [...this.#partitions.values()]
      .filter((progress) => progress.next < progress.end)
      .map((progress) => `${progress.topic}[${progress.partition}] ${progress.next}/${progress.end}`);
  }
}

/**
 * Captures end offsets for `topics`, and where group `groupId` will start in each partition: its
 * committed offset, or else the earliest (fromBeginning) or latest offset, as KafkaJS resets it.
 * A partition already at its end (empty, or fully committed by an earlier run) is done at once.
 */
export async function captureEndOffsets(
  admin: Admin,
  groupId: string,
  topics: readonly string[],
  fromBeginning: boolean,
): Promise<EndOffsets> {
  const [committedByTopic, offsetsByTopic] = await Promise.all([
    admin.fetchOffsets({ groupId, topics: [...topics] }),
    Promise.all(topics.map((topic) => admin.fetchTopicOffsets(topic))),
  ]);
  const progress: PartitionProgress[] = [];
  topics.forEach((topic, topicIndex) => {
    const committed = committedByTopic.find((entry) => entry.topic === topic)?.partitions ?? [];
    for (const { partition, high, low } of offsetsByTopic[topicIndex]) {
      const end = BigInt(high);
      const earliest = BigInt(low);
      const committedOffset = BigInt(committed.find((entry) => entry.partition === partition)?.offset ?? '-1');
      // Never committed (-1), or deleted by retention since: the consumer resets like this.
      const next = committedOffset >= earliest ? committedOffset : fromBeginning ? earliest : end;
      progress.push({ topic, partition, end, next });
    }
  });
  return new EndOffsets(progress);
}
