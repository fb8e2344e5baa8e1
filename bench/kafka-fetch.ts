/**
 * Fetch-only throughput of kafkaSource: produces N messages of ~8.5 KB (the size of an Avro
 * clickstream message of ~105 rows × 10 doubles) into a fresh topic, then reads them back until the
 * end offsets under several fetch settings, touching every value but decoding nothing.
 *
 * Each setting is read `rounds` times, interleaved with the others so that warm-up and the broker's
 * page cache favour none; the median round is reported. "steady" times the first batch to the last,
 * "total" adds connecting and joining the group. Peak RSS is per process: pass a setting's number
 * as `only` to measure one setting alone.
 *
 * Run: npx tsx bench/kafka-fetch.ts [messages=10000] [partitions=1] [rounds=3] [only]
 * Uses KAFKA_BROKERS if set, else the project's local broker. BENCH_TOPIC=<topic printed by an
 * earlier run> reads that topic instead of producing a new one (for RSS without the producer's share).
 */
import { randomBytes } from 'node:crypto';
import { kafkaSink } from '../io/kafka/kafka-sink';
import type { FetchOptions } from '../io/kafka/kafka-source';
import { ensureBroker } from '../io/kafka/local-broker';
import { ensureTopics } from '../io/kafka/topics';
import { dropRecords, readTopic } from './harness/read-topic';

const messages = Number(process.argv[2] ?? 10_000);
const partitions = Number(process.argv[3] ?? 1);
const rounds = Number(process.argv[4] ?? 3);
const only = process.argv[5] === undefined ? undefined : Number(process.argv[5]);
const MESSAGE_BYTES = 8_500;
const ROWS_PER_MESSAGE = 100; // what one message stands for in records/s
const SEND_CHUNK = 1000; // kafkaSink splits each send into requests under ~1 MiB
const MiB = 1024 * 1024;

const settings: ReadonlyArray<{ label: string; fetch: FetchOptions }> = [
  { label: 'KafkaJS defaults (10 MiB / 1 MiB per partition)', fetch: { maxBytes: 10 * MiB, maxBytesPerPartition: 1 * MiB } },
  { label: '16 MiB / 4 MiB per partition', fetch: { maxBytes: 16 * MiB, maxBytesPerPartition: 4 * MiB } },
  { label: '16 MiB / 8 MiB per partition', fetch: { maxBytes: 16 * MiB, maxBytesPerPartition: 8 * MiB } },
  { label: '32 MiB / 16 MiB per partition', fetch: { maxBytes: 32 * MiB, maxBytesPerPartition: 16 * MiB } },
  { label: '16 MiB / 8 MiB, minBytes 1 MiB, wait 500 ms', fetch: { maxBytes: 16 * MiB, maxBytesPerPartition: 8 * MiB, minBytes: 1 * MiB, maxWaitTimeInMs: 500 } },
  { label: '4 MiB / 2 MiB per partition', fetch: { maxBytes: 4 * MiB, maxBytesPerPartition: 2 * MiB } },
  { label: '8 MiB / 4 MiB per partition (default)', fetch: {} },
];

async function main(): Promise<void> {
  const broker = await ensureBroker();
  const connection = { brokers: broker.brokers };
  const reused = process.env.BENCH_TOPIC;
  const topic = reused ?? `bench-fetch-${Date.now().toString(36)}`;
  try {
    if (reused === undefined) await produceMessages(connection, topic);
    const totalMB = (messages * MESSAGE_BYTES) / 1e6;


    const chosen = settings.map((setting, index) => ({ ...setting, index })).filter(({ index }) => only === undefined || index === only);
    const timings = new Map<number, Array<{ steady: number; total: number; batches: number }>>();
    for (let round = 0; round < rounds; round++) {
      for (const { index, label, fetch } of chosen) {
        const timing = await readAllOnce(connection, topic, `${topic}-g${index}-r${round}`, fetch, label);
        timings.set(index, [...(timings.get(index) ?? []), timing]);
      }
    }
    for (const { index, label } of chosen) {
      const runs = timings.get(index) ?? [];
      const median = (pick: (run: { steady: number; total: number }) => number): number =>
        runs.map(pick).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
      console.log(
        `[${index}] ${label.padEnd(46)} steady ${report(messages, totalMB, median((run) => run.steady))}; ` +
          `total ${median((run) => run.total).toFixed(2)} s; ${runs[0].batches} batches`,
      );
    }
    console.log(`peak rss ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  } finally {
    await broker.stop();
  }
}

async function produceMessages(connection: { brokers: string[] }, topic: string): Promise<void> {
  await ensureTopics(connection, [{ topic, numPartitions: partitions }]);
  // Random bytes do not compress, like Avro doubles.
  const payloads = Array.from({ length: 64 }, () => randomBytes(MESSAGE_BYTES));
  const sink = kafkaSink({ connection, topic });
  const produceStart = performance.now();
  for (let sent = 0; sent < messages; sent += SEND_CHUNK) {
    const count = Math.min(SEND_CHUNK, messages - sent);
    await sink.send(Array.from({ length: count }, (_, i) => ({ key: String((sent + i) % 97), value: payloads[(sent + i) % payloads.length] })));
  }
  const produceSeconds = (performance.now() - produceStart) / 1000;
  await sink.close();
  const totalMB = (messages * MESSAGE_BYTES) / 1e6;
  console.log(`topic ${topic}: ${partitions} partition(s), ${messages} messages of ${MESSAGE_BYTES} B = ${totalMB.toFixed(1)} MB`);
  console.log(`produce (kafkaSink sends of ${SEND_CHUNK}, acks -1): ${report(messages, totalMB, produceSeconds)}`);
}

async function readAllOnce(
  connection: { brokers: string[] },
  topic: string,
  groupId: string,
  fetch: FetchOptions,
  label: string,
): Promise<{ steady: number; total: number; batches: number }> {
  const drop = dropRecords();
  const timing = await readTopic(connection, topic, groupId, drop.visit, fetch);
  if (timing.records !== messages) throw new Error(`${label}: read ${timing.records} of ${messages} messages (checksum ${drop.checksum()})`);
  return { steady: timing.steadySeconds, total: timing.totalSeconds, batches: timing.batches };
}

function report(count: number, megabytes: number, seconds: number): string {
  const perSecond = count / seconds;
  return (
    `${seconds.toFixed(2)} s, ${Math.round(perSecond).toLocaleString('en-US')} msg/s ` +
    `(≈ ${((perSecond * ROWS_PER_MESSAGE) / 1e6).toFixed(2)} M records/s), ${(megabytes / seconds).toFixed(0)} MB/s`
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
