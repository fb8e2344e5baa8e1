/**
 * A series of any length kept in fixed memory, for charts of long runs: the points fall into at
 * most `buckets` buckets of equal point count, each remembering only its lowest and highest point.
 * When the buckets are full, neighbours merge pairwise and each bucket then covers twice as many
 * points. `points()` returns the first point, each bucket's low and high in order, and the last
 * point: at most `2 × buckets + 2` points, with every extreme of the run still among them.
 *
 * Points whose y is not finite count towards the buckets (so series fed side by side stay aligned)
 * but are never kept.
 */
import type { SeriesPoints } from './decimate';

export const DEFAULT_SERIES_BUCKETS = 998;

export class BoundedSeries {
  readonly buckets: number;
  private readonly lowX: Float64Array;
  private readonly lowY: Float64Array;
  private readonly highX: Float64Array;
  private readonly highY: Float64Array;
  /** Points per bucket; doubles on every merge. */
  private span = 1;
  /** Buckets in use, the last one possibly still filling. */
  private used = 0;
  private fillOfLast = 0;
  private count = 0;
  private firstX = NaN;
  private firstY = NaN;
  private lastX = NaN;
  private lastY = NaN;

  constructor(buckets = DEFAULT_SERIES_BUCKETS) {
    if (!Number.isInteger(buckets) || buckets < 2 || buckets % 2 !== 0) throw new Error(`BoundedSeries: buckets must be an even integer ≥ 2, got ${buckets}`);
    this.buckets = buckets;
    this.lowX = new Float64Array(buckets);
    this.lowY = new Float64Array(buckets);
    this.highX = new Float64Array(buckets);
    this.highY = new Float64Array(buckets);
  }

  /** Points added so far. */
  get length(): number {
    return this.count;
  }

  /** Points each bucket covers now (a power of two). */
  get pointsPerBucket(): number {
    return this.span;
  }

  add(x: number, y: number): void {
    if (this.count === 0) {
      this.firstX = x;
      this.firstY = y;
    }
    this.count += 1;
    this.lastX = x;
    this.lastY = y;
    if (this.used === 0 || this.fillOfLast === this.span) {
      if (this.used === this.buckets) this.mergePairs();
      this.used += 1;
      this.fillOfLast = 0;
      this.lowY[this.used - 1] = NaN;
      this.highY[this.used - 1] = NaN;
    }
    this.fillOfLast += 1;
    if (!Number.isFinite(y)) return;
    const b = this.used - 1;
    // `!(a <= b)` is true when the bucket is still empty (NaN), so the first finite point sets both.
    if (!(this.lowY[b] <= y)) {
      this.lowX[b] = x;
      this.lowY[b] = y;
    }
    if (!(this.highY[b] >= y)) {
      this.highX[b] = x;
      this.highY[b] = y;
    }
  }

  points(): SeriesPoints {
    const xs = new Float64Array(2 * this.used + 2);
    const ys = new Float64Array(xs.length);
    let out = 0;
    const keep = (x: number, y: number): void => {
      if (!Number.isFinite(y) || (out > 0 && xs[out - 1] === x && ys[out - 1] === y)) return;
      xs[out] = x;
      ys[out] = y;
      out += 1;
    };
    if (this.count > 0) keep(this.firstX, this.firstY);
    for (let b = 0; b < this.used; b++) {
      if (!Number.isFinite(this.lowY[b])) continue;
      const lowFirst = this.lowX[b] <= this.highX[b];
      if (this.lowX[b] === this.highX[b] && this.lowY[b] === this.highY[b]) keep(this.lowX[b], this.lowY[b]);
      else if (lowFirst) {
        keep(this.lowX[b], this.lowY[b]);
        keep(this.highX[b], this.highY[b]);
      } else {
        keep(this.highX[b], this.highY[b]);
        keep(this.lowX[b], this.lowY[b]);
      }
    }
    if (this.count > 1) keep(this.lastX, this.lastY);
    return { xs: xs.slice(0, out), ys: ys.slice(0, out) };
  }

  private mergePairs(): void {
    for (let b = 0; b < this.buckets / 2; b++) {
      const left = 2 * b;
      const right = left + 1;
      // On ties the earlier point wins, as it does within a bucket.
      const lowFrom = this.lowY[right] < this.lowY[left] || !Number.isFinite(this.lowY[left]) ? right : left;
      const highFrom = this.highY[right] > this.highY[left] || !Number.isFinite(this.highY[left]) ? right : left;
      this.lowX[b] = this.lowX[lowFrom];
      this.lowY[b] = this.lowY[lowFrom];
      this.highX[b] = this.highX[highFrom];
      this.highY[b] = this.highY[highFrom];
    }
    this.used = this.buckets / 2;
    this.span *= 2;
  }
}
