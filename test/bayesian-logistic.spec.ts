import assert from 'node:assert/strict';
import { bayesianLogistic, logitMoments, type BayesianLogisticParams, type BayesianLogisticState } from '../models/bayesian-logistic';
import { erfcx, inverseMillsRatio } from '../models/probit';
import { Random } from '../models/random';
import { matrix, sliceRows, type LabeledBatch } from '../models/types';
import { assertAllClose } from './support/approx';

const sigmoid = (a: number): number => 1 / (1 + Math.exp(-a));

/** Rows x ~ N(0, I) (one column can be pinned to 0) with labels drawn from σ(w·x + b). */
function logisticData(seed: number, rows: number, weights: readonly number[], bias: number, zeroColumn = -1): LabeledBatch {
  const random = new Random(seed);
  const d = weights.length;
  const x = new Float64Array(rows * d);
  const y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let logit = bias;
    for (let j = 0; j < d; j++) {
      const v = j === zeroColumn ? 0 : random.normal();
      x[r * d + j] = v;
      logit += weights[j] * v;
    }
    y[r] = random.next() < sigmoid(logit) ? 1 : 0;
  }
  return { x: matrix(rows, d, x), y };
}

function windows(batch: LabeledBatch, size: number): LabeledBatch[] {
  const out: LabeledBatch[] = [];
  for (let start = 0; start < batch.x.rows; start += size) {
    const end = Math.min(batch.x.rows, start + size);
    out.push({ x: sliceRows(batch.x, start, end), y: batch.y.subarray(start, end) });
  }
  return out;
}

const TRUE_WEIGHTS = [1.5, -2, 0.5];
const TRUE_BIAS = -0.5;

