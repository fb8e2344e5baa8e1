import type { OperatorFunction } from 'rxjs';
import { map, scan } from 'rxjs';
import type { Scored } from '../metrics/types';
import type { TrackedMetrics, TrackerState, TrackingMode } from '../metrics/tracker';
import { readMetrics, tracker, updateTracker } from '../metrics/tracker';
import { withContext } from '../training/errors';

export type WithTracked<T> = T & {
  readonly tracked: TrackedMetrics;
  /** The tracker's state after this item, for checkpoints that resume the running metrics exactly. */
  readonly trackerState: TrackerState;
};

/**
 * Adds running metrics over the stream to each item: cumulative, over a rolling window of the last
 * N rows, fading, or per window (see `metrics/tracker`). Every item counts, accepted or not, so the
 * running figures carry no selection bias.
 *
 * @example
 * windows$.pipe(partialFit(model), trackMetrics({ kind: 'rolling', size: 10_000 }, 2))
 *   .subscribe((step) => console.log(step.tracked.accuracy));
 *
 * Pass `initial` (a restored tracker state) to continue a checkpointed run's running metrics.
 *
 * Marble (A's rows, then A's and B's rows together):
 *
 *     steps:    --a----b--|
 *     tracked:  --A----B--|
 */
export function trackMetrics<T extends { readonly scored: Scored }>(
  mode: TrackingMode,
  nClasses: number,
  options: { readonly initial?: TrackerState } = {},
): OperatorFunction<T, WithTracked<T>> {
  const start = options.initial ?? tracker(mode, nClasses);
  return (source) =>
    source.pipe(
      scan(
        (previous: { state: typeof start; item: T | null }, item: T) => {
          try {
            return { state: updateTracker(previous.state, item.scored), item };
          } catch (error) {
            throw withContext('trackMetrics', error);
          }
        },
        { state: start, item: null },
      ),
      map(({ state, item }) => ({ ...(item as T), tracked: readMetrics(state), trackerState: state })),
    );
}
