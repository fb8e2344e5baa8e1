import type { OperatorFunction } from 'rxjs';
import { scan } from 'rxjs';
import type { Classifier } from '../models/types';
import type { Evaluation } from '../training/evaluation';
import { prequential } from '../training/evaluation';
import type { AcceptedMeanHistory, GatePolicy } from '../training/gate-policies';
import { seedGate } from '../training/gate-policies';
import type { Step, TrainerState } from '../training/train-step';
import { initialTrainerState, trainStep } from '../training/train-step';
import type { Window } from './types';
import type { DriftOptions } from '../training/drift-response';

export interface PartialFitOptions<S, H> {
  /** How candidates are scored; default prequential (test-then-train). */
  readonly evaluation?: Evaluation;
  /** Which candidates replace the kept model; default the seed's F1 rule (`seedGate`). */
  readonly gate?: GatePolicy<H>;
  /** Resume from a snapshot of a trainer state instead of a fresh model. */
  readonly initial?: TrainerState<S, H>;
  /**
   * Drift awareness: a detector on the served model's row errors; on a drift the gate's history resets
   * and the model keeps learning, restarts, or is replaced by a background model (`training/drift-response`).
   */
  readonly drift?: DriftOptions<unknown>;
}

/**
 * Trains `model` on each window, threading the trainer state (kept model, pending candidate, gate
 * history) through `scan`, and emits one {@link Step} per window, accepted or not. Each window is
 * scored before anything learns from it, the gate decides, and a rejected candidate is dropped: the
 * kept model stays the very same state object (a real rollback, unlike the seed's aliasing).
 *
 * @example
 * from(clickstream({ messages: 100 })).pipe(
 *   messageWindow(),
 *   partialFit(sgdClassifier({ nFeatures: 10 }), { gate: seedGate() }),
 * ).subscribe((step) => console.log(step.index, step.metrics.f1, step.accepted));
 *
 * Marble (windows a, b, c → steps A, B, C carrying the state after each window):
 *
 *     windows:  --a---b---c--|
 *     steps:    --A---B---C--|
 *
 * A model that throws surfaces as an error notification naming the window and the model kind.
 */
export function partialFit<S, H = AcceptedMeanHistory>(
  model: Classifier<S>,
  options: PartialFitOptions<S, H> = {},
): OperatorFunction<Window, Step<S, H>> {
  const evaluation = options.evaluation ?? prequential();
  const gate = options.gate ?? (seedGate() as unknown as GatePolicy<H>);
  const start = options.initial ?? initialTrainerState(model, gate, options.drift);
  if (options.drift !== undefined && start.drift === null) {
    throw new RangeError('partialFit: the initial state has no drift state but the drift option is set; start it with initialTrainerState(model, gate, drift)');
  }
  const trainOptions = { evaluation, gate, drift: options.drift };
  return scan<Window, Step<S, H>, Step<S, H> | null>(
    (previous, window) => trainStep(model, trainOptions, previous === null ? start : previous.state, window),
    null,
  );
}
