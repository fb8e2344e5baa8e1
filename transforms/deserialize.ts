import type { OperatorFunction } from 'rxjs';
import { map } from 'rxjs';

/** A record that decoded. */
export interface DecodeSuccess<T> {
  readonly ok: true;
  readonly value: T;
}

/** A record that did not decode, kept whole so a dead-letter sink can store or replay it. */
export interface DecodeFailure<R> {
  readonly ok: false;
  readonly raw: R;
  /** The decoder's error message, fit for a log line or a dead-letter header. */
  readonly reason: string;
  readonly error: unknown;
}

export type DecodeResult<T, R> = DecodeSuccess<T> | DecodeFailure<R>;

/**
 * Decodes each raw record with `decode`. A decoder that throws yields a {@link DecodeFailure}
 * value, never an error notification: one bad record must not end the stream, and what to do
 * with it (skip, dead-letter, stop) is decided downstream, e.g. by `routeFailures`.
 *
 * @example
 * rawMessages$.pipe(
 *   deserialize((raw: Buffer) => parseClickMessage(raw)),
 *   routeFailures((failure) => console.warn('skipped a record:', failure.reason)),
 * );
 *
 * Marble (`b` does not decode):
 *
 *     raw:      --a--b--c--|
 *     results:  --A--F--C--|      A = { ok: true, value }, F = { ok: false, raw: b, reason, error }
 */
export function deserialize<R, T>(decode: (raw: R) => T): OperatorFunction<R, DecodeResult<T, R>> {
  if (typeof decode !== 'function') {
    throw new TypeError(`deserialize: decode must be a function (raw) => value, got ${typeof decode}`);
  }
  return map((raw): DecodeResult<T, R> => {
    try {
      return { ok: true, value: decode(raw) };
    } catch (error) {
      return { ok: false, raw, reason: error instanceof Error ? error.message : String(error), error };
    }
  });
}
