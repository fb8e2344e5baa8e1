import type { Classifier } from '../models/types';
import type { BatchMetrics, Scored } from '../metrics/types';
import type { SourcePosition, Window } from '../transforms/types';
import type { Evaluation } from './evaluation';
import { predictScored, splitHoldout } from './evaluation';
import { scoreBatch } from '../metrics/score-batch';
import type { GatePolicy } from './gate-policies';
import { withContext } from './errors';
import type { DriftOptions, DriftState } from './drift-response';
import { initialDriftState, modelAfterDrift, observeDrift } from './drift-response';

/**
 * Everything a training chain threads from one window to the next. Plain data: it round-trips
 * through `encodeState`, so a snapshot of it resumes training exactly.
 */
export interface TrainerState<S, H = unknown> {
  /** The model that serves: the last accepted state. */
  readonly kept: S;
  /**
   * Prequential mode: `kept` plus the last window's update, waiting to be scored on the next window.
   * Null before the first window and in holdout mode, where candidates are decided within the step.
   */
  readonly pending: S | null;
  readonly gate: H;
  /** Accepted updates so far; the kept model's version. */
  readonly version: number;
  /** Windows processed so far. */
  readonly windows: number;
  /** Rows processed so far. */
  readonly rowsSeen: number;
  /** Drift detection state when the trainer is drift-aware (see `drift-response`), else null. */
  readonly drift: DriftState<S, unknown> | null;
}

/** The record a training chain emits for every window, accepted or not (no selection bias). */
export interface Step<S, H = unknown> {
  /** Windows the trainer processed before this one: continues across restarts from a snapshot. */
  readonly index: number;
  readonly rows: number;
  /** Rows the metrics were computed on (all of them in prequential mode, the test split in holdout). */
  readonly evaluatedRows: number;
  readonly metrics: BatchMetrics;
  /** The predictions behind `metrics`, for running metrics over many windows (see `trackMetrics`). */
  readonly scored: Scored;
  /**
   * Whether the candidate scored in this step replaced the kept model. Null when there was nothing to
   * decide: the first prequential window scores the initial model, which nothing has updated yet.
   */
  readonly accepted: boolean | null;
  readonly reason: string;
  readonly version: number;
  readonly positions: readonly SourcePosition[];
  /** True when the drift detector fired on this window's errors (always false without one). */
  readonly drift: boolean;
  readonly state: TrainerState<S, H>;
}

export interface TrainOptions<H> {
  readonly evaluation: Evaluation;
  readonly gate: GatePolicy<H>;
  /** Makes the trainer drift-aware: on a detected drift the gate's history resets and the model responds. */
  readonly drift?: DriftOptions<unknown>;
}

export function initialTrainerState<S, H>(model: Classifier<S>, gate: GatePolicy<H>, drift?: DriftOptions<unknown>): TrainerState<S, H> {
  return { kept: model.init(), pending: null, gate: gate.init(), version: 0, windows: 0, rowsSeen: 0, drift: drift === undefined ? null : initialDriftState<S, unknown>(drift) };
}

/**
 * One window of training: score the candidate, let the gate decide, learn. Pure: it returns a new
 * state and never touches `state`; a rejected candidate leaves `kept` as the very same object.
 * Failures of the model are rethrown with the window index and model kind in the message.
 */
export function trainStep<S, H>(model: Classifier<S>, options: TrainOptions<H>, state: TrainerState<S, H>, window: Window): Step<S, H> {
  // Counted by the trainer, not the window operator, so indexes (and holdout splits) continue across restarts.
  const index = state.windows;
  const rows = window.batch.x.rows;
  const { evaluation, gate } = options;
  const split = evaluation.mode === 'holdout' ? splitHoldout(window.batch, evaluation.testFraction, evaluation.seed, index) : null;
  // Plain try/catch rather than a closure per stage: this runs once per window on the hot path.
  let stage = 'evaluation';
  try {
    if (split !== null) {
      const { train, test } = split;
      stage = 'learn';
      const candidate = model.learn(state.kept, train);
      stage = 'evaluation';
      const scored = predictScored(model, candidate, test);
      const metrics = scoreBatch(scored);
      stage = 'drift detection';
      const observed = options.drift !== undefined && state.drift !== null ? observeDrift(model, options.drift, state.drift, scored, train) : null;
      const drifted = observed?.drift === true;
      stage = 'gate';
      const decision = gate.decide(drifted ? gate.init() : state.gate, metrics);
      let kept = decision.accept ? candidate : state.kept;
      let version = decision.accept ? state.version + 1 : state.version;
      if (drifted) {
        const replaced = modelAfterDrift(model, options.drift!, observed!.background, kept);
        if (replaced !== kept) version += 1;
        kept = replaced;
      }
      const next: TrainerState<S, H> = {
        kept,
        pending: null,
        gate: decision.history,
        version,
        windows: index + 1,
        rowsSeen: state.rowsSeen + rows,
        drift: observed?.state ?? state.drift,
      };
      const reason = drifted ? `drift detected (${options.drift!.response}); ${decision.reason}` : decision.reason;
      return { index, rows, positions: window.positions, evaluatedRows: test.x.rows, metrics, scored, accepted: decision.accept, reason, version, drift: drifted, state: next };
    }

    const scored = predictScored(model, state.pending ?? state.kept, window.batch);
    const metrics = scoreBatch(scored);
    stage = 'drift detection';
    const observed = options.drift !== undefined && state.drift !== null ? observeDrift(model, options.drift, state.drift, scored, window.batch) : null;
    const drifted = observed?.drift === true;
    let kept = state.kept;
    let history = drifted ? gate.init() : state.gate;
    let version = state.version;
    let accepted: boolean | null = null;
    let reason = 'initial model: nothing to decide';
    if (state.pending !== null) {
      stage = 'gate';
      const decision = gate.decide(history, metrics);
      accepted = decision.accept;
      reason = decision.reason;
      history = decision.history;
      if (decision.accept) {
        kept = state.pending;
        version += 1;
      }
    }
    if (drifted) {
      const replaced = modelAfterDrift(model, options.drift!, observed!.background, kept);
      if (replaced !== kept) version += 1;
      kept = replaced;
      reason = `drift detected (${options.drift!.response}); ${reason}`;
    }
    stage = 'learn';
    const pending = model.learn(kept, window.batch);
    const next: TrainerState<S, H> = { kept, pending, gate: history, version, windows: index + 1, rowsSeen: state.rowsSeen + rows, drift: observed?.state ?? state.drift };
    return { index, rows, positions: window.positions, evaluatedRows: rows, metrics, scored, accepted, reason, version, drift: drifted, state: next };
  } catch (error) {
    throw withContext(`${stage} failed at window ${index}, model '${model.kind}'`, error);
  }
}
