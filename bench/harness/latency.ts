/**
 * Section 5, latency at the seed's rate: the train pipeline runs with follow (a child process) while
 * pipelines/produce.ts sends 20 messages/s for 30 s, each stamped with its send time (eventTime).
 * A read-committed observer notes when each window's metrics record becomes readable, i.e. when the
 * checkpoint transaction holding it has committed. Afterwards the input topic is read back for the
 * event times, and the train child is stopped with SIGTERM.
 *
 * Two figures per message: committed = observed − eventTime (includes the observer's fetch wake-up,
 * so it is an upper bound), written = the metrics record's Kafka timestamp (stamped when train sends
 * it, just before the commit) − eventTime.
 *
 * The bench runs it with the default exactly-once checkpoints (the target's figure) and again with
 * at-least-once ones (`--no-transactions`), where a metrics record is committed once the broker has
 * acknowledged it, with no transaction to wait for.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Subscription } from 'rxjs';
import { decodeClickstream } from '../../io/avro/clickstream-codec';
import { createKafka, type KafkaConnection } from '../../io/kafka/client';
import { kafkaSource } from '../../io/kafka/kafka-source';
import type { KafkaRecord } from '../../io/kafka/records';
import { decodeStepMetrics } from '../../io/kafka/training-records';
import { produce, PRODUCE_DEFAULTS } from '../../pipelines/produce';
import { childEnv, connectionOf, ROOT, type BenchContext } from './context';
import { createInputTopic } from './input-topic';
import { compiledChild } from './pipeline-launch';
import { lastLines, startChild, type ChildHandle } from './processes';
import { readTopic } from './read-topic';
import { EMPTY_LATENCY, summarizeLatency, type LatencySection } from './results';
import { CHECKPOINT_LINE_PREFIX, trainChildArgument, type CheckpointReport } from './train-run';

const GROUP_WAIT_MS = 60_000;
export const DRAIN_WAIT_MS = 20_000;
const STOP_WAIT_MS = 10_000;

export async function latencySection(context: BenchContext, mode: { readonly transactions: boolean } = { transactions: true }): Promise<Omit<LatencySection, 'floor' | 'atLeastOnce'>> {
  const { messagesPerSecond, seconds } = context.options.latency;
  const messages = Math.round(messagesPerSecond * seconds);
  const base = { messagesPerSecond, seconds, messagesProduced: 0 };
  let train: ChildHandle | undefined;
  let observer: { close(): Promise<void> } | undefined;
  try {
    const connection = connectionOf(context);
    const name = mode.transactions ? 'latency' : 'latency-at-least-once';
    const topic = `${context.runId}.${name}`;
    await createInputTopic(connection, topic);
    const argument = { ...trainChildArgument(context, topic, name, true), reportCheckpoints: true, transactions: mode.transactions };
    // Compiled, as users run it (make run) and as the end-to-end section runs it.
    const { command, args } = compiledChild('train-child.ts', argument);
    train = startChild(command, args, { cwd: ROOT, env: childEnv(context) });
    const checkpoints: CheckpointReport[] = [];
    train.onLine((line) => {
      if (line.startsWith(CHECKPOINT_LINE_PREFIX)) checkpoints.push(JSON.parse(line.slice(CHECKPOINT_LINE_PREFIX.length)) as CheckpointReport);
    });
    const trainDied = train.exited.then((exit) => {
      throw new Error(`train --follow exited early (${exit.code ?? exit.signal}): ${lastLines(exit.stderr)}`);
    });
    trainDied.catch(() => undefined);
    await Promise.race([waitForStableGroup(connection, argument.groupId), trainDied]);

    const observed = new Map<string, { committedAt: number; writtenAt: number }>();
    observer = observe(connection, `${argument.topicPrefix}.metrics`, `${argument.groupId}.observer`, observed);
    await Promise.race([waitForStableGroup(connection, `${argument.groupId}.observer`), trainDied]);
    // Both consumers are in their groups; give them a moment to fetch their starting offsets.
    await sleep(1000);

    context.log(`latency: producing ${messages} messages at ${messagesPerSecond}/s to ${topic} while train${mode.transactions ? '' : ' --no-transactions'} follows it …`);
    const produced = await produce(connection, { ...PRODUCE_DEFAULTS, topic, messages, rate: messagesPerSecond, seed: context.options.seed, progress: false });
    const lastOffset = String(produced.messages - 1);
    const deadline = Date.now() + DRAIN_WAIT_MS;
    while (!observed.has(lastOffset) && Date.now() < deadline) await Promise.race([sleep(50), trainDied]);

    await stop(train);
    train = undefined;
    await observer.close();
    observer = undefined;

    const sentAt = new Map<string, number>();
    await readTopic(connection, topic, `${argument.groupId}.read-input`, (record) => {
      if (record.value === null) return;
      const decoded = decodeClickstream(record.value, { nFeatures: 10 });
      if (decoded.ok) sentAt.set(record.offset, decoded.value.eventTime);
    });
    const committed: number[] = [];
    const written: number[] = [];
    for (const [offset, times] of observed) {
      const sent = sentAt.get(offset);
      if (sent === undefined) continue;
      committed.push(times.committedAt - sent);
      written.push(times.writtenAt - sent);
    }
    const acknowledged = acknowledgedLatencies(checkpoints, topic, sentAt);
    const ack = summarizeLatency(acknowledged);
    context.log(
      `latency (${mode.transactions ? 'exactly-once' : 'at-least-once'}): the checkpoint holding the message acknowledged ` +
        `(${mode.transactions ? 'EndTxn returned to train, before the observer can read it' : 'its records acknowledged and its offsets committed'}): ` +
        `${ack.samples} samples, p50 ${ack.p50Ms} ms, p99 ${ack.p99Ms} ms, max ${ack.maxMs} ms`,
    );
    const missing = produced.messages - committed.length;
    return {
      ...base,
      messagesProduced: produced.messages,
      status: 'ok',
      ...(missing > 0 ? { reason: `${missing} of ${produced.messages} messages had no committed metrics record within ${DRAIN_WAIT_MS / 1000} s` } : {}),
      committed: summarizeLatency(committed),
      written: summarizeLatency(written),
      acknowledged: ack,
    };
  } catch (error) {
    return { ...base, status: 'failed', reason: (error as Error).message, committed: EMPTY_LATENCY, written: EMPTY_LATENCY, acknowledged: EMPTY_LATENCY };
  } finally {
    if (train !== undefined) await stop(train);
    await observer?.close();
  }
}

/**
 * Producer send → the train process saw the transaction of the checkpoint covering the message
 * acknowledged: EndTxn has returned, the commit markers are not necessarily written yet.
 */
