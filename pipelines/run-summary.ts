/** Counting and printing what a training run did: the closing summary of every training pipeline. */
import type { TrackedMetrics } from '../metrics/tracker';
import type { BatchMetrics } from '../metrics/types';
import type { RunSummaryFile } from '../io/artifacts/run-summary-json';

export interface RunSummary {
  readonly windows: number;
  readonly records: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly undecided: number;
  readonly version: number;
  /** Running metrics over every evaluated row, accepted or not. */
  readonly cumulative: TrackedMetrics;
  /** The last window's own metrics. */
  readonly last: BatchMetrics;
}

interface CountableStep {
  readonly rows: number;
  readonly accepted: boolean | null;
  readonly version: number;
  readonly metrics: BatchMetrics;
  readonly tracked: TrackedMetrics;
}

/** A `reduce` accumulator over training steps (start from `undefined`). */
export function countDecisions(summary: RunSummary | undefined, step: CountableStep): RunSummary {
  const before = summary ?? { windows: 0, records: 0, accepted: 0, rejected: 0, undecided: 0 };
  return {
    windows: before.windows + 1,
    records: before.records + step.rows,
    accepted: before.accepted + (step.accepted === true ? 1 : 0),
    rejected: before.rejected + (step.accepted === false ? 1 : 0),
    undecided: before.undecided + (step.accepted === null ? 1 : 0),
    version: step.version,
    cumulative: step.tracked,
    last: step.metrics,
  };
}

/** The summary as an aligned two-column table for the console. */
export function formatSummary(summary: RunSummaryFile): string {
  const number = (value: number | null | undefined, digits = 4): string => (value === null || value === undefined ? 'n/a' : value.toFixed(digits));
  const rows: [string, string][] = [
    ['model', summary.model ?? 'n/a'],
    ['gate', summary.gate ?? 'n/a'],
    ['evaluation', summary.evaluation ?? 'n/a'],
    ['messages', String(summary.messages)],
    ['records trained', String(summary.records)],
    ['windows', String(summary.batches)],
    ['updates accepted', String(summary.accepted)],
    ['updates rejected', String(summary.rejected)],
    ['dead-lettered', String(summary.deadLettered)],
    ['model version', String(summary.modelVersion ?? 'n/a')],
    ['accuracy (all rows)', number(summary.finalAccuracy)],
    ['F1 (all rows)', number(summary.finalF1)],
    ['log loss (all rows)', number(summary.finalLogLoss)],
    ['ROC AUC (all rows)', summary.finalRocAuc == null ? 'n/a' : `${number(summary.finalRocAuc)} ± ${(summary.finalRocAucErrorBound ?? 0).toExponential(1)}`],
    ['wall time', `${summary.wallSeconds.toFixed(2)} s`],
    ['records/s', summary.recordsPerSecond === null ? 'n/a' : summary.recordsPerSecond.toLocaleString('en-US')],
  ];
  if (summary.chart !== undefined) rows.push(['chart', summary.chart]);
  if (summary.metricsCsv !== undefined) rows.push(['metrics CSV', summary.metricsCsv]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}
