import type { OperatorFunction } from 'rxjs';
import { concatWith, defer, mergeMap } from 'rxjs';
import { matrix } from '../models/types';
import { checkBatchShape, mergePositions } from './shared/concat-messages';
import type { LabeledMessage, SourcePosition, Window } from './types';

/**
 * Cuts a stream of labelled messages into windows of exactly `rows` rows.
 *
 * A message's rows may be split across two or more windows; the last, partial window is emitted
 * when the source completes. Each window owns fresh buffers (every row is copied exactly once).
 * `messages` counts the messages that contributed rows to the window and `positions` merges their
 * positions per topic-partition, so a message split across windows appears in each of them.
 * Messages without rows contribute no rows but their positions join the next window.
 *
 * @example
 * from(messages).pipe(countWindow(256)).subscribe((w) => console.log(w.index, w.batch.x.rows));
 *
 * Marble (`countWindow(4)`; message a has 3 rows, b and c have 2 each):
 *
 *     messages:  --a----b----c--|
 *     windows:   -------A-------(B|)
 *
 *     A = a0 a1 a2 b0 (full), B = b1 c0 c1 (partial, emitted on completion)
 *
 * A message whose column count differs from the first one surfaces as an error notification.
 */
export function countWindow(rows: number): OperatorFunction<LabeledMessage, Window> {
  if (!Number.isSafeInteger(rows) || rows < 1) {
    throw new RangeError(`countWindow: rows must be a positive integer, got ${rows}`);
  }
  return (source) =>
    defer(() => {
      const cutter = windowCutter(rows);
      return source.pipe(
        mergeMap((message) => cutter.push(message)),
        concatWith(defer(() => cutter.flush())),
      );
    });
}

/** The per-subscription state of `countWindow`: the window being filled. */
function windowCutter(rows: number) {
  let index = 0;
  let cols = -1;
  let data: Float64Array | undefined;
  let labels: Int32Array | undefined;
  let filled = 0;
  let contributing = 0;
  let positions: SourcePosition[] = [];

  function take(full: boolean): Window {
    const size = filled * cols;
    // The partial last window is trimmed with one extra copy, once per stream.
    const x = matrix(filled, cols, full ? data! : data!.slice(0, size));
    const y = full ? labels! : labels!.slice(0, filled);
    const window: Window = { index: index++, batch: { x, y }, messages: contributing, positions: mergePositions(positions) };
    data = undefined;
    labels = undefined;
    filled = 0;
    contributing = 0;
    positions = [];
    return window;
  }

  return {
    push(message: LabeledMessage): Window[] {
      const { x, y } = message.batch;
      checkBatchShape(message.batch, `countWindow: message ${message.id}`);
      if (x.rows === 0) {
        if (message.position !== undefined) positions.push(message.position);
        return [];
      }
      if (cols === -1) cols = x.cols;
      else if (x.cols !== cols) {
        throw new RangeError(`countWindow: message ${message.id} has ${x.cols} feature columns, expected ${cols} like the messages before it`);
      }
      const windows: Window[] = [];
      for (let row = 0; row < x.rows; ) {
        if (data === undefined) {
          data = new Float64Array(rows * cols);
          labels = new Int32Array(rows);
        }
        const count = Math.min(rows - filled, x.rows - row);
        data.set(x.data.subarray(row * cols, (row + count) * cols), filled * cols);
        labels!.set(y.subarray(row, row + count), filled);
        filled += count;
        row += count;
        contributing++;
        if (message.position !== undefined) positions.push(message.position);
        if (filled === rows) windows.push(take(true));
      }
      return windows;
    },
    flush(): Window[] {
      return filled > 0 ? [take(false)] : [];
    },
  };
}
