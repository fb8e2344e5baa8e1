import { strict as assert } from 'node:assert';
import { lineChartSvg, stackedChartSvg } from '../io/artifacts/line-chart-svg';
import { niceScale, niceStep, tickLabel } from '../io/artifacts/nice-ticks';
import { traceSteps, trainingChartSvg } from '../io/artifacts/training-chart';
import { leaderboardChartSvg } from '../io/artifacts/leaderboard-chart';
import { readMetrics, tracker, updateTracker } from '../metrics/tracker';

interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** A strict parser for the XML subset an SVG file uses; throws on anything not well formed. */
function parseXml(source: string): XmlElement {
  let at = 0;
  const fail = (what: string): never => {
    throw new Error(`not well-formed XML at ${at}: ${what} near ${JSON.stringify(source.slice(at, at + 40))}`);
  };
  const decode = (raw: string): string => {
    if (/<|&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/i.test(raw)) fail(`unescaped markup in ${JSON.stringify(raw.slice(0, 40))}`);
    if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(raw)) fail('a control character');
    return raw.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (_, e: string) => (e[0] === '#' ? String.fromCodePoint(Number(e[1] === 'x' ? `0${e.slice(1)}` : e.slice(1))) : ENTITIES[e]));
  };
  const name = (): string => {
    const match = /^[A-Za-z_][\w.:-]*/.exec(source.slice(at));
    if (match === null) return fail('a name expected');
    at += match[0].length;
    return match[0];
  };
  const skipSpace = (): void => {
    while (/\s/.test(source[at] ?? '')) at += 1;
  };
  const element = (): XmlElement => {
    if (source[at] !== '<') fail('< expected');
    at += 1;
    const tag = name();
    const attributes: Record<string, string> = {};
    for (;;) {
      const before = at;
      skipSpace();
      if (source.startsWith('/>', at)) {
        at += 2;
        return { name: tag, attributes, children: [], text: '' };
      }
      if (source[at] === '>') {
        at += 1;
        break;
      }
      if (at === before) fail('space expected before an attribute');
      const key = name();
      if (key in attributes) fail(`duplicate attribute ${key}`);
      if (source[at] !== '=' || source[at + 1] !== '"') fail('="value" expected');
      const end = source.indexOf('"', at + 2);
      if (end < 0) fail('unterminated attribute');
      attributes[key] = decode(source.slice(at + 2, end));
      at = end + 1;
    }
    const node: XmlElement = { name: tag, attributes, children: [], text: '' };
    for (;;) {
      const next = source.indexOf('<', at);
      if (next < 0) fail(`</${tag}> expected`);
      node.text += decode(source.slice(at, next));
      at = next;
      if (source.startsWith('</', at)) {
        at += 2;
        if (name() !== tag) fail(`</${tag}> expected`);
        skipSpace();
        if (source[at] !== '>') fail('> expected');
        at += 1;
        return node;
      }
      node.children.push(element());
    }
  };
  skipSpace();
  const root = element();
  skipSpace();
  if (at !== source.length) fail('content after the root element');
  return root;
}

const all = (node: XmlElement, test: (e: XmlElement) => boolean): XmlElement[] => [...(test(node) ? [node] : []), ...node.children.flatMap((child) => all(child, test))];
const byClass = (node: XmlElement, cls: string): XmlElement[] => all(node, (e) => (e.attributes.class ?? '').split(' ').includes(cls));
const textOf = (node: XmlElement): string => (node.text + node.children.map(textOf).join('')).trim();

function pathPoints(d: string): { moves: number; points: [number, number][] } {
  const commands = d.match(/[ML][^ML]*/g) ?? [];
  const points = commands.map((c) => c.slice(1).trim().split(/\s+/).map(Number) as [number, number]);
  for (const point of points) assert.ok(point.length === 2 && point.every(Number.isFinite), `bad point in ${d.slice(0, 60)}`);
  return { moves: commands.filter((c) => c[0] === 'M').length, points };
}

/** Each panel's plot rectangle and the series points drawn in it. */
function panels(svg: XmlElement) {
  return byClass(svg, 'panel').map((panel) => {
    const [plot] = byClass(panel, 'plot');
    const box = { x: Number(plot.attributes.x), y: Number(plot.attributes.y), width: Number(plot.attributes.width), height: Number(plot.attributes.height) };
    return { panel, box, series: byClass(panel, 'series'), legend: byClass(panel, 'legend-entry').map(textOf) };
  });
}

function assertInside(points: readonly [number, number][], box: { x: number; y: number; width: number; height: number }): void {
  for (const [x, y] of points) {
    assert.ok(x >= box.x - 0.05 && x <= box.x + box.width + 0.05, `x ${x} outside [${box.x}, ${box.x + box.width}]`);
    assert.ok(y >= box.y - 0.05 && y <= box.y + box.height + 0.05, `y ${y} outside [${box.y}, ${box.y + box.height}]`);
  }
}

