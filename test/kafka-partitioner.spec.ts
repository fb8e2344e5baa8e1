import assert from 'node:assert/strict';
import { Partitioners, type PartitionerArgs, type PartitionMetadata } from 'kafkajs';
import { memoizedDefaultPartitioner } from '../io/kafka/kafka-sink';

const partitions = (n: number): PartitionMetadata[] =>
  Array.from({ length: n }, (_, partitionId) => ({ partitionId, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] }));

const args = (topic: string, n: number, message: PartitionerArgs['message']): PartitionerArgs => ({ topic, partitionMetadata: partitions(n), message });

describe('memoizedDefaultPartitioner', () => {
  it("picks KafkaJS's default partition for every key, topic and partition count, also when asked again", () => {
    const memoized = memoizedDefaultPartitioner();
    const reference = Partitioners.DefaultPartitioner();
    const keys = Array.from({ length: 40 }, (_, i) => Buffer.from(`model-${i}`));
    for (let round = 0; round < 2; round++) {
      for (const n of [1, 3, 7, 12]) {
        for (const topic of ['metrics', 'snapshots']) {
          for (const key of keys) {
            assert.equal(memoized(args(topic, n, { key, value: null })), reference(args(topic, n, { key, value: null })), `${topic}, ${n} partitions, key ${key}`);
          }
        }
      }
    }
  });

  it('follows a change of the partition count instead of answering from memory', () => {
    const memoized = memoizedDefaultPartitioner();
    const reference = Partitioners.DefaultPartitioner();
    // A key whose partition differs between 3 and 5 partitions.
    const key = Array.from({ length: 100 }, (_, i) => Buffer.from(`k${i}`)).find(
      (k) => reference(args('t', 3, { key: k, value: null })) !== reference(args('t', 5, { key: k, value: null })),
    );
    assert.ok(key !== undefined);
    assert.equal(memoized(args('t', 3, { key, value: null })), reference(args('t', 3, { key, value: null })));
    assert.equal(memoized(args('t', 5, { key, value: null })), reference(args('t', 5, { key, value: null })));
  });

  it('keeps an explicit partition, and hashes string keys like the default', () => {
    const memoized = memoizedDefaultPartitioner();
    const reference = Partitioners.DefaultPartitioner();
    assert.equal(memoized(args('t', 8, { key: Buffer.from('x'), value: null, partition: 6 })), 6);
    assert.equal(memoized(args('t', 8, { key: 'model-a', value: null })), reference(args('t', 8, { key: 'model-a', value: null })));
  });
});
