/**
 * One run of our train pipeline in a child process (bench/children/train-child.ts) over an input
 * topic, and its figures read back from what it wrote: the step-metrics records on Kafka.
 *
 * Timing, from first fetch to the end offset, without touching the pipeline: a metrics record's
 * `eventTime` is the wall time of its step, and its Kafka timestamp the time the pipeline sent it,
 * after the step's fetch was processed. So the span runs from the first record's eventTime (the
 * first window, right after the first fetch) to the last record's Kafka timestamp (the final
 * checkpoint's send), and the first window's rows are left out of the count.
 */
import { join } from 'node:path';
import type { RunSummaryFile } from '../../io/artifacts/run-summary-json';
import { decodeStepMetrics } from '../../io/kafka/training-records';
import { connectionOf, type BenchContext } from './context';
import { runCompiledChild } from './pipeline-launch';
import { readTopic } from './read-topic';

export interface TrainChildArgument {
  readonly input: string;
  readonly topicPrefix: string;
  readonly groupId: string;
  readonly modelId: string;
  readonly outDir: string;
  readonly follow: boolean;
  /** Print a `CHECKPOINT <json>` line on stdout when each checkpoint has committed (EndTxn acknowledged). */
  readonly reportCheckpoints?: boolean;
  /** false: at-least-once checkpoints (produce, then commit the offsets), as `--no-transactions`. Default true. */
  readonly transactions?: boolean;
}

/** What train-child prints per committed checkpoint when asked to. */
export interface CheckpointReport {
  /** Wall time (epoch ms) when the checkpoint's transaction was acknowledged. */
  readonly at: number;
  readonly offsets: readonly { readonly topic: string; readonly partition: number; readonly nextOffset: string }[];
}

export const CHECKPOINT_LINE_PREFIX = 'CHECKPOINT ';

interface TrainChildReport {
  readonly summary: RunSummaryFile;
  readonly writer: string;
  readonly startedAt: number;
  readonly finishedAt: number;
  /** CPU time of the whole train process (user + system, all threads), start-up included. */
  readonly cpuSeconds: number;
  readonly peakRssBytes: number;
}

export interface TrainRunResult {
  readonly records: number;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  readonly peakRssBytes: number;
  readonly summary: RunSummaryFile;
  readonly details: Readonly<Record<string, unknown>>;
}

export function trainChildArgument(context: BenchContext, input: string, name: string, follow: boolean): TrainChildArgument {
  return {
    input,
    topicPrefix: `${context.runId}.${name}`,
    groupId: `${context.runId}.${name}.train`,
    modelId: `${context.runId}.${name}`,
    outDir: join(context.tmp, `out-${name}`),
    follow,
  };
}

export async function runTrain(context: BenchContext, input: string, name: string): Promise<TrainRunResult> {
  const argument = trainChildArgument(context, input, name, false);
  // Compiled and launched as `make run` launches the pipelines (see pipeline-launch.ts), so its peak RSS is what users get.
  const report = await runCompiledChild<TrainChildReport>(context, 'train-child.ts', argument, context.options.childTimeoutMs);
  const steps: Array<{ eventTime: number; sentAt: number; rows: number }> = [];
  await readTopic(connectionOf(context), `${argument.topicPrefix}.metrics`, `${argument.groupId}.read-metrics`, (record) => {
    if (record.value === null) return;
    const metrics = decodeStepMetrics(record.value);
    steps.push({ eventTime: metrics.eventTime, sentAt: record.timestamp, rows: metrics.rows });
  });
  if (steps.length < 2) throw new Error(`train wrote ${steps.length} metrics records to ${argument.topicPrefix}.metrics; need 2 or more to time it`);
  const first = steps[0];
  const last = steps[steps.length - 1];
  const timedRecords = steps.reduce((sum, step) => sum + step.rows, 0) - first.rows;
  const seconds = Math.max(last.sentAt - first.eventTime, 1) / 1000;
  return {
    records: report.summary.records,
    seconds,
    recordsPerSecond: timedRecords / seconds,
    peakRssBytes: report.peakRssBytes,
    summary: report.summary,
    details: {
      timed: 'first metrics record eventTime → last metrics record Kafka timestamp (first window excluded)',
      trainCallSeconds: (report.finishedAt - report.startedAt) / 1000,
      processCpuSeconds: report.cpuSeconds,
      messages: report.summary.messages,
      windows: report.summary.batches,
      accepted: report.summary.accepted,
      rejected: report.summary.rejected,
      deadLettered: report.summary.deadLettered,
      metricsRecords: steps.length,
      writer: report.writer,
    },
  };
}
