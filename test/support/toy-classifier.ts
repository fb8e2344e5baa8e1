import type { Classifier, LabeledBatch, Matrix } from '../../models/types';

export interface ToyState {
  readonly rows: number;
  readonly positives: number;
}

/**
 * A deliberately tiny binary classifier for operator specs: it predicts the share of positive labels
 * seen so far for every row. `failWhen` makes `learn` throw, to test error paths.
 */
export function toyClassifier(options: { failWhen?: (batch: LabeledBatch) => boolean } = {}): Classifier<ToyState> {
  const proba = (state: ToyState, x: Matrix): Float64Array => {
    const p = state.rows === 0 ? 0.5 : state.positives / state.rows;
    const out = new Float64Array(x.rows * 2);
    for (let r = 0; r < x.rows; r++) {
      out[2 * r] = 1 - p;
      out[2 * r + 1] = p;
    }
    return out;
  };
  return Object.freeze({
    kind: 'toy',
    params: Object.freeze({}),
    nFeatures: 1,
    nClasses: 2,
    probabilistic: true,
    init: () => ({ rows: 0, positives: 0 }),
    learn(state: ToyState, batch: LabeledBatch): ToyState {
      if (options.failWhen?.(batch)) throw new Error('toy model refuses this batch');
      let positives = state.positives;
      for (const label of batch.y) positives += label;
      return { rows: state.rows + batch.y.length, positives };
    },
    predictProba: proba,
    predict: (state: ToyState, x: Matrix) => Int32Array.from({ length: x.rows }, (_, r) => (proba(state, x)[2 * r + 1] > 0.5 ? 1 : 0)),
    restore: (plain: unknown) => plain as ToyState,
  });
}

/** A one-feature window whose feature equals its label. */
export function labelWindow(index: number, labels: readonly number[]): import('../../transforms/types').Window {
  const y = Int32Array.from(labels);
  return { index, messages: 1, positions: [], batch: { x: { rows: y.length, cols: 1, data: Float64Array.from(labels) }, y } };
}
