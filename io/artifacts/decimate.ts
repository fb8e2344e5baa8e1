/**
 * Min–max decimation: at most `maxPoints` points of a series, keeping the first and last point and,
 * from each of `(maxPoints − 2) / 2` equal runs of points in between, its lowest and highest point
 * in their original order. A spike survives however long the series, which plain striding loses.
 * Points whose y is not finite are left out (a decimated line bridges over them).
 */
export interface SeriesPoints {
  readonly xs: Float64Array;
  readonly ys: Float64Array;
}

export const MAX_CHART_POINTS = 2000;

export function minMaxDecimate(xs: ArrayLike<number>, ys: ArrayLike<number>, maxPoints = MAX_CHART_POINTS): SeriesPoints {
  if (!Number.isInteger(maxPoints) || maxPoints < 4) throw new Error(`minMaxDecimate: maxPoints must be an integer ≥ 4, got ${maxPoints}`);
  if (xs.length !== ys.length) throw new Error(`minMaxDecimate: xs and ys must have the same length, got ${xs.length} and ${ys.length}`);
  const n = xs.length;
  const outX = new Float64Array(Math.min(n, maxPoints));
  const outY = new Float64Array(outX.length);
  let out = 0;
  const keep = (i: number): void => {
    if (!Number.isFinite(ys[i])) return;
    outX[out] = xs[i];
    outY[out] = ys[i];
    out += 1;
  };
  if (n <= maxPoints) {
    for (let i = 0; i < n; i++) keep(i);
    return { xs: outX.slice(0, out), ys: outY.slice(0, out) };
  }
  const buckets = Math.floor((maxPoints - 2) / 2);
  const inner = n - 2;
  keep(0);
  for (let b = 0; b < buckets; b++) {
    const start = 1 + Math.floor((b * inner) / buckets);
    const end = 1 + Math.floor(((b + 1) * inner) / buckets);
    let low = -1;
    let high = -1;
    for (let i = start; i < end; i++) {
      const y = ys[i];
      if (!Number.isFinite(y)) continue;
      if (low < 0 || y < ys[low]) low = i;
      if (high < 0 || y > ys[high]) high = i;
    }
    if (low < 0) continue;
    if (low === high) keep(low);
    else {
      keep(Math.min(low, high));
      keep(Math.max(low, high));
    }
  }
  keep(n - 1);
  return { xs: outX.slice(0, out), ys: outY.slice(0, out) };
}
