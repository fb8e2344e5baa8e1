import type { Matrix } from '../../models/types';

/**
 * Numerical column rank by modified Gram–Schmidt: a column counts if it is not (nearly) in the span
 * of the previous ones. Rows of one `make_classification` concept span nInformative + nRedundant
 * dimensions (redundant columns are linear combinations), rows of two different concepts more.
 */
export function columnRank(x: Matrix): number {
  const { rows, cols, data } = x;
  const basis: Float64Array[] = [];
  for (let c = 0; c < cols; c++) {
    const v = Float64Array.from({ length: rows }, (_, r) => data[r * cols + c]);
    const norm = Math.hypot(...v);
    for (const q of basis) {
      let dot = 0;
      for (let r = 0; r < rows; r++) dot += q[r] * v[r];
      for (let r = 0; r < rows; r++) v[r] -= dot * q[r];
    }
    const residual = Math.hypot(...v);
    if (residual > 1e-9 * norm) basis.push(v.map((value) => value / residual));
  }
  return basis.length;
}