describe('bayesianLogistic', () => {
  it('moves its posterior mean towards the weights of the logistic model that generated the data', () => {
    const model = bayesianLogistic({ nFeatures: 3 });
    const data = logisticData(3, 20_000, TRUE_WEIGHTS, TRUE_BIAS);
    const truth = [...TRUE_WEIGHTS, TRUE_BIAS];
    const error = (state: BayesianLogisticState): number => Math.max(...truth.map((w, j) => Math.abs(state.mean[j] - w)));
    let state = model.init();
    const errors: number[] = [];
    for (const [i, batch] of windows(data, 100).entries()) {
      state = model.learn(state, batch);
      if (i === 1 || i === 19 || i === 199) errors.push(error(state));
    }
    assert.ok(errors[0] > errors[1] && errors[1] > errors[2], `the largest error should fall with data: ${errors}`);
    assert.ok(errors[2] < 0.12, `after 20k rows every weight should be within 0.12 of the truth: mean ${Array.from(state.mean)}`);
  });

  it('matches a moment-matched update of the exact logistic likelihood, computed by quadrature, on one row', () => {
    const priorVariance = 2;
    const model = bayesianLogistic({ nFeatures: 2, priorVariance });
    const x = [0.8, -1.3];
    for (const label of [0, 1]) {
      const state = model.learn(model.init(), { x: matrix(1, 2, Float64Array.from(x)), y: Int32Array.of(label) });
      // With a prior N(0, s²I) the logit a = w·x + b is N(0, v); tilt it by σ(±a) and match moments.
      const features = [...x, 1];
      const v = priorVariance * features.reduce((s, xj) => s + xj * xj, 0);
      const sign = label === 1 ? 1 : -1;
      let z = 0, first = 0, second = 0;
      const sd = Math.sqrt(v);
      for (let k = -40_000; k <= 40_000; k++) {
        const a = (k / 40_000) * 12 * sd;
        const weight = Math.exp((-a * a) / (2 * v)) * sigmoid(sign * a);
        z += weight;
        first += weight * a;
        second += weight * a * a;
      }
      const tiltedMean = first / z;
      const tiltedVariance = second / z - tiltedMean * tiltedMean;
      // The linear-Gaussian identities: μ += Σx (E[a] − m)/v, diag Σ −= (s²x)² (v − Var a)/v².
      const expectedMean = features.map((xj) => (priorVariance * xj * tiltedMean) / v);
      const expectedVariance = features.map((xj) => priorVariance - (priorVariance * xj) ** 2 * ((v - tiltedVariance) / (v * v)));
      // The probit stand-in for σ keeps the update within a few per cent of the exact one.
      assertAllClose(state.mean, expectedMean, `label ${label}: posterior mean`, 0.03);
      assertAllClose(state.variance, expectedVariance, `label ${label}: posterior variance`, 0.01);
    }
  });

  it('shrinks its uncertainty with data: variances never grow, and the predictive variance falls', () => {
    const model = bayesianLogistic({ nFeatures: 3 });
    const data = logisticData(5, 3_000, TRUE_WEIGHTS, TRUE_BIAS);
    const probe = logisticData(6, 20, TRUE_WEIGHTS, TRUE_BIAS).x;
    let state = model.init();
    const prior = model.predictiveUncertainty(state, probe);
    let previous = prior;
    for (const [i, batch] of windows(data, 30).entries()) {
      const next = model.learn(state, batch);
      for (let k = 0; k < next.variance.length; k++) {
        assert.ok(next.variance[k] <= state.variance[k] && next.variance[k] > 0, `window ${i}: variance[${k}] went from ${state.variance[k]} to ${next.variance[k]}`);
      }
      state = next;
      if (i % 10 === 9) {
        const current = model.predictiveUncertainty(state, probe);
        for (let r = 0; r < probe.rows; r++) assert.ok(current[r] < previous[r], `window ${i}: row ${r}'s logit variance did not fall (${previous[r]} → ${current[r]})`);
        previous = current;
      }
    }
    for (let r = 0; r < probe.rows; r++) {
      assert.ok(previous[r] < 0.01 * prior[r], `after 3000 rows row ${r}'s logit variance should be under 1 % of its prior value: ${previous[r]} vs ${prior[r]}`);
    }
  });

  it('gives probabilities that carry uncertainty: ½ before data, and nearer ½ than the point estimate where the posterior is unsure', () => {
    const model = bayesianLogistic({ nFeatures: 3 });
    const near = matrix(2, 3, Float64Array.of(0.5, -0.5, 0, 0.5, -0.5, 6));
    assert.deepEqual(Array.from(model.predictProba(model.init(), near)), [0.5, 0.5, 0.5, 0.5]);

    // Feature 2 is always 0 in training, so its weight keeps the prior: nothing is known about it.
    const state = model.learn(model.init(), logisticData(7, 2_000, TRUE_WEIGHTS, TRUE_BIAS, 2));
    assert.equal(state.mean[2], 0);
    const { mean, variance } = logitMoments(model.params as unknown as BayesianLogisticParams, state, near);
    assert.equal(mean[0], mean[1], 'the unseen feature does not move the mean logit');
    assert.ok(variance[1] > 30 * variance[0], `the unseen feature should dominate the logit variance: ${Array.from(variance)}`);
    const proba = model.predictProba(state, near);
    const pointEstimate = sigmoid(mean[0]);
    assert.ok(Math.abs(proba[1] - pointEstimate) < 0.01, `a well-known input keeps about the point estimate: ${proba[1]} vs ${pointEstimate}`);
    assert.ok(Math.abs(proba[3] - 0.5) < 0.5 * Math.abs(pointEstimate - 0.5),
      `an input along the unseen feature should be pulled halfway to ½ or more: ${proba[3]} vs the point estimate ${pointEstimate}`);

    // Further out along the unseen feature the probability keeps approaching ½, the point estimate does not move.
    const further = matrix(3, 3, Float64Array.of(0.5, -0.5, 6, 0.5, -0.5, 20, 0.5, -0.5, 100));
    const distances = Array.from({ length: 3 }, (_, r) => Math.abs(model.predictProba(state, further)[2 * r + 1] - 0.5));
    assert.ok(distances[0] > distances[1] && distances[1] > distances[2] && distances[2] < 0.05, `distances from ½: ${distances}`);
  });

  it('learns each row in turn: one-row windows give the very same posterior as one window', () => {
    const model = bayesianLogistic({ nFeatures: 3 });
    const data = logisticData(8, 300, TRUE_WEIGHTS, TRUE_BIAS);
    const whole = model.learn(model.init(), data);
    const byRow = windows(data, 1).reduce((s, b) => model.learn(s, b), model.init());
    assert.deepEqual(byRow, whole);
  });

  it('with driftVariance, inflates every variance once per window and follows a concept that flips', () => {
    const driftVariance = 0.01;
    const drifting = bayesianLogistic({ nFeatures: 3, driftVariance });
    const fixed = bayesianLogistic({ nFeatures: 3 });
    const before = logisticData(9, 5_000, TRUE_WEIGHTS, TRUE_BIAS);
    const flipped = TRUE_WEIGHTS.map((w) => -w);
    const after = logisticData(10, 1_000, flipped, TRUE_BIAS);
    const test = logisticData(11, 2_000, flipped, TRUE_BIAS);
    const accuracy = (model: typeof fixed, state: BayesianLogisticState): number => {
      const predicted = model.predict(state, test.x);
      return predicted.reduce((n, label, r) => n + (label === test.y[r] ? 1 : 0), 0) / test.y.length;
    };
    const run = (model: typeof fixed): BayesianLogisticState =>
      [...windows(before, 100), ...windows(after, 100)].reduce((s, b) => model.learn(s, b), model.init());

    const settled = windows(before, 100).reduce((s, b) => drifting.learn(s, b), drifting.init());
    const empty = drifting.learn(settled, { x: sliceRows(before.x, 0, 0), y: new Int32Array(0) });
    assert.equal(empty, settled, 'an empty window is not a time step');
    // Learning an uninformative row (all features 0, so only the bias learns) shows the inflation on the weights.
    const blank = drifting.learn(settled, { x: matrix(1, 3), y: Int32Array.of(1) });
    assertAllClose(blank.variance.subarray(0, 3), settled.variance.subarray(0, 3).map((s2) => s2 + driftVariance), 'inflated weight variances', 1e-12);

    const withDrift = accuracy(drifting, run(drifting));
    const withoutDrift = accuracy(fixed, run(fixed));
    assert.ok(withDrift > 0.75 && withDrift > withoutDrift + 0.05, `accuracy on the flipped concept: ${withDrift} with drift, ${withoutDrift} without`);
  });

  it('learns three classes one-vs-rest', () => {
    const model = bayesianLogistic({ nFeatures: 2, nClasses: 3 });
    const random = new Random(12);
    const centres = [[3, 0], [-3, 0], [0, 3]];
    const rows = 600;
    const x = new Float64Array(rows * 2);
    const y = new Int32Array(rows);
    for (let r = 0; r < rows; r++) {
      y[r] = r % 3;
      x[2 * r] = centres[y[r]][0] + random.normal();
      x[2 * r + 1] = centres[y[r]][1] + random.normal();
    }
    const data = { x: matrix(rows, 2, x), y };
    const state = model.learn(model.init(), { x: sliceRows(data.x, 0, 400), y: y.subarray(0, 400) });
    assert.equal(state.mean.length, 9);
    const predicted = model.predict(state, sliceRows(data.x, 400, rows));
    const correct = predicted.reduce((n, label, r) => n + (label === y[400 + r] ? 1 : 0), 0);
    assert.ok(correct / 200 > 0.9, `holdout accuracy ${correct / 200}`);
  });

  it('rejects bad hyperparameters and corrupt variances with messages that name them', () => {
    assert.throws(() => bayesianLogistic({ nFeatures: 3, nClasses: 1 }), /nClasses must be an integer ≥ 2, got 1/);
    assert.throws(() => bayesianLogistic({ nFeatures: 3, priorVariance: 0 }), /priorVariance must be a finite number > 0, got 0/);
    assert.throws(() => bayesianLogistic({ nFeatures: 3, driftVariance: -1 }), /driftVariance must be a finite number ≥ 0, got -1/);
    assert.throws(() => bayesianLogistic({ nFeatures: 3, forgetting: 0.9 } as never), /unknown option "forgetting"/);
    const model = bayesianLogistic({ nFeatures: 1 });
    assert.throws(() => model.restore({ mean: new Float64Array(2), variance: Float64Array.of(1, -0.5) }), /state\.variance\[1\] must be a finite number ≥ 0/);
  });
});

