import type { OperatorFunction } from 'rxjs';
import { defer, map } from 'rxjs';
import type { Scored } from '../metrics/types';
import type { TrackedMetrics, TrackerState, TrackingMode } from '../metrics/tracker';
import { tracker } from '../metrics/tracker';
import { trackerAccumulator } from '../metrics/tracker-accumulator';
import { withContext } from '../training/errors';

export type WithTracked<T> = T & {
  readonly tracked: TrackedMetrics;
  /**
   * The tracker's state after this item, for checkpoints that resume the running metrics exactly.
   * Materialised on first read (then cached and frozen), so read it only where it is needed, e.g.
   * when a checkpoint is written: it is the state after this item however much later it is read.
   */
  readonly trackerState: TrackerState;
};

const SNAPSHOT = Symbol('trackerSnapshot');

const TRACKER_STATE_ACCESSOR: PropertyDescriptor = Object.freeze({
  get(this: { readonly [SNAPSHOT]: () => TrackerState }): TrackerState {
    return this[SNAPSHOT]();
  },
  enumerable: true,
  configurable: true,
});

/**
 * Adds running metrics over the stream to each item: cumulative, over a rolling window of the last
 * N rows, fading, or per window (see `metrics/tracker`). Every item counts, accepted or not, so the
 * running figures carry no selection bias.
 *
 * Each subscription keeps its own accumulator (`metrics/tracker-accumulator`), updated in place;
 * `initial` and the states handed out are never mutated.
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
    defer(() => {
      const accumulator = trackerAccumulator(start);
      return source.pipe(
        map((item): WithTracked<T> => {
          try {
            accumulator.add(item.scored);
          } catch (error) {
            throw withContext('trackMetrics', error);
          }
          // Built by assignment, not `{ ...item, tracked, get trackerState() {…} }`: in V8 a spread
          // followed by more properties takes a slow path (~1 µs), and a getter closure per item gives
          // every item its own hidden class. The one shared getter reads the item's own snapshot.
          const out = Object.assign({}, item) as Record<PropertyKey, unknown>;
          out.tracked = accumulator.metrics();
          Object.defineProperty(out, 'trackerState', TRACKER_STATE_ACCESSOR);
          Object.defineProperty(out, SNAPSHOT, { value: accumulator.snapshot() });
          return out as WithTracked<T>;
        }),
      );
    });
}
