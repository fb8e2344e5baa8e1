/**
 * The seed's producer: publishes clickstream messages (100–109 labelled rows each) to a Kafka topic
 * as Avro single-object records, as fast as the broker takes them or at a given rate.
 *
 * Run: `npx tsx pipelines/produce.ts --messages 10000` (uses KAFKA_BROKERS, or starts the local broker)
 */
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConceptMode } from '../generators/clickstream';
import { driftStream, DRIFT_STREAM_NAMES, type DriftStreamName, type DriftStreamOptions } from '../generators/drift-stream';
import { encodeClickstream } from '../io/avro/clickstream-codec';
import type { KafkaConnection } from '../io/kafka/client';
import { kafkaSink } from '../io/kafka/kafka-sink';
import type { OutgoingRecord } from '../io/kafka/records';
import { ensureTopics } from '../io/kafka/topics';
import { progressBar } from '../io/console/progress';
import { runWithBroker } from './broker-session';

export interface ProduceOptions {
  readonly topic: string;
  readonly partitions: number;
  readonly messages: number;
  readonly seed: number;
  readonly concept: ConceptMode;
  /** Which generator: the clickstream (`stationary` / `per-message`, chosen by `concept`) or a drifting stream. */
  readonly stream?: DriftStreamName;
  /** Messages per second; 0 sends as fast as the broker acknowledges. */
  readonly rate: number;
  readonly progress: boolean;
}

export interface ProduceResult {
  readonly messages: number;
  readonly records: number;
  readonly bytes: number;
  readonly seconds: number;
}

export const PRODUCE_DEFAULTS: ProduceOptions = Object.freeze({
  topic: 'clickstream',
  partitions: 1,
  messages: 10_000,
  seed: 42,
  concept: 'stationary',
  rate: 0,
  progress: true,
});

/** A produce request carries one record batch per partition; Kafka refuses batches over ~1 MiB. */
const MAX_REQUEST_BYTES = 900 * 1024;

export function inputTopicSpec(topic: string, partitions: number) {
  return { topic, numPartitions: partitions, configs: { 'cleanup.policy': 'delete' } };
}

export async function produce(connection: KafkaConnection, options: ProduceOptions): Promise<ProduceResult> {
  await ensureTopics(connection, [inputTopicSpec(options.topic, options.partitions)]);
  const sink = kafkaSink({ connection, topic: options.topic });
  await sink.connect();
  const bar = options.progress ? progressBar('produce', options.messages) : undefined;
  const started = performance.now();
  let messages = 0;
  let records = 0;
  let bytes = 0;
  let pending: OutgoingRecord[] = [];
  let pendingBytes = 0;
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    await sink.send(pending);
    pending = [];
    pendingBytes = 0;
    bar?.update(messages);
  };
  try {
    const generator = options.stream === undefined || options.stream === 'stationary' || options.stream === 'per-message' ? options.concept : options.stream;
    for (const message of driftStream({ generator, messages: options.messages, seed: options.seed, startTime: Date.now() } as DriftStreamOptions)) {
      const value = encodeClickstream({ ...message, eventTime: Date.now() });
      if (pendingBytes + value.length > MAX_REQUEST_BYTES * options.partitions) await flush();
      pending.push({ key: String(message.id), value });
      pendingBytes += value.length;
      messages += 1;
      records += message.batch.x.rows;
      bytes += value.length;
      if (options.rate > 0) {
        await flush();
        const due = started + (messages / options.rate) * 1000;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
      }
    }
    await flush();
  } finally {
    bar?.finish();
    await sink.close();
  }
  return { messages, records, bytes, seconds: (performance.now() - started) / 1000 };
}

const USAGE = `usage: npx tsx pipelines/produce.ts [options]
  --topic NAME        input topic (default clickstream)
  --partitions N      partitions when the topic is created (default 1)
  --messages N        messages to publish (default 10000, 100–109 rows each)
  --concept MODE      stationary | per-message (default stationary; per-message reproduces the seed)
  --stream NAME       ${DRIFT_STREAM_NAMES.join(' | ')}: a drifting stream instead (SEA has 3 features)
  --seed N            generator seed (default 42)
  --rate N            messages per second (default 0: as fast as the broker takes them; the seed slept 50 ms)
Brokers: KAFKA_BROKERS=host:port[,…], or the project's local broker is started and stopped.`;

export function parseProduceArgs(argv: string[]): ProduceOptions | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      topic: { type: 'string', default: PRODUCE_DEFAULTS.topic },
      partitions: { type: 'string', default: String(PRODUCE_DEFAULTS.partitions) },
      messages: { type: 'string', default: String(PRODUCE_DEFAULTS.messages) },
      concept: { type: 'string', default: PRODUCE_DEFAULTS.concept },
      stream: { type: 'string' },
      seed: { type: 'string', default: String(PRODUCE_DEFAULTS.seed) },
      rate: { type: 'string', default: '0' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return null;
  const integer = (name: string, text: string, min: number): number => {
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n < min) throw new RangeError(`--${name}: must be an integer ≥ ${min}, got ${JSON.stringify(text)}`);
    return n;
  };
  const rate = Number(values.rate);
  if (!Number.isFinite(rate) || rate < 0) throw new RangeError(`--rate: must be a number ≥ 0, got ${JSON.stringify(values.rate)}`);
  if (values.concept !== 'stationary' && values.concept !== 'per-message') {
    throw new RangeError(`--concept: use stationary or per-message, got ${JSON.stringify(values.concept)}`);
  }
  if (values.stream !== undefined && !(DRIFT_STREAM_NAMES as readonly string[]).includes(values.stream)) {
    throw new RangeError(`--stream: use one of ${DRIFT_STREAM_NAMES.join(', ')}, got ${JSON.stringify(values.stream)}`);
  }
  return {
    topic: values.topic,
    partitions: integer('partitions', values.partitions, 1),
    messages: integer('messages', values.messages, 0),
    seed: integer('seed', values.seed, 0),
    concept: values.concept,
    stream: values.stream as DriftStreamName | undefined,
    rate,
    progress: true,
  };
}

if (require.main === module) {
  runWithBroker(async (connection) => {
    const options = parseProduceArgs(process.argv.slice(2));
    if (options === null) {
      console.log(USAGE);
      return;
    }
    const result = await produce(connection, options);
    console.log(`produced ${result.messages} messages, ${result.records} records, ${(result.bytes / 1e6).toFixed(1)} MB in ${result.seconds.toFixed(2)} s: ${Math.round(result.records / result.seconds).toLocaleString('en-US')} records/s`);
  });
}
