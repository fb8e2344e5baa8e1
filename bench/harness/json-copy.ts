/**
 * The seed consumer's input: the same clickstream messages as the Avro topic (same generator, seed
 * and count), as the seed's producer wrote them, JSON `{"X": [[…], …], "y": […]}` in UTF-8.
 */
import { clickstream } from '../../generators/clickstream';
import type { KafkaConnection } from '../../io/kafka/client';
import { DEFAULT_MAX_REQUEST_BYTES, kafkaSink } from '../../io/kafka/kafka-sink';
import type { OutgoingRecord } from '../../io/kafka/records';
import { createInputTopic } from './input-topic';

export async function produceJsonCopy(connection: KafkaConnection, topic: string, messages: number, seed: number): Promise<{ records: number; bytes: number }> {
  await createInputTopic(connection, topic);
  const sink = kafkaSink({ connection, topic });
  let pending: OutgoingRecord[] = [];
  let pendingBytes = 0;
  let records = 0;
  let bytes = 0;
  try {
    for (const message of clickstream({ messages, seed, concept: 'stationary' })) {
      const { x, y } = message.batch;
      const rows: number[][] = [];
      for (let r = 0; r < x.rows; r++) rows.push(Array.from(x.data.subarray(r * x.cols, (r + 1) * x.cols)));
      const value = Buffer.from(JSON.stringify({ X: rows, y: Array.from(y) }), 'utf8');
      if (pendingBytes + value.length > DEFAULT_MAX_REQUEST_BYTES) {
        await sink.send(pending);
        pending = [];
        pendingBytes = 0;
      }
      pending.push({ key: String(message.id), value });
      pendingBytes += value.length;
      records += x.rows;
      bytes += value.length;
    }
    await sink.send(pending);
  } finally {
    await sink.close();
  }
  return { records, bytes };
}
