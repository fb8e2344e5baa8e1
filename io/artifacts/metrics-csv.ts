/**
 * `metrics.csv`: one row per training window, accepted or not, written as the run goes.
 *
 * Columns: index, rows, rowsSeen, evaluatedRows, accuracy, precision, recall, f1, logLoss, rocAuc
 * (the window's own metrics), accepted (empty when there was nothing to decide), reason, version;
 * then, when the steps carry running metrics (`trackMetrics`), `<mode>Accuracy`, `<mode>F1` and
 * `<mode>LogLoss` (e.g. `cumulativeAccuracy`); then `drift` when the steps carry a drift flag; then
 * any `extraColumns`. Which optional columns appear is decided by the first step.
 */
import type { MonoTypeOperatorFunction } from 'rxjs';
import type { BatchMetrics } from '../../metrics/types';
import type { TrackedMetrics } from '../../metrics/tracker';
import type { CsvColumn } from './csv-format';
import type { TextTarget } from './text-sink';
import { writeCsv } from './write-csv';

/** What a row is made of: a training `Step`, optionally with `tracked` metrics and a drift flag. */
export interface MetricsCsvStep {
  readonly index: number;
  readonly rows: number;
  readonly evaluatedRows: number;
  readonly metrics: BatchMetrics;
  readonly accepted: boolean | null;
  readonly reason: string;
  readonly version: number;
  readonly state: { readonly rowsSeen: number };
  readonly tracked?: TrackedMetrics;
  /** True on the step where a drift detector fired. */
  readonly drift?: boolean;
}

export interface MetricsCsvOptions<T> {
  readonly extraColumns?: readonly CsvColumn<T>[];
}

const BASE_COLUMNS: readonly CsvColumn<MetricsCsvStep>[] = [
  { name: 'index', value: (s) => s.index },
  { name: 'rows', value: (s) => s.rows },
  { name: 'rowsSeen', value: (s) => s.state.rowsSeen },
  { name: 'evaluatedRows', value: (s) => s.evaluatedRows },
  { name: 'accuracy', value: (s) => s.metrics.accuracy },
  { name: 'precision', value: (s) => s.metrics.precision },
  { name: 'recall', value: (s) => s.metrics.recall },
  { name: 'f1', value: (s) => s.metrics.f1 },
  { name: 'logLoss', value: (s) => s.metrics.logLoss },
  { name: 'rocAuc', value: (s) => s.metrics.rocAuc },
  { name: 'accepted', value: (s) => s.accepted },
  { name: 'reason', value: (s) => s.reason },
  { name: 'version', value: (s) => s.version },
];

/** The columns for a stream whose first step is `first`. */
export function metricsCsvColumns<T extends MetricsCsvStep>(first: T | undefined, options: MetricsCsvOptions<T> = {}): readonly CsvColumn<T>[] {
  const columns: CsvColumn<T>[] = [...BASE_COLUMNS];
  const mode = first?.tracked?.mode;
  if (mode !== undefined) {
    // A missing `tracked` on a later step is a broken chain, not a blank: fail loudly.
    const tracked = (s: T): TrackedMetrics => {
      if (s.tracked === undefined) throw new Error(`metrics.csv: step ${s.index} has no tracked metrics, but the first step had`);
      return s.tracked;
    };
    columns.push(
      { name: `${mode}Accuracy`, value: (s) => tracked(s).accuracy },
      { name: `${mode}F1`, value: (s) => tracked(s).f1 },
      { name: `${mode}LogLoss`, value: (s) => tracked(s).logLoss },
    );
  }
  if (first !== undefined && 'drift' in first) columns.push({ name: 'drift', value: (s) => s.drift ?? false });
  return [...columns, ...(options.extraColumns ?? [])];
}

/**
 * Writes `metrics.csv` as the steps pass (see `writeCsv` for backpressure, flushing and closing).
 *
 * @example
 * windows$.pipe(partialFit(model, options), trackMetrics({ kind: 'cumulative' }, 2), writeMetricsCsv('out/metrics.csv'))
 */
export function writeMetricsCsv<T extends MetricsCsvStep>(target: TextTarget, options: MetricsCsvOptions<T> = {}): MonoTypeOperatorFunction<T> {
  return writeCsv(target, (first) => metricsCsvColumns(first, options));
}
