/**
 * For the exactly-once tests: pipelines/train.ts as a child process (killed, stopped, restarted),
 * a fixed clickstream on a topic, and what an uninterrupted run computes, in memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { from, lastValueFrom, toArray } from 'rxjs';
import { clickstream } from '../../generators/clickstream';
import { encodeClickstream } from '../../io/avro/clickstream-codec';
import type { StepMetricsRecord } from '../../io/avro/schemas';
import { transactionalId, transactionalWriter } from '../../io/kafka/checkpoint-writer';
import type { KafkaConnection } from '../../io/kafka/client';
import { kafkaSink } from '../../io/kafka/kafka-sink';
import type { OutgoingRecord } from '../../io/kafka/records';
import { ensureTopics } from '../../io/kafka/topics';
import { decodeStepMetrics } from '../../io/kafka/training-records';
import { encodeState } from '../../models/state-codec';
import { inputTopicSpec } from '../../pipelines/produce';
import { parseTrainingChoices } from '../../pipelines/training-options';
import { messageWindow } from '../../transforms/message-window';
import { partialFit } from '../../transforms/partial-fit';
import { trackMetrics } from '../../transforms/track-metrics';
import type { LabeledMessage } from '../../transforms/types';
import { readTopic } from './kafka-read';

const PROJECT_DIR = join(__dirname, '..', '..');

/** Seeded clickstream messages with fixed event times, so every encoding is the same bytes. */
export function fixedClickstream(messages: number, seed: number): LabeledMessage[] {
  return [...clickstream({ messages, seed })].map((message, i) => ({ ...message, eventTime: 1_700_000_000_000 + i }));
}

/** Writes `messages` (and `bad` raw values after the given message indexes) to a new one-partition topic. */
export async function produceInput(connection: KafkaConnection, topic: string, messages: readonly LabeledMessage[], bad: ReadonlyMap<number, Buffer> = new Map()): Promise<void> {
  await ensureTopics(connection, [inputTopicSpec(topic, 1)]);
  const sink = kafkaSink({ connection, topic });
  try {
    let pending: OutgoingRecord[] = [];
    for (let i = 0; i < messages.length; i++) {
      pending.push({ key: String(messages[i].id), value: encodeClickstream(messages[i]) });
      const raw = bad.get(i);
      if (raw !== undefined) pending.push({ key: 'bad', value: raw });
      if (pending.length >= 100) {
        await sink.send(pending);
        pending = [];
      }
    }
    await sink.send(pending);
  } finally {
    await sink.close();
  }
}

/** The CLI's default model, gate and evaluation, as the child process builds them. */
export function defaultChoices() {
  return parseTrainingChoices({ model: 'sgd', 'model-options': '{}', gate: 'seed', evaluation: 'prequential' }, 10);
}

export interface ReferenceRun {
  /** `encodeState` of the final checkpoint state ({ trainer, metrics }), as a snapshot carries it. */
  readonly state: string;
  readonly windows: number;
  readonly version: number;
  /** Per window, the metrics a metrics record carries. */
  readonly metrics: ReadonlyArray<{ readonly logLoss: number; readonly accuracy: number; readonly f1: number; readonly accepted: boolean | null; readonly rows: number }>;
}

/** What an uninterrupted run computes: the same chain, in memory, over the good messages. */
export async function referenceRun(messages: readonly LabeledMessage[], windowMessages: number): Promise<ReferenceRun> {
  const { model, gate, evaluation } = defaultChoices();
  const steps = await lastValueFrom(
    from(messages).pipe(messageWindow(windowMessages), partialFit(model, { gate, evaluation }), trackMetrics({ kind: 'cumulative' }, model.nClasses), toArray()),
  );
  const last = steps[steps.length - 1];
  return {
    state: encodeState({ trainer: last.state, metrics: last.trackerState }),
    windows: steps.length,
    version: last.version,
    metrics: steps.map((s) => ({ logLoss: s.metrics.logLoss, accuracy: s.metrics.accuracy, f1: s.metrics.f1, accepted: s.accepted, rows: s.rows })),
  };
}

/**
 * Waits until every transaction of the pipeline that reads `input` with group `groupId` is complete:
 * a committed transaction's records become visible only once the coordinator has written its
 * markers, a little after the commit returned. Registering the same transactional id waits for that.
 */
export async function settleTransactions(connection: KafkaConnection, groupId: string, input: string): Promise<void> {
  const writer = transactionalWriter(connection, { groupId, transactionalId: transactionalId(groupId, [input]) });
  try {
    await writer.connect();
  } finally {
    await writer.close();
  }
}

/** The committed (read_committed) metrics records of a topic, in order. */
export async function committedMetrics(connection: KafkaConnection, topic: string): Promise<StepMetricsRecord[]> {
  return (await readTopic(connection, topic)).map((record) => decodeStepMetrics(record.value as Buffer));
}

export interface TrainProcess {
  readonly child: ChildProcess;
  /** Every stderr line so far. */
  readonly lines: string[];
  /** Resolves with the first line (past or future) matching `pattern`; rejects on exit or timeout. */
  waitForLine(pattern: RegExp | ((line: string) => boolean), timeoutMs?: number): Promise<string>;
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly at: number }>;
  /** stdout, complete once exited. */
  stdout(): string;
}

/** Starts `node --import tsx pipelines/train.ts …args` against `brokers`. */
export function spawnTrain(args: readonly string[], brokers: readonly string[]): TrainProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'pipelines/train.ts', ...args], {
    cwd: PROJECT_DIR,
    env: { ...process.env, KAFKA_BROKERS: brokers.join(',') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  let partial = '';
  let out = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    const parts = (partial + text).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    for (const listener of listeners) listener();
  });
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (text: string) => (out += text));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    child.once('exit', (code, signal) => {
      const at = performance.now();
      // Let the last output arrive.
      setTimeout(() => {
        if (partial !== '') lines.push(partial);
        partial = '';
        for (const listener of listeners) listener();
        resolve({ code, signal, at });
      }, 50);
    });
  });
  let done = false;
  void exited.then(() => (done = true));
  const waitForLine = (pattern: RegExp | ((line: string) => boolean), timeoutMs = 60_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const matches = typeof pattern === 'function' ? pattern : (line: string) => pattern.test(line);
      const check = (): void => {
        const line = lines.find(matches);
        if (line !== undefined) {
          finish();
          resolve(line);
        } else if (done) {
          finish();
          reject(new Error(`train exited before a line matched ${pattern}; stderr:\n${lines.join('\n')}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no line matched ${pattern} within ${timeoutMs} ms; stderr:\n${lines.join('\n')}`));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      void exited.then(check);
      check();
    });
  return { child, lines, waitForLine, exited, stdout: () => out };
}

/** The windows a `checkpoint:` line of a run with --log-checkpoints reports as committed, or null for other lines. */
export function checkpointWindows(line: string): number | null {
  const match = /^checkpoint: (\d+) windows/.exec(line);
  return match ? Number(match[1]) : null;
}

/** Windows committed so far, from the last `checkpoint:` line. */
export function committedWindows(lines: readonly string[]): number | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const windows = checkpointWindows(lines[i]);
    if (windows !== null) return windows;
  }
  return null;
}
