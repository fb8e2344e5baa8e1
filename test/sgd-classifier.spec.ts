import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { matrix, type Classifier, type LabeledBatch, type Matrix } from '../models/types';
import { decodeState, encodeState } from '../models/state-codec';
import {
  decisionFunctionSgd, learnSgd, predictProbaSgd, sgdClassifier, sgdCoefficients, type SgdParams, type SgdState,
} from '../models/sgd-classifier';
import { perceptron } from '../models/perceptron';
import { LINEAR_LOSSES, LINEAR_LOSS_NAMES } from '../models/linear-losses';
import { optimalInit } from '../models/learning-rates';
import { LOSS_CODE, PENALTY_CODE, RATE_CODE, plainSgdEpoch, type BinaryProblem, type SgdKernel } from '../models/plain-sgd';
import { unrolledEpochFor } from '../models/unrolled-sgd';
import { passiveAggressive } from '../models/passive-aggressive';

interface FixtureStep { coef: number[]; intercept: number[]; t: number; decision: number[]; proba?: number[]; predict: number[] }
interface FixtureCase { name: string; kind: string; options: Record<string, unknown>; dataset: string; steps: FixtureStep[] }
interface FixtureDataset { nClasses: number; batches: { x: number[][]; y: number[] }[]; probe: number[][] }

const fixture = JSON.parse(readFileSync(new URL('./fixtures/sgd.json', import.meta.url), 'utf8')) as {
  nFeatures: number; datasets: Record<string, FixtureDataset>; cases: FixtureCase[];
};
const N_FEATURES = fixture.nFeatures;

function toMatrix(rows: number[][]): Matrix {
  return matrix(rows.length, N_FEATURES, Float64Array.from(rows.flat()));
}

function toBatch(b: { x: number[][]; y: number[] }): LabeledBatch {
  return { x: toMatrix(b.x), y: Int32Array.from(b.y) };
}

function build(kind: string, options: Record<string, unknown>): Classifier<SgdState> {
  switch (kind) {
    case 'sgd': return sgdClassifier(options as never);
    case 'perceptron': return perceptron(options as never);
    case 'passive-aggressive': return passiveAggressive(options as never);
    default: throw new Error(`unknown kind ${kind}`);
  }
}

/** Relative 1e-9 with an absolute floor of 1e-12 for values near 0. */
function assertAllClose(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const tolerance = 1e-9 * Math.abs(expected[i]) + 1e-12;
    assert.ok(Math.abs(actual[i] - expected[i]) <= tolerance, `${what}[${i}]: got ${actual[i]}, scikit-learn ${expected[i]}`);
  }
}

const params = (model: Classifier<SgdState>): SgdParams => model.params as unknown as SgdParams;
const binary = fixture.datasets.binary;
const multiclass = fixture.datasets.multiclass;

describe('sgdClassifier, perceptron and passiveAggressive: parity with scikit-learn 1.7.2 partial_fit', () => {
  it('the fixture covers every loss, penalty, learning rate and estimator', () => {
    const sgdCases = fixture.cases.filter((c) => c.kind === 'sgd');
    const used = (key: string, fallback: unknown) => new Set(sgdCases.map((c) => c.options[key] ?? fallback));
    assert.deepEqual([...used('loss', 'log_loss')].sort(), ['hinge', 'log_loss', 'modified_huber', 'perceptron', 'squared_hinge']);
    assert.deepEqual([...used('penalty', 'none')].sort(), ['elasticnet', 'l1', 'l2', 'none']);
    assert.deepEqual([...used('learningRate', 'constant')].sort(), ['constant', 'invscaling', 'optimal']);
    assert.ok(fixture.cases.some((c) => c.kind === 'perceptron'));
    assert.ok(fixture.cases.some((c) => c.kind === 'passive-aggressive' && c.options.loss === 'squared_hinge'));
    assert.ok(fixture.cases.every((c) => c.steps.length >= 5));
  });

  for (const c of fixture.cases) {
    it(`${c.kind}: ${c.name}`, () => {
      const data = fixture.datasets[c.dataset];
      const model = build(c.kind, { ...c.options, nFeatures: N_FEATURES, nClasses: data.nClasses });
      const probe = toMatrix(data.probe);
      let state = model.init();
      data.batches.forEach((b, k) => {
        state = model.learn(state, toBatch(b));
        const expected = c.steps[k];
        const { coef, intercept } = sgdCoefficients(params(model), state);
        assertAllClose(coef, expected.coef, `batch ${k} coef_`);
        assertAllClose(intercept, expected.intercept, `batch ${k} intercept_`);
        assert.equal(state.t, expected.t, `batch ${k} t_`);
        assertAllClose(decisionFunctionSgd(params(model), state, probe), expected.decision, `batch ${k} decision_function`);
        if (expected.proba) assertAllClose(model.predictProba(state, probe), expected.proba, `batch ${k} predict_proba`);
        assert.deepEqual(Array.from(model.predict(state, probe)), expected.predict, `batch ${k} predict`);
      });
    });
  }
});

