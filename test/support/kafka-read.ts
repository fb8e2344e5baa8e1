import { setTimeout as sleep } from 'node:timers/promises';
import { lastValueFrom, mergeMap, toArray } from 'rxjs';
import type { KafkaConnection } from '../../io/kafka/client';
import { kafkaSource } from '../../io/kafka/kafka-source';
import type { KafkaRecord } from '../../io/kafka/records';

/**
 * Every committed record of `topic`, read to the end offsets with a throwaway consumer group.
 * A transaction's commit markers reach the partitions shortly after the commit returns, so until
 * then a read-committed reader sees the last stable offset before it: with `minimum`, the read is
 * repeated (for up to 15 s) until at least that many records are visible.
 */
export async function readTopic(connection: KafkaConnection, topic: string, minimum = 0): Promise<KafkaRecord[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const source = kafkaSource({ connection, topics: [topic], groupId: `reader.${topic}.${Date.now()}.${Math.random()}` });
    let records: KafkaRecord[];
    try {
      records = await lastValueFrom(source.batches$.pipe(mergeMap((batch) => batch.records), toArray()));
    } finally {
      await source.close();
    }
    if (records.length >= minimum || Date.now() > deadline) return records;
    await sleep(200);
  }
}
