/**
 * The whole bench (issue 5): learner core (before the broker starts), then on the local broker the
 * transport limit, the 5× memory run, end to end through Kafka (ours, then the seed's consumer) and
 * latency, in that order; then the targets judged and results.json and results.md written. A
 * section that fails becomes 'failed' rows with the reason, and the others still run. Whatever the
 * run started is stopped at the end, also on failure: child processes, its topics and groups on
 * the broker, the broker lease, the scratch folder.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBroker, type LocalBroker } from '../../io/kafka/local-broker';
import { deleteRunArtifacts } from './cleanup';
import type { BenchContext, BenchOptions } from './context';
import { oursEndToEnd, produceEndToEndInput, seedEndToEnd, type EndToEndInput } from './end-to-end';
import { latencySection } from './latency';
import { transactionFloor } from './latency-floor';
import { describe, learnerCoreSection } from './learner-core';
import { renderMarkdown } from './markdown';
import { largerMemoryRun, memoryRunOf, rssGrowth } from './memory';
import { stopAllChildren } from './processes';
import { benchPython } from './python-env';
import {
  EMPTY_LATENCY,
  judgeTargets,
  notRunRow,
  rateOf,
  SYSTEM,
  withRatios,
  type BenchResults,
  type MemoryRun,
  type SystemRow,
  type ThroughputSection,
} from './results';
import { kafkaJsFetchOnly, kcatFetchOnly } from './transport';

/** Deletes the running bench's topics and groups; set while a run holds the broker. */
let deleteRunningArtifacts: (() => Promise<unknown>) | undefined;

/**
 * For a signal handler: stops the children and deletes the running bench's topics (within
 * `timeoutMs`), so an interrupted run leaves nothing behind. The broker lease and the scratch
 * folder go with the process's 'exit' handlers.
 */