describe('sgdClassifier', () => {
  const batches = binary.batches.map(toBatch);

  it('defaults to the seed settings: log_loss, no penalty, constant rate 0.001, intercept', () => {
    const p = params(sgdClassifier({ nFeatures: 3 }));
    assert.equal(p.loss, 'log_loss');
    assert.equal(p.penalty, 'none');
    assert.equal(p.learningRate, 'constant');
    assert.equal(p.eta0, 0.001);
    assert.equal(p.fitIntercept, true);
    assert.equal(p.alpha, 1e-4);
    assert.equal(p.l1Ratio, 0.15);
    assert.equal(p.nClasses, 2);
    assert.equal(p.average, 0);
    assert.ok(Object.isFrozen(p));
  });

  it('reports its kind and whether predictProba is a probability', () => {
    assert.equal(sgdClassifier({ nFeatures: 2 }).kind, 'sgd');
    assert.equal(perceptron({ nFeatures: 2 }).kind, 'perceptron');
    assert.equal(passiveAggressive({ nFeatures: 2 }).kind, 'passive-aggressive');
    assert.equal(sgdClassifier({ nFeatures: 2 }).probabilistic, true);
    assert.equal(sgdClassifier({ nFeatures: 2, loss: 'modified_huber' }).probabilistic, true);
    assert.equal(sgdClassifier({ nFeatures: 2, loss: 'hinge' }).probabilistic, false);
    assert.equal(perceptron({ nFeatures: 2 }).probabilistic, false);
    assert.equal(passiveAggressive({ nFeatures: 2 }).probabilistic, false);
  });

  it('perceptron and passiveAggressive resolve to scikit-learn\'s settings', () => {
    const p = params(perceptron({ nFeatures: 2 }));
    assert.deepEqual([p.loss, p.learningRate, p.eta0, p.penalty, p.average], ['perceptron', 'constant', 1, 'none', 0]);
    const pa1 = params(passiveAggressive({ nFeatures: 2 }));
    assert.deepEqual([pa1.loss, pa1.learningRate, pa1.C, pa1.penalty], ['hinge', 'pa1', 1, 'none']);
    assert.equal(params(passiveAggressive({ nFeatures: 2, loss: 'squared_hinge', C: 0.1 })).learningRate, 'pa2');
  });

  it('learn leaves the state and the batch untouched', () => {
    const model = sgdClassifier({ nFeatures: N_FEATURES, penalty: 'elasticnet', average: true, learningRate: 'optimal' });
    let state = model.learn(model.init(), batches[0]);
    const before = encodeState(state);
    const batch = batches[1];
    const x = batch.x.data.slice();
    const y = batch.y.slice();
    const next = model.learn(state, batch);
    assert.equal(encodeState(state), before);
    assert.deepEqual(batch.x.data, x);
    assert.deepEqual(batch.y, y);
    assert.notEqual(next.weights, state.weights);
    state = next;
    assert.notEqual(encodeState(state), before);
  });

  it('round-trips its state through encodeState / decodeState / restore', () => {
    const model = sgdClassifier({ nFeatures: N_FEATURES, nClasses: 3, average: 50, penalty: 'l1' });
    const data = multiclass.batches.map(toBatch);
    const state = model.learn(model.learn(model.init(), data[0]), data[1]);
    const restored = model.restore(decodeState(encodeState(state)));
    assert.deepEqual(restored, state);
    const probe = toMatrix(multiclass.probe);
    assert.deepEqual(model.predictProba(restored, probe), model.predictProba(state, probe));
    assert.deepEqual(model.learn(restored, data[2]), model.learn(state, data[2]));
  });

  it('restore names what does not match', () => {
    const model = sgdClassifier({ nFeatures: 4, average: true });
    const good = model.init();
    assert.throws(() => model.restore(null), /state must be an object/);
    assert.throws(() => model.restore({ ...good, weights: new Float64Array(3) }), /weights has 3 values, expected 4/);
    assert.throws(() => model.restore({ ...good, intercepts: [0] }), /intercepts must be a Float64Array, got Array/);
    assert.throws(() => model.restore({ ...good, averageWeights: new Float64Array(0) }), /averageWeights has 0 values, expected 4/);
    assert.throws(() => model.restore({ ...good, t: 0 }), /t must be an integer ≥ 1/);
    assert.throws(() => model.restore({ ...good, weights: Float64Array.of(0, NaN, 0, 0) }), /weights holds a non-finite value/);
    assert.throws(() => model.restore({ ...good, extra: 1 }), /unexpected field\(s\) extra/);
    const { t: _t, ...withoutT } = good;
    assert.throws(() => model.restore(withoutT), /t must be an integer/);
    assert.throws(() => sgdClassifier({ nFeatures: 4 }).restore(good), /averageWeights has 4 values, expected 0 \(no averaging\)/);
  });

  it('one-row batches give the same model as one batch (no penalty, no averaging)', () => {
    const model = sgdClassifier({ nFeatures: N_FEATURES, learningRate: 'invscaling', eta0: 0.05 });
    const batch = batches[2];
    const whole = model.learn(model.init(), batch);
    let rowByRow = model.init();
    for (let r = 0; r < batch.x.rows; r++) {
      rowByRow = model.learn(rowByRow, { x: matrix(1, N_FEATURES, batch.x.data.slice(r * N_FEATURES, (r + 1) * N_FEATURES)), y: batch.y.slice(r, r + 1) });
    }
    assert.deepEqual(rowByRow, whole);
  });

  it('an empty batch changes nothing', () => {
    const model = sgdClassifier({ nFeatures: N_FEATURES });
    const state = model.learn(model.init(), batches[0]);
    assert.equal(model.learn(state, { x: matrix(0, N_FEATURES), y: new Int32Array(0) }), state);
  });

  it('predictProba rows sum to 1 and agree with predict, for every loss', () => {
    const probe = toMatrix(multiclass.probe);
    for (const loss of ['log_loss', 'hinge', 'modified_huber', 'squared_hinge', 'perceptron'] as const) {
      for (const nClasses of [2, 3]) {
        const model = sgdClassifier({ nFeatures: N_FEATURES, nClasses, loss, eta0: 0.05 });
        const data = (nClasses === 2 ? binary : multiclass).batches.map(toBatch);
        const state = data.reduce((s, b) => model.learn(s, b), model.init());
        const proba = model.predictProba(state, probe);
        const predicted = model.predict(state, probe);
        for (let r = 0; r < probe.rows; r++) {
          const row = Array.from(proba.subarray(r * nClasses, (r + 1) * nClasses));
          assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-12, `${loss} row ${r} sums to 1`);
          assert.ok(row.every((v) => v >= 0 && v <= 1));
          if (loss !== 'modified_huber') assert.equal(row.indexOf(Math.max(...row)), predicted[r], `${loss} row ${r}`);
        }
      }
    }
  });

  it('modified_huber probabilities of a fresh multiclass model are uniform (scikit-learn\'s all-zero case)', () => {
    const model = sgdClassifier({ nFeatures: 2, nClasses: 4, loss: 'modified_huber' });
    const state = { ...model.init(), intercepts: Float64Array.of(-3, -3, -3, -3) };
    assert.deepEqual(Array.from(predictProbaSgd(params(model), state, matrix(1, 2, Float64Array.of(0.5, 0.5)))), [0.25, 0.25, 0.25, 0.25]);
  });

  describe('validation', () => {
    const bad: [string, () => unknown, RegExp][] = [
      ['nFeatures', () => sgdClassifier({ nFeatures: 0 }), /sgdClassifier: nFeatures must be an integer ≥ 1, got 0/],
      ['nClasses', () => sgdClassifier({ nFeatures: 2, nClasses: 1 }), /sgdClassifier: nClasses must be an integer ≥ 2, got 1/],
      ['loss', () => sgdClassifier({ nFeatures: 2, loss: 'log' as never }), /sgdClassifier: loss must be one of "log_loss", .*got "log"/],
      ['penalty', () => sgdClassifier({ nFeatures: 2, penalty: 'l3' as never }), /sgdClassifier: penalty must be one of "none", "l2", "l1", "elasticnet", got "l3"/],
      ['alpha', () => sgdClassifier({ nFeatures: 2, alpha: -1 }), /sgdClassifier: alpha must be a finite number ≥ 0, got -1/],
      ['alpha for optimal', () => sgdClassifier({ nFeatures: 2, alpha: 0, learningRate: 'optimal' }), /sgdClassifier: alpha must be > 0 for learningRate 'optimal'/],
      ['l1Ratio', () => sgdClassifier({ nFeatures: 2, l1Ratio: 1.5 }), /sgdClassifier: l1Ratio must be a finite number in \[0, 1\], got 1.5/],
      ['learningRate', () => sgdClassifier({ nFeatures: 2, learningRate: 'adaptive' as never }), /sgdClassifier: learningRate must be one of "constant", "optimal", "invscaling", got "adaptive"/],
      ['eta0 for constant', () => sgdClassifier({ nFeatures: 2, eta0: 0 }), /sgdClassifier: eta0 must be > 0 for learningRate 'constant', got 0/],
      ['eta0 for invscaling', () => sgdClassifier({ nFeatures: 2, eta0: 0, learningRate: 'invscaling' }), /eta0 must be > 0 for learningRate 'invscaling'/],
      ['eta0 NaN', () => sgdClassifier({ nFeatures: 2, eta0: NaN }), /sgdClassifier: eta0 must be a finite number ≥ 0, got NaN/],
      ['powerT', () => sgdClassifier({ nFeatures: 2, powerT: Infinity }), /sgdClassifier: powerT must be a finite number/],
      ['fitIntercept', () => sgdClassifier({ nFeatures: 2, fitIntercept: 1 as never }), /sgdClassifier: fitIntercept must be true or false, got 1/],
      ['average', () => sgdClassifier({ nFeatures: 2, average: 0.5 }), /sgdClassifier: average must be true, false or an integer ≥ 1, got 0.5/],
      ['classWeight length', () => sgdClassifier({ nFeatures: 2, classWeight: [1] }), /sgdClassifier: classWeight must be 2 finite numbers ≥ 0 \(one per class\), got \[1\]/],
      ['classWeight value', () => sgdClassifier({ nFeatures: 2, classWeight: [1, -2] }), /classWeight must be 2 finite numbers ≥ 0/],
      ['unknown option', () => sgdClassifier({ nFeatures: 2, eta: 0.1 } as never), /sgdClassifier: unknown option "eta"/],
      ['perceptron eta0', () => perceptron({ nFeatures: 2, eta0: 0 }), /perceptron: eta0 must be a finite number > 0, got 0/],
      ['perceptron average', () => perceptron({ nFeatures: 2, average: true } as never), /perceptron: unknown option "average"/],
      ['PA C', () => passiveAggressive({ nFeatures: 2, C: 0 }), /passiveAggressive: C must be a finite number > 0, got 0/],
      ['PA loss', () => passiveAggressive({ nFeatures: 2, loss: 'log_loss' as never }), /passiveAggressive: loss must be one of "hinge", "squared_hinge", got "log_loss"/],
    ];
    for (const [name, make, message] of bad) it(`rejects a bad ${name}`, () => assert.throws(make, message));

    it('learn rejects batches that do not fit the model', () => {
      const model = sgdClassifier({ nFeatures: 3 });
      const state = model.init();
      const x = matrix(2, 3, Float64Array.of(1, 2, 3, 4, 5, 6));
      assert.throws(() => model.learn(state, { x: matrix(2, 2, new Float64Array(4)), y: Int32Array.of(0, 1) }), /the batch has 2 feature columns, expected nFeatures = 3/);
      assert.throws(() => model.learn(state, { x, y: Int32Array.of(0) }), /the batch has 2 rows but 1 labels/);
      assert.throws(() => model.learn(state, { x, y: Int32Array.of(0, 2) }), /label 2 at row 1 is outside 0..1 \(nClasses = 2\)/);
      assert.throws(() => model.learn(state, { x, y: Int32Array.of(-1, 0) }), /label -1 at row 0 is outside 0..1/);
      assert.throws(() => model.learn(state, { x: { rows: 2, cols: 3, data: new Float64Array(5) }, y: Int32Array.of(0, 1) }), /holds 5 values, expected rows × cols = 6/);
      assert.throws(() => model.learn(state, { x: matrix(2, 3, Float64Array.of(1, NaN, 3, 4, 5, 6)), y: Int32Array.of(0, 1) }), /row 0 of the batch gives the decision value NaN/);
      assert.throws(() => model.predict(state, matrix(1, 2, new Float64Array(2))), /the matrix has 2 feature columns, expected nFeatures = 3/);
    });
  });

  describe('the unrolled fast path', () => {
    const kernel = (loss: keyof typeof LOSS_CODE, rate: 'constant' | 'optimal' | 'invscaling', fitIntercept: boolean): SgdKernel => ({
      lossCode: LOSS_CODE[loss], penaltyCode: PENALTY_CODE.none, rateCode: RATE_CODE[rate], alpha: 1e-3, l1Ratio: 0.15,
      eta0: 0.05, powerT: 0.4, C: 1, optimalInit: rate === 'optimal' ? optimalInit(1e-3, LINEAR_LOSSES[loss].gradient) : 0,
      fitIntercept, average: 0,
    });

    it('serves unpenalised, unaveraged gradient steps on up to 32 features only', () => {
      const plain = kernel('log_loss', 'constant', true);
      assert.notEqual(unrolledEpochFor(plain, N_FEATURES, false), null);
      assert.notEqual(unrolledEpochFor(plain, 32, true), null);
      assert.equal(unrolledEpochFor(plain, 33, false), null);
      assert.equal(unrolledEpochFor({ ...plain, penaltyCode: PENALTY_CODE.l2 }, N_FEATURES, false), null);
      assert.equal(unrolledEpochFor({ ...plain, average: 1 }, N_FEATURES, false), null);
      assert.equal(unrolledEpochFor({ ...plain, rateCode: RATE_CODE.pa1 }, N_FEATURES, false), null);
    });

    it('gives bit-identical weights to plainSgdEpoch for every loss, rate and class weighting', () => {
      const batch = batches[2];
      const start = Float64Array.from({ length: N_FEATURES }, (_, j) => (j % 3) - 0.7 * j / N_FEATURES);
      for (const loss of LINEAR_LOSS_NAMES) {
        for (const rate of ['constant', 'optimal', 'invscaling'] as const) {
          for (const [weightNeg, weightPos, fitIntercept] of [[1, 1, true], [0.5, 3, true], [1, 1, false]] as const) {
            const k = kernel(loss, rate, fitIntercept);
            const problem: BinaryProblem = {
              x: batch.x.data, rows: batch.x.rows, nFeatures: N_FEATURES, labels: batch.y, nClasses: 2, positiveClass: 1, weightPos, weightNeg,
            };
            const wPlain = start.slice();
            const wFast = start.slice();
            const interceptPlain = plainSgdEpoch(k, problem, wPlain, null, null, 0.25, new Float64Array(0), 0, 40);
            const interceptsFast = Float64Array.of(7, 0.25, 7);
            const fast = unrolledEpochFor(k, N_FEATURES, weightNeg !== 1 || weightPos !== 1)!;
            fast(k, batch.x.data, batch.y, batch.x.rows, 2, 1, weightPos, weightNeg, wFast, interceptsFast, 1, 40);
            const what = `${loss}, ${rate}, weights ${weightNeg}/${weightPos}, intercept ${fitIntercept}`;
            assert.deepEqual(wFast, wPlain, what);
            assert.ok(Object.is(interceptsFast[1], interceptPlain), what);
            assert.deepEqual([interceptsFast[0], interceptsFast[2]], [7, 7], `${what}: only its own intercept is written`);
            assert.notDeepEqual(wFast, start, `${what}: the epoch learned something`);
          }
        }
      }
    });
    it('agrees with plainSgdEpoch bit for bit on 1, 3 and 32 features', () => {
      for (const nf of [1, 3, 32]) {
        const rows = 40;
        const x = Float64Array.from({ length: rows * nf }, (_, i) => Math.sin(i * 0.37) * (1 + (i % 5)));
        const labels = Int32Array.from({ length: rows }, (_, r) => (Math.cos(r * 1.3) > 0 ? 1 : 0));
        for (const loss of ['log_loss', 'squared_hinge'] as const) {
          const k = kernel(loss, 'optimal', true);
          const problem: BinaryProblem = { x, rows, nFeatures: nf, labels, nClasses: 2, positiveClass: 1, weightPos: 1, weightNeg: 1 };
          const wPlain = new Float64Array(nf);
          const wFast = new Float64Array(nf);
          const interceptPlain = plainSgdEpoch(k, problem, wPlain, null, null, 0, new Float64Array(0), 0, 1);
          const interceptsFast = new Float64Array(1);
          unrolledEpochFor(k, nf, false)!(k, x, labels, rows, 2, 1, 1, 1, wFast, interceptsFast, 0, 1);
          assert.deepEqual(wFast, wPlain, `${nf} features, ${loss}`);
          assert.ok(Object.is(interceptsFast[0], interceptPlain), `${nf} features, ${loss}`);
          assert.ok(wFast.some((v) => v !== 0), `${nf} features, ${loss}: learned something`);
        }
      }
    });
  });

  it('the pure functions agree with the classifier methods', () => {
    const model = sgdClassifier({ nFeatures: N_FEATURES, loss: 'modified_huber' });
    const s1 = learnSgd(params(model), model.init(), batches[0]);
    assert.deepEqual(s1, model.learn(model.init(), batches[0]));
    const probe = toMatrix(binary.probe);
    assert.deepEqual(predictProbaSgd(params(model), s1, probe), model.predictProba(s1, probe));
  });
});
