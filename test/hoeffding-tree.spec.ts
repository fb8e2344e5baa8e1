import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CELL_M2, CELL_MAX, CELL_MEAN, CELL_MIN, CELL_SIZE, CELL_WEIGHT, cellCdf, cellVariance, updateCell } from '../models/hoeffding/gaussian-cells';
import { erf } from '../models/hoeffding/erf';
import { partitionSmallest } from '../models/hoeffding/partition';
import { meritRange, splitMerit } from '../models/hoeffding/split-criteria';
import {
  hoeffdingTree, hoeffdingTreeParams, summarizeTree, treeNodes, type HoeffdingTreeOptions, type HoeffdingTreeState, type NodeView,
} from '../models/hoeffding-tree';
import { Random } from '../models/random';
import { decodeState, encodeState } from '../models/state-codec';
import { matrix, sliceRows, type LabeledBatch } from '../models/types';
import { isClose } from './support/approx';
import { LCG_FEATURES, lcgStream, type LcgConcept } from './support/lcg-stream';

interface RiverCase {
  name: string; concept: LcgConcept; seed: number; rows: number; options: Partial<HoeffdingTreeOptions>;
  accuracy: number; checkpoints: number[]; checkEvery: number; nodes: number; leaves: number; activeLeaves: number;
  probeSeed: number; probePredictions: number[];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/hoeffding_river.json', import.meta.url), 'utf8')) as {
  nFeatures: number;
  streamCheck: { seed: number; concept: LcgConcept; rows: { x: number[]; y: number }[] };
  streamCheck3: { seed: number; concept: LcgConcept; rows: { x: number[]; y: number }[] };
  erf: [number, number][];
  cases: RiverCase[];
};

function rowOf(batch: LabeledBatch, r: number): LabeledBatch {
  return { x: sliceRows(batch.x, r, r + 1), y: batch.y.subarray(r, r + 1) };
}

/** Test-then-train row by row, as River's `progressive_val_score`. */
function prequential(options: HoeffdingTreeOptions, data: LabeledBatch, checkEvery: number) {
  const model = hoeffdingTree(options);
  let state = model.init();
  let correct = 0;
  const checkpoints: number[] = [];
  for (let r = 0; r < data.x.rows; r++) {
    const row = rowOf(data, r);
    if (model.predict(state, row.x)[0] === row.y[0]) correct++;
    state = model.learn(state, row);
    if ((r + 1) % checkEvery === 0) checkpoints.push(correct / (r + 1));
  }
  return { model, state, accuracy: correct / data.x.rows, checkpoints };
}

/** Uniform features; label 1 when feature `informative` exceeds 0.5. Feature `copyOf[j]` (if set) repeats another. */
function thresholdStream(seed: number, rows: number, nFeatures: number, copies: Record<number, number> = {}): LabeledBatch {
  const random = new Random(seed);
  const x = new Float64Array(rows * nFeatures);
  const y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < nFeatures; j++) x[r * nFeatures + j] = j in copies ? x[r * nFeatures + copies[j]] : random.next();
    y[r] = x[r * nFeatures] > 0.5 ? 1 : 0;
  }
  return { x: matrix(rows, nFeatures, x), y };
}

function learnRows(options: HoeffdingTreeOptions, data: LabeledBatch, rows: number): HoeffdingTreeState {
  const model = hoeffdingTree(options);
  return model.learn(model.init(), { x: sliceRows(data.x, 0, rows), y: data.y.subarray(0, rows) });
}

/** Grows a tree of a hundred-odd nodes within a few thousand rows of the binary LCG stream. */
const GROWING = { nFeatures: LCG_FEATURES, gracePeriod: 20, delta: 0.01, tau: 0.2 };

const promise = (leaf: NodeView) => leaf.classWeights.reduce((a, b) => a + b, 0) - Math.max(...leaf.classWeights);

