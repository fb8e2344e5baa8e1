/**
 * Registers every model with the shared contract (test/support/model-contract.ts). A new model adds
 * its cases here.
 */
import assert from 'node:assert/strict';
import { gaussianNB, type GaussianNbOptions } from '../models/gaussian-nb';
import { LINEAR_LOSSES, LINEAR_LOSS_NAMES, type LinearLossName } from '../models/linear-losses';
import { minMaxScaler, type MinMaxOptions } from '../models/min-max-scaler';
import { passiveAggressive, type PassiveAggressiveOptions } from '../models/passive-aggressive';
import { perceptron, type PerceptronOptions } from '../models/perceptron';
import { sgdClassifier, type SgdOptions } from '../models/sgd-classifier';
import { standardScaler, type StandardOptions } from '../models/standard-scaler';
import { classifierContract, transformerContract, type BadOptionsCase, type GradientCase } from './support/model-contract';

const N_FEATURES = 4;

function lossGradient(name: LinearLossName): GradientCase {
  return { name, loss: LINEAR_LOSSES[name].loss, dloss: LINEAR_LOSSES[name].dloss };
}

// --- naive Bayes -----------------------------------------------------------------------------

const nbBadOptions: BadOptionsCase[] = [
  { options: { nFeatures: 0 }, names: 'nFeatures' },
  { options: { nFeatures: N_FEATURES, nClasses: 1 }, names: 'nClasses' },
  { options: { nFeatures: N_FEATURES, varSmoothing: -1 }, names: 'varSmoothing' },
  { options: { nFeatures: N_FEATURES, priors: [0.7, 0.7] }, names: 'priors' },
  { options: { nFeatures: N_FEATURES, nClasses: 3, priors: [0.5, 0.5] }, names: 'priors' },
  { options: { nFeatures: N_FEATURES, varSmooting: 1e-9 }, names: 'varSmooting' },
];

classifierContract({
  name: 'gaussianNB (binary)',
  make: () => gaussianNB({ nFeatures: N_FEATURES }),
  rowByRow: 'undefined',
  rowByRowReason: "scikit-learn's epsilon is recomputed from each batch's variance, which is 0 for a one-row batch",
  construct: (options) => gaussianNB(options as GaussianNbOptions),
  badOptions: nbBadOptions,
});

classifierContract({
  name: 'gaussianNB (3 classes, varSmoothing 0, fixed priors)',
  make: () => gaussianNB({ nFeatures: N_FEATURES, nClasses: 3, varSmoothing: 0, priors: [0.2, 0.3, 0.5] }),
  rowByRow: 'approx',
  construct: (options) => gaussianNB(options as GaussianNbOptions),
  badOptions: nbBadOptions,
});

// --- scalers ---------------------------------------------------------------------------------

const minMaxBadOptions: BadOptionsCase[] = [
  { options: { nFeatures: -1 }, names: 'nFeatures' },
  { options: { nFeatures: N_FEATURES, fit: 'all' }, names: 'fit' },
  { options: { nFeatures: N_FEATURES, featureRange: [1, 0] }, names: 'featureRange' },
  { options: { nFeatures: N_FEATURES, featureRange: [0, Infinity] }, names: 'featureRange' },
];

transformerContract({
  name: "minMaxScaler (fit: 'first')",
  make: () => minMaxScaler({ nFeatures: N_FEATURES }),
  rowByRow: 'undefined',
  rowByRowReason: 'it fits on the first window only, so one row is not the whole batch',
  construct: (options) => minMaxScaler(options as MinMaxOptions),
  badOptions: minMaxBadOptions,
});

transformerContract({
  name: "minMaxScaler (fit: 'running', featureRange [-1, 1])",
  make: () => minMaxScaler({ nFeatures: N_FEATURES, fit: 'running', featureRange: [-1, 1] }),
  rowByRow: 'exact',
  construct: (options) => minMaxScaler(options as MinMaxOptions),
  badOptions: minMaxBadOptions,
});

transformerContract({
  name: 'standardScaler',
  make: () => standardScaler({ nFeatures: N_FEATURES }),
  rowByRow: 'approx',
  construct: (options) => standardScaler(options as StandardOptions),
  badOptions: [
    { options: { nFeatures: 2.5 }, names: 'nFeatures' },
    { options: { nFeatures: N_FEATURES, withMean: 1 }, names: 'withMean' },
    { options: { nFeatures: N_FEATURES, withStd: 'no' }, names: 'withStd' },
    { options: { nFeatures: N_FEATURES, with_std: false }, names: 'with_std' },
  ],
});

// --- linear models ---------------------------------------------------------------------------

const sgdBadOptions: BadOptionsCase[] = [
  { options: { nFeatures: 0 }, names: 'nFeatures' },
  { options: { nFeatures: N_FEATURES, nClasses: 1 }, names: 'nClasses' },
  { options: { nFeatures: N_FEATURES, loss: 'squared_error' }, names: 'loss' },
  { options: { nFeatures: N_FEATURES, penalty: 'l3' }, names: 'penalty' },
  { options: { nFeatures: N_FEATURES, alpha: -1 }, names: 'alpha' },
  { options: { nFeatures: N_FEATURES, learningRate: 'optimal', alpha: 0 }, names: 'alpha' },
  { options: { nFeatures: N_FEATURES, eta0: 0 }, names: 'eta0' },
  { options: { nFeatures: N_FEATURES, l1Ratio: 1.5 }, names: 'l1Ratio' },
  { options: { nFeatures: N_FEATURES, learningRate: 'adaptive' }, names: 'learningRate' },
  { options: { nFeatures: N_FEATURES, average: -3 }, names: 'average' },
  { options: { nFeatures: N_FEATURES, alfa: 1e-4 }, names: 'alfa' },
];

