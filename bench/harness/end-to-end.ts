/**
 * Section 2, end to end through Kafka: the seed's 10,000 messages (≈ 1M records) produced once as
 * Avro (pipelines/produce.ts) and once as the seed's JSON; our train pipeline reads the Avro topic,
 * the seed's consumer rebuilt in Python (bench/seed_consumer.py) reads the JSON topic, each from
 * first fetch to the end offset, on the same broker.
 */
import { join } from 'node:path';
import { produce, PRODUCE_DEFAULTS } from '../../pipelines/produce';
import { connectionOf, MINUTE_MS, ROOT, type BenchContext } from './context';
import { createInputTopic } from './input-topic';
import { produceJsonCopy } from './json-copy';
import { runForResult } from './processes';
import { notRunRow, okRow, SYSTEM, type SystemRow } from './results';
import { runTrain, type TrainRunResult } from './train-run';

export interface EndToEndInput {
  readonly avroTopic: string;
  readonly jsonTopic: string;
  readonly messages: number;
  readonly records: number;
}

const OURS_QUALITY = 'cumulative prequential (every record scored before it is learned)' as const;
const SEED_QUALITY = 'cumulative over the 20% test splits of every message' as const;

/** Produces the Avro topic and its JSON copy (the JSON copy only when the Python baseline will read it). */
export async function produceEndToEndInput(context: BenchContext): Promise<EndToEndInput> {
  const connection = connectionOf(context);
  const { options, log } = context;
  const avroTopic = `${context.runId}.clickstream`;
  const jsonTopic = `${context.runId}.clickstream-json`;
  await createInputTopic(connection, avroTopic);
  const produced = await produce(connection, { ...PRODUCE_DEFAULTS, topic: avroTopic, messages: options.endToEndMessages, seed: options.seed, progress: false });
  log(`produced ${produced.messages} Avro messages (${produced.records} records, ${(produced.bytes / 1e6).toFixed(1)} MB) to ${avroTopic} in ${produced.seconds.toFixed(1)} s`);
  if (!('skipped' in context.python)) {
    const started = performance.now();
    const copy = await produceJsonCopy(connection, jsonTopic, options.endToEndMessages, options.seed);
    if (copy.records !== produced.records) throw new Error(`the JSON copy holds ${copy.records} records, the Avro topic ${produced.records}`);
    log(`produced the JSON copy (${(copy.bytes / 1e6).toFixed(1)} MB) to ${jsonTopic} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  return { avroTopic, jsonTopic, messages: produced.messages, records: produced.records };
}

export function oursEndToEndRow(run: TrainRunResult): SystemRow {
  return okRow(SYSTEM.oursEndToEnd, {
    records: run.records,
    seconds: run.seconds,
    recordsPerSecond: run.recordsPerSecond,
    peakRssBytes: run.peakRssBytes,
    accuracy: run.summary.finalAccuracy,
    f1: run.summary.finalF1,
    quality: OURS_QUALITY,
    details: run.details,
  });
}

export async function oursEndToEnd(context: BenchContext, input: EndToEndInput): Promise<{ row: SystemRow; run: TrainRunResult | null }> {
  try {
    const run = await runTrain(context, input.avroTopic, 'e2e');
    return { row: oursEndToEndRow(run), run };
  } catch (error) {
    return { row: notRunRow(SYSTEM.oursEndToEnd, 'failed', (error as Error).message, OURS_QUALITY), run: null };
  }
}

interface SeedReport {
  readonly messages: number;
  readonly records: number;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  readonly accuracy: number;
  readonly f1: number;
  readonly recordedMeanF1: number;
  readonly acceptedSteps: number;
  readonly endOffset: number;
  readonly peakRssBytes: number;
}

export async function seedEndToEnd(context: BenchContext, input: EndToEndInput): Promise<SystemRow> {
  if ('skipped' in context.python) return notRunRow(SYSTEM.seed, 'skipped', context.python.skipped, SEED_QUALITY);
  try {
    const connection = connectionOf(context);
    const report = await runForResult<SeedReport>(
      context.python.python,
      [join(ROOT, 'bench', 'seed_consumer.py'), connection.brokers[0], input.jsonTopic, join(context.tmp, 'seed-consumer.log')],
      { cwd: ROOT, timeoutMs: 15 * MINUTE_MS },
    );
    if (report.records !== input.records) throw new Error(`the seed consumer read ${report.records} records, expected ${input.records}`);
    return okRow(SYSTEM.seed, {
      records: report.records,
      seconds: report.seconds,
      recordsPerSecond: report.recordsPerSecond,
      peakRssBytes: report.peakRssBytes,
      accuracy: report.accuracy,
      f1: report.f1,
      quality: SEED_QUALITY,
      details: {
        timed: 'first message received → last message processed',
        messages: report.messages,
        acceptedSteps: report.acceptedSteps,
        recordedMeanF1: report.recordedMeanF1,
        note: "recordedMeanF1 is the seed's own figure: the mean F1 of accepted steps only (selection-biased)",
      },
    });
  } catch (error) {
    return notRunRow(SYSTEM.seed, 'failed', (error as Error).message, SEED_QUALITY);
  }
}
