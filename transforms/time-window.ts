import type { OperatorFunction, SchedulerLike } from 'rxjs';
import { asyncScheduler, bufferTime, filter, map, pipe } from 'rxjs';
import { withContext } from '../training/errors';
import { concatMessages } from './shared/concat-messages';
import type { LabeledMessage, Window } from './types';

/**
 * One window per `durationMs` of arrival (processing) time, with `bufferTime` semantics: the clock
 * starts at subscription, the messages that arrived during each period are concatenated into fresh
 * buffers, and what is pending when the source completes is emitted at once. Periods in which no
 * message arrived emit nothing, so `index` counts emitted windows, not periods.
 *
 * Pass a scheduler to run in virtual time (tests, replays); the default is `asyncScheduler`.
 *
 * @example
 * kafkaMessages$.pipe(timeWindow(5_000)).subscribe((w) => console.log(w.index, w.batch.x.rows));
 *
 * Marble (`timeWindow(4)`, one character per millisecond; periods close at 4, 8, 12, …):
 *
 *     messages:  -a-b------c--d|
 *     windows:   ----A-------C-(D|)      A = a + b; 4–8 had no message; D is flushed on completion
 *
 * Messages whose column counts differ inside one window surface as an error notification.
 */
export function timeWindow(durationMs: number, scheduler: SchedulerLike = asyncScheduler): OperatorFunction<LabeledMessage, Window> {
  if (!Number.isFinite(durationMs) || durationMs <= 0) {
    throw new RangeError(`timeWindow: durationMs must be a finite number > 0, got ${durationMs}`);
  }
  return pipe(
    bufferTime<LabeledMessage>(durationMs, scheduler),
    filter((messages) => messages.length > 0),
    map((messages, index) => {
      try {
        return { index, ...concatMessages(messages) };
      } catch (error) {
        throw withContext(`timeWindow: window ${index}`, error);
      }
    }),
  );
}
