/**
 * Writes records (bytes in, bytes out) to Kafka: one `producer.sendBatch` per `send` call, acked by
 * every in-sync replica (acks -1). Call it once per window with everything the window produces,
 * across topics (metrics, snapshot, dead letters), rather than once per record.
 *
 * KafkaJS writes all of one request's records for a partition as a single record batch, and the
 * broker rejects a batch larger than the topic's max.message.bytes (~1 MiB by default) whole. So a
 * `send` larger than `maxRequestBytes` goes out as several consecutive sendBatch calls, in order;
 * a single record larger than that still goes alone (a snapshot topic raises its own limit).
 *
 * @example
 * const sink = kafkaSink({ connection: { brokers }, topic: 'metrics' });
 * steps$.pipe(concatMap((step) => source.track(sink.send([{ key: modelId, value: encodeMetrics(step) }]))));
 * await sink.close();
 */
import { Partitioners, type CompressionTypes, type ICustomPartitioner, type Message, type Producer, type RecordMetadata } from 'kafkajs';
import { connectionError, createKafka, DEFAULT_RETRY, type KafkaConnection } from './client';
import type { OutgoingRecord } from './records';

export interface KafkaSinkOptions {
  readonly connection: KafkaConnection;
  /** Topic for records that name none. */
  readonly topic?: string;
  /** Default none: Avro doubles barely compress, and compressing costs the CPU the learner needs. */
  readonly compression?: CompressionTypes;
  /** Milliseconds the broker may wait for replicas to ack; KafkaJS default 30000. */
  readonly ackTimeoutMs?: number;
  /** Estimated bytes per sendBatch before a send is split; default {@link DEFAULT_MAX_REQUEST_BYTES}. */
  readonly maxRequestBytes?: number;
}

/** Below the broker's default max.message.bytes (1 MiB + 12 B), with room for record overhead. */
export const DEFAULT_MAX_REQUEST_BYTES = 900 * 1024;
/** Per-record framing in a v2 record batch (length, attributes, deltas, varints), rounded up. */
const RECORD_OVERHEAD_BYTES = 32;

export interface KafkaSink {
  /** Connects now rather than on the first send, to fail early when the cluster is unreachable. */
  connect(): Promise<void>;
  /** Produces `records` in one request batch and resolves once all are acked; [] sends nothing. */
  send(records: readonly OutgoingRecord[]): Promise<RecordMetadata[]>;
  /** Waits for sends in flight, then disconnects. */
  close(): Promise<void>;
}