describe('probit tail functions', () => {
  // Reference values from SciPy 1.17.1: scipy.special.erfcx, and exp(norm.logpdf(t) − norm.logcdf(t)).
  it('erfcx agrees with SciPy from the far left tail to the far right', () => {
    const z = [-5, -1.5, -0.3, 0, 0.7, 1.99, 2, 3.5, 8, 40];
    const scipy = [144009798674.66104, 18.653886256262734, 1.4537492328427655, 1, 0.525930337349441, 0.25646783671952994,
      0.2553956763105058, 0.1552936556088943, 0.06998516620088094, 0.014100335983377815];
    assertAllClose(z.map(erfcx), scipy, 'erfcx', 1e-12);
    assert.equal(erfcx(-30), Infinity);
  });

  it('the inverse Mills ratio φ(t)/Φ(t) agrees with SciPy, including where Φ(t) underflows', () => {
    const t = [-40, -10, -3, -1, 0, 1, 3, 8, 30];
    const scipy = [40.024968847210886, 10.098093233962564, 3.28309865493044, 1.525135276160981, 0.7978845608028654, 0.2875999709391784,
      0.004437839042125666, 5.052271083536886e-15, 1.473646134878577e-196];
    assertAllClose(t.map(inverseMillsRatio), scipy, 'inverseMillsRatio', 1e-12);
  });
});
