/**
 * Line charts as standalone SVG text, without dependencies: 1-2-5 ticks, a grid, a legend to the
 * right of each panel, dashed vertical markers (e.g. drift events), and min–max decimation to at
 * most 2,000 points per series so spikes survive. `stackedChartSvg` draws panels that share the x
 * axis, for metrics on different scales; `lineChartSvg` is the single-panel case.
 *
 * Every drawn coordinate lies inside its panel's plot area: with a given `yRange` (or `xRange`),
 * values outside it are drawn on its edge. Lines break at points whose y is not finite.
 */
import type { SeriesPoints } from './decimate';
import { MAX_CHART_POINTS, minMaxDecimate } from './decimate';
import type { AxisScale } from './nice-ticks';
import { niceScale, tickLabel } from './nice-ticks';

export type PointsInput = { readonly xs: ArrayLike<number>; readonly ys: ArrayLike<number> } | readonly (readonly [number, number])[];

export interface ChartSeries {
  readonly name: string;
  readonly points: PointsInput;
  /** CSS colour; by default the next colour of a colour-blind-safe palette. */
  readonly color?: string;
  readonly strokeWidth?: number;
  readonly opacity?: number;
  readonly dashed?: boolean;
}

export interface ChartMarker {
  readonly x: number;
  readonly label?: string;
}

export interface ChartPanel {
  readonly yLabel: string;
  readonly series: readonly ChartSeries[];
  readonly yRange?: readonly [number, number];
}

export interface StackedChartSpec {
  readonly title: string;
  readonly subtitle?: string;
  readonly xLabel: string;
  readonly panels: readonly ChartPanel[];
  readonly xRange?: readonly [number, number];
  readonly markers?: readonly ChartMarker[];
  readonly width?: number;
  readonly panelHeight?: number;
  /** Most points drawn per series (min–max decimated beyond it). */
  readonly maxPoints?: number;
}

export interface LineChartSpec extends Omit<StackedChartSpec, 'panels' | 'panelHeight'> {
  readonly yLabel: string;
  readonly series: readonly ChartSeries[];
  readonly yRange?: readonly [number, number];
  readonly height?: number;
}

