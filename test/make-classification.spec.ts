import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { deriveSeed, Random } from '../models/random';
import { decodeState, encodeState } from '../models/state-codec';
import type { LabeledBatch } from '../models/types';
import { hypercubeVertices, sampleWithoutReplacement } from '../generators/hypercube';
import type { ConceptOptions } from '../generators/make-classification';
import { clusterSizes, drawConcept, makeClassification, sampleConcept } from '../generators/make-classification';

interface FixtureStat {
  mean: number;
  sd: number;
}
interface Fixture {
  layouts: { options: Record<string, unknown>; y: number[] }[];
  draws: number;
  rows: number;
  distributions: { options: Record<string, unknown>; stats: Record<string, FixtureStat> }[];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/make_classification_stats.json', import.meta.url), 'utf8')) as Fixture;

/** sklearn keyword arguments as our options. */
function fromSklearn(options: Record<string, unknown>): ConceptOptions & { nSamples?: number } {
  const camel = Object.entries(options).map(([key, value]) => [key.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()), value]);
  return Object.fromEntries(camel) as ConceptOptions & { nSamples?: number };
}

function column(batch: LabeledBatch, c: number, rows: number[] | null = null): Float64Array {
  const { x } = batch;
  const picked = rows ?? Array.from({ length: x.rows }, (_, r) => r);
  return Float64Array.from(picked, (r) => x.data[r * x.cols + c]);
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

/** Population variance, as numpy's `var` computes it. */
function variance(values: ArrayLike<number>): number {
  const m = mean(values);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += (values[i] - m) ** 2;
  return sum / values.length;
}

/** Training accuracy of the nearest-class-mean rule (binary labels). */
function nearestClassMeanAccuracy(batch: LabeledBatch): number {
  const { x, y } = batch;
  const means = [new Float64Array(x.cols), new Float64Array(x.cols)];
  const counts = [0, 0];
  for (let r = 0; r < x.rows; r++) {
    counts[y[r]]++;
    for (let c = 0; c < x.cols; c++) means[y[r]][c] += x.data[r * x.cols + c];
  }
  for (const k of [0, 1]) for (let c = 0; c < x.cols; c++) means[k][c] /= counts[k];
  let correct = 0;
  for (let r = 0; r < x.rows; r++) {
    const distance = [0, 1].map((k) => {
      let d = 0;
      for (let c = 0; c < x.cols; c++) d += (x.data[r * x.cols + c] - means[k][c]) ** 2;
      return d;
    });
    if ((distance[1] < distance[0] ? 1 : 0) === y[r]) correct++;
  }
  return correct / x.rows;
}

/** Cluster of each row when rows are not shuffled: clusters are laid out one after another. */
function clusterOfRow(sizes: Int32Array): Int32Array {
  const out = new Int32Array(sizes.reduce((a, b) => a + b, 0));
  let row = 0;
  sizes.forEach((size, k) => out.fill(k, row, (row += size)));
  return out;
}

describe('makeClassification', () => {
  describe('validation', () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['too many special features', { nInformative: 6, nRedundant: 3, nRepeated: 2 }, /nInformative \+ nRedundant \+ nRepeated must be ≤ nFeatures \(10\), got 6 \+ 3 \+ 2 = 11/],
      ['too many clusters', { nInformative: 3, nClasses: 3, nClustersPerClass: 3 }, /nClasses × nClustersPerClass must be ≤ 2\^nInformative, got 3 × 3 = 9 > 2\^3/],
      ['fractional nFeatures', { nFeatures: 2.5 }, /nFeatures must be an integer ≥ 1, got 2\.5/],
      ['zero nInformative', { nInformative: 0 }, /nInformative must be an integer ≥ 1, got 0/],
      ['negative nRedundant', { nRedundant: -1 }, /nRedundant must be an integer ≥ 0, got -1/],
      ['flipY above 1', { flipY: 1.5 }, /flipY must be a number in \[0, 1\], got 1\.5/],
      ['zero classSep', { classSep: 0 }, /classSep must be a finite number > 0, got 0/],
      ['weights of the wrong length', { weights: [0.1, 0.2, 0.7] }, /weights must be null or an array of nClasses \(2\) or nClasses - 1 numbers/],
      ['negative weight', { weights: [-0.5] }, /weights\[0\] must be a finite number ≥ 0, got -0\.5/],
      ['shift of the wrong length', { shift: [1, 2] }, /shift must be a number, null, or an array of nFeatures \(10\) numbers/],
      ['non-positive scale', { scale: -1 }, /scale must be a finite number > 0, got -1/],
      ['non-boolean shuffle', { shuffle: 'yes' }, /shuffle must be true or false, got "yes"/],
    ];
    for (const [what, options, message] of cases) {
      it(`rejects ${what}, naming the parameter`, () => {
        assert.throws(() => makeClassification({ nSamples: 10, ...(options as ConceptOptions) }, new Random(1)), message);
      });
    }

    it('rejects nSamples 0 like sklearn, while sampleConcept allows an empty sample', () => {
      assert.throws(() => makeClassification({ nSamples: 0 }, new Random(1)), /makeClassification: nSamples must be an integer ≥ 1, got 0/);
      const empty = sampleConcept(drawConcept({}, new Random(1)), 0, new Random(2));
      assert.equal(empty.x.rows, 0);
      assert.equal(empty.y.length, 0);
    });

    it('accepts exactly 2^nInformative clusters and then uses every vertex', () => {
      const concept = drawConcept({ nFeatures: 3, nInformative: 2, nRedundant: 0, nClasses: 2, nClustersPerClass: 2 }, new Random(5));
      const vertices = new Set<string>();
      for (let k = 0; k < 4; k++) vertices.add(String([...concept.centroids.subarray(2 * k, 2 * k + 2)]));
      assert.deepEqual([...vertices].sort(), ['-1,-1', '-1,1', '1,-1', '1,1']);
    });
  });

  describe('cluster layout (exact, against scikit-learn)', () => {
    for (const { options, y } of fixture.layouts) {
      it(`labels rows as sklearn does for ${JSON.stringify(options)}`, () => {
        const ours = fromSklearn(options);
        const batch = makeClassification(
          { ...ours, nSamples: ours.nSamples!, nFeatures: 4, nInformative: 4, nRedundant: 0, shuffle: false, flipY: 0 },
          new Random(11),
        );
        assert.deepEqual([...batch.y], y);
      });
    }
  });

  describe('hypercube vertices', () => {
    function distinctRows(flat: Float64Array, dimensions: number): number {
      const rows = new Set<string>();
      for (let r = 0; r < flat.length / dimensions; r++) rows.add(String([...flat.subarray(r * dimensions, (r + 1) * dimensions)]));
      return rows.size;
    }

    // Ratios below 0.01 (set rejection), between (permutation prefix), above 0.99 (reservoir), and > 30 dimensions.
    for (const [count, dimensions] of [[4, 12], [4, 6], [8, 3], [16, 35]]) {
      it(`draws ${count} distinct 0/1 vertices in ${dimensions} dimensions`, () => {
        const vertices = hypercubeVertices(count, dimensions, new Random(count * 100 + dimensions));
        assert.equal(vertices.length, count * dimensions);
        assert.ok(vertices.every((v) => v === 0 || v === 1));
        assert.equal(distinctRows(vertices, dimensions), count);
      });
    }

    it('samples without replacement uniformly (each of 10 items drawn in 3 of 10 cases)', () => {
      const hits = new Float64Array(10);
      const random = new Random(3);
      const trials = 20_000;
      for (let t = 0; t < trials; t++) for (const v of sampleWithoutReplacement(10, 3, random)) hits[v]++;
      // Each count is Binomial(20 000, 0.3): sd ≈ 65, so ±400 is over 6 sd.
      for (const h of hits) assert.ok(Math.abs(h - 0.3 * trials) < 400, `count ${h}`);
    });
  });

  describe('concept', () => {
    it('puts the centroids on distinct vertices at ±classSep', () => {
      const concept = drawConcept({ nClasses: 3, nClustersPerClass: 2, classSep: 1.5 }, new Random(8));
      assert.equal(concept.centroids.length, 6 * 6);
      assert.ok(concept.centroids.every((v) => v === 1.5 || v === -1.5));
      const rows = new Set(Array.from({ length: 6 }, (_, k) => String([...concept.centroids.subarray(6 * k, 6 * k + 6)])));
      assert.equal(rows.size, 6);
    });

    it('shrinks the vertices by random factors when hypercube is false', () => {
      const concept = drawConcept({ hypercube: false, classSep: 2 }, new Random(8));
      assert.ok(concept.centroids.every((v) => Math.abs(v) <= 2));
      assert.ok(concept.centroids.some((v) => Math.abs(v) !== 2));
      assert.ok(new Set(concept.centroids.map(Math.abs)).size > 4, 'the factors vary per cluster and per dimension');
    });

    it('draws shift in [-classSep, classSep] and scale in [1, 101) when they are null', () => {
      const concept = drawConcept({ shift: null, scale: null, classSep: 3 }, new Random(4));
      assert.ok(concept.shift.every((v) => v >= -3 && v <= 3));
      assert.ok(concept.scale.every((v) => v >= 1 && v < 101));
      assert.ok(new Set(concept.scale).size === 10 && new Set(concept.shift).size === 10);
    });

    it('permutes the features only when shuffling', () => {
      const identity = [...Array(10).keys()];
      assert.deepEqual([...drawConcept({ shuffle: false }, new Random(1)).featureOrder], identity);
      const shuffled = [...drawConcept({}, new Random(1)).featureOrder];
      assert.deepEqual([...shuffled].sort((a, b) => a - b), identity);
      assert.notDeepEqual(shuffled, identity);
    });

    it('is frozen plain data that survives the state codec and samples identically after it', () => {
      const concept = drawConcept({ nRepeated: 1, shift: null, scale: null }, new Random(1));
      assert.ok(Object.isFrozen(concept));
      const restored = decodeState(encodeState(concept)) as typeof concept;
      assert.deepEqual(sampleConcept(restored, 50, new Random(2)), sampleConcept(concept, 50, new Random(2)));
    });
  });

  describe('sampling', () => {
    const rows = 20_000;
    const plain = drawConcept({ shuffle: false, flipY: 0, classSep: 1 }, new Random(21));
    const sample = sampleConcept(plain, rows, new Random(22));
    const cluster = clusterOfRow(clusterSizes(plain, rows));

    it('gives cluster k the label k mod nClasses', () => {
      for (let r = 0; r < rows; r++) assert.equal(sample.y[r], cluster[r] % 2);
    });

    it('centres each cluster on its vertex and gives it the covariance AᵀA of its random matrix', () => {
      for (let k = 0; k < 4; k++) {
        const members = [...cluster.keys()].filter((r) => cluster[r] === k);
        for (let j = 0; j < 6; j++) {
          const values = column(sample, j, members);
          const centroid = plain.centroids[k * 6 + j];
          assert.equal(Math.abs(centroid), 1);
          // sd ≤ √6 per row, so the standard error of a 5 000-row mean is ≤ 0.035.
          assert.ok(Math.abs(mean(values) - centroid) < 0.15, `cluster ${k} feature ${j}: mean ${mean(values)} vs ${centroid}`);
          let expected = 0;
          for (let i = 0; i < 6; i++) expected += plain.clusterCovariances[k * 36 + i * 6 + j] ** 2;
          // Relative standard error of a 5 000-row variance is √(2/5000) = 2 %.
          assert.ok(Math.abs(variance(values) / expected - 1) < 0.1, `cluster ${k} feature ${j}: var ${variance(values)} vs ${expected}`);
        }
      }
    });

    it('makes the redundant columns exact linear combinations of the informative ones', () => {
      for (let r = 0; r < rows; r += 97) {
        for (let j = 0; j < 2; j++) {
          let combination = 0;
          for (let i = 0; i < 6; i++) combination += sample.x.data[r * 10 + i] * plain.redundantWeights[i * 2 + j];
          assert.ok(Math.abs(sample.x.data[r * 10 + 6 + j] - combination) <= 1e-12 * (1 + Math.abs(combination)));
        }
      }
    });

    it('fills the remaining columns with N(0, 1) noise unrelated to the label', () => {
      for (const c of [8, 9]) {
        const values = column(sample, c);
        // Standard errors: 0.007 for the mean, 0.01 for the variance.
        assert.ok(Math.abs(mean(values)) < 0.05, `mean ${mean(values)}`);
        assert.ok(Math.abs(variance(values) - 1) < 0.06, `variance ${variance(values)}`);
        const byClass = [0, 1].map((label) => mean(values.filter((_, r) => sample.y[r] === label)));
        assert.ok(Math.abs(byClass[0] - byClass[1]) < 0.06, `class means ${byClass}`);
      }
    });

    it('copies repeated columns from the informative and redundant ones', () => {
      const concept = drawConcept({ nRepeated: 2, shuffle: false }, new Random(30));
      const batch = sampleConcept(concept, 200, new Random(31));
      for (let j = 0; j < 2; j++) {
        const source = concept.repeatedSources[j];
        assert.ok(source >= 0 && source < 8);
        assert.deepEqual(column(batch, 8 + j), column(batch, source));
      }
    });

    it('splits rows across clusters like sklearn and keeps classes balanced under shuffling', () => {
      const batch = makeClassification({ nSamples: rows }, new Random(40));
      const ones = batch.y.reduce((count, label) => count + label, 0);
      // Balanced by construction before flips; flips move ≈ 50 labels either way.
      assert.ok(Math.abs(ones / rows - 0.5) < 0.01, `class-1 fraction ${ones / rows}`);
    });

    function changedLabels(flipY: number, nClasses = 2): number {
      const concept = drawConcept({ shuffle: false, flipY, nClasses }, new Random(50));
      const batch = sampleConcept(concept, rows, new Random(51));
      const nominal = clusterOfRow(clusterSizes(concept, rows));
      let changed = 0;
      for (let r = 0; r < rows; r++) if (batch.y[r] !== nominal[r] % nClasses) changed++;
      return changed / rows;
    }

    it('replaces a flipY fraction of labels by random classes, so about flipY/2 change in binary problems', () => {
      assert.equal(changedLabels(0), 0);
      // Default 0.01: 100 expected changes of 20 000, sd 10.
      const small = changedLabels(0.01);
      assert.ok(small > 0.002 && small < 0.008, `changed ${small}`);
      // 0.2 → 0.1, sd 0.002.
      assert.ok(Math.abs(changedLabels(0.2) - 0.1) < 0.015);
      // With 3 classes a flipped label keeps its class 1/3 of the time: 0.3 → 0.2.
      assert.ok(Math.abs(changedLabels(0.3, 3) - 0.2) < 0.015);
    });

    it('shifts then scales every feature', () => {
      const shift = Array.from({ length: 10 }, (_, i) => i - 4.5);
      const scale = Array.from({ length: 10 }, (_, i) => 1 + i / 3);
      const base = makeClassification({ nSamples: 50 }, new Random(60));
      const moved = makeClassification({ nSamples: 50, shift, scale }, new Random(60));
      const order = drawConcept({}, new Random(60)).featureOrder;
      for (let r = 0; r < 50; r++) {
        for (let j = 0; j < 10; j++) {
          const c = order[j];
          const expected = (base.x.data[r * 10 + j] + shift[c]) * scale[c];
          assert.ok(Math.abs(moved.x.data[r * 10 + j] - expected) <= 1e-12 * Math.abs(expected) + 1e-12);
        }
      }
      assert.deepEqual(moved.y, base.y);
    });

    it('shuffles rows only when asked', () => {
      const shuffled = makeClassification({ nSamples: 100, flipY: 0 }, new Random(70));
      const ordered = makeClassification({ nSamples: 100, flipY: 0, shuffle: false }, new Random(70));
      const layout = [...clusterOfRow(clusterSizes(drawConcept({}, new Random(1)), 100))].map((k) => k % 2);
      assert.deepEqual([...ordered.y], layout);
      assert.notDeepEqual([...shuffled.y], layout);
      assert.equal(shuffled.y.reduce((a, b) => a + b, 0), 50);
    });

    it('is a pure function of the generator: same seed, same bytes; another seed, other bytes', () => {
      const a = makeClassification({ nSamples: 300 }, new Random(80));
      const b = makeClassification({ nSamples: 300 }, new Random(80));
      const c = makeClassification({ nSamples: 300 }, new Random(81));
      assert.deepEqual(a.x.data, b.x.data);
      assert.deepEqual(a.y, b.y);
      assert.notDeepEqual(a.x.data, c.x.data);
    });
  });

  describe('distribution of problems, against scikit-learn over many seeds', () => {
    for (const { options, stats } of fixture.distributions) {
      it(`matches sklearn's summary statistics for ${JSON.stringify(options)}`, () => {
        const ours = fromSklearn(options);
        const figures: Record<string, number[]> = {};
        for (let d = 0; d < fixture.draws; d++) {
          const batch = makeClassification({ ...ours, nSamples: fixture.rows }, new Random(deriveSeed(2024, d)));
          const variances = Array.from({ length: batch.x.cols }, (_, c) => variance(column(batch, c))).sort((a, b) => a - b);
          const row: Record<string, number> = {
            class1Fraction: mean(batch.y),
            meanColumnVariance: mean(variances),
            medianColumnVariance: (variances[(variances.length - 1) >> 1] + variances[variances.length >> 1]) / 2,
            nearestClassMeanAccuracy: nearestClassMeanAccuracy(batch),
          };
          for (const [name, value] of Object.entries(row)) (figures[name] ??= []).push(value);
        }
        assert.deepEqual(Object.keys(figures).sort(), Object.keys(stats).sort());
        for (const [name, reference] of Object.entries(stats)) {
          const values = figures[name];
          const ourMean = mean(values);
          const ourSd = Math.sqrt((variance(values) * values.length) / (values.length - 1));
          // Two independent sample means: 4.5 standard errors of their difference.
          const bound = 4.5 * Math.sqrt((reference.sd ** 2 + ourSd ** 2) / fixture.draws);
          assert.ok(
            Math.abs(ourMean - reference.mean) < bound,
            `${name}: ours ${ourMean.toFixed(4)} ± ${ourSd.toFixed(4)}, sklearn ${reference.mean.toFixed(4)} ± ${reference.sd.toFixed(4)}, bound ${bound.toFixed(4)}`,
          );
        }
      });
    }
  });
});
