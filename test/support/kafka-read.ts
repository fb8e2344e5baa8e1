import { lastValueFrom, mergeMap, toArray } from 'rxjs';
import type { KafkaConnection } from '../../io/kafka/client';
import { kafkaSource } from '../../io/kafka/kafka-source';
import type { KafkaRecord } from '../../io/kafka/records';

/** Every committed record of `topic`, read to the end offsets with a throwaway consumer group. */
export async function readTopic(connection: KafkaConnection, topic: string): Promise<KafkaRecord[]> {
  const source = kafkaSource({ connection, topics: [topic], groupId: `reader.${topic}.${Date.now()}.${Math.random()}` });
  try {
    return await lastValueFrom(source.batches$.pipe(mergeMap((batch) => batch.records), toArray()));
  } finally {
    await source.close();
  }
}
