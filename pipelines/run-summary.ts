/** Counting and printing what a training run did: the closing summary of every training pipeline. */
import type { TrackedMetrics } from '../metrics/tracker';
import type { BatchMetrics } from '../metrics/types';

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

export function formatSummary(summary: RunSummary, wallSeconds: number, setup: Record<string, string>): string {
  const rate = summary.records / wallSeconds;
  const rows: [string, string][] = [
    ...Object.entries(setup),
    ['windows', String(summary.windows)],
    ['records', String(summary.records)],
    ['updates accepted', String(summary.accepted)],
    ['updates rejected', String(summary.rejected)],
    ['model version', String(summary.version)],
    ['accuracy (all rows)', summary.cumulative.accuracy.toFixed(4)],
    ['F1 (all rows)', summary.cumulative.f1.toFixed(4)],
    ['log loss (all rows)', summary.cumulative.logLoss.toFixed(4)],
    ['ROC AUC (all rows)', `${summary.cumulative.rocAuc.toFixed(4)} ± ${summary.cumulative.rocAucErrorBound.toExponential(1)}`],
    ['wall time', `${wallSeconds.toFixed(2)} s`],
    ['records/s', Math.round(rate).toLocaleString('en-US')],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}
