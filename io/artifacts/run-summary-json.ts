/**
 * `out/run-summary.json`: what a training run did, for people and scripts.
 *
 * "Final" metrics are cumulative over every evaluated row of the run, accepted update or not
 * (prequential: every row, scored before the model learned it; holdout: every test split). That is
 * the honest figure: the last window's metrics are noisy (about 100 rows) and a rolling window would
 * hide how the run went before it. `runSummaryFile` therefore refuses running metrics of another mode.
 *
 * Figures that are undefined (no rows evaluated, zero wall time) are written as null.
 */
import type { TrackedMetrics } from '../../metrics/tracker';
import { writeFileAtomic } from './atomic-write';

export interface RunSummaryFile {
  /** Upstream messages consumed, dead-lettered ones included. */
  readonly messages: number;
  /** Rows trained on. */
  readonly records: number;
  /** Training windows (one gate decision each, except the first prequential window). */
  readonly batches: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly deadLettered: number;
  readonly finalAccuracy: number | null;
  readonly finalF1: number | null;
  readonly finalLogLoss: number | null;
  readonly recordsPerSecond: number | null;
  readonly wallSeconds: number;
  // Extras, written when known.
  /** Windows with nothing to decide (the first prequential window). */
  readonly undecided?: number;
  readonly modelVersion?: number;
  /** Cumulative ROC AUC; binned, within `finalRocAucErrorBound` of the exact figure. */
  readonly finalRocAuc?: number | null;
  readonly finalRocAucErrorBound?: number | null;
  readonly evaluatedRows?: number;
  readonly model?: string;
  readonly gate?: string;
  readonly evaluation?: string;
  readonly metricsCsv?: string;
  readonly chart?: string;
}

/** What the step counts provide (the shape of `RunSummary` in pipelines/run-summary). */
export interface DecisionCounts {
  readonly windows: number;
  readonly records: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly undecided: number;
  readonly version: number;
  readonly cumulative: TrackedMetrics;
}

/** What only the pipeline knows. */
export interface RunFacts {
  readonly messages: number;
  readonly deadLettered: number;
  readonly wallSeconds: number;
  readonly model?: string;
  readonly gate?: string;
  readonly evaluation?: string;
  readonly metricsCsv?: string;
  readonly chart?: string;
}

/** The summary of a run; `counts` is undefined when no window was trained. */
export function runSummaryFile(counts: DecisionCounts | undefined, facts: RunFacts): RunSummaryFile {
  for (const name of ['messages', 'deadLettered', 'wallSeconds'] as const) {
    const value = facts[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`runSummaryFile: ${name} must be a finite number ≥ 0, got ${String(value)}`);
  }
  if (counts !== undefined && counts.cumulative.mode !== 'cumulative') {
    throw new Error(`runSummaryFile: counts.cumulative.mode must be "cumulative" (final metrics cover every evaluated row), got "${counts.cumulative.mode}"`);
  }
  const records = counts?.records ?? 0;
  const final = counts?.cumulative;
  const { messages, deadLettered, wallSeconds, ...labels } = facts;
  return {
    messages,
    records,
    batches: counts?.windows ?? 0,
    accepted: counts?.accepted ?? 0,
    rejected: counts?.rejected ?? 0,
    deadLettered,
    finalAccuracy: finite(final?.accuracy),
    finalF1: finite(final?.f1),
    finalLogLoss: finite(final?.logLoss),
    recordsPerSecond: wallSeconds > 0 ? Math.round(records / wallSeconds) : null,
    wallSeconds: Math.round(wallSeconds * 1000) / 1000,
    undecided: counts?.undecided ?? 0,
    modelVersion: counts?.version ?? 0,
    finalRocAuc: finite(final?.rocAuc),
    finalRocAucErrorBound: finite(final?.rocAucErrorBound),
    evaluatedRows: final?.rows ?? 0,
    ...withoutUndefined(labels),
  };
}

/** Writes the summary as indented JSON, atomically (see `writeFileAtomic`). */
export async function writeRunSummaryJson(path: string, summary: RunSummaryFile): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(summary, null, 2)}\n`);
}

const finite = (value: number | undefined): number | null => (value !== undefined && Number.isFinite(value) ? value : null);

function withoutUndefined<T extends object>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;
}
