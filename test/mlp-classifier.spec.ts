import assert from 'node:assert/strict';
import { bayesianLogistic } from '../models/bayesian-logistic';
import {
  initMlp, layoutOf, learnMlp, mlpClassifier, mlpGradient, mlpParams, predictProbaMlp, type MlpOptions, type MlpParams, type MlpState,
} from '../models/mlp-classifier';
import { Random } from '../models/random';
import { decodeState, encodeState } from '../models/state-codec';
import { matrix, sliceRows, type Classifier, type LabeledBatch } from '../models/types';
import { assertAllClose } from './support/approx';

/** x uniform in [−1, 1]², label 1 when x₀·x₁ > 0: no linear model can beat about ½. */
function xorData(seed: number, rows: number): LabeledBatch {
  const random = new Random(seed);
  const x = new Float64Array(rows * 2);
  const y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    x[2 * r] = random.uniform(-1, 1);
    x[2 * r + 1] = random.uniform(-1, 1);
    y[r] = x[2 * r] * x[2 * r + 1] > 0 ? 1 : 0;
  }
  return { x: matrix(rows, 2, x), y };
}

/** Three Gaussian blobs in 3 dimensions. */
function blobs(seed: number, rows: number): LabeledBatch {
  const random = new Random(seed);
  const centres = [[3, 0, 0], [-3, 0, 1.5], [0, 3, -1.5]];
  const x = new Float64Array(rows * 3);
  const y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    y[r] = random.int(0, 2);
    for (let j = 0; j < 3; j++) x[3 * r + j] = centres[y[r]][j] + random.normal();
  }
  return { x: matrix(rows, 3, x), y };
}

function windows(batch: LabeledBatch, size: number): LabeledBatch[] {
  const out: LabeledBatch[] = [];
  for (let start = 0; start < batch.x.rows; start += size) {
    const end = Math.min(batch.x.rows, start + size);
    out.push({ x: sliceRows(batch.x, start, end), y: batch.y.subarray(start, end) });
  }
  return out;
}

function accuracy<S>(model: Classifier<S>, state: S, test: LabeledBatch): number {
  const predicted = model.predict(state, test.x);
  return predicted.reduce((n, label, r) => n + (label === test.y[r] ? 1 : 0), 0) / test.y.length;
}

function trainOn<S>(model: Classifier<S>, state: S, parts: readonly LabeledBatch[], passes = 1): S {
  for (let pass = 0; pass < passes; pass++) for (const batch of parts) state = model.learn(state, batch);
  return state;
}

const paramsOf = (model: Classifier<MlpState>): MlpParams => model.params as unknown as MlpParams;

