import type { MonoTypeOperatorFunction } from 'rxjs';
import { connect, filter, map, merge, pipe, scan, takeLast } from 'rxjs';

export interface SnapshotTriggers {
  /** Snapshot the step of every Nth accepted update (`accepted === true`). */
  readonly everyAccepted?: number;
  /** Snapshot every Nth step, accepted or not. */
  readonly everySteps?: number;
  /** Snapshot the last step when the source completes, unless it was already emitted. Default true. */
  readonly onComplete?: boolean;
}

interface Tally<T> {
  readonly steps: number;
  readonly accepted: number;
  readonly step: T;
  readonly due: boolean;
}

/**
 * Emits the training steps whose model should be snapshotted: every `everyAccepted`-th accepted
 * update, every `everySteps`-th step, and the final step on completion. A step that meets several
 * triggers is emitted once. Counts start at subscription, so a resumed run counts afresh.
 *
 * @example
 * steps$.pipe(selectSnapshots({ everyAccepted: 100 })).subscribe((step) => saveSnapshot(step));
 *
 * Marble (`selectSnapshots({ everyAccepted: 2 })`; uppercase = accepted, lowercase = rejected):
 *
 *     steps:      -A-b-C-D-e-|
 *     snapshots:  -----C-----(e|)      C is the 2nd accepted update, e the last step
 */
export function selectSnapshots<T extends { index: number; accepted: boolean | null }>(
  triggers: SnapshotTriggers = {},
): MonoTypeOperatorFunction<T> {
  const everyAccepted = positiveIntegerOrOff(triggers.everyAccepted, 'everyAccepted');
  const everySteps = positiveIntegerOrOff(triggers.everySteps, 'everySteps');
  const onComplete = triggers.onComplete ?? true;
  if (typeof onComplete !== 'boolean') {
    throw new TypeError(`selectSnapshots: onComplete must be a boolean, got ${typeof onComplete}`);
  }
  if (everyAccepted === 0 && everySteps === 0 && !onComplete) {
    throw new RangeError('selectSnapshots: no trigger is enabled; set everyAccepted, everySteps or onComplete: true');
  }
  return pipe(
    scan<T, Tally<T>, Tally<T> | null>((previous, step) => {
      const steps = (previous?.steps ?? 0) + 1;
      const isAccepted = step.accepted === true;
      const accepted = (previous?.accepted ?? 0) + (isAccepted ? 1 : 0);
      const due = (isAccepted && everyAccepted > 0 && accepted % everyAccepted === 0) || (everySteps > 0 && steps % everySteps === 0);
      return { steps, accepted, step, due };
    }, null),
    connect((tallies) =>
      merge(
        tallies.pipe(filter((tally) => tally.due)),
        tallies.pipe(
          takeLast(1),
          filter((tally) => onComplete && !tally.due),
        ),
      ),
    ),
    map((tally) => tally.step),
  );
}

/** The trigger's period, or 0 when it is off. */
function positiveIntegerOrOff(value: number | undefined, name: string): number {
  if (value === undefined) return 0;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`selectSnapshots: ${name} must be a positive integer (or left out to turn it off), got ${value}`);
  }
  return value;
}
