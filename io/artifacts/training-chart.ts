/**
 * The training chart: accuracy and F1 (top panel) and log loss (bottom panel, its own scale)
 * against records seen, with drift events as dashed markers. Per-window metrics are drawn faint;
 * running metrics (`trackMetrics`, e.g. cumulative) bold when the steps carry them.
 *
 * `TrainingTrace` collects what the chart needs in fixed memory, however long the run: each series
 * is a `BoundedSeries` (about 2,000 points kept) and at most `maxMarkers` drift markers are kept.
 */
import type { BatchMetrics } from '../../metrics/types';
import type { TrackedMetrics, TrackingKind } from '../../metrics/tracker';
import type { SeriesPoints } from './decimate';
import { BoundedSeries, DEFAULT_SERIES_BUCKETS } from './bounded-series';
import type { ChartMarker, ChartSeries } from './line-chart-svg';
import { PALETTE, stackedChartSvg } from './line-chart-svg';

export interface TraceStep {
  readonly metrics: BatchMetrics;
  readonly state: { readonly rowsSeen: number };
  readonly tracked?: TrackedMetrics;
  /** True on the step where a drift detector fired. */
  readonly drift?: boolean;
}

interface MetricSeries<T> {
  readonly accuracy: T;
  readonly f1: T;
  readonly logLoss: T;
}

export interface TrainingChartData {
  readonly windows: number;
  readonly records: number;
  readonly perWindow: MetricSeries<SeriesPoints>;
  readonly tracked?: MetricSeries<SeriesPoints> & { readonly mode: TrackingKind };
  readonly markers: readonly ChartMarker[];
  /** Drift events past `maxMarkers`, counted but not drawn. */
  readonly markersDropped: number;
}

export interface TrainingTraceOptions {
  readonly buckets?: number;
  readonly maxMarkers?: number;
}

const metricSeries = (buckets: number): MetricSeries<BoundedSeries> => ({
  accuracy: new BoundedSeries(buckets),
  f1: new BoundedSeries(buckets),
  logLoss: new BoundedSeries(buckets),
});

export class TrainingTrace {
  private readonly buckets: number;
  private readonly maxMarkers: number;
  private readonly perWindow: MetricSeries<BoundedSeries>;
  private tracked: (MetricSeries<BoundedSeries> & { mode: TrackingKind }) | undefined;
  private readonly markers: ChartMarker[] = [];
  private markersDropped = 0;
  private windows = 0;
  private records = 0;

  constructor(options: TrainingTraceOptions = {}) {
    this.buckets = options.buckets ?? DEFAULT_SERIES_BUCKETS;
    this.maxMarkers = options.maxMarkers ?? 100;
    this.perWindow = metricSeries(this.buckets);
  }

  add(step: TraceStep): void {
    const x = step.state.rowsSeen;
    this.windows += 1;
    this.records = x;
    addMetrics(this.perWindow, x, step.metrics);
    if (step.tracked !== undefined) {
      // The first tracked step fixes the mode; a later step without metrics leaves a gap.
      this.tracked ??= { ...metricSeries(this.buckets), mode: step.tracked.mode };
    }
    if (this.tracked !== undefined) addMetrics(this.tracked, x, step.tracked);
    if (step.drift === true) {
      if (this.markers.length < this.maxMarkers) this.markers.push({ x, label: 'drift' });
      else this.markersDropped += 1;
    }
  }

  data(): TrainingChartData {
    const points = (series: MetricSeries<BoundedSeries>): MetricSeries<SeriesPoints> => ({
      accuracy: series.accuracy.points(),
      f1: series.f1.points(),
      logLoss: series.logLoss.points(),
    });
    return {
      windows: this.windows,
      records: this.records,
      perWindow: points(this.perWindow),
      ...(this.tracked === undefined ? {} : { tracked: { ...points(this.tracked), mode: this.tracked.mode } }),
      markers: [...this.markers],
      markersDropped: this.markersDropped,
    };
  }
}

function addMetrics(into: MetricSeries<BoundedSeries>, x: number, metrics: BatchMetrics | undefined): void {
  into.accuracy.add(x, metrics?.accuracy ?? NaN);
  into.f1.add(x, metrics?.f1 ?? NaN);
  into.logLoss.add(x, metrics?.logLoss ?? NaN);
}

/** The trace of a finished list of steps (convenient in tests and small runs). */
export function traceSteps(steps: Iterable<TraceStep>, options?: TrainingTraceOptions): TrainingChartData {
  const trace = new TrainingTrace(options);
  for (const step of steps) trace.add(step);
  return trace.data();
}

const COLORS = { accuracy: PALETTE[0], f1: PALETTE[1], logLoss: PALETTE[2] };

export function trainingChartSvg(data: TrainingChartData, options: { readonly title?: string; readonly subtitle?: string } = {}): string {
  const faint = { strokeWidth: 1, opacity: 0.35 };
  const bold = { strokeWidth: 2.4 };
  const running = data.tracked;
  const windowLabel = running === undefined ? '' : ' (per window)';
  const quality: ChartSeries[] = [
    { name: `accuracy${windowLabel}`, points: data.perWindow.accuracy, color: COLORS.accuracy, ...(running ? faint : {}) },
    { name: `F1${windowLabel}`, points: data.perWindow.f1, color: COLORS.f1, ...(running ? faint : {}) },
  ];
  const loss: ChartSeries[] = [{ name: `log loss${windowLabel}`, points: data.perWindow.logLoss, color: COLORS.logLoss, ...(running ? faint : {}) }];
  if (running !== undefined) {
    quality.push(
      { name: `accuracy (${running.mode})`, points: running.accuracy, color: COLORS.accuracy, ...bold },
      { name: `F1 (${running.mode})`, points: running.f1, color: COLORS.f1, ...bold },
    );
    loss.push({ name: `log loss (${running.mode})`, points: running.logLoss, color: COLORS.logLoss, ...bold });
  }
  const facts = [`${data.windows.toLocaleString('en-US')} windows`, `${data.records.toLocaleString('en-US')} records`];
  if (data.markers.length > 0) facts.push(`${data.markers.length + data.markersDropped} drift events${data.markersDropped > 0 ? ` (first ${data.markers.length} marked)` : ''}`);
  return stackedChartSvg({
    title: options.title ?? 'Training: accuracy, F1 and log loss against records seen',
    subtitle: options.subtitle ?? facts.join(' · '),
    xLabel: 'records seen',
    panels: [
      { yLabel: 'accuracy, F1', series: quality },
      { yLabel: 'log loss', series: loss },
    ],
    markers: data.markers,
    panelHeight: 250,
  });
}