describe('mlpClassifier', () => {
  it('learns XOR, which no linear model can', () => {
    const train = windows(xorData(1, 400), 20);
    const test = xorData(2, 300);
    const mlp = mlpClassifier({ nFeatures: 2, hidden: [8], learningRate: 0.02, batchSize: 10 });
    const linear = bayesianLogistic({ nFeatures: 2 });
    const mlpAccuracy = accuracy(mlp, trainOn(mlp, mlp.init(), train, 8), test);
    const linearAccuracy = accuracy(linear, trainOn(linear, linear.init(), train, 8), test);
    assert.ok(mlpAccuracy > 0.9, `MLP holdout accuracy ${mlpAccuracy}`);
    assert.ok(linearAccuracy < 0.7, `linear holdout accuracy ${linearAccuracy}`);
  });

  it('learns three classes through its softmax', () => {
    const model = mlpClassifier({ nFeatures: 3, nClasses: 3, hidden: [8, 8], batchSize: 16 });
    const state = trainOn(model, model.init(), windows(blobs(3, 300), 30), 3);
    const holdout = accuracy(model, state, blobs(4, 300));
    assert.ok(holdout > 0.9, `holdout accuracy ${holdout}`);
  });

  it('initialises from its seed: He-uniform weights before a ReLU, Glorot-uniform elsewhere, zero biases', () => {
    for (const activation of ['relu', 'tanh'] as const) {
      const model = mlpClassifier({ nFeatures: 20, nClasses: 3, hidden: [30, 25], activation, seed: 5 });
      const state = model.init();
      const { sizes, weightOffsets, biasOffsets } = layoutOf(paramsOf(model));
      for (let l = 0; l < 3; l++) {
        const [fanIn, fanOut] = [sizes[l], sizes[l + 1]];
        const limit = activation === 'relu' && l < 2 ? Math.sqrt(6 / fanIn) : Math.sqrt(6 / (fanIn + fanOut));
        const weights = Array.from(state.parameters.subarray(weightOffsets[l], weightOffsets[l] + fanIn * fanOut));
        const largest = Math.max(...weights.map(Math.abs));
        assert.ok(largest < limit && largest > 0.9 * limit, `${activation} layer ${l}: largest |w| ${largest}, limit ${limit}`);
        const mean = weights.reduce((a, b) => a + b, 0) / weights.length;
        assert.ok(Math.abs(mean) < 0.1 * limit, `${activation} layer ${l}: weights should centre on 0, mean ${mean}`);
        assert.ok(state.parameters.subarray(biasOffsets[l], biasOffsets[l] + fanOut).every((b) => b === 0), `layer ${l} biases`);
      }
      assert.deepEqual(model.init(), state, 'init is deterministic');
      const other = mlpClassifier({ nFeatures: 20, nClasses: 3, hidden: [30, 25], activation, seed: 6 }).init();
      assert.notDeepEqual(other.parameters, state.parameters, 'another seed gives other weights');
    }
  });

  describe('optimizers (checked against mlpGradient)', () => {
    const batch = blobs(7, 40);
    const base: MlpOptions = { nFeatures: 3, nClasses: 3, hidden: [6], averageDecay: 0 };
    const firstStep = (options: MlpOptions): { params: MlpParams; before: MlpState; after: MlpState; gradient: Float64Array } => {
      const params = mlpParams(options);
      const before = initMlp(params);
      return { params, before, after: learnMlp(params, before, batch), gradient: mlpGradient(params, before, batch) };
    };

    it("Adam's first step moves every parameter by the learning rate against its gradient's sign", () => {
      const { before, after, gradient } = firstStep({ ...base, learningRate: 0.01 });
      const expected = before.parameters.map((w, k) => w - (0.01 * gradient[k]) / (Math.abs(gradient[k]) + 1e-8));
      assertAllClose(after.parameters, expected, 'parameters after one Adam step', 1e-9);
      assert.equal(after.step, 1);
    });

    it('plain SGD steps by −lr·g; Nesterov by −(1 + μ)·lr·g at first; heavy-ball by −lr·g, then μ·u − lr·g', () => {
      const plain = firstStep({ ...base, optimizer: 'sgd', momentum: 0, learningRate: 0.1 });
      assertAllClose(plain.after.parameters, plain.before.parameters.map((w, k) => w - 0.1 * plain.gradient[k]), 'plain SGD', 1e-12);
      assert.equal(plain.after.moment1.length, 0, 'plain SGD keeps no velocity');

      const nesterov = firstStep({ ...base, optimizer: 'sgd', momentum: 0.9, learningRate: 0.1 });
      assertAllClose(nesterov.after.parameters, nesterov.before.parameters.map((w, k) => w - 1.9 * 0.1 * nesterov.gradient[k]), 'Nesterov', 1e-12);

      const heavy = firstStep({ ...base, optimizer: 'sgd', momentum: 0.9, nesterov: false, learningRate: 0.1 });
      const velocity = heavy.gradient.map((g) => -0.1 * g);
      assertAllClose(heavy.after.parameters, heavy.before.parameters.map((w, k) => w + velocity[k]), 'heavy-ball, step 1', 1e-12);
      const secondGradient = mlpGradient(heavy.params, heavy.after, batch);
      const twice = learnMlp(heavy.params, heavy.after, batch);
      const expected = heavy.after.parameters.map((w, k) => w + 0.9 * velocity[k] - 0.1 * secondGradient[k]);
      assertAllClose(twice.parameters, expected, 'heavy-ball, step 2', 1e-12);
    });

    it('takes one step per batchSize rows on every pass over the window', () => {
      const windowed = firstStep({ ...base, epochsPerWindow: 3 });
      assert.equal(windowed.after.step, 3);
      const params = mlpParams({ ...base, batchSize: 16, epochsPerWindow: 3 });
      assert.equal(learnMlp(params, initMlp(params), batch).step, 9, '40 rows in batches of 16 is 3 steps a pass');
      const wide = mlpParams({ ...base, batchSize: 1000 });
      assert.deepEqual(learnMlp(wide, initMlp(wide), batch), firstStep(base).after, 'a batchSize above the window is one step per window');
    });

    it('predicts from the moving average of the parameters when averaging is on', () => {
      const params = mlpParams({ ...base, averageDecay: 0.95, batchSize: 8 });
      const state = learnMlp(params, initMlp(params), batch);
      assert.notDeepEqual(state.average, state.parameters);
      const plain = mlpParams(base);
      const fromAverage = predictProbaMlp(plain, { ...initMlp(plain), parameters: state.average }, batch.x);
      assert.deepEqual(predictProbaMlp(params, state, batch.x), fromAverage);
      // The average trails the iterate: it sits between the initial weights and the latest ones.
      const initial = initMlp(params).parameters;
      const gap = (a: Float64Array, b: Float64Array): number => Math.hypot(...a.map((v, k) => v - b[k]));
      assert.ok(gap(state.average, initial) < gap(state.parameters, initial), 'the average has moved less than the iterate');
    });
  });

  it('warm-starts from a snapshot: restore(decodeState(text)) continues bit for bit and keeps improving', () => {
    const options: MlpOptions = { nFeatures: 2, hidden: [8], learningRate: 0.02, batchSize: 10 };
    const parts = windows(xorData(8, 600), 20);
    const test = xorData(9, 300);
    const first = mlpClassifier(options);
    const early = trainOn(first, first.init(), parts.slice(0, 5));
    const snapshot = encodeState(early);

    // A new process: a fresh classifier with the same options, and the state from the snapshot text.
    const second = mlpClassifier(options);
    const resumed = trainOn(second, second.restore(decodeState(snapshot)), parts.slice(5), 4);
    const uninterrupted = trainOn(first, early, parts.slice(5), 4);
    assert.deepEqual(resumed, uninterrupted);
    const before = accuracy(first, early, test);
    const after = accuracy(second, resumed, test);
    assert.ok(after > before + 0.1 && after > 0.9, `holdout accuracy ${before} at the snapshot, ${after} after continuing`);
  });

  it('names the option and what it allows when construction fails', () => {
    assert.throws(() => mlpClassifier({ nFeatures: 2, hidden: [4, 4, 4] }), /mlpClassifier: hidden must be an array of 1 or 2 layer widths, each an integer ≥ 1, got \[4, 4, 4\]/);
    assert.throws(() => mlpClassifier({ nFeatures: 2, momentum: 0.5 }), /mlpClassifier: momentum applies to optimizer "sgd" only, not "adam"/);
    assert.throws(() => mlpClassifier({ nFeatures: 2, batchSize: -4 }), /mlpClassifier: batchSize must be an integer ≥ 1, got -4/);
    assert.throws(() => mlpClassifier({ nFeatures: 2, learningRate: NaN }), /mlpClassifier: learningRate must be a finite number > 0, got NaN/);
  });
});