export function kafkaSink(options: KafkaSinkOptions): KafkaSink {
  if (options.topic !== undefined && (typeof options.topic !== 'string' || options.topic === '')) {
    throw new Error(`kafkaSink: topic must be a non-empty string when given, got ${JSON.stringify(options.topic)}`);
  }
  const maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  if (!Number.isSafeInteger(maxRequestBytes) || maxRequestBytes < 1) {
    throw new Error(`kafkaSink: maxRequestBytes must be a positive integer, got ${options.maxRequestBytes}`);
  }
  const kafka = createKafka(options.connection, 'kafka-sink');
  const producer: Producer = kafka.producer({
    createPartitioner: memoizedDefaultPartitioner,
    allowAutoTopicCreation: false,
    retry: { ...DEFAULT_RETRY, ...options.connection.retry },
  });
  let connecting: Promise<void> | undefined;
  let closed = false;
  const inFlight = new Set<Promise<unknown>>();

  const connect = (): Promise<void> => {
    if (closed) return Promise.reject(new Error('kafkaSink: the sink is closed'));
    if (connecting === undefined) {
      const startedAt = Date.now();
      connecting = producer.connect().catch((error: unknown) => {
        connecting = undefined; // the next send tries again
        throw connectionError('kafkaSink', options.connection, startedAt, error);
      });
    }
    return connecting;
  };

  const sendChunk = async (records: readonly OutgoingRecord[]): Promise<RecordMetadata[]> => {
    const topicMessages = groupByTopic(records, options.topic);
    const sending = producer.sendBatch({ topicMessages, acks: -1, timeout: options.ackTimeoutMs, compression: options.compression });
    inFlight.add(sending);
    try {
      return await sending;
    } catch (error) {
      const topics = topicMessages.map(({ topic }) => topic).join(', ');
      throw new Error(`kafkaSink: producing ${records.length} record(s) to ${topics} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    } finally {
      inFlight.delete(sending);
    }
  };

  const send = async (records: readonly OutgoingRecord[]): Promise<RecordMetadata[]> => {
    if (records.length === 0) return [];
    const chunks = chunkByBytes(records, maxRequestBytes);
    // Checks every record's topic before anything is written.
    for (const chunk of chunks) groupByTopic(chunk, options.topic);
    await connect();
    if (chunks.length === 1) return sendChunk(chunks[0]);
    const acks: RecordMetadata[] = [];
    for (const chunk of chunks) acks.push(...(await sendChunk(chunk)));
    return acks;
  };

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await Promise.allSettled([...inFlight]);
    if (connecting !== undefined) {
      await connecting.catch(() => {});
      await producer.disconnect();
    }
  };

  return { connect, send, close };
}

/**
 * KafkaJS's default partitioner (murmur2 of the key modulo the partition count), remembering the
 * partition of each key object: a pipeline sends thousands of records under one key Buffer (the
 * model id of its metrics records), and murmur2 costs ~2 µs a record. String keys are hashed each
 * time, as are keys of a topic whose partition count changed.
 */
export const memoizedDefaultPartitioner: ICustomPartitioner = () => {
  const partition = Partitioners.DefaultPartitioner();
  const known = new WeakMap<Buffer, { readonly topic: string; readonly partitions: number; readonly partition: number }>();
  return (args) => {
    const { topic, partitionMetadata, message } = args;
    if (message.partition !== undefined && message.partition !== null) return message.partition;
    const key = message.key;
    if (!Buffer.isBuffer(key)) return partition(args);
    const seen = known.get(key);
    if (seen !== undefined && seen.topic === topic && seen.partitions === partitionMetadata.length) return seen.partition;
    const chosen = partition(args);
    known.set(key, { topic, partitions: partitionMetadata.length, partition: chosen });
    return chosen;
  };
};

function groupByTopic(records: readonly OutgoingRecord[], defaultTopic: string | undefined): Array<{ topic: string; messages: Message[] }> {
  const byTopic = new Map<string, Message[]>();
  for (const record of records) {
    const topic = record.topic ?? defaultTopic;
    if (topic === undefined) {
      throw new Error('kafkaSink: a record names no topic and the sink has no default topic');
    }
    let messages = byTopic.get(topic);
    if (messages === undefined) byTopic.set(topic, (messages = []));
    messages.push({ key: record.key, value: record.value, headers: record.headers, partition: record.partition });
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

/** Consecutive runs of records whose estimated size stays within `limit`; an oversized record runs alone. */
export function chunkByBytes(records: readonly OutgoingRecord[], limit: number): OutgoingRecord[][] {
  const chunks: OutgoingRecord[][] = [];
  let current: OutgoingRecord[] = [];
  let currentBytes = 0;
  for (const record of records) {
    const bytes = estimatedBytes(record);
    if (current.length > 0 && currentBytes + bytes > limit) {
      chunks.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(record);
    currentBytes += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function estimatedBytes(record: OutgoingRecord): number {
  let bytes = RECORD_OVERHEAD_BYTES + (record.value?.length ?? 0) + (record.key == null ? 0 : Buffer.byteLength(record.key));
  for (const [name, value] of Object.entries(record.headers ?? {})) {
    if (value === undefined) continue;
    for (const part of Array.isArray(value) ? value : [value]) bytes += RECORD_OVERHEAD_BYTES / 4 + Buffer.byteLength(name) + Buffer.byteLength(part);
  }
  return bytes;
}
