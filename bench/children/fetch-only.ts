/**
 * Transport limit, KafkaJS side (a child of bench/run.ts): reads the Avro input topic with the
 * project's kafkaSource and its default fetch settings (the ones the train pipeline uses), decoding
 * nothing, from the first fetch to the end offsets.
 *
 * Argument (JSON): { "topic": "…", "groupId": "…" }. Reaches the broker through KAFKA_BROKERS.
 */
import { withBroker } from '../../pipelines/broker-session';
import { runChild } from '../harness/child-report';
import { dropRecords, readTopic } from '../harness/read-topic';

runChild(async (argument) => {
  const { topic, groupId } = argument as { topic: string; groupId: string };
  const drop = dropRecords();
  const timing = await withBroker((connection) => readTopic(connection, topic, groupId, drop.visit));
  return { ...timing, checksum: drop.checksum() };
});
