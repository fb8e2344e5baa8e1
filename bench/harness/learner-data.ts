/**
 * The learner-core data: the first `rows` rows of the stationary clickstream (the same generator and
 * seed as the Kafka topics of the end-to-end runs), in the producer's message-sized batches of
 * 100–109 rows, with a batch boundary exactly at the holdout split (REFERENCE §2: train on the first
 * 80%, test on the last 20%).
 *
 * The binary file hands the same rows to the Python learners: little-endian int32 rows, cols,
 * batches, trainRows; int32 batch sizes; float64 features row-major; int32 labels.
 */
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import { clickstream } from '../../generators/clickstream';
import { matrix, sliceRows, type LabeledBatch, type Matrix } from '../../models/types';

export const FEATURES = 10;
const HEADER_INTS = 4;

export interface LearnerData {
  readonly x: Matrix;
  readonly y: Int32Array;
  readonly sizes: Int32Array;
  /** Rows [0, trainRows) are the holdout's training part, [trainRows, rows) its test part. */
  readonly trainRows: number;
}

export function stationaryRows(rows: number, seed: number, trainFraction = 0.8): LearnerData {
  const x = matrix(rows, FEATURES);
  const y = new Int32Array(rows);
  const trainRows = Math.round(rows * trainFraction);
  const sizes: number[] = [];
  let filled = 0;
  for (const message of clickstream({ seed, concept: 'stationary', messages: Infinity })) {
    const take = Math.min(message.batch.x.rows, rows - filled);
    x.data.set(message.batch.x.data.subarray(0, take * FEATURES), filled * FEATURES);
    y.set(message.batch.y.subarray(0, take), filled);
    // A message that straddles the split becomes two batches, so no batch mixes train and test rows.
    if (filled < trainRows && filled + take > trainRows) sizes.push(trainRows - filled, filled + take - trainRows);
    else sizes.push(take);
    filled += take;
    if (filled === rows) break;
  }
  return { x, y, sizes: Int32Array.from(sizes), trainRows };
}

export function batchesOf(data: LearnerData): LabeledBatch[] {
  const batches: LabeledBatch[] = [];
  let start = 0;
  for (const size of data.sizes) {
    batches.push({ x: sliceRows(data.x, start, start + size), y: data.y.subarray(start, start + size) });
    start += size;
  }
  return batches;
}

export function writeLearnerData(data: LearnerData, path: string): void {
  const header = Int32Array.of(data.x.rows, FEATURES, data.sizes.length, data.trainRows);
  const parts = [header, data.sizes, data.x.data, data.y].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  writeFileSync(path, Buffer.concat(parts));
}

/** Reads the file straight into typed arrays (no intermediate copy, so the child's peak RSS is the data once). */
export function readLearnerData(path: string): LearnerData {
  const fd = openSync(path, 'r');
  try {
    let position = 0;
    const fill = <T extends Int32Array | Float64Array>(array: T): T => {
      const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
      for (let done = 0; done < bytes.length;) {
        const read = readSync(fd, bytes, done, bytes.length - done, position + done);
        if (read === 0) throw new Error(`${path}: ends after ${position + done} bytes`);
        done += read;
      }
      position += bytes.length;
      return array;
    };
    const [rows, cols, batches, trainRows] = fill(new Int32Array(HEADER_INTS));
    if (cols !== FEATURES) throw new Error(`${path}: ${cols} features, expected ${FEATURES}`);
    const sizes = fill(new Int32Array(batches));
    const features = fill(new Float64Array(rows * cols));
    const y = fill(new Int32Array(rows));
    return { x: matrix(rows, cols, features), y, sizes, trainRows };
  } finally {
    closeSync(fd);
  }
}
