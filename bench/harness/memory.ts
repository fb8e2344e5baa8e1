/**
 * Section 4, memory growth: peak RSS of the train pipeline (its own process) over the end-to-end
 * run's records and over 5× as many on a topic of their own. Constant memory means the two peaks
 * are within a few percent. The child runs compiled and launched as `make run` runs the pipelines
 * (see pipeline-launch.ts); bench/train-memory.ts repeats just this measurement, with a breakdown.
 */
import { produce, PRODUCE_DEFAULTS } from '../../pipelines/produce';
import { connectionOf, type BenchContext } from './context';
import type { EndToEndInput } from './end-to-end';
import { createInputTopic } from './input-topic';
import type { MemoryRun } from './results';
import type { TrainRunResult } from './train-run';
import { runTrain } from './train-run';

export function memoryRunOf(input: EndToEndInput, run: TrainRunResult | null, failure?: string): MemoryRun {
  return run === null
    ? { records: input.records, messages: input.messages, status: 'failed', reason: failure ?? 'the end-to-end run failed', peakRssBytes: null, recordsPerSecond: null }
    : { records: run.records, messages: input.messages, status: 'ok', peakRssBytes: run.peakRssBytes, recordsPerSecond: run.recordsPerSecond };
}

export async function largerMemoryRun(context: BenchContext): Promise<MemoryRun> {
  const messages = context.options.memoryMessages;
  try {
    const connection = connectionOf(context);
    const topic = `${context.runId}.clickstream-large`;
    await createInputTopic(connection, topic);
    const produced = await produce(connection, { ...PRODUCE_DEFAULTS, topic, messages, seed: context.options.seed, progress: false });
    context.log(`produced ${produced.messages} Avro messages (${produced.records} records) to ${topic} in ${produced.seconds.toFixed(1)} s`);
    const run = await runTrain(context, topic, 'memory');
    return { records: run.records, messages, status: 'ok', peakRssBytes: run.peakRssBytes, recordsPerSecond: run.recordsPerSecond };
  } catch (error) {
    return { records: 0, messages, status: 'failed', reason: (error as Error).message, peakRssBytes: null, recordsPerSecond: null };
  }
}

export function rssGrowth(runs: readonly MemoryRun[]): number | null {
  const [small, large] = runs;
  if (small?.peakRssBytes == null || large?.peakRssBytes == null) return null;
  return large.peakRssBytes / small.peakRssBytes - 1;
}
