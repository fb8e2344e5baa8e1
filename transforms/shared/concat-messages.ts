/**
 * Plain helpers the window operators share: concatenating rows into fresh buffers and merging
 * source positions per topic-partition. No RxJS here.
 */
import type { LabeledBatch } from '../../models/types';
import { matrix } from '../../models/types';
import type { LabeledMessage, SourcePosition, Window } from '../types';

/** A window without its index: what a group of messages turns into. */
export type WindowContents = Omit<Window, 'index'>;

/**
 * Throws unless `batch` is a well-formed matrix with one label per row. `what` names the batch in
 * the message, e.g. `message 7`.
 */
export function checkBatchShape(batch: LabeledBatch, what: string): void {
  const { x, y } = batch;
  if (x.data.length !== x.rows * x.cols) {
    throw new RangeError(`${what} has ${x.data.length} feature values, expected rows × cols = ${x.rows * x.cols}`);
  }
  if (y.length !== x.rows) {
    throw new RangeError(`${what} has ${y.length} labels for ${x.rows} rows`);
  }
}

/**
 * The rows of all batches, in order, copied into fresh buffers. Batches without rows are skipped
 * (a decoded empty message may report 0 columns); all others must have the same column count.
 */
export function concatBatches(batches: readonly LabeledBatch[], names: (i: number) => string = (i) => `batch ${i}`): LabeledBatch {
  let rows = 0;
  let cols = -1;
  for (let i = 0; i < batches.length; i++) {
    const batch = batches[i];
    checkBatchShape(batch, names(i));
    if (batch.x.rows === 0) continue;
    if (cols === -1) cols = batch.x.cols;
    else if (batch.x.cols !== cols) {
      throw new RangeError(`${names(i)} has ${batch.x.cols} feature columns, expected ${cols} like the rows before it`);
    }
    rows += batch.x.rows;
  }
  cols = Math.max(cols, 0);
  const data = new Float64Array(rows * cols);
  const y = new Int32Array(rows);
  let row = 0;
  for (const batch of batches) {
    if (batch.x.rows === 0) continue;
    data.set(batch.x.data, row * cols);
    y.set(batch.y, row);
    row += batch.x.rows;
  }
  return { x: matrix(rows, cols, data), y };
}

/**
 * One position per topic-partition, in order of first appearance: the first offset seen and the
 * last offset seen. Offsets are taken in arrival order (Kafka delivers a partition in offset
 * order), never compared as numbers, so 64-bit offset strings stay exact.
 */
export function mergePositions(positions: Iterable<SourcePosition | undefined>): SourcePosition[] {
  const merged = new Map<string, SourcePosition>();
  for (const position of positions) {
    if (position === undefined) continue;
    // Kafka topic names are limited to [a-zA-Z0-9._-], so ':' cannot make two keys collide.
    const key = `${position.topic}:${position.partition}`;
    const seen = merged.get(key);
    merged.set(key, {
      topic: position.topic,
      partition: position.partition,
      firstOffset: seen === undefined ? position.firstOffset : seen.firstOffset,
      lastOffset: position.lastOffset,
    });
  }
  return [...merged.values()];
}

/**
 * The rows of `messages` concatenated into one fresh batch, the number of messages that
 * contributed rows, and their positions merged per topic-partition.
 */
export function concatMessages(messages: readonly LabeledMessage[]): WindowContents {
  return {
    batch: concatBatches(
      messages.map((message) => message.batch),
      (i) => `message ${messages[i].id}`,
    ),
    messages: messages.reduce((count, message) => count + (message.batch.x.rows > 0 ? 1 : 0), 0),
    positions: mergePositions(messages.map((message) => message.position)),
  };
}
