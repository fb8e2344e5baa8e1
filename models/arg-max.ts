/** The first most probable class of each row of a `rows × k` row-major probability matrix. */
export function argMaxRows(proba: Float64Array, rows: number, k: number): Int32Array {
  const out = new Int32Array(rows);
  if (k === 2) {
    for (let r = 0; r < rows; r++) out[r] = proba[2 * r + 1] > proba[2 * r] ? 1 : 0;
    return out;
  }
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (proba[r * k + c] > proba[r * k + best]) best = c;
    out[r] = best;
  }
  return out;
}
