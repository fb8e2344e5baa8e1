/**
 * What every section of the bench shares: the sizes of this run (full or smoke), where things go,
 * the log, the Python environment and the broker connection, and how a child is started.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KafkaConnection } from '../../io/kafka/client';
import { runForResult } from './processes';
import type { PythonEnv } from './python-env';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface BenchOptions {
  readonly mode: 'full' | 'smoke';
  /** Seed of the stationary clickstream: the same rows for every system. */
  readonly seed: number;
  readonly learnerRows: number;
  readonly repeats: { readonly ours: number; readonly sklearn: number; readonly riverMany: number; readonly riverOne: number };
  /** Messages of 100–109 records on the end-to-end topic (the seed's 10,000 ≈ 1M records). */
  readonly endToEndMessages: number;
  /** Messages of the memory-growth run; 5× the end-to-end run. */
  readonly memoryMessages: number;
  readonly latency: { readonly messagesPerSecond: number; readonly seconds: number };
  /** Time limit of each TypeScript child (train, fetch-only, learner core): a hung child fails its row, not the bench. */
  readonly childTimeoutMs: number;
  /** Reads of the topic per fetch-only consumer; the median is reported (one read is over in a fraction of a second). */
  readonly transportRounds: number;
  /** Python baselines (venv creation and pip included); off in the smoke run. */
  readonly python: boolean;
  /** May install kcat with apt-get; off in the smoke run. */
  readonly installTools: boolean;
  /** Where results.json and results.md go. */
  readonly outDir: string;
  /** The Python baselines' virtual environment. */
  readonly venv: string;
}

export const FULL_BENCH: BenchOptions = Object.freeze({
  mode: 'full',
  seed: 42,
  learnerRows: 1_000_000,
  repeats: { ours: 5, sklearn: 5, riverMany: 3, riverOne: 1 },
  endToEndMessages: 10_000,
  memoryMessages: 50_000,
  latency: { messagesPerSecond: 20, seconds: 30 },
  transportRounds: 3,
  childTimeoutMs: 10 * 60_000,
  python: true,
  installTools: true,
  outDir: join(ROOT, 'bench'),
  venv: join(ROOT, '.cache', 'bench-venv'),
});

/** A few thousand records, no Python, no installs: checks that the harness still works end to end. */
export const SMOKE_BENCH: BenchOptions = Object.freeze({
  ...FULL_BENCH,
  mode: 'smoke',
  learnerRows: 3_000,
  repeats: { ours: 1, sklearn: 1, riverMany: 1, riverOne: 1 },
  endToEndMessages: 30,
  memoryMessages: 150,
  latency: { messagesPerSecond: 20, seconds: 1 },
  transportRounds: 1,
  childTimeoutMs: 45_000,
  python: false,
  installTools: false,
});

export interface BenchContext {
  readonly options: BenchOptions;
  /** Scratch folder of this run, removed at the end. */
  readonly tmp: string;
  /** Prefix of every topic and group this run creates, so cleanup finds them all. */
  readonly runId: string;
  readonly python: PythonEnv;
  /** The broker, or why there is none (then the Kafka sections fail with that reason). */
  readonly broker: KafkaConnection | { readonly unavailable: string };
  readonly log: (line: string) => void;
}

/** Runs bench/children/<file> with tsx and returns its result; the child reaches the broker through KAFKA_BROKERS. */
export function runNodeChild<T>(context: BenchContext, file: string, argument: object, timeoutMs: number): Promise<T> {
  return runForResult<T>(process.execPath, nodeChildArgs(file, argument), { cwd: ROOT, env: childEnv(context), timeoutMs });
}

export function nodeChildArgs(file: string, argument: object): string[] {
  return ['--import', 'tsx', join(ROOT, 'bench', 'children', file), JSON.stringify(argument)];
}

export function childEnv(context: BenchContext): NodeJS.ProcessEnv {
  return 'brokers' in context.broker ? { ...process.env, KAFKA_BROKERS: context.broker.brokers.join(',') } : process.env;
}

export function connectionOf(context: BenchContext): KafkaConnection {
  if ('unavailable' in context.broker) throw new Error(`no Kafka broker: ${context.broker.unavailable}`);
  return context.broker;
}

export const MINUTE_MS = 60_000;