/** Tableau 10: distinct hues that stay apart for the common colour-vision deficiencies. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#9c755f', '#ff9da7', '#bab0ac'] as const;

const FONT = "'DejaVu Sans', 'Helvetica Neue', Arial, sans-serif";
const MARGIN = { left: 78, top: 46, bottom: 54, legendGap: 18 };
const SUBTITLE_HEIGHT = 18;
const PANEL_GAP = 30;
const LEGEND_ROW = 19;
const LEGEND_SAMPLE = 22;
const MAX_NAME = 40;

export function lineChartSvg(spec: LineChartSpec): string {
  const { yLabel, series, yRange, height = 440, ...rest } = spec;
  const chrome = MARGIN.top + MARGIN.bottom + (spec.subtitle ? SUBTITLE_HEIGHT : 0);
  return stackedChartSvg({ ...rest, panels: [{ yLabel, series, yRange }], panelHeight: Math.max(120, height - chrome) });
}

interface PreparedSeries extends ChartSeries {
  readonly drawn: SeriesPoints;
  readonly stroke: string;
}

export function stackedChartSvg(spec: StackedChartSpec): string {
  if (spec.panels.length === 0) throw new Error('stackedChartSvg: panels must hold at least one panel, got none');
  const width = spec.width ?? 960;
  const panelHeight = spec.panelHeight ?? 240;
  const maxPoints = spec.maxPoints ?? MAX_CHART_POINTS;
  const panels = spec.panels.map((panel) => ({
    ...panel,
    prepared: panel.series.map((series, i): PreparedSeries => ({ ...series, drawn: drawable(series.points, maxPoints), stroke: series.color ?? PALETTE[i % PALETTE.length] })),
  }));

  const names = panels.flatMap((panel) => panel.series.map((series) => shorten(series.name)));
  const legendWidth = Math.min(300, Math.max(120, LEGEND_SAMPLE + 14 + 7.2 * Math.max(0, ...names.map((name) => name.length))));
  const top = MARGIN.top + (spec.subtitle ? SUBTITLE_HEIGHT : 0);
  const plotLeft = MARGIN.left;
  const plotRight = width - legendWidth - MARGIN.legendGap;
  const height = top + panels.length * panelHeight + (panels.length - 1) * PANEL_GAP + MARGIN.bottom;

  const xScale = niceScale(...(spec.xRange ?? dataXRange(panels.flatMap((panel) => panel.prepared.map((series) => series.drawn.xs)))), 8, true);
  const toX = (x: number): number => plotLeft + ((clamp(x, xScale.min, xScale.max) - xScale.min) / (xScale.max - xScale.min)) * (plotRight - plotLeft);

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(FONT)}" font-size="12">`,
    `<title>${escapeXml(spec.title)}</title>`,
    `<rect class="background" x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text class="title" x="${plotLeft}" y="28" font-size="17" font-weight="bold" fill="#222222">${escapeXml(spec.title)}</text>`,
  );
  if (spec.subtitle) out.push(`<text class="subtitle" x="${plotLeft}" y="${28 + SUBTITLE_HEIGHT}" font-size="12.5" fill="#555555">${escapeXml(spec.subtitle)}</text>`);

  panels.forEach((panel, p) => {
    const panelTop = top + p * (panelHeight + PANEL_GAP);
    const panelBottom = panelTop + panelHeight;
    const yScale = panel.yRange
      ? niceScale(panel.yRange[0], panel.yRange[1], 5, true)
      : niceScale(...extent(panel.prepared.map((series) => series.drawn.ys)), 5);
    const toY = (y: number): number => panelBottom - ((clamp(y, yScale.min, yScale.max) - yScale.min) / (yScale.max - yScale.min)) * panelHeight;
    const isLast = p === panels.length - 1;

    out.push(`<g class="panel">`);
    out.push(`<rect class="plot" x="${num(plotLeft)}" y="${num(panelTop)}" width="${num(plotRight - plotLeft)}" height="${num(panelHeight)}" fill="#fbfbfb" stroke="none"/>`);
    out.push(...grid(xScale, yScale, toX, toY, plotLeft, plotRight, panelTop, panelBottom, isLast));
    out.push(
      `<text class="y-label" transform="translate(18 ${num(panelTop + panelHeight / 2)}) rotate(-90)" text-anchor="middle" font-size="13" fill="#333333">${escapeXml(panel.yLabel)}</text>`,
    );
    for (const series of panel.prepared) {
      const d = pathData(series.drawn, toX, toY);
      if (d === '') continue;
      out.push(
        `<path class="series" data-series="${escapeXml(series.name)}" d="${d}" fill="none" stroke="${escapeXml(series.stroke)}" stroke-width="${series.strokeWidth ?? 1.8}"${styleAttributes(series)} stroke-linejoin="round" stroke-linecap="round"/>`,
      );
    }
    out.push(`<line class="axis" x1="${num(plotLeft)}" y1="${num(panelBottom)}" x2="${num(plotRight)}" y2="${num(panelBottom)}" stroke="#444444" stroke-width="1"/>`);
    out.push(`<line class="axis" x1="${num(plotLeft)}" y1="${num(panelTop)}" x2="${num(plotLeft)}" y2="${num(panelBottom)}" stroke="#444444" stroke-width="1"/>`);
    out.push(...legend(panel.prepared, plotRight + MARGIN.legendGap, panelTop + 6));
    out.push(`</g>`);
  });

  const plotTop = top;
  const plotBottom = top + panels.length * panelHeight + (panels.length - 1) * PANEL_GAP;
  for (const marker of spec.markers ?? []) {
    if (!(marker.x >= xScale.min && marker.x <= xScale.max)) continue;
    const x = num(toX(marker.x));
    out.push(`<g class="marker">`);
    out.push(`<line x1="${x}" y1="${num(plotTop)}" x2="${x}" y2="${num(plotBottom)}" stroke="#7a7a7a" stroke-width="1.2" stroke-dasharray="5 4"/>`);
    if (marker.label) out.push(`<text x="${num(Math.min(toX(marker.x) + 4, plotRight - 4))}" y="${num(plotTop + 13)}" font-size="11" fill="#555555"${toX(marker.x) + 4 > plotRight - 60 ? ' text-anchor="end"' : ''}>${escapeXml(marker.label)}</text>`);
    out.push(`</g>`);
  }
  out.push(`<text class="x-label" x="${num((plotLeft + plotRight) / 2)}" y="${num(height - 14)}" text-anchor="middle" font-size="13" fill="#333333">${escapeXml(spec.xLabel)}</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function grid(
  xScale: AxisScale,
  yScale: AxisScale,
  toX: (x: number) => number,
  toY: (y: number) => number,
  left: number,
  right: number,
  top: number,
  bottom: number,
  withXLabels: boolean,
): string[] {
  const lines: string[] = ['<g class="grid" stroke="#e3e3e3" stroke-width="1">'];
  for (const tick of yScale.ticks) lines.push(`<line x1="${num(left)}" y1="${num(toY(tick))}" x2="${num(right)}" y2="${num(toY(tick))}"/>`);
  for (const tick of xScale.ticks) lines.push(`<line x1="${num(toX(tick))}" y1="${num(top)}" x2="${num(toX(tick))}" y2="${num(bottom)}"/>`);
  lines.push('</g>', '<g class="ticks" fill="#444444">');
  for (const tick of yScale.ticks) lines.push(`<text x="${num(left - 7)}" y="${num(toY(tick) + 4)}" text-anchor="end">${escapeXml(tickLabel(tick, yScale))}</text>`);
  if (withXLabels) {
    for (const tick of xScale.ticks) lines.push(`<text x="${num(toX(tick))}" y="${num(bottom + 18)}" text-anchor="middle">${escapeXml(tickLabel(tick, xScale))}</text>`);
  }
  lines.push('</g>');
  return lines;
}

function legend(series: readonly PreparedSeries[], left: number, top: number): string[] {
  const lines: string[] = ['<g class="legend">'];
  series.forEach((entry, i) => {
    const y = num(top + 10 + i * LEGEND_ROW);
    lines.push(
      `<line x1="${num(left)}" y1="${y}" x2="${num(left + LEGEND_SAMPLE)}" y2="${y}" stroke="${escapeXml(entry.stroke)}" stroke-width="${Math.max(2, entry.strokeWidth ?? 1.8)}"${styleAttributes(entry)}/>`,
      `<text class="legend-entry" x="${num(left + LEGEND_SAMPLE + 7)}" y="${num(top + 14 + i * LEGEND_ROW)}" fill="#333333">${escapeXml(shorten(entry.name))}</text>`,
    );
  });
  lines.push('</g>');
  return lines;
}

function styleAttributes(series: ChartSeries): string {
  return (series.opacity === undefined ? '' : ` stroke-opacity="${series.opacity}"`) + (series.dashed ? ' stroke-dasharray="6 4"' : '');
}

/** Path data with a new sub-path after every point whose y is not finite. */
function pathData(points: SeriesPoints, toX: (x: number) => number, toY: (y: number) => number): string {
  let d = '';
  let pen = false;
  for (let i = 0; i < points.xs.length; i++) {
    const x = points.xs[i];
    const y = points.ys[i];
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : d === '' ? 'M' : ' M'}${num(toX(x))} ${num(toY(y))}`;
    pen = true;
  }
  return d;
}

/** The points as typed arrays, decimated past `maxPoints`. */
function drawable(points: PointsInput, maxPoints: number): SeriesPoints {
  let xs: ArrayLike<number>;
  let ys: ArrayLike<number>;
  if ('xs' in points) {
    xs = points.xs;
    ys = points.ys;
    if (xs.length !== ys.length) throw new Error(`lineChartSvg: xs and ys must have the same length, got ${xs.length} and ${ys.length}`);
  } else {
    const pairs = points as readonly (readonly [number, number])[];
    xs = Float64Array.from(pairs, (pair) => pair[0]);
    ys = Float64Array.from(pairs, (pair) => pair[1]);
  }
  if (xs.length > maxPoints) return minMaxDecimate(xs, ys, maxPoints);
  return { xs: Float64Array.from(xs), ys: Float64Array.from(ys) };
}

/**
 * The x range is the data's, not widened to a tick: a run that ends at 313k records should not
 * leave a blank strip up to 350k. It starts at 0 when the data starts close to it.
 */
function dataXRange(arrays: readonly ArrayLike<number>[]): [number, number] {
  const [low, high] = extent(arrays);
  return [low >= 0 && low <= 0.05 * (high - low) ? 0 : low, high];
}

/** The finite range over several arrays, `[NaN, NaN]` when there is none. */
function extent(arrays: readonly ArrayLike<number>[]): [number, number] {
  let low = Infinity;
  let high = -Infinity;
  for (const values of arrays) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) continue;
      if (v < low) low = v;
      if (v > high) high = v;
    }
  }
  return low <= high ? [low, high] : [NaN, NaN];
}

const clamp = (v: number, low: number, high: number): number => (v < low ? low : v > high ? high : v);

/** One decimal place is a tenth of a pixel: plenty, and it keeps files small. */
const num = (v: number): string => String(Math.round(v * 10) / 10);

function shorten(name: string): string {
  return name.length <= MAX_NAME ? name : `${name.slice(0, MAX_NAME - 1)}…`;
}

export function escapeXml(text: string): string {
  // Control characters other than tab and line breaks are not allowed anywhere in XML 1.0.
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);
}
