import type { Classifier, LabeledBatch } from '../models/types';
import type { DriftDetector } from '../drift/types';
import type { Scored } from '../metrics/types';

/**
 * What a drift-aware trainer does when its detector fires on the served model's row errors. The
 * gate's history always resets (otherwise the seed's gate, comparing post-drift F1 with the
 * pre-drift mean, would reject every update that adapts). Then, by `response`:
 * - `reset-gate`: nothing else; the model keeps learning from where it is.
 * - `reset-model`: the model restarts from `init()` and learns the drifted window first.
 * - `background`: a model started when the warning detector first fired (and learning every window
 *   since) replaces the kept one; without a warning it behaves like `reset-model`.
 */
export type DriftResponseKind = 'reset-gate' | 'reset-model' | 'background';

export interface DriftOptions<D> {
  readonly detector: DriftDetector<D>;
  readonly response: DriftResponseKind;
  /** For `background`: a more sensitive detector whose alarm starts the background model. */
  readonly warningDetector?: DriftDetector<D>;
}

/** Drift bookkeeping threaded with the trainer state; plain data like the rest of it. */
export interface DriftState<S, D> {
  readonly detector: D;
  readonly warning: D | null;
  readonly background: S | null;
  readonly drifts: number;
  /** Errors and rows since the last response: a detection is acted on only if errors went up. */
  readonly errors: number;
  readonly rows: number;
}

export function initialDriftState<S, D>(options: DriftOptions<D>): DriftState<S, D> {
  if (options.response === 'background' && options.warningDetector === undefined) {
    throw new RangeError("drift: response 'background' needs a warningDetector (e.g. an ADWIN with a larger delta)");
  }
  return { detector: options.detector.init(), warning: options.warningDetector?.init() ?? null, background: null, drifts: 0, errors: 0, rows: 0 };
}

/** 1 for each row the served model got wrong, 0 for each it got right: what the detectors watch. */
export function rowErrors(scored: Scored): Float64Array {
  const errors = new Float64Array(scored.y.length);
  for (let i = 0; i < errors.length; i++) errors[i] = scored.y[i] === scored.predicted[i] ? 0 : 1;
  return errors;
}

export interface DriftObservation<S, D> {
  readonly drift: boolean;
  readonly state: DriftState<S, D>;
  /** On a drift, the background model as it stood (including this window), before the reset. */
  readonly background: S | null;
}

/**
 * Feeds the window's row errors to the detectors and advances the background model. Pure: returns a
 * new drift state. The background model learns `batch` only while a warning is active.
 */
export function observeDrift<S, D>(model: Classifier<S>, options: DriftOptions<D>, state: DriftState<S, D>, scored: Scored, batch: LabeledBatch): DriftObservation<S, D> {
  const errors = rowErrors(scored);
  const run = options.detector.updateMany(state.detector, errors);
  let windowErrors = 0;
  for (let i = 0; i < errors.length; i++) windowErrors += errors[i];
  // ADWIN flags any change of the error rate, including the fall while a model learns; acting on
  // those would reset a model for getting better, so only a rise counts as a drift.
  const before = state.rows > 0 ? state.errors / state.rows : 0;
  const drift = run.drifts.length > 0 && state.rows > 0 && errors.length > 0 && windowErrors / errors.length > before;
  let warning = state.warning;
  let background = state.background;
  if (options.warningDetector !== undefined && warning !== null) {
    const warned = options.warningDetector.updateMany(warning, errors);
    warning = warned.state;
    if (background === null && warned.drifts.length > 0) background = model.init();
    if (background !== null) background = model.learn(background, batch);
  }
  return {
    drift,
    background,
    state: {
      detector: run.state,
      warning: drift && warning !== null ? options.warningDetector!.init() : warning,
      background: drift ? null : background,
      drifts: state.drifts + (drift ? 1 : 0),
      errors: drift || run.drifts.length > 0 ? windowErrors : state.errors + windowErrors,
      rows: drift || run.drifts.length > 0 ? errors.length : state.rows + errors.length,
    },
  };
}

/** The model to keep after a drift, per the response (see `DriftResponseKind`). */
export function modelAfterDrift<S, D>(model: Classifier<S>, options: DriftOptions<D>, background: S | null, kept: S): S {
  switch (options.response) {
    case 'reset-gate':
      return kept;
    case 'background':
      return background ?? model.init();
    case 'reset-model':
      return model.init();
  }
}
