import type { IHeaders } from 'kafkajs';
import type { SourcePosition } from '../../transforms/types';

export type KafkaHeaders = IHeaders;

/** One record as read from Kafka, bytes untouched (decoding is the codec's job). */
export interface KafkaRecord {
  readonly topic: string;
  readonly partition: number;
  /** Kafka offsets are 64-bit; kept as the decimal string KafkaJS reports. */
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: KafkaHeaders;
  /** Record timestamp, epoch milliseconds. */
  readonly timestamp: number;
}

/** The records one fetch returned for one topic-partition, in offset order. Never empty. */
export interface KafkaBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly KafkaRecord[];
  /** The partition's high watermark when fetched (lag = highWatermark - lastOffset - 1). */
  readonly highWatermark: string;
}

/** A record to produce. `topic` may be left to the sink's default topic. */
export interface OutgoingRecord {
  readonly topic?: string;
  readonly key?: Buffer | string | null;
  readonly value: Buffer | null;
  readonly headers?: KafkaHeaders;
  /** A fixed partition; by default KafkaJS's murmur2 partitioner picks one from the key. */
  readonly partition?: number;
}

export function recordPosition(record: KafkaRecord): SourcePosition {
  return { topic: record.topic, partition: record.partition, firstOffset: record.offset, lastOffset: record.offset };
}

export function batchPosition(batch: KafkaBatch): SourcePosition {
  const { records } = batch;
  return {
    topic: batch.topic,
    partition: batch.partition,
    firstOffset: records[0].offset,
    lastOffset: records[records.length - 1].offset,
  };
}

export function topicPartitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
