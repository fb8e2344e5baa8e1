/**
 * scikit-learn's `PassiveAggressiveClassifier` (Crammer et al. 2006): the hinge loss with step
 * min(C, loss / ‖x‖²) for loss 'hinge' (PA-I) or loss / (‖x‖² + 1 / (2C)) for 'squared_hinge' (PA-II).
 * As in scikit-learn it runs on the SGD core with the learning rates 'pa1' / 'pa2' and loss 'hinge'
 * (so `params.loss` is 'hinge' for both variants; `params.learningRate` tells them apart).
 */
import type { Classifier } from './types';
import { linearSgdClassifier, type SgdState } from './sgd-classifier';
import { averageStart, boolean, classWeights, finiteNumber, integerAtLeast, oneOf, rejectUnknownOptions } from './linear-options';

export interface PassiveAggressiveOptions {
  nFeatures: number;
  nClasses?: number;
  /** Largest step (PA-I) or regularisation (PA-II); default 1. */
  C?: number;
  loss?: 'hinge' | 'squared_hinge';
  fitIntercept?: boolean;
  average?: boolean | number;
  classWeight?: readonly number[];
}

const PA_OPTIONS = ['nFeatures', 'nClasses', 'C', 'loss', 'fitIntercept', 'average', 'classWeight'] as const;

export function passiveAggressive(options: PassiveAggressiveOptions): Classifier<SgdState> {
  const who = 'passiveAggressive';
  rejectUnknownOptions(who, options, PA_OPTIONS);
  const nClasses = integerAtLeast(who, 'nClasses', options.nClasses ?? 2, 2);
  const loss = oneOf(who, 'loss', options.loss ?? 'hinge', ['hinge', 'squared_hinge'] as const);
  return linearSgdClassifier('passive-aggressive', {
    nFeatures: integerAtLeast(who, 'nFeatures', options.nFeatures, 1),
    nClasses,
    loss: 'hinge',
    penalty: 'none',
    alpha: 1,
    l1Ratio: 0.15,
    learningRate: loss === 'hinge' ? 'pa1' : 'pa2',
    eta0: 1,
    powerT: 0.5,
    C: finiteNumber(who, 'C', options.C ?? 1, (v) => v > 0, '> 0'),
    fitIntercept: boolean(who, 'fitIntercept', options.fitIntercept ?? true),
    average: averageStart(who, options.average ?? false),
    classWeight: classWeights(who, options.classWeight, nClasses),
  });
}