describe('hoeffdingTree', () => {
  describe('parity with River 0.23 HoeffdingTreeClassifier on the same stream', () => {
    it('regenerates the fixture stream bit for bit', () => {
      for (const check of [fixture.streamCheck, fixture.streamCheck3]) {
        const data = lcgStream(check.seed, check.rows.length, check.concept);
        check.rows.forEach((row, r) => {
          assert.deepEqual(Array.from(data.x.data.subarray(r * LCG_FEATURES, (r + 1) * LCG_FEATURES)), row.x);
          assert.equal(data.y[r], row.y);
        });
      }
    });

    it('computes erf to within 2 ulp of Python math.erf', () => {
      for (const [x, expected] of fixture.erf) {
        assert.ok(Math.abs(erf(x) - expected) <= 2 * Number.EPSILON * Math.max(Math.abs(expected), 2 ** -1022), `erf(${x}) = ${erf(x)}, Python ${expected}`);
      }
    });

    for (const c of fixture.cases) {
      it(`${c.name}: prequential accuracy within 1 point, same tree size, same predictions`, () => {
        const nClasses = c.concept === 'binary' ? 2 : 3;
        const options = { nFeatures: fixture.nFeatures, nClasses, ...c.options };
        const run = prequential(options, lcgStream(c.seed, c.rows, c.concept), c.checkEvery);
        assert.ok(Math.abs(run.accuracy - c.accuracy) <= 0.01, `accuracy ${run.accuracy}, River ${c.accuracy}`);
        run.checkpoints.forEach((a, i) => assert.ok(Math.abs(a - c.checkpoints[i]) <= 0.01, `checkpoint ${i}: ${a}, River ${c.checkpoints[i]}`));
        const summary = summarizeTree(run.model.params as never, run.state);
        assert.deepEqual([summary.nodes, summary.leaves, summary.activeLeaves], [c.nodes, c.leaves, c.activeLeaves], 'nodes, leaves, active leaves');
        const predicted = run.model.predict(run.state, lcgStream(c.probeSeed, c.probePredictions.length, c.concept).x);
        const agree = predicted.filter((p, i) => p === c.probePredictions[i]).length / predicted.length;
        assert.ok(agree >= 0.99, `agrees with River on ${agree} of the probe rows`);
      });
    }
  });

  describe('Gaussian estimators and split criteria', () => {
    it('keeps a weighted mean, sample variance, minimum and maximum per cell', () => {
      const values = [0.3, -1.2, 2.5, 0.7, 0.7, 4.1];
      const weights = [1, 3, 2, 1, 6, 1];
      const cells = new Float64Array(CELL_SIZE * 2);
      values.forEach((v, i) => updateCell(cells, CELL_SIZE, v, weights[i]));
      const total = weights.reduce((a, b) => a + b, 0);
      const mean = values.reduce((a, v, i) => a + weights[i] * v, 0) / total;
      const m2 = values.reduce((a, v, i) => a + weights[i] * (v - mean) ** 2, 0);
      assert.deepEqual(Array.from(cells.subarray(0, CELL_SIZE)), [0, 0, 0, 0, 0], 'the neighbouring cell is untouched');
      assert.equal(cells[CELL_SIZE + CELL_WEIGHT], total);
      assert.ok(isClose(cells[CELL_SIZE + CELL_MEAN], mean, 1e-14));
      assert.ok(isClose(cells[CELL_SIZE + CELL_M2], m2, 1e-13));
      assert.ok(isClose(cellVariance(cells, CELL_SIZE), m2 / (total - 1), 1e-13));
      assert.equal(cells[CELL_SIZE + CELL_MIN], -1.2);
      assert.equal(cells[CELL_SIZE + CELL_MAX], 4.1);
      const sd = Math.sqrt(m2 / (total - 1));
      assert.ok(isClose(cellCdf(cells, CELL_SIZE, mean + sd), 0.8413447460685429, 1e-14), 'one standard deviation above the mean');
    });

    it('scores information gain and Gini as River does, and −∞ when a branch is too small', () => {
      const pre = Float64Array.of(6, 2);
      const left = Float64Array.of(5, 0);
      const right = Float64Array.of(1, 2);
      const h = (p: number[]) => { const s = p.reduce((a, b) => a + b, 0); return -p.filter((v) => v > 0).reduce((a, v) => a + (v / s) * Math.log2(v / s), 0); };
      assert.ok(isClose(splitMerit('info_gain', 0.01, pre, 2, left, right, 2), h([6, 2]) - (5 * h([5, 0]) + 3 * h([1, 2])) / 8, 1e-14));
      const gini = (p: number[]) => { const s = p.reduce((a, b) => a + b, 0); return 1 - p.reduce((a, v) => a + (v / s) ** 2, 0); };
      assert.ok(isClose(splitMerit('gini', 0.01, pre, 2, left, right, 2), 1 - ((5 / 8) * gini([5, 0]) + (3 / 8) * gini([1, 2])), 1e-14));
      assert.equal(splitMerit('info_gain', 0.4, pre, 2, left, right, 2), -Infinity, '3/8 of the weight is below a 0.4 minimum');
      assert.equal(meritRange('info_gain', 3), Math.log2(3));
      assert.equal(meritRange('info_gain', 1), 1);
      assert.equal(meritRange('gini', 3), 1);
    });
  });

  describe('growth', () => {
    it('attempts a split only once a leaf has seen gracePeriod weight', () => {
      const data = thresholdStream(3, 60, 4);
      const options = { nFeatures: 4, gracePeriod: 50 };
      assert.equal(learnRows(options, data, 49).nodeCount, 1);
      const grown = learnRows(options, data, 50);
      assert.equal(grown.nodeCount, 3);
      const [root, left, right] = treeNodes(hoeffdingTreeParams(options), grown);
      assert.equal(root.feature, 0, 'splits on the informative feature');
      assert.ok(root.threshold > 0.3 && root.threshold < 0.7, `threshold ${root.threshold}`);
      assert.deepEqual([left.depth, right.depth], [1, 1]);
      // The children start from the parent's class weights, split by the Gaussian estimate.
      assert.ok(isClose(left.classWeights[0] + right.classWeights[0] + left.classWeights[1] + right.classWeights[1], 50, 1e-12));
    });

    it('breaks a tie between equally good features only once the Hoeffding bound falls below tau, on the later feature', () => {
      // Feature 1 repeats feature 0, so their merits tie exactly; with R = 1 and delta = 1e-7 the
      // bound drops below 0.05 after ln(1e7) / (2 · 0.05²) ≈ 3224 rows, i.e. at the attempt at 3400.
      const data = thresholdStream(11, 3400, 3, { 1: 0 });
      const options = { nFeatures: 3, gracePeriod: 200 };
      assert.equal(learnRows(options, data, 3399).nodeCount, 1);
      const split = learnRows(options, data, 3400);
      assert.equal(split.nodeCount, 3);
      assert.equal(treeNodes(hoeffdingTreeParams(options), split)[0].feature, 1);
      assert.equal(learnRows({ ...options, tau: 0 }, data, 3400).nodeCount, 1, 'with tau 0 the tie is never broken');
    });

    it('stops growing at maxDepth: leaves there keep class weights but no split statistics', () => {
      const model = hoeffdingTree({ ...GROWING, maxDepth: 2 });
      const state = model.learn(model.init(), lcgStream(5, 4000, 'binary'));
      const leaves = (s: HoeffdingTreeState) => treeNodes(model.params as never, s).filter((n) => n.feature < 0);
      assert.ok(leaves(state).some((n) => n.depth === 2));
      for (const leaf of leaves(state)) {
        assert.ok(leaf.depth <= 2);
        if (leaf.depth === 2) assert.equal(leaf.active, false);
      }
      const later = model.learn(state, lcgStream(6, 500, 'binary'));
      assert.equal(later.nodeCount, state.nodeCount);
      const weight = (s: HoeffdingTreeState) => leaves(s).filter((n) => n.depth === 2).reduce((a, n) => a + n.classWeights[0] + n.classWeights[1], 0);
      assert.ok(weight(later) > weight(state), 'the deepest leaves keep counting classes');
    });
  });

  describe('memory bound', () => {
    it('selects the k least promising leaves as a full sort by (promise, node id) would', () => {
      const random = new Random(1);
      for (let trial = 0; trial < 300; trial++) {
        const n = random.int(1, 50);
        const key = Float64Array.from({ length: n }, () => random.int(0, 4));
        const ids = random.shuffle(Int32Array.from({ length: n }, (_, i) => i));
        const k = random.int(0, n);
        partitionSmallest(ids, n, key, k);
        const sorted = Array.from({ length: n }, (_, i) => i).sort((a, b) => key[a] - key[b] || a - b);
        assert.deepEqual(Array.from(ids.subarray(0, k)).sort((a, b) => a - b), sorted.slice(0, k).sort((a, b) => a - b));
      }
    });

    it('keeps node records plus active estimators within maxBytes by deactivating the least promising leaves', () => {
      const maxBytes = 20000;
      const options = { ...GROWING, maxBytes };
      const model = hoeffdingTree(options);
      const data = lcgStream(21, 4000, 'binary');
      let state = model.init();
      let enforcements = 0;
      for (let r = 0; r < data.x.rows; r++) {
        const before = state.nodeCount;
        state = model.learn(state, rowOf(data, r));
        const summary = summarizeTree(model.params as never, state);
        assert.ok(summary.bytes <= maxBytes || summary.activeLeaves === 0, `row ${r}: ${summary.bytes} bytes`);
        if (state.nodeCount > before && state.inactiveLeaves > 0) {
          enforcements++;
          const leaves = treeNodes(model.params as never, state).filter((n) => n.feature < 0);
          const worstActive = Math.min(...leaves.filter((n) => n.active).map(promise));
          const bestInactive = Math.max(...leaves.filter((n) => !n.active).map(promise));
          assert.ok(bestInactive <= worstActive, `row ${r}: an inactive leaf (promise ${bestInactive}) beats an active one (${worstActive})`);
        }
      }
      assert.ok(enforcements > 0, 'the budget was reached');
      const unbounded = hoeffdingTree({ ...options, maxBytes: Infinity });
      assert.ok(unbounded.learn(unbounded.init(), data).activeLeaves > state.activeLeaves);
    });
  });

  describe('leaf predictions', () => {
    const noise = (() => {
      const random = new Random(5);
      const rows = 1500;
      const x = new Float64Array(rows * 6).map(() => random.next());
      const y = Int32Array.from({ length: rows }, (_, r) => (r === 0 || random.next() < 0.7 ? 0 : 1));
      return { x: matrix(rows, 6, x), y };
    })();
    const probe = thresholdStream(8, 40, 6).x;
    const rootOnly = (leafPrediction: 'mc' | 'nb' | 'nba') => {
      const model = hoeffdingTree({ nFeatures: 6, gracePeriod: 1e6, leafPrediction });
      return { model, state: model.learn(model.init(), noise) };
    };

    it("'mc' predicts the leaf's class frequencies", () => {
      const { model, state } = rootOnly('mc');
      const ones = noise.y.reduce((a, v) => a + v, 0);
      const proba = model.predictProba(state, probe);
      for (let r = 0; r < probe.rows; r++) {
        assert.ok(isClose(proba[2 * r + 1], ones / noise.y.length, 1e-14));
      }
    });

    it("'nb' predicts Gaussian naive Bayes with the class frequencies as priors", () => {
      const { model, state } = rootOnly('nb');
      const proba = model.predictProba(state, probe);
      const stats = [0, 1].map((c) => {
        const rows = Array.from(noise.y.keys()).filter((r) => noise.y[r] === c);
        return Array.from({ length: 6 }, (_, j) => {
          const v = rows.map((r) => noise.x.data[r * 6 + j]);
          const mean = v.reduce((a, b) => a + b, 0) / v.length;
          return { mean, variance: v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1), n: v.length };
        });
      });
      for (let r = 0; r < probe.rows; r++) {
        const log = stats.map((features) => Math.log(features[0].n / noise.y.length) + features.reduce((a, { mean, variance }, j) => {
          const d = probe.data[r * 6 + j] - mean;
          return a - (d * d) / (2 * variance) - 0.5 * Math.log(2 * Math.PI * variance);
        }, 0));
        const p1 = 1 / (1 + Math.exp(log[0] - log[1]));
        assert.ok(isClose(proba[2 * r + 1], p1, 1e-9), `row ${r}: ${proba[2 * r + 1]} vs ${p1}`);
      }
    });

    it("'nba' answers with whichever of majority class and naive Bayes has been right more often", () => {
      const nba = rootOnly('nba');
      const [root] = treeNodes(nba.model.params as never, nba.state);
      // Noise features with a 70/30 class split: naive Bayes chases noise, the majority class does not.
      assert.ok(root.majorityCorrect > root.naiveBayesCorrect, `${root.majorityCorrect} vs ${root.naiveBayesCorrect}`);
      assert.deepEqual(nba.model.predictProba(nba.state, probe), rootOnly('mc').model.predictProba(rootOnly('mc').state, probe));
      // On the informative stream naive Bayes wins, and nba follows it.
      const informative = thresholdStream(9, 800, 6);
      const trained = (leafPrediction: 'nb' | 'nba') => {
        const model = hoeffdingTree({ nFeatures: 6, gracePeriod: 1e6, leafPrediction });
        return model.predictProba(model.learn(model.init(), informative), probe);
      };
      assert.deepEqual(trained('nba'), trained('nb'));
    });
  });

  describe('state', () => {
    it('copies on write: one more row leaves every page it does not touch shared with the old state', () => {
      const model = hoeffdingTree(GROWING);
      const data = lcgStream(17, 3000, 'binary');
      const state = model.learn(model.init(), data);
      assert.ok(state.nodePages.length > 3 && state.slotPages.length > 3, 'a tree of several pages');
      const snapshot = structuredClone(state);
      const next = model.learn(state, rowOf(lcgStream(18, 1, 'binary'), 0));
      const changed = (a: readonly Float64Array[], b: readonly Float64Array[]) => b.filter((page, i) => page !== a[i]).length;
      assert.equal(changed(state.nodePages, next.nodePages), 1);
      assert.equal(changed(state.slotPages, next.slotPages), 1);
      assert.deepEqual(state, snapshot, 'the old state is untouched');
    });

    it('keeps the buffers behind its pages within twice the pages, however many learn calls wrote them', () => {
      const model = hoeffdingTree(GROWING);
      const data = lcgStream(19, 20000, 'binary');
      // Large windows copy most pages into one buffer; the few pages later windows leave alone keep it alive.
      const rows = (start: number, end: number) => ({ x: sliceRows(data.x, start, end), y: data.y.subarray(start, end) });
      let state = model.init();
      for (let start = 0; start < data.x.rows; start += 400) {
        state = model.learn(state, rows(start, start + 300));
        for (let r = start + 300; r < start + 400; r += 20) state = model.learn(state, rows(r, r + 20));
      }
      for (const pages of [state.nodePages, state.slotPages]) {
        const buffers = new Set(pages.map((p) => p.buffer));
        const retained = [...buffers].reduce((a, b) => a + b.byteLength, 0);
        const live = pages.reduce((a, p) => a + p.byteLength, 0);
        assert.ok(buffers.size > 1, 'pages are views into shared buffers');
        assert.ok(retained <= 2 * live + 64 * 1024, `${retained} bytes kept alive for ${live} bytes of pages`);
      }
    });

    it('round-trips through encodeState and rejects a tree whose branch points backwards', () => {
      const model = hoeffdingTree({ nFeatures: LCG_FEATURES, nClasses: 3, gracePeriod: 50 });
      const state = model.learn(model.init(), lcgStream(2, 2000, '3-class'));
      const restored = model.restore(decodeState(encodeState(state)));
      assert.deepEqual(restored, state);
      const corrupt = decodeState(encodeState(state)) as { nodePages: Float64Array[] };
      corrupt.nodePages[0][2] = 0; // the root's left child pointing at the root itself
      assert.throws(() => model.restore(corrupt), /node 0 has children 0, 1/);
    });
  });
});
