import type { OperatorFunction } from 'rxjs';
import { scan } from 'rxjs';
import type { Transformer } from '../models/types';
import { withContext } from '../training/errors';
import type { Window } from './types';

export interface TransformFeaturesOptions<S> {
  /** Learn from each window before transforming it (default true); false applies a fixed state. */
  readonly learn?: boolean;
  /** Start from this state, e.g. one restored from a snapshot, instead of `transformer.init()`. */
  readonly state?: S;
}

/** A window whose features were transformed, with the transformer state that produced them. */
export type TransformedWindow<W extends Window, S> = W & { readonly transformerState: S };

/**
 * Applies an online feature transformer (a scaler) to every window's features, threading its state
 * through `scan`: learn from the window, then transform it. Labels and everything else in the
 * window pass through. The state rides along as `transformerState` so it can be snapshotted with
 * the model. When the transformer learns only from the first rows (the seed's MinMax fitted on the
 * first message), that is the transformer's own setting, not this operator's.
 *
 * @example
 * from(messages).pipe(
 *   messageWindow(),
 *   transformFeatures(minMaxScaler({ nFeatures: 10, fit: 'first' })),
 *   partialFit(sgdClassifier({ nFeatures: 10 })),
 * );
 *
 * Marble (windows a, b → the same windows with scaled features A, B):
 *
 *     windows:  --a--b--|
 *     scaled:   --A--B--|
 *
 * A window with the wrong column count, or a transformer that throws, surfaces as an error
 * notification naming the window and the transformer kind.
 */
export function transformFeatures<S, W extends Window = Window>(
  transformer: Transformer<S>,
  options: TransformFeaturesOptions<S> = {},
): OperatorFunction<W, TransformedWindow<W, S>> {
  for (const method of ['init', 'learn', 'transform'] as const) {
    if (typeof transformer?.[method] !== 'function') {
      throw new TypeError(`transformFeatures: transformer must be a Transformer with init, learn and transform; ${method} is ${typeof transformer?.[method]}`);
    }
  }
  const learn = options.learn ?? true;
  if (typeof learn !== 'boolean') {
    throw new TypeError(`transformFeatures: learn must be a boolean, got ${typeof learn}`);
  }
  const initial = options.state ?? transformer.init();
  // Assignment onto a copy, not `{ ...window, … }`: in V8 a spread followed by more properties takes
  // a slow path (~1 µs per window).
  const withState = (window: W, batch: W['batch'], state: S): TransformedWindow<W, S> => {
    const out = Object.assign({}, window) as Record<string, unknown>;
    out.batch = batch;
    out.transformerState = state;
    return out as unknown as TransformedWindow<W, S>;
  };
  const contextOf = (window: W): string => `transformFeatures: ${transformer.kind} on window ${window.index}`;
  return scan<W, TransformedWindow<W, S>, TransformedWindow<W, S> | null>((previous, window) => {
    const before = previous === null ? initial : previous.transformerState;
    const { x, y } = window.batch;
    // A window without rows has nothing to learn or map (and may not even know its column count).
    if (x.rows === 0) return withState(window, window.batch, before);
    if (x.cols !== transformer.nFeatures) {
      throw new RangeError(`${contextOf(window)}: the window has ${x.cols} feature columns, the transformer expects ${transformer.nFeatures}`);
    }
    try {
      const state = learn ? transformer.learn(before, x) : before;
      return withState(window, { x: transformer.transform(state, x), y }, state);
    } catch (error) {
      throw withContext(contextOf(window), error);
    }
  }, null);
}
