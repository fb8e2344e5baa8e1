import type { Classifier } from './types';
import { sgdClassifier } from './sgd-classifier';
import { perceptron } from './perceptron';
import { passiveAggressive } from './passive-aggressive';
import { gaussianNB } from './gaussian-nb';
import { hoeffdingTree } from './hoeffding-tree';
import { adaptiveRandomForest } from './adaptive-random-forest';
import { mlpClassifier } from './mlp-classifier';
import { bayesianLogistic } from './bayesian-logistic';

/**
 * The classifiers selectable by name (e.g. from a pipeline's `--model` option), each built from
 * `nFeatures`, `nClasses` and its own hyperparameters. Unknown hyperparameters are rejected by the
 * factories, so a typo fails at start-up.
 */
export const CLASSIFIERS = {
  sgd: (options: Record<string, unknown>) => sgdClassifier(options as never),
  perceptron: (options: Record<string, unknown>) => perceptron(options as never),
  'passive-aggressive': (options: Record<string, unknown>) => passiveAggressive(options as never),
  'gaussian-nb': (options: Record<string, unknown>) => gaussianNB(options as never),
  'hoeffding-tree': (options: Record<string, unknown>) => hoeffdingTree(options as never),
  'adaptive-random-forest': (options: Record<string, unknown>) => adaptiveRandomForest(options as never),
  mlp: (options: Record<string, unknown>) => mlpClassifier(options as never),
  'bayesian-logistic': (options: Record<string, unknown>) => bayesianLogistic(options as never),
} as const satisfies Record<string, (options: Record<string, unknown>) => Classifier<any>>;

export type ClassifierName = keyof typeof CLASSIFIERS;
export const CLASSIFIER_NAMES = Object.keys(CLASSIFIERS) as ClassifierName[];

export function createClassifier(name: string, options: Record<string, unknown>): Classifier<unknown> {
  const factory = (CLASSIFIERS as Record<string, (o: Record<string, unknown>) => Classifier<unknown>>)[name];
  if (factory === undefined) {
    throw new RangeError(`unknown model ${JSON.stringify(name)}; choose one of ${CLASSIFIER_NAMES.join(', ')}`);
  }
  return factory(options);
}