describe('SVG charts', () => {
  describe('the XML checker of this spec', () => {
    it('rejects what is not well formed', () => {
      assert.throws(() => parseXml('<a><b></a>'), /not well-formed/);
      assert.throws(() => parseXml('<a x="1" x="2"/>'), /duplicate/);
      assert.throws(() => parseXml('<a>1 < 2</a>'), /not well-formed/);
      assert.throws(() => parseXml('<a>R&D</a>'), /unescaped/);
      assert.equal(parseXml('<a t="&lt;&amp;">x &gt; y</a>').text, 'x > y');
    });
  });

  describe('ticks', () => {
    it('steps by 1, 2 or 5 times a power of ten', () => {
      assert.equal(niceStep(1, 5), 0.2);
      assert.equal(niceStep(1_000_000, 8), 200_000);
      assert.equal(niceStep(0.37, 5), 0.1);
      assert.equal(niceStep(3, 5), 1);
      assert.equal(niceStep(45, 5), 10);
    });

    it('widens a free range to the ticks around it and keeps a fixed one', () => {
      assert.deepEqual(niceScale(0.23, 0.71, 5), { min: 0.2, max: 0.8, step: 0.1, ticks: [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8] });
      assert.deepEqual(niceScale(100, 313_578, 8, true).ticks, [50_000, 100_000, 150_000, 200_000, 250_000, 300_000]);
      assert.deepEqual(niceScale(0.5, 0.5, 5).ticks.length > 1, true);
    });

    it('labels with one precision per axis and k or M past ten thousand', () => {
      const unit = niceScale(0, 1, 5);
      assert.deepEqual(unit.ticks.map((t) => tickLabel(t, unit)), ['0', '0.2', '0.4', '0.6', '0.8', '1.0']);
      const records = niceScale(0, 1_000_000, 5);
      assert.deepEqual(records.ticks.map((t) => tickLabel(t, records)), ['0', '0.2M', '0.4M', '0.6M', '0.8M', '1.0M']);
    });
  });

  describe('lineChartSvg', () => {
    const xs = Float64Array.from({ length: 50 }, (_, i) => i * 10);
    const spec = {
      title: 'Models <compared> & "ranked"',
      xLabel: 'records',
      yLabel: 'accuracy',
      series: [
        { name: 'sgd', points: { xs, ys: xs.map((x) => 0.5 + x / 1000) } },
        { name: 'tree <deep>', points: Array.from(xs, (x): [number, number] => [x, 0.9 - x / 2000]), color: '#000000' },
      ],
      markers: [{ x: 200, label: 'drift' }, { x: 9999, label: 'off the chart' }],
    };

    it('is well-formed XML with one path and one legend entry per series', () => {
      const svg = parseXml(lineChartSvg(spec));
      assert.equal(svg.name, 'svg');
      assert.equal(svg.attributes.xmlns, 'http://www.w3.org/2000/svg');
      const [panel] = panels(svg);
      assert.equal(panel.series.length, 2);
      assert.deepEqual(panel.series.map((s) => s.attributes['data-series']), ['sgd', 'tree <deep>']);
      assert.deepEqual(panel.legend, ['sgd', 'tree <deep>']);
      assert.equal(panel.series[1].attributes.stroke, '#000000');
      assert.notEqual(panel.series[0].attributes.stroke, panel.series[1].attributes.stroke);
      assert.equal(textOf(byClass(svg, 'title')[0]), spec.title);
    });

    it('draws every point inside the plot area, the first at its left edge', () => {
      const [panel] = panels(parseXml(lineChartSvg(spec)));
      for (const series of panel.series) {
        const { points } = pathPoints(series.attributes.d);
        assert.equal(points.length, 50);
        assertInside(points, panel.box);
        assert.equal(points[0][0], panel.box.x);
      }
    });

    it('keeps values outside a given y range on its edge', () => {
      const [panel] = panels(parseXml(lineChartSvg({ ...spec, yRange: [0.6, 0.8] })));
      for (const series of panel.series) assertInside(pathPoints(series.attributes.d).points, panel.box);
    });

    it('draws markers inside the x range as labelled vertical lines', () => {
      const svg = parseXml(lineChartSvg(spec));
      const markers = byClass(svg, 'marker');
      assert.equal(markers.length, 1);
      const [line] = all(markers[0], (e) => e.name === 'line');
      const [panel] = panels(svg);
      assert.equal(line.attributes.x1, line.attributes.x2);
      const x = Number(line.attributes.x1);
      const expected = panel.box.x + (200 / 490) * panel.box.width;
      assert.ok(Math.abs(x - expected) < 0.1, `marker at ${x}, expected ${expected}`);
      assert.equal(textOf(markers[0]), 'drift');
    });

    it('breaks a line at points that are not finite', () => {
      const [panel] = panels(parseXml(lineChartSvg({ ...spec, series: [{ name: 'gappy', points: [[0, 0.5], [1, 0.6], [2, NaN], [3, 0.7], [4, 0.8]] }] })));
      const { moves, points } = pathPoints(panel.series[0].attributes.d);
      assert.equal(moves, 2);
      assert.equal(points.length, 4);
    });

    it('decimates a long series to at most 2,000 points and keeps its spike', () => {
      const n = 100_000;
      const long = Float64Array.from({ length: n }, (_, i) => i);
      const ys = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 500));
      ys[77_777] = 5;
      const svg = parseXml(lineChartSvg({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 'spiky', points: { xs: long, ys } }] }));
      const [panel] = panels(svg);
      const { points } = pathPoints(panel.series[0].attributes.d);
      assert.ok(points.length <= 2000, `${points.length} points`);
      assert.ok(points.length >= 1000);
      assertInside(points, panel.box);
      const byHeight = [...points].sort((a, b) => a[1] - b[1]);
      const [spike, runnerUp] = byHeight;
      assert.ok(Math.abs(spike[0] - (panel.box.x + (77_777 / (n - 1)) * panel.box.width)) < 0.1, `the highest point is at x ${spike[0]}`);
      assert.ok(runnerUp[1] - spike[1] > panel.box.height / 3, 'the spike stands far above the sine');
    });

    it('still renders with no data, showing the legend', () => {
      const [panel] = panels(parseXml(lineChartSvg({ title: 'empty', xLabel: 'x', yLabel: 'y', series: [{ name: 'none', points: [] }] })));
      assert.equal(panel.series.length, 0);
      assert.deepEqual(panel.legend, ['none']);
    });

    it('removes control characters that XML forbids', () => {
      const svg = lineChartSvg({ title: 'bell\u0007', xLabel: 'x', yLabel: 'y', series: [] });
      assert.equal(textOf(byClass(parseXml(svg), 'title')[0]), 'bell');
    });

    it('needs at least one panel', () => {
      assert.throws(() => stackedChartSvg({ title: 't', xLabel: 'x', panels: [] }), /panels must hold at least one panel/);
    });
  });

  describe('trainingChartSvg', () => {
    const scored = (hits: number) => ({
      nClasses: 2,
      y: Int32Array.of(1, 1, 0, 0),
      predicted: Int32Array.of(1, hits > 1 ? 1 : 0, hits > 2 ? 0 : 1, hits > 3 ? 0 : 1),
      proba: Float64Array.of(0.3, 0.7, 0.4, 0.6, 0.6, 0.4, 0.2, 0.8),
    });
    const steps = (withTracking: boolean) => {
      let state = tracker({ kind: 'cumulative' }, 2);
      return Array.from({ length: 30 }, (_, i) => {
        state = updateTracker(state, scored(1 + (i % 4)));
        return {
          metrics: { rows: 4, accuracy: (1 + (i % 4)) / 4, precision: 1, recall: 0.5, f1: 0.6, logLoss: 0.5 + i / 100, rocAuc: 0.7 },
          state: { rowsSeen: 4 * (i + 1) },
          drift: i === 10 || i === 20,
          ...(withTracking ? { tracked: readMetrics(state) } : {}),
        };
      });
    };

    it('draws quality and log loss in two panels, per window faint and running metrics bold, with drift markers', () => {
      const svg = parseXml(trainingChartSvg(traceSteps(steps(true))));
      const [quality, loss] = panels(svg);
      assert.deepEqual(quality.legend, ['accuracy (per window)', 'F1 (per window)', 'accuracy (cumulative)', 'F1 (cumulative)']);
      assert.deepEqual(loss.legend, ['log loss (per window)', 'log loss (cumulative)']);
      assert.equal(quality.series.length, 4);
      assert.equal(loss.series.length, 2);
      assert.ok(quality.box.y + quality.box.height < loss.box.y, 'stacked, not overlapping');
      for (const { series, box } of [quality, loss]) for (const s of series) assertInside(pathPoints(s.attributes.d).points, box);
      assert.equal(byClass(svg, 'marker').length, 2);
      assert.match(textOf(byClass(svg, 'subtitle')[0]), /30 windows · 120 records · 2 drift events/);
    });

    it('draws the per-window metrics alone when the steps carry no running metrics', () => {
      const [quality, loss] = panels(parseXml(trainingChartSvg(traceSteps(steps(false)))));
      assert.deepEqual(quality.legend, ['accuracy', 'F1']);
      assert.deepEqual(loss.legend, ['log loss']);
    });
  });

  describe('leaderboardChartSvg', () => {
    it('draws one line per model', () => {
      const models = ['sgd', 'hoeffding tree', 'arf'].map((name, m) => ({ name, points: Array.from({ length: 20 }, (_, i): [number, number] => [i * 1000, 0.7 + m * 0.05 + i / 1000]) }));
      const [panel] = panels(parseXml(leaderboardChartSvg({ models })));
      assert.deepEqual(panel.legend, ['sgd', 'hoeffding tree', 'arf']);
      assert.equal(panel.series.length, 3);
      assert.equal(new Set(panel.series.map((s) => s.attributes.stroke)).size, 3);
    });
  });
});
