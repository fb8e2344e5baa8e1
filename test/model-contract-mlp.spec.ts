/**
 * Registers the online MLP and the Bayesian logistic regression with the shared model contract
 * (test/support/model-contract.ts), and checks the MLP's back-propagated gradient against central
 * finite differences of its loss for every parameter (the shared `gradient` hook checks scalar
 * losses of one decision value only).
 */
import assert from 'node:assert/strict';
import { bayesianLogistic, type BayesianLogisticOptions } from '../models/bayesian-logistic';
import { initMlp, learnMlp, mlpClassifier, mlpGradient, mlpLoss, mlpParams, type MlpOptions, type MlpState } from '../models/mlp-classifier';
import { sliceRows, type LabeledBatch } from '../models/types';
import { classifierContract, syntheticBatch, type BadOptionsCase } from './support/model-contract';

const N_FEATURES = 4;

// --- online MLP ------------------------------------------------------------------------------

const mlpBadOptions: BadOptionsCase[] = [
  { options: { nFeatures: 0 }, names: 'nFeatures' },
  { options: { nFeatures: N_FEATURES, nClasses: 1 }, names: 'nClasses' },
  { options: { nFeatures: N_FEATURES, hidden: [] }, names: 'hidden' },
  { options: { nFeatures: N_FEATURES, hidden: [8, 8, 8] }, names: 'hidden' },
  { options: { nFeatures: N_FEATURES, hidden: [8, 0] }, names: 'hidden' },
  { options: { nFeatures: N_FEATURES, activation: 'sigmoid' }, names: 'activation' },
  { options: { nFeatures: N_FEATURES, optimizer: 'rmsprop' }, names: 'optimizer' },
  { options: { nFeatures: N_FEATURES, learningRate: 0 }, names: 'learningRate' },
  { options: { nFeatures: N_FEATURES, optimizer: 'sgd', momentum: 1 }, names: 'momentum' },
  { options: { nFeatures: N_FEATURES, momentum: 0.9 }, names: 'momentum applies to optimizer "sgd" only' },
  { options: { nFeatures: N_FEATURES, optimizer: 'sgd', beta2: 0.99 }, names: 'beta2 applies to optimizer "adam" only' },
  { options: { nFeatures: N_FEATURES, beta1: -0.1 }, names: 'beta1' },
  { options: { nFeatures: N_FEATURES, epsilon: 0 }, names: 'epsilon' },
  { options: { nFeatures: N_FEATURES, l2: -1 }, names: 'l2' },
  { options: { nFeatures: N_FEATURES, batchSize: 0 }, names: 'batchSize' },
  { options: { nFeatures: N_FEATURES, batchSize: 'all' }, names: 'batchSize' },
  { options: { nFeatures: N_FEATURES, epochsPerWindow: 1.5 }, names: 'epochsPerWindow' },
  { options: { nFeatures: N_FEATURES, averageDecay: 1 }, names: 'averageDecay' },
  { options: { nFeatures: N_FEATURES, seed: 'x' }, names: 'seed' },
  { options: { nFeatures: N_FEATURES, hiddenLayers: [8] }, names: 'hiddenLayers' },
];

classifierContract({
  name: 'mlpClassifier (binary, [8, 8] ReLU, Adam, one step per window)',
  make: (seed) => mlpClassifier({ nFeatures: N_FEATURES, hidden: [8, 8], seed }),
  seeded: true,
  rowByRow: 'undefined',
  rowByRowReason: "one step per window follows the window's mean gradient, one-row windows take a step per row",
  construct: (options) => mlpClassifier(options as MlpOptions),
  badOptions: mlpBadOptions,
});

classifierContract({
  name: 'mlpClassifier (binary, [6] tanh, Nesterov SGD, batchSize 1)',
  make: (seed) => mlpClassifier({ nFeatures: N_FEATURES, hidden: [6], activation: 'tanh', optimizer: 'sgd', learningRate: 0.05, batchSize: 1, seed }),
  seeded: true,
  // A step per row whatever the window, so windows only decide where learn calls split the stream.
  rowByRow: 'exact',
  construct: (options) => mlpClassifier(options as MlpOptions),
  badOptions: mlpBadOptions,
});

classifierContract({
  name: 'mlpClassifier (3 classes, [8, 6] tanh, Adam, batchSize 16, 2 epochs, l2, no averaging)',
  make: (seed) => mlpClassifier({
    nFeatures: N_FEATURES, nClasses: 3, hidden: [8, 6], activation: 'tanh', batchSize: 16, epochsPerWindow: 2, l2: 1e-3, averageDecay: 0, seed,
  }),
  seeded: true,
  rowByRow: 'undefined',
  rowByRowReason: 'mini-batches of 16 rows and two passes per window are not the same steps as one row per window',
  construct: (options) => mlpClassifier(options as MlpOptions),
  badOptions: mlpBadOptions,
});

