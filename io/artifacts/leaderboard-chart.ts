import type { ChartMarker, PointsInput } from './line-chart-svg';
import { lineChartSvg } from './line-chart-svg';

export interface LeaderboardLine {
  readonly name: string;
  /** Prequential accuracy (or another running metric) against records; see `BoundedSeries` for long runs. */
  readonly points: PointsInput;
}

/**
 * The leaderboard chart: one line per model, like River's benchmark pages. Drift positions, when
 * the stream has them, are drawn as markers so a model's dip and recovery can be read against them.
 */
export function leaderboardChartSvg(options: {
  readonly models: readonly LeaderboardLine[];
  readonly title?: string;
  readonly subtitle?: string;
  readonly yLabel?: string;
  readonly yRange?: readonly [number, number];
  readonly markers?: readonly ChartMarker[];
}): string {
  return lineChartSvg({
    title: options.title ?? 'Leaderboard: prequential accuracy against records',
    subtitle: options.subtitle,
    xLabel: 'records',
    yLabel: options.yLabel ?? 'prequential accuracy',
    yRange: options.yRange,
    series: options.models.map((model) => ({ name: model.name, points: model.points, strokeWidth: 2 })),
    markers: options.markers,
  });
}