/**
 * How one-row batches compare with one batch follows scikit-learn's partial_fit (checked against
 * scikit-learn 1.7.2): without a penalty the updates are the same arithmetic; L2 folds its weight
 * scale back at the end of every call, which changes rounding only; the L1 truncated gradient
 * restarts its cumulative penalty every call, and averaging restarts the plain intercept every call,
 * so both give genuinely different models.
 */
function linearRowByRow(options: { penalty?: string; average?: boolean | number }): {
  rowByRow: 'exact' | 'approx' | 'undefined'; rowByRowReason?: string;
} {
  if (options.average) return { rowByRow: 'undefined', rowByRowReason: "scikit-learn's averaged partial_fit restarts the plain intercept every call" };
  if (options.penalty === 'l1' || options.penalty === 'elasticnet') {
    return { rowByRow: 'undefined', rowByRowReason: "scikit-learn's L1 truncated gradient restarts its cumulative penalty every partial_fit call" };
  }
  return { rowByRow: options.penalty === 'l2' ? 'approx' : 'exact' };
}

interface SgdCase {
  label: string;
  options: Omit<SgdOptions, 'nFeatures'>;
}

const sgdCases: SgdCase[] = [
  ...(['log_loss', 'hinge', 'modified_huber'] as const).flatMap((loss) =>
    (['none', 'l2', 'l1', 'elasticnet'] as const).map((penalty) => ({
      label: `${loss}, ${penalty}`,
      options: { loss, penalty, alpha: 1e-3, learningRate: 'constant' as const, eta0: 0.05 },
    }))),
  { label: 'squared_hinge, l2, invscaling rate', options: { loss: 'squared_hinge', penalty: 'l2', learningRate: 'invscaling', eta0: 0.05 } },
  { label: 'log_loss, optimal rate, averaged from the first row', options: { loss: 'log_loss', penalty: 'l2', learningRate: 'optimal', alpha: 1e-3, average: true } },
  { label: 'hinge, averaged from row 50', options: { loss: 'hinge', penalty: 'none', eta0: 0.05, average: 50 } },
  { label: '3 classes, log_loss, l2', options: { nClasses: 3, loss: 'log_loss', penalty: 'l2', eta0: 0.05 } },
  { label: '3 classes, modified_huber', options: { nClasses: 3, loss: 'modified_huber', eta0: 0.05 } },
  { label: '3 classes, hinge, averaged', options: { nClasses: 3, loss: 'hinge', eta0: 0.05, average: true } },
];

for (const c of sgdCases) {
  classifierContract({
    name: `sgdClassifier (${c.label})`,
    make: () => sgdClassifier({ nFeatures: N_FEATURES, ...c.options }),
    ...linearRowByRow(c.options),
    gradient: [lossGradient(c.options.loss ?? 'log_loss')],
    construct: (options) => sgdClassifier(options as SgdOptions),
    badOptions: sgdBadOptions,
  });
}

const perceptronBadOptions: BadOptionsCase[] = [
  { options: { nFeatures: N_FEATURES, eta0: 0 }, names: 'eta0' },
  { options: { nFeatures: N_FEATURES, penalty: 'ridge' }, names: 'penalty' },
  { options: { nFeatures: N_FEATURES, loss: 'hinge' }, names: 'loss' },
];

const perceptronCases: [string, Omit<PerceptronOptions, 'nFeatures'>][] = [
  ['2 classes', {}],
  ['3 classes, l2', { nClasses: 3, penalty: 'l2', alpha: 1e-4 }],
];

for (const [label, options] of perceptronCases) {
  classifierContract({
    name: `perceptron (${label})`,
    make: () => perceptron({ nFeatures: N_FEATURES, ...options }),
    ...linearRowByRow(options),
    gradient: [lossGradient('perceptron')],
    construct: (o) => perceptron(o as PerceptronOptions),
    badOptions: perceptronBadOptions,
  });
}

const passiveAggressiveBadOptions: BadOptionsCase[] = [
  { options: { nFeatures: N_FEATURES, C: 0 }, names: 'C must be' },
  { options: { nFeatures: N_FEATURES, loss: 'log_loss' }, names: 'loss' },
  { options: { nFeatures: N_FEATURES, average: 0.5 }, names: 'average' },
];

const passiveAggressiveCases: [string, Omit<PassiveAggressiveOptions, 'nFeatures'>][] = [
  ['PA-I, 2 classes', { loss: 'hinge', C: 0.5 }],
  ['PA-II, 3 classes', { loss: 'squared_hinge', nClasses: 3 }],
  ['PA-I, 2 classes, averaged', { loss: 'hinge', average: true }],
];

for (const [label, options] of passiveAggressiveCases) {
  classifierContract({
    name: `passiveAggressive (${label})`,
    make: () => passiveAggressive({ nFeatures: N_FEATURES, ...options }),
    ...linearRowByRow(options),
    // Passive-Aggressive runs on the hinge loss whichever variant is chosen.
    gradient: [lossGradient('hinge')],
    construct: (o) => passiveAggressive(o as PassiveAggressiveOptions),
    badOptions: passiveAggressiveBadOptions,
  });
}

describe('model contract registrations', () => {
  it('check the gradient of every loss in LINEAR_LOSSES', () => {
    const checked = new Set([...sgdCases.map((c) => c.options.loss ?? 'log_loss'), 'perceptron', 'hinge']);
    assert.deepEqual(LINEAR_LOSS_NAMES.filter((name) => !checked.has(name)), []);
  });
});
