import type { MonoTypeOperatorFunction } from 'rxjs';
import { concat, defer, ignoreElements, tap } from 'rxjs';
import { join } from 'node:path';
import type { MetricsCsvStep } from './metrics-csv';
import { writeMetricsCsv } from './metrics-csv';
import type { TraceStep } from './training-chart';
import { TrainingTrace, trainingChartSvg } from './training-chart';
import { writeFileAtomic } from './atomic-write';

export interface LocalArtifactPaths {
  readonly metricsCsv: string;
  readonly chart: string;
}

/** Where `writeLocalArtifacts` puts its files under `dir` (the issue's `out/`). */
export function localArtifactPaths(dir = 'out'): LocalArtifactPaths {
  return { metricsCsv: join(dir, 'metrics.csv'), chart: join(dir, 'training-chart.svg') };
}

/**
 * The local artifacts of a training run, plugged at the end of a chain: `metrics.csv` is written as
 * the steps pass, and the training chart (`trainingChartSvg`) is written atomically once the steps
 * complete, before completion is passed on. Memory stays bounded however long the run (see
 * `TrainingTrace`). On error the CSV is flushed and closed and no chart is written.
 *
 * @example
 * const summary = await lastValueFrom(steps$.pipe(writeLocalArtifacts('out'), reduce(countDecisions, undefined)));
 *
 * Marble (`|` waits for the chart file):
 *
 *     steps:   -a-b-|
 *     result:  -a-b--|
 */
export function writeLocalArtifacts<T extends MetricsCsvStep & TraceStep>(dir = 'out', options: { readonly chartTitle?: string } = {}): MonoTypeOperatorFunction<T> {
  const paths = localArtifactPaths(dir);
  return (steps) =>
    defer(() => {
      const trace = new TrainingTrace();
      const chart = defer(() => writeFileAtomic(paths.chart, trainingChartSvg(trace.data(), { title: options.chartTitle }))).pipe(ignoreElements());
      return concat(
        steps.pipe(
          writeMetricsCsv<T>(paths.metricsCsv),
          tap((step) => trace.add(step)),
        ),
        chart,
      );
    });
}
