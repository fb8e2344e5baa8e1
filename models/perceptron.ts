/**
 * scikit-learn's `Perceptron`: SGD with the perceptron loss (hinge with threshold 0), constant rate
 * eta0 = 1 and no penalty by default. Runs on the SGD core (`sgd-classifier`).
 */
import type { Classifier } from './types';
import { linearSgdClassifier, type SgdPenalty, type SgdState } from './sgd-classifier';
import { boolean, classWeights, finiteNumber, integerAtLeast, oneOf, rejectUnknownOptions } from './linear-options';

export interface PerceptronOptions {
  nFeatures: number;
  nClasses?: number;
  penalty?: SgdPenalty;
  alpha?: number;
  l1Ratio?: number;
  eta0?: number;
  fitIntercept?: boolean;
  classWeight?: readonly number[];
}

const PERCEPTRON_OPTIONS = ['nFeatures', 'nClasses', 'penalty', 'alpha', 'l1Ratio', 'eta0', 'fitIntercept', 'classWeight'] as const;

export function perceptron(options: PerceptronOptions): Classifier<SgdState> {
  const who = 'perceptron';
  rejectUnknownOptions(who, options, PERCEPTRON_OPTIONS);
  const nClasses = integerAtLeast(who, 'nClasses', options.nClasses ?? 2, 2);
  return linearSgdClassifier('perceptron', {
    nFeatures: integerAtLeast(who, 'nFeatures', options.nFeatures, 1),
    nClasses,
    loss: 'perceptron',
    penalty: oneOf(who, 'penalty', options.penalty ?? 'none', ['none', 'l2', 'l1', 'elasticnet'] as const),
    alpha: finiteNumber(who, 'alpha', options.alpha ?? 1e-4, (v) => v >= 0, '≥ 0'),
    l1Ratio: finiteNumber(who, 'l1Ratio', options.l1Ratio ?? 0.15, (v) => v >= 0 && v <= 1, 'in [0, 1]'),
    learningRate: 'constant',
    eta0: finiteNumber(who, 'eta0', options.eta0 ?? 1, (v) => v > 0, '> 0'),
    powerT: 0.5,
    C: 1,
    fitIntercept: boolean(who, 'fitIntercept', options.fitIntercept ?? true),
    average: 0,
    classWeight: classWeights(who, options.classWeight, nClasses),
  });
}
