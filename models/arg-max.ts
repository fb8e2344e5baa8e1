/**
 * The first most probable class of each row of a `rows × k` row-major probability matrix, written
 * into `out` (default: a new array) and returned. A caller on a hot path passes a slab view
 * (see typed-array-slab.ts): an Int32Array of ~100 rows otherwise gets its own off-heap buffer.
 */
export function argMaxRows(proba: Float64Array, rows: number, k: number, out: Int32Array = new Int32Array(rows)): Int32Array {
  if (k === 2) {
    // `+(a > b)`, not `a > b ? 1 : 0`: V8 compiles it without a branch, which the coin-flip
    // comparisons of a binary model would mispredict half the time.
    for (let r = 0; r < rows; r++) out[r] = +(proba[2 * r + 1] > proba[2 * r]);
    return out;
  }
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (proba[r * k + c] > proba[r * k + best]) best = c;
    out[r] = best;
  }
  return out;
}