function acknowledgedLatencies(checkpoints: readonly CheckpointReport[], topic: string, sentAt: ReadonlyMap<string, number>): number[] {
  const latencies: number[] = [];
  let next = 0;
  const byOffset = [...sentAt].map(([offset, sent]) => ({ offset: BigInt(offset), sent })).sort((a, b) => (a.offset < b.offset ? -1 : 1));
  for (const { offset, sent } of byOffset) {
    while (next < checkpoints.length && !checkpoints[next].offsets.some((o) => o.topic === topic && BigInt(o.nextOffset) > offset)) next++;
    if (next === checkpoints.length) break;
    latencies.push(checkpoints[next].at - sent);
  }
  return latencies;
}

/** Calls `onRecord` with each record of `topic` as it becomes readable to a read-committed consumer, and the time it did. */
export function observeCommitted(connection: KafkaConnection, topic: string, groupId: string, onRecord: (record: KafkaRecord, committedAt: number) => void): { close(): Promise<void> } {
  const source = kafkaSource({ connection, topics: [topic], groupId, until: 'follow' });
  const subscription: Subscription = source.batches$.subscribe({
    next: (batch) => {
      const committedAt = Date.now();
      for (const record of batch.records) onRecord(record, committedAt);
    },
    error: () => undefined,
  });
  return {
    close: async () => {
      await source.close();
      subscription.unsubscribe();
    },
  };
}

/** Reads metrics records as they commit; keyed by the input offset their window ended at. */
function observe(connection: KafkaConnection, topic: string, groupId: string, into: Map<string, { committedAt: number; writtenAt: number }>): { close(): Promise<void> } {
  return observeCommitted(connection, topic, groupId, (record, committedAt) => {
    if (record.value === null) return;
    const metrics = decodeStepMetrics(record.value);
    for (const source of metrics.sources) into.set(String(source.lastOffset), { committedAt, writtenAt: record.timestamp });
  });
}

export async function waitForStableGroup(connection: KafkaConnection, groupId: string): Promise<void> {
  const admin = createKafka(connection, 'bench-latency').admin();
  await admin.connect();
  try {
    const deadline = Date.now() + GROUP_WAIT_MS;
    for (;;) {
      const { groups } = await admin.describeGroups([groupId]);
      if (groups[0]?.state === 'Stable' && groups[0].members.length > 0) return;
      if (Date.now() > deadline) throw new Error(`consumer group ${groupId} was not stable within ${GROUP_WAIT_MS / 1000} s (state ${groups[0]?.state})`);
      await sleep(100);
    }
  } finally {
    await admin.disconnect();
  }
}

async function stop(child: ChildHandle): Promise<void> {
  child.signal('SIGTERM');
  const stopped = await Promise.race([child.exited.then(() => true), sleep(STOP_WAIT_MS).then(() => false)]);
  if (!stopped) {
    child.signal('SIGKILL');
    await child.exited;
  }
}
