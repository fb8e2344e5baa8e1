import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createDetector } from '../drift/catalog';
import type { AdwinState } from '../drift/adwin';

interface ParityCase {
  readonly detector: string;
  readonly options: Record<string, unknown>;
  readonly sequence: string;
  readonly drifts: number[];
  readonly warningRuns: [number, number][];
  readonly window?: { width: number; total: number; variance: number };
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/drift_river.json', import.meta.url), 'utf8')) as {
  river: string;
  sequences: Record<string, number[]>;
  cases: ParityCase[];
};

function expand(runs: [number, number][]): number[] {
  const out: number[] = [];
  for (const [first, last] of runs) for (let i = first; i <= last; i++) out.push(i);
  return out;
}

describe(`drift detectors: parity with River ${fixture.river}`, () => {
  it('covers every detector, with drifts and warnings to match', () => {
    const kinds = new Set(fixture.cases.map((c) => c.detector));
    assert.deepEqual([...kinds].sort(), ['adwin', 'ddm', 'eddm', 'page-hinkley']);
    for (const kind of kinds) {
      assert.ok(fixture.cases.some((c) => c.detector === kind && c.drifts.length > 0), `${kind} detects somewhere`);
    }
    assert.ok(fixture.cases.some((c) => c.detector === 'ddm' && c.warningRuns.length > 0));
    assert.ok(fixture.cases.some((c) => c.detector === 'eddm' && c.warningRuns.length > 0));
  });

  for (const c of fixture.cases) {
    it(`${c.detector} ${JSON.stringify(c.options)} on ${c.sequence}: drifts at [${c.drifts.slice(0, 6).join(', ')}${c.drifts.length > 6 ? ', …' : ''}]`, () => {
      const detector = createDetector(c.detector, c.options);
      const values = fixture.sequences[c.sequence];
      const run = detector.updateMany(detector.init(), values);
      assert.deepEqual(run.drifts, c.drifts, 'drift indices');
      assert.deepEqual(run.warnings, expand(c.warningRuns), 'warning indices');
      if (c.window) {
        const window = run.state as AdwinState;
        assert.equal(window.width, c.window.width, 'window width');
        assert.equal(window.total, c.window.total, 'window total');
        assert.equal(window.variance, c.window.variance, "window variance (sum of squared deviations)");
      }
    });
  }
});
