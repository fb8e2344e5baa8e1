import type { OperatorFunction } from 'rxjs';
import { map } from 'rxjs';
import type { Classifier } from '../models/types';
import type { BatchMetrics } from '../metrics/types';
import { scoreModel } from '../training/evaluation';
import { withContext } from '../training/errors';
import type { Window } from './types';

export interface ModelOnWindow<S> {
  readonly state: S;
  readonly window: Window;
}

export interface EvaluatedWindow {
  readonly index: number;
  readonly metrics: BatchMetrics;
}

/**
 * Scores a given model state on a window without learning, e.g. a snapshot loaded for scoring, or a
 * challenger run beside the trained model. (Training chains score inside `partialFit`, which
 * threads the state.)
 *
 * @example
 * windows$.pipe(map((window) => ({ state: snapshot, window })), evaluate(model))
 *
 * Marble:
 *
 *     pairs:    --a---b--|
 *     metrics:  --A---B--|
 */
export function evaluate<S>(model: Classifier<S>): OperatorFunction<ModelOnWindow<S>, EvaluatedWindow> {
  return map(({ state, window }) => {
    try {
      return { index: window.index, metrics: scoreModel(model, state, window.batch) };
    } catch (error) {
      throw withContext(`evaluate: window ${window.index}, model '${model.kind}'`, error);
    }
  });
}
