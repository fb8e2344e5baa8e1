import type { Observable } from 'rxjs';
import { catchError, of } from 'rxjs';
import { matrix } from '../../models/types';
import type { LabeledMessage, SourcePosition, Window } from '../../transforms/types';

/** A labelled message with the given feature rows and labels, optionally at a Kafka offset. */
export function labeledMessage(
  id: number,
  rows: readonly (readonly number[])[],
  labels: readonly number[],
  position?: { topic?: string; partition?: number; offset: number },
): LabeledMessage {
  const cols = rows.length > 0 ? rows[0].length : 0;
  const x = matrix(rows.length, cols, Float64Array.from(rows.flat()));
  return {
    id,
    eventTime: 1_700_000_000_000 + id,
    batch: { x, y: Int32Array.from(labels) },
    ...(position === undefined ? {} : { position: offsetPosition(position.offset, position.topic, position.partition) }),
  };
}

/** The window a spec expects, written out row by row. */
export function expectedWindow(
  index: number,
  rows: readonly (readonly number[])[],
  labels: readonly number[],
  messages: number,
  positions: readonly SourcePosition[] = [],
): Window {
  const cols = rows.length > 0 ? rows[0].length : 0;
  return { index, batch: { x: matrix(rows.length, cols, Float64Array.from(rows.flat())), y: Int32Array.from(labels) }, messages, positions };
}

/** The position of a single message at `offset`, or of the offsets `offset … lastOffset`. */
export function offsetPosition(offset: number, topic = 'clicks', partition = 0, lastOffset = offset): SourcePosition {
  return { topic, partition, firstOffset: String(offset), lastOffset: String(lastOffset) };
}

/**
 * Turns an error notification into a final `{ error, cause }` value, so a spec can compare the
 * message and the wrapped cause in a marble instead of relying on how Error objects compare.
 */
export function errorAsValue<T>(source: Observable<T>): Observable<T | { error: string; cause: unknown }> {
  return source.pipe(
    catchError((error: unknown) =>
      of({ error: error instanceof Error ? error.message : String(error), cause: error instanceof Error ? error.cause : undefined }),
    ),
  );
}
