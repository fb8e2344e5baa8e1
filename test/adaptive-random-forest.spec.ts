import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  adaptiveRandomForest, adaptiveRandomForestParams, type AdaptiveRandomForestOptions, type AdaptiveRandomForestParams,
  type AdaptiveRandomForestState,
} from '../models/adaptive-random-forest';
import { predictProbaHoeffdingTree, summarizeTree, treeNodes } from '../models/hoeffding-tree';
import { matrix, sliceRows, type LabeledBatch } from '../models/types';
import { isClose } from './support/approx';
import { LCG_FEATURES, lcgStream, type LcgConcept } from './support/lcg-stream';

interface RiverForestCase {
  concept: LcgConcept; seed: number; rows: number; seeds: number[]; window: number; accuracies: number[]; warnings: number[]; drifts: number[];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/hoeffding_river.json', import.meta.url), 'utf8')) as { forest: RiverForestCase[] };

function windows(data: LabeledBatch, size: number): LabeledBatch[] {
  const out: LabeledBatch[] = [];
  for (let start = 0; start < data.x.rows; start += size) {
    const end = Math.min(data.x.rows, start + size);
    out.push({ x: sliceRows(data.x, start, end), y: data.y.subarray(start, end) });
  }
  return out;
}

/** Predict each window, then learn it; returns the state and whether each row was predicted right. */
function prequential(options: AdaptiveRandomForestOptions, data: LabeledBatch, size: number) {
  const model = adaptiveRandomForest(options);
  let state = model.init();
  const hits = new Uint8Array(data.x.rows);
  let row = 0;
  for (const w of windows(data, size)) {
    model.predict(state, w.x).forEach((p, i) => { hits[row + i] = p === w.y[i] ? 1 : 0; });
    row += w.x.rows;
    state = model.learn(state, w);
  }
  return { model, state, hits };
}

const mean = (values: ArrayLike<number>, from = 0, to = values.length) => {
  let s = 0;
  for (let i = from; i < to; i++) s += values[i];
  return s / (to - from);
};
const total = (values: ArrayLike<number>) => Array.from(values).reduce((a, b) => a + b, 0);

/** The binary LCG concept for 4000 rows, then the same concept with every label flipped. */
function flippedStream(): LabeledBatch {
  const before = lcgStream(31, 4000, 'binary');
  const after = lcgStream(32, 4000, 'binary');
  const x = new Float64Array(8000 * LCG_FEATURES);
  x.set(before.x.data);
  x.set(after.x.data, before.x.data.length);
  const y = new Int32Array(8000);
  y.set(before.y);
  y.set(after.y.map((v) => 1 - v), 4000);
  return { x: matrix(8000, LCG_FEATURES, x), y };
}

describe('adaptiveRandomForest', () => {
  describe('against River 0.23 ARFClassifier (defaults) on the same stream', () => {
    for (const c of fixture.forest) {
      it(`${c.concept}: mean prequential accuracy over seeds ${c.seeds.join(', ')} within 2 points of River's`, () => {
        const data = lcgStream(c.seed, c.rows, c.concept);
        const nClasses = c.concept === 'binary' ? 2 : 3;
        const runs = c.seeds.map((seed) => prequential({ nFeatures: LCG_FEATURES, nClasses, seed }, data, c.window));
        const ours = mean(runs.map((r) => mean(r.hits)));
        const river = mean(c.accuracies);
        assert.ok(Math.abs(ours - river) <= 0.02, `ours ${ours}, River ${river}`);
        // Both see the trees' error rates change as they grow: detectors fire in both.
        assert.ok(runs.every((r) => total(r.state.drifts) > 0) && c.drifts.every((d) => d > 0));
      });
    }
  });

  describe('drift', () => {
    it('recovers from an abrupt concept change through its detectors, where a forest without them does not', () => {
      const data = flippedStream();
      const adaptive = prequential({ nFeatures: LCG_FEATURES, seed: 3 }, data, 50);
      const fixed = prequential({ nFeatures: LCG_FEATURES, seed: 3, warningDelta: null, driftDelta: null }, data, 50);
      const afterDrift = (hits: Uint8Array) => mean(hits, 4000, 5000);
      assert.ok(mean(adaptive.hits, 3000, 4000) > 0.8, 'learned the first concept');
      assert.ok(afterDrift(adaptive.hits) > 0.6, `first 1000 rows after the change: ${afterDrift(adaptive.hits)}`);
      assert.ok(afterDrift(adaptive.hits) > afterDrift(fixed.hits) + 0.3, `with detectors ${afterDrift(adaptive.hits)}, without ${afterDrift(fixed.hits)}`);
      assert.ok(total(adaptive.state.warnings) > 0 && total(adaptive.state.drifts) > 0);
      assert.equal(total(fixed.state.drifts), 0);
    });

    it('swaps the background tree in on drift, and grows it from the warning on', () => {
      const model = adaptiveRandomForest({ nFeatures: LCG_FEATURES, seed: 3 });
      const data = flippedStream();
      const head = { x: sliceRows(data.x, 0, 3900), y: data.y.subarray(0, 3900) };
      let state: AdaptiveRandomForestState = windows(head, 100).reduce((s, w) => model.learn(s, w), model.init());
      let swaps = 0;
      for (const w of windows({ x: sliceRows(data.x, 3900, 5000), y: data.y.subarray(3900, 5000) }, 1)) {
        const next = model.learn(state, w);
        for (let i = 0; i < state.trees.length; i++) {
          if (next.warnings[i] > state.warnings[i] && next.drifts[i] === state.drifts[i]) {
            assert.ok(next.background[i] !== null, `member ${i} has no background tree after its warning`);
          }
          const background = state.background[i];
          // (A warning on the same row would first replace the background by a new tree, as in River.)
          if (next.drifts[i] > state.drifts[i] && next.warnings[i] === state.warnings[i] && background && background.nodeCount > 1) {
            // The new tree is the old background after one more row: its branches are all still there,
            // and the pages that row left alone are shared.
            const treeParams = (model.params as AdaptiveRandomForestParams).tree;
            const swapped = treeNodes(treeParams, next.trees[i]);
            for (const node of treeNodes(treeParams, background).filter((n) => n.feature >= 0)) {
              assert.deepEqual([swapped[node.id].feature, swapped[node.id].threshold, swapped[node.id].left], [node.feature, node.threshold, node.left]);
            }
            const shared = next.trees[i].nodePages.filter((page) => background.nodePages.includes(page)).length;
            assert.ok(shared >= background.nodePages.length - 2, `member ${i}: ${shared} of ${background.nodePages.length} pages shared`);
            assert.equal(next.background[i], null);
            assert.equal(next.seen[i], 0, 'the accuracy of the swapped-in tree starts afresh');
            swaps++;
          }
        }
        state = next;
      }
      assert.ok(swaps > 0, 'no drift replaced a tree by a grown background tree');
    });
  });

  it('learns rows one at a time exactly as one batch, across warnings, drifts and background trees', () => {
    const model = adaptiveRandomForest({ nFeatures: LCG_FEATURES, nModels: 4, seed: 3 });
    const data = flippedStream();
    const start = windows({ x: sliceRows(data.x, 0, 3900), y: data.y.subarray(0, 3900) }, 100).reduce((s, w) => model.learn(s, w), model.init());
    const span = { x: sliceRows(data.x, 3900, 4700), y: data.y.subarray(3900, 4700) };
    const whole = model.learn(start, span);
    const byRow = windows(span, 1).reduce((s, w) => model.learn(s, w), start);
    assert.ok(total(whole.drifts) > total(start.drifts) && total(whole.warnings) > total(start.warnings), 'the span holds warnings and drifts');
    assert.deepEqual(byRow, whole);
  });

  describe('trees', () => {
    it("resolves maxFeatures as River does: 'sqrt' and 'log2' rounded, fractions rounded down, clamped to 1 … nFeatures", () => {
      const m = (maxFeatures: AdaptiveRandomForestOptions['maxFeatures'], nFeatures = 10) => adaptiveRandomForestParams({ nFeatures, maxFeatures }).maxFeatures;
      assert.deepEqual([m('sqrt'), m('log2'), m(0.55), m(4), m(50), m(0.01), m('sqrt', 2)], [3, 3, 5, 4, 10, 1, 1]);
    });

    it('gives every leaf its own random subset of maxFeatures features, and splits only on monitored features', () => {
      const model = adaptiveRandomForest({ nFeatures: LCG_FEATURES, nModels: 4, maxFeatures: 3, gracePeriod: 20, seed: 9 });
      const state = model.learn(model.init(), lcgStream(4, 3000, 'binary'));
      const subsets = new Set<string>();
      for (const tree of state.trees) {
        for (const node of treeNodes(model.params.tree as never, tree)) {
          assert.equal(new Set(node.monitored).size, 3);
          assert.deepEqual([...node.monitored], [...node.monitored].sort((a, b) => a - b));
          if (node.feature >= 0) assert.ok(node.monitored.includes(node.feature), `node ${node.id} splits on an unmonitored feature`);
          subsets.add(node.monitored.join());
        }
      }
      assert.ok(subsets.size > 5, `only ${subsets.size} distinct subsets`);
    });

    it('keeps every tree, background ones included, within maxBytes', () => {
      const maxBytes = 12000;
      const { model, state } = prequential({ nFeatures: LCG_FEATURES, nModels: 4, gracePeriod: 10, maxBytes, seed: 5 }, flippedStream(), 100);
      const trees = [...state.trees, ...state.background.filter((t) => t !== null)];
      for (const tree of trees) {
        const summary = summarizeTree(model.params.tree as never, tree!);
        assert.ok(summary.bytes <= maxBytes || summary.activeLeaves === 0, `${summary.bytes} bytes`);
      }
      assert.ok(trees.some((t) => t!.inactiveLeaves > 0), 'the budget was reached');
    });
  });

  describe('prediction', () => {
    it("weights each tree's probabilities by its accuracy since it was installed", () => {
      const { model, state } = prequential({ nFeatures: LCG_FEATURES, nClasses: 3, nModels: 5, seed: 2 }, lcgStream(6, 2000, '3-class'), 100);
      const probe = lcgStream(7, 30, '3-class').x;
      const expected = new Float64Array(probe.rows * 3);
      state.trees.forEach((tree, i) => {
        const accuracy = state.correct[i] / state.seen[i];
        const proba = predictProbaHoeffdingTree((model.params as AdaptiveRandomForestParams).tree, tree, probe);
        proba.forEach((p, k) => { expected[k] += accuracy * p; });
      });
      const actual = model.predictProba(state, probe);
      for (let r = 0; r < probe.rows; r++) {
        const sum = expected[3 * r] + expected[3 * r + 1] + expected[3 * r + 2];
        for (let c = 0; c < 3; c++) assert.ok(isClose(actual[3 * r + c], expected[3 * r + c] / sum, 1e-12));
      }
      assert.ok(new Set(Array.from(state.correct).map((n, i) => n / state.seen[i])).size > 1, 'the trees differ in accuracy');
    });

    it('different seeds grow different forests', () => {
      const data = lcgStream(8, 1500, 'binary');
      const a = prequential({ nFeatures: LCG_FEATURES, seed: 1 }, data, 100).state;
      const b = prequential({ nFeatures: LCG_FEATURES, seed: 2 }, data, 100).state;
      assert.notDeepEqual(a.trees.map((t) => t.nodeCount), b.trees.map((t) => t.nodeCount));
    });
  });
});
