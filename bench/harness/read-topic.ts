/**
 * Reads a topic from the beginning to the end offsets seen at start with the project's kafkaSource,
 * handing every record to `visit` together with the wall time its fetch arrived. The fetch-only
 * consumers, and the readers of metrics records and input event times, are this function.
 *
 * "steady" times the first fetched batch to the last: from first fetch to the end offset.
 */
import { lastValueFrom, tap } from 'rxjs';
import type { KafkaConnection } from '../../io/kafka/client';
import { kafkaSource, type FetchOptions } from '../../io/kafka/kafka-source';
import type { KafkaRecord } from '../../io/kafka/records';

export interface ReadTiming {
  readonly records: number;
  readonly batches: number;
  readonly bytes: number;
  /** First fetched batch → last fetched batch, seconds. */
  readonly steadySeconds: number;
  /** Subscribing (connect, join the group) → last batch, seconds. */
  readonly totalSeconds: number;
}

export async function readTopic(
  connection: KafkaConnection,
  topic: string,
  groupId: string,
  visit: (record: KafkaRecord, arrivedAtEpochMs: number) => void,
  fetch?: FetchOptions,
): Promise<ReadTiming> {
  const source = kafkaSource({ connection, topics: [topic], groupId, fetch });
  let records = 0;
  let batches = 0;
  let bytes = 0;
  let firstBatchAt = 0;
  let lastBatchAt = 0;
  const start = performance.now();
  try {
    await lastValueFrom(
      source.batches$.pipe(
        tap((batch) => {
          const now = performance.now();
          if (batches === 0) firstBatchAt = now;
          const arrivedAt = Date.now();
          batches += 1;
          for (const record of batch.records) {
            records += 1;
            bytes += record.value?.length ?? 0;
            visit(record, arrivedAt);
          }
          lastBatchAt = performance.now();
        }),
      ),
      { defaultValue: undefined },
    );
  } finally {
    await source.close();
  }
  return { records, batches, bytes, steadySeconds: (lastBatchAt - firstBatchAt) / 1000, totalSeconds: (lastBatchAt - start) / 1000 };
}

/** A fetch-only consumer: touches the first byte of every value (so nothing is optimised away) and drops it. */
export function dropRecords(): { visit: (record: KafkaRecord) => void; checksum: () => number } {
  let checksum = 0;
  return {
    visit: (record) => {
      checksum ^= record.value?.[0] ?? 0;
    },
    checksum: () => checksum,
  };
}
