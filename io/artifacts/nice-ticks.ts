/** Axis ranges and ticks at 1, 2 or 5 times a power of ten, and their labels. */
export interface AxisScale {
  readonly min: number;
  readonly max: number;
  readonly step: number;
  readonly ticks: readonly number[];
}

/** The 1-2-5 step that cuts `span` into about `target` parts. */
export function niceStep(span: number, target: number): number {
  const raw = span / Math.max(1, target);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const residual = raw / magnitude;
  const nice = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10;
  return nice * magnitude;
}

/**
 * A scale covering `[low, high]` with about `target` ticks. Unless `fixed`, the range widens to
 * the nearest ticks outside it; a fixed range is kept as given and ticked inside. An empty or
 * single-valued range is widened so the axis still has extent.
 */
export function niceScale(low: number, high: number, target = 5, fixed = false): AxisScale {
  let min = low;
  let max = high;
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    min = 0;
    max = 1;
  } else if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= pad;
    max += pad;
  } else if (min > max) {
    [min, max] = [max, min];
  }
  const step = niceStep(max - min, target);
  const decimals = stepDecimals(step);
  if (!fixed) {
    min = Math.floor(min / step + 1e-9) * step;
    max = Math.ceil(max / step - 1e-9) * step;
  }
  const ticks: number[] = [];
  for (let k = Math.ceil(min / step - 1e-9); k * step <= max + step * 1e-9; k++) ticks.push(Number((k * step).toFixed(decimals)));
  return { min: Number(min.toFixed(decimals)), max: Number(max.toFixed(decimals)), step, ticks };
}

function stepDecimals(step: number): number {
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

/** A tick label: thousands as `k` and millions as `M` when the axis reaches them, one precision per axis. */
export function tickLabel(value: number, scale: AxisScale): string {
  if (value === 0) return '0';
  const reach = Math.max(Math.abs(scale.min), Math.abs(scale.max));
  const [unit, suffix] = reach >= 1e6 ? [1e6, 'M'] : reach >= 1e4 ? [1e3, 'k'] : [1, ''];
  const decimals = stepDecimals(scale.step / unit);
  return `${(value / unit).toFixed(decimals)}${suffix}`;
}
