/**
 * A switch between two stationary `make_classification` concepts with MOA's `ConceptDriftStream`
 * rule (also River's): row t (counted from 1) comes from the new concept with probability
 * 1 / (1 + e^(−4(t − position)/width)), a sigmoid centred on `position` that rises from 12 % to 88 %
 * over `width` rows.
 */
import type { Random } from '../models/random';
import { matrix } from '../models/types';
import { fail, positiveInteger, requireOptions } from '../models/validate';
import type { Concept, ConceptOptions } from './make-classification';
import { drawConcept, sampleConcept } from './make-classification';
import type { GeneratedRows, RowGenerator } from './message-stream';

const OWNER = 'conceptSwitch';
export const CONCEPT_SWITCH_OPTION_NAMES = ['position', 'width'] as const;

export interface ConceptSwitchOptions extends ConceptOptions {
  /** Row (counted from 1) where half the rows come from the new concept; default 5 000 as MOA and River. */
  readonly position?: number;
  /** Rows over which the new concept's share rises from 12 % to 88 %; default 1 000 as MOA and River. */
  readonly width?: number;
}

export interface ConceptSwitchState {
  /** Rows generated so far. */
  readonly position: number;
}

/** P(row t comes from the new concept), t counted from 1. */
export function newConceptProbability(t: number, position: number, width: number): number {
  return 1 / (1 + Math.exp((-4 * (t - position)) / width));
}

export interface ConceptSwitch extends RowGenerator<ConceptSwitchState> {
  readonly before: Concept;
  readonly after: Concept;
}

/**
 * Draws both concepts from `random` (before, then after). Per `sample` call: a coin per row
 * (new concept when `random.next()` ≤ the probability, as MOA compares), then the old concept's
 * rows and the new concept's rows, interleaved in coin order.
 */
export function conceptSwitch(options: ConceptSwitchOptions, random: Random): ConceptSwitch {
  const o = requireOptions(OWNER, options);
  const { position: positionOption, width: widthOption, ...concept } = o as ConceptSwitchOptions;
  const position = positionOption ?? 5000;
  if (typeof position !== 'number' || !Number.isFinite(position)) fail(OWNER, 'position', 'a finite number', position);
  const width = widthOption ?? 1000;
  if (typeof width !== 'number' || !Number.isFinite(width) || width <= 0) fail(OWNER, 'width', 'a finite number > 0', width);
  const before = drawConcept(concept, random);
  const after = drawConcept(concept, random);
  const nFeatures = before.nFeatures;

  function sample(state: ConceptSwitchState, rows: number, rowRandom: Random): GeneratedRows<ConceptSwitchState> {
    positiveInteger(OWNER, 'rows', rows, 0);
    const concepts = new Int32Array(rows);
    let fromNew = 0;
    for (let r = 0; r < rows; r++) {
      const t = state.position + r + 1;
      if (!(rowRandom.next() > newConceptProbability(t, position, width))) {
        concepts[r] = 1;
        fromNew++;
      }
    }
    const old = sampleConcept(before, rows - fromNew, rowRandom);
    const fresh = sampleConcept(after, fromNew, rowRandom);
    const x = new Float64Array(rows * nFeatures);
    const y = new Int32Array(rows);
    let nextOld = 0;
    let nextNew = 0;
    for (let r = 0; r < rows; r++) {
      const source = concepts[r] === 1 ? fresh : old;
      const row = concepts[r] === 1 ? nextNew++ : nextOld++;
      x.set(source.x.data.subarray(row * nFeatures, (row + 1) * nFeatures), r * nFeatures);
      y[r] = source.y[row];
    }
    return { state: { position: state.position + rows }, batch: { x: matrix(rows, nFeatures, x), y }, concepts };
  }

  return Object.freeze({
    kind: 'concept-switch',
    params: Object.freeze({ ...concept, position, width }),
    nFeatures,
    nClasses: before.nClasses,
    before,
    after,
    init: (): ConceptSwitchState => ({ position: 0 }),
    sample,
  });
}
