import type { OperatorFunction } from 'rxjs';
import { scan } from 'rxjs';
import type { BatchMetrics } from '../metrics/types';
import type { GatePolicy } from '../training/gate-policies';
import { withContext } from '../training/errors';

/** A challenger state proposed to replace the current champion, with its metrics on unseen rows. */
export interface Candidate<S> {
  readonly index: number;
  readonly candidate: S;
  readonly metrics: BatchMetrics;
}

export interface GateVerdict<S, H> {
  readonly index: number;
  readonly accepted: boolean;
  readonly reason: string;
  /** The champion after this verdict: the candidate when accepted, else the previous champion untouched. */
  readonly champion: S;
  readonly version: number;
  readonly history: H;
}

/**
 * Champion/challenger gating for candidates produced outside a training chain (e.g. a model retrained
 * elsewhere): keeps the champion in `scan` state and replaces it only when `policy` accepts. A
 * rejected candidate leaves the previous champion as the very same object. (`partialFit` applies the
 * same policies inside its own step, where the gate must feed back into learning.)
 *
 * @example
 * challengers$.pipe(gate(seedGate(), initialModelState)).subscribe((v) => v.accepted && deploy(v.champion));
 *
 * Marble (a accepted, b rejected, c accepted):
 *
 *     candidates: --a---b---c--|
 *     verdicts:   --A---B---C--|    B.champion === A.champion
 */
export function gate<S, H>(policy: GatePolicy<H>, initialChampion: S): OperatorFunction<Candidate<S>, GateVerdict<S, H>> {
  const start: GateVerdict<S, H> = { index: -1, accepted: true, reason: 'initial', champion: initialChampion, version: 0, history: policy.init() };
  return scan<Candidate<S>, GateVerdict<S, H>, GateVerdict<S, H>>((previous, { index, candidate, metrics }) => {
    let decision;
    try {
      decision = policy.decide(previous.history, metrics);
    } catch (error) {
      throw withContext(`gate: candidate ${index}, policy '${policy.name}'`, error);
    }
    return {
      index,
      accepted: decision.accept,
      reason: decision.reason,
      champion: decision.accept ? candidate : previous.champion,
      version: decision.accept ? previous.version + 1 : previous.version,
      history: decision.history,
    };
  }, start);
}