classifierContract({
  name: 'mlpClassifier (3 classes, [5] ReLU, heavy-ball SGD)',
  make: (seed) => mlpClassifier({ nFeatures: N_FEATURES, nClasses: 3, hidden: [5], optimizer: 'sgd', nesterov: false, momentum: 0.5, seed }),
  seeded: true,
  rowByRow: 'undefined',
  rowByRowReason: "one step per window follows the window's mean gradient, one-row windows take a step per row",
  construct: (options) => mlpClassifier(options as MlpOptions),
  badOptions: mlpBadOptions,
});

interface GradientCheckCase {
  label: string;
  options: MlpOptions;
}

const gradientCases: GradientCheckCase[] = [
  { label: 'binary, [5, 4] tanh, l2', options: { nFeatures: N_FEATURES, hidden: [5, 4], activation: 'tanh', l2: 0.01 } },
  { label: '3 classes, [6] tanh', options: { nFeatures: N_FEATURES, nClasses: 3, hidden: [6], activation: 'tanh' } },
  { label: 'binary, [7, 5] ReLU', options: { nFeatures: N_FEATURES, hidden: [7, 5] } },
  { label: '4 classes, [6, 6] ReLU, l2', options: { nFeatures: N_FEATURES, nClasses: 4, hidden: [6, 6], l2: 0.003 } },
];

/**
 * Central differences of `mlpLoss` in every parameter against `mlpGradient`. Where the one-sided
 * slopes disagree a ReLU kink lies within h and there is no derivative to check; most parameters
 * must still be checked.
 */
function checkMlpGradient(options: MlpOptions, batch: LabeledBatch, state: MlpState): void {
  const params = mlpParams(options);
  const analytic = mlpGradient(params, state, batch);
  const f0 = mlpLoss(params, state, batch);
  let checked = 0;
  for (let k = 0; k < state.parameters.length; k++) {
    const h = 1e-6 * Math.max(1, Math.abs(state.parameters[k]));
    const at = (delta: number): number => {
      const parameters = state.parameters.slice();
      parameters[k] += delta;
      return mlpLoss(params, { ...state, parameters }, batch);
    };
    const fPlus = at(h);
    const fMinus = at(-h);
    const forward = (fPlus - f0) / h;
    const backward = (f0 - fMinus) / h;
    if (Math.abs(forward - backward) > 1e-4 * Math.max(1, Math.abs(forward), Math.abs(backward))) continue;
    const numeric = (fPlus - fMinus) / (2 * h);
    const error = Math.abs(analytic[k] - numeric) / Math.max(Math.abs(analytic[k]), Math.abs(numeric), 1e-4);
    assert.ok(error < 1e-5, `parameter ${k}: gradient ${analytic[k]}, finite difference ${numeric} (relative error ${error})`);
    checked++;
  }
  assert.ok(checked >= 0.9 * state.parameters.length, `only ${checked} of ${state.parameters.length} parameters were away from kinks`);
}

describe('mlpClassifier gradient against finite differences of mlpLoss, for every parameter', () => {
  for (const c of gradientCases) {
    it(c.label, () => {
      const params = mlpParams(c.options);
      const data = syntheticBatch(31, 60, N_FEATURES, params.nClasses);
      const probe = { x: sliceRows(data.x, 40, 60), y: data.y.subarray(40, 60) };
      const initial = initMlp(params);
      checkMlpGradient(c.options, probe, initial);
      // Trained weights too, where units are no longer near their symmetric starting point.
      const trained = learnMlp(params, learnMlp(params, initial, { x: sliceRows(data.x, 0, 40), y: data.y.subarray(0, 40) }), probe);
      assert.notDeepEqual(trained.parameters, initial.parameters);
      checkMlpGradient(c.options, probe, trained);
    });
  }
});

// --- Bayesian logistic regression ------------------------------------------------------------

const bayesianBadOptions: BadOptionsCase[] = [
  { options: { nFeatures: 0 }, names: 'nFeatures' },
  { options: { nFeatures: N_FEATURES, nClasses: 1 }, names: 'nClasses' },
  { options: { nFeatures: N_FEATURES, priorVariance: 0 }, names: 'priorVariance' },
  { options: { nFeatures: N_FEATURES, priorVariance: Infinity }, names: 'priorVariance' },
  { options: { nFeatures: N_FEATURES, driftVariance: -0.1 }, names: 'driftVariance' },
  { options: { nFeatures: N_FEATURES, seed: 3 }, names: 'seed' },
];

classifierContract({
  name: 'bayesianLogistic (binary)',
  make: () => bayesianLogistic({ nFeatures: N_FEATURES }),
  // ADF updates the posterior one row at a time, so windows do not matter.
  rowByRow: 'exact',
  construct: (options) => bayesianLogistic(options as BayesianLogisticOptions),
  badOptions: bayesianBadOptions,
});

classifierContract({
  name: 'bayesianLogistic (3 classes one-vs-rest, priorVariance 4, driftVariance 0.001)',
  make: () => bayesianLogistic({ nFeatures: N_FEATURES, nClasses: 3, priorVariance: 4, driftVariance: 0.001 }),
  rowByRow: 'undefined',
  rowByRowReason: 'the drift inflation is applied once per window, so one-row windows inflate once per row',
  construct: (options) => bayesianLogistic(options as BayesianLogisticOptions),
  badOptions: bayesianBadOptions,
});