export async function abortRunningBench(timeoutMs = 10_000): Promise<void> {
  stopAllChildren();
  const cleanup = deleteRunningArtifacts;
  if (cleanup === undefined) return;
  await Promise.race([cleanup().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
}

const E2E_TIMING = 'first fetch to the end offset seen at start, one process each, both topics on the same broker, warmed by the fetch-only reads and the memory runs before';
const TRANSPORT_TIMING = 'first fetch to the end offset of the Avro input topic, nothing decoded';

export async function runBench(options: BenchOptions, log: (line: string) => void): Promise<BenchResults> {
  const startedAt = new Date();
  const started = performance.now();
  const loadAverageAtStart = loadavg();
  const tmp = mkdtempSync(join(tmpdir(), 'streamlearn-bench-'));
  const removeTmp = (): void => rmSync(tmp, { recursive: true, force: true });
  process.once('exit', removeTmp);
  const runId = `bench-${Date.now().toString(36)}`;
  const errors: string[] = [];
  let broker: LocalBroker | undefined;
  log(`bench (${options.mode}), run id ${runId}; load average at start ${loadAverageAtStart.map((v) => v.toFixed(2)).join(', ')}`);

  try {
    const python = options.python ? benchPython(options.venv, log) : { skipped: 'the Python baselines are off in the smoke run' };
    if ('skipped' in python) log(`Python baselines skipped: ${python.skipped}`);
    /** Runs one section; a throw is recorded and becomes `fallback(reason)`. */
    const section = async <T>(name: string, body: () => Promise<T>, fallback: (reason: string) => T): Promise<T> => {
      try {
        return await body();
      } catch (error) {
        const reason = (error as Error).message;
        errors.push(`${name}: ${reason}`);
        log(`${name} failed: ${reason}`);
        return fallback(reason);
      }
    };

    // The learner core needs no broker, so it runs before one starts: a broker that has just started
    // keeps a core busy for a while (JIT, KRaft start-up). Run right after it, our learner measured
    // 18.8M records/s where the same child measures 23–31M on a settled machine.
    const learnerContext: BenchContext = { options, tmp, runId, python, broker: { unavailable: 'the learner core runs before the broker starts' }, log };
    log('— 1. learner core');
    const learnerCore = await section('learner core', () => learnerCoreSection(learnerContext), (reason) =>
      failedSection('Learner core', SYSTEM.oursCore, [SYSTEM.oursCore, SYSTEM.sklearn, SYSTEM.riverMany, SYSTEM.riverOne], reason),
    );

    let brokerOrReason: BenchContext['broker'];
    try {
      broker = await ensureBroker();
      brokerOrReason = { brokers: broker.brokers };
      const connection = { brokers: broker.brokers };
      deleteRunningArtifacts = () => deleteRunArtifacts(connection, runId);
    } catch (error) {
      brokerOrReason = { unavailable: (error as Error).message };
      log(`no broker: ${brokerOrReason.unavailable}`);
    }
    const context: BenchContext = { options, tmp, runId, python, broker: brokerOrReason, log };

    log('— 2. end to end: producing the input topics');
    const input = await section<EndToEndInput | string>('producing the end-to-end input', () => produceEndToEndInput(context), (reason) => reason);
    const inputOr = async (body: (ready: EndToEndInput) => Promise<SystemRow>, system: string): Promise<SystemRow> =>
      typeof input === 'string' ? notRunRow(system, 'failed', `no input topic: ${input}`) : body(input);

    // The fetch-only reads and the 5× memory run go before our timed end-to-end run, so the broker
    // it runs on is warm, as the seed's consumer's (after ours) always was. A broker that has just
    // started or served little runs its JIT-cold paths slower, and on 2 cores its extra CPU is taken
    // from the pipeline measured: right after a broker restart our train run measured ~770k
    // records/s, ~850–930k after a few runs, ~1.0–1.2M on a broker that had served for an hour.
    log('— 3. transport limit');
    const kafkaJsRow = await inputOr((ready) => kafkaJsFetchOnly(context, ready), SYSTEM.kafkaJsFetch);
    log(`  ${describe(kafkaJsRow)}`);
    const kcatRow = await inputOr((ready) => kcatFetchOnly(context, ready), SYSTEM.kcatFetch);
    log(`  ${describe(kcatRow)}`);

    log(`— 4. memory growth: ${options.memoryMessages} messages`);
    const memoryLarge = await largerMemoryRun(context);

    log('— 2. end to end: ours');
    let memorySmall: MemoryRun | undefined;
    const oursRow = await inputOr(async (ready) => {
      const { row, run } = await oursEndToEnd(context, ready);
      memorySmall = memoryRunOf(ready, run, row.reason);
      return row;
    }, SYSTEM.oursEndToEnd);
    log(`  ${describe(oursRow)}`);
    const memoryRuns = [memorySmall ?? failedMemoryRun(options.endToEndMessages, typeof input === 'string' ? input : 'the end-to-end run did not run'), memoryLarge];
    log(`  peak RSS at 1× and 5× the records: ${memoryRuns.map((run) => (run.peakRssBytes === null ? `${run.status}: ${run.reason}` : `${(run.peakRssBytes / 1e6).toFixed(0)} MB`)).join(' → ')}`);

    log("— 2. end to end: the seed's consumer in Python");
    const seedRow = await inputOr((ready) => seedEndToEnd(context, ready), SYSTEM.seed);
    log(`  ${describe(seedRow)}`);

    log(`— 5. latency: ${options.latency.messagesPerSecond} messages/s for ${options.latency.seconds} s`);
    const pipelineLatency = await latencySection(context);
    const floor = await section('latency floor', () => transactionFloor(context), () => EMPTY_LATENCY);
    log(`  the floor, a bare KafkaJS transaction per message: p50 ${floor.p50Ms} ms, p99 ${floor.p99Ms} ms`);
    const atLeastOnceRun = await latencySection(context, { transactions: false });
    if (atLeastOnceRun.status !== 'ok') errors.push(`latency, at-least-once: ${atLeastOnceRun.reason}`);
    const atLeastOnce = atLeastOnceRun.committed;
    log(`  at-least-once: committed p50 ${atLeastOnce.p50Ms} ms, p99 ${atLeastOnce.p99Ms} ms`);
    const latency = { ...pipelineLatency, floor, atLeastOnce };
    log(`  ${latency.status}${latency.reason ? ` (${latency.reason})` : ''}: committed p50 ${latency.committed.p50Ms} ms, p99 ${latency.committed.p99Ms} ms`);

    const oursRate = rateOf([oursRow], SYSTEM.oursEndToEnd);
    const kafkaJsRate = rateOf([kafkaJsRow], SYSTEM.kafkaJsFetch);
    const kcatVersion = kcatRow.status === 'ok' ? String(kcatRow.details.version) : `kcat ${kcatRow.status}`;
    const resultsWithoutTargets: Omit<BenchResults, 'targets'> = {
      format: 'streamlearn-bench/1',
      mode: options.mode,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      wallSeconds: (performance.now() - started) / 1000,
      environment: {
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        loadAverageAtStart,
        python: 'skipped' in python ? `skipped (${python.skipped})` : python.version,
        kcat: kcatVersion,
        brokers: 'brokers' in brokerOrReason ? brokerOrReason.brokers : brokerOrReason.unavailable,
        note: 'shared machine: other work runs on the same cores, so rates are noisy; compare rows of one run',
      },
      config: {
        runId,
        seed: options.seed,
        concept: 'stationary clickstream (make_classification, 10 features, 6 informative, 2 redundant; MinMax on message 0)',
        learnerRows: options.learnerRows,
        repeats: options.repeats,
        endToEndMessages: options.endToEndMessages,
        endToEndRecords: typeof input === 'string' ? null : input.records,
        memoryMessages: options.memoryMessages,
        latency: options.latency,
        trainPipeline: 'pipelines/train.ts train(): model sgd (seed), gate seed, evaluation prequential, transactions on, window 1 message',
      },
      learnerCore,
      endToEnd: { title: 'End to end', timing: E2E_TIMING, ours: SYSTEM.oursEndToEnd, rows: withRatios([oursRow, seedRow], oursRate) },
      transport: {
        title: 'Transport limit',
        timing: TRANSPORT_TIMING,
        ours: SYSTEM.oursEndToEnd,
        rows: withRatios([kafkaJsRow, kcatRow], oursRate),
        oursFractionOfKafkaJs: oursRate !== null && kafkaJsRate !== null ? oursRate / kafkaJsRate : null,
      },
      memory: { runs: memoryRuns, growth: rssGrowth(memoryRuns) },
      latency,
      errors,
    };
    return { ...resultsWithoutTargets, targets: judgeTargets(resultsWithoutTargets) };
  } finally {
    deleteRunningArtifacts = undefined;
    const stopped = stopAllChildren();
    if (stopped > 0) log(`stopped ${stopped} child process(es) still running`);
    if (broker !== undefined) {
      try {
        const deleted = await deleteRunArtifacts({ brokers: broker.brokers }, runId);
        log(`deleted ${deleted.topics.length} topics and ${deleted.groups.length} groups of ${runId}`);
      } catch (error) {
        log(`could not delete the run's topics: ${(error as Error).message}`);
      }
      await broker.stop();
    }
    removeTmp();
    process.off('exit', removeTmp);
  }
}

function failedSection(title: string, ours: string, systems: readonly string[], reason: string): ThroughputSection {
  return { title, timing: 'not run', ours, rows: systems.map((system) => notRunRow(system, 'failed', reason)) };
}

function failedMemoryRun(messages: number, reason: string): MemoryRun {
  return { records: 0, messages, status: 'failed', reason, peakRssBytes: null, recordsPerSecond: null };
}

export function writeResults(results: BenchResults, outDir: string): { json: string; markdown: string } {
  mkdirSync(outDir, { recursive: true });
  const json = join(outDir, 'results.json');
  const markdown = join(outDir, 'results.md');
  writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(markdown, renderMarkdown(results));
  return { json, markdown };
}
