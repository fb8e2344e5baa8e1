import type { ObservableInput, OperatorFunction } from 'rxjs';
import { catchError, concatMap, defer, EMPTY, from, ignoreElements, of, throwError } from 'rxjs';
import { withContext } from '../training/errors';
import type { DecodeFailure, DecodeResult } from './deserialize';

/**
 * What to do with a record that did not decode. Return nothing to carry on at once (Kafka
 * Streams' log-and-continue); return an Observable or Promise, such as a produce to a dead-letter
 * topic, to hold every later record until it completes; throw (or let it error) to stop the
 * stream (log-and-fail).
 */
export type FailureHandler<R> = (failure: DecodeFailure<R>) => void | ObservableInput<unknown>;

/**
 * Passes decoded values on and hands each decode failure to `onFailure`, the dead-letter branch.
 *
 * Order is kept and nothing is dropped: while a handler's Observable is running, later records
 * wait behind it, and completion waits for it too. A handler that throws or errors ends the
 * stream with an error naming the failed record's reason.
 *
 * @example
 * rawMessages$.pipe(
 *   deserialize(decodeClickMessage),
 *   routeFailures((failure) => from(deadLetterProducer.send(failure))),
 * );
 *
 * Marble (F did not decode; the handler's Observable for it takes 3 frames, so c waits):
 *
 *     results:   -a-F-c----|
 *     handler:      ---|
 *     values:    -a----c---|
 */
export function routeFailures<T, R>(onFailure: FailureHandler<R>): OperatorFunction<DecodeResult<T, R>, T> {
  if (typeof onFailure !== 'function') {
    throw new TypeError(`routeFailures: onFailure must be a function (failure) => void | Observable, got ${typeof onFailure}`);
  }
  return concatMap((result) => {
    if (result.ok) return of(result.value);
    return defer(() => {
      const handled = onFailure(result);
      return handled === undefined || handled === null ? EMPTY : from(handled);
    }).pipe(
      ignoreElements(),
      catchError((error: unknown) =>
        throwError(() => withContext(`routeFailures: the failure handler failed for a record that did not decode (${result.reason})`, error)),
      ),
    );
  });
}
