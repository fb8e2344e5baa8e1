/**
 * The SEA concepts (Street & Kim 2001; MOA's `SEAGenerator`, River's `datasets.synth.SEA`) with
 * abrupt drift: three features uniform in [0, 10), label 1 when f1 + f2 > θ and 0 otherwise
 * (f3 is irrelevant), θ = 8, 9, 7 or 9.5 for variants 0–3, and a fraction `noise` of labels flipped.
 * The concept changes abruptly at the rows listed in `driftsAt`, stepping through `variants`
 * cyclically. Rows are counted from 0 across `sample` calls by the state.
 */
import type { Random } from '../models/random';
import { matrix } from '../models/types';
import { fail, positiveInteger, requireKnownKeys, requireOptions } from '../models/validate';
import type { GeneratedRows, RowGenerator } from './message-stream';

const OWNER = 'sea';
export const SEA_OPTION_NAMES = ['driftsAt', 'variants', 'noise'] as const;
/** θ of variants 0, 1, 2, 3. */
export const SEA_THRESHOLDS: readonly number[] = Object.freeze([8, 9, 7, 9.5]);
const FEATURES = 3;
const RANGE = 10;

export interface SeaOptions {
  /** Rows (0-based, strictly increasing) at which the next concept takes over; default [250 000, 500 000, 750 000]. */
  readonly driftsAt?: readonly number[];
  /** Variant of each concept, cycled: concept c uses `variants[c mod length]`; default [0, 1, 2, 3]. */
  readonly variants?: readonly number[];
  /** Fraction of labels flipped, in [0, 1]; default 0.1 as in Street & Kim and MOA (River's default is 0). */
  readonly noise?: number;
}

export type SeaParams = {
  readonly driftsAt: readonly number[];
  readonly variants: readonly number[];
  readonly noise: number;
};

export interface SeaState {
  /** Rows generated so far. */
  readonly position: number;
}

export function seaParams(options: SeaOptions = {}): SeaParams {
  const o = requireOptions(OWNER, options);
  requireKnownKeys(OWNER, o, SEA_OPTION_NAMES);
  const driftsAt = o.driftsAt ?? [250_000, 500_000, 750_000];
  if (!Array.isArray(driftsAt)) fail(OWNER, 'driftsAt', 'an array of row positions', driftsAt);
  driftsAt.forEach((at, i) => {
    if (!Number.isSafeInteger(at) || at < 0 || (i > 0 && at <= driftsAt[i - 1])) {
      fail(OWNER, `driftsAt[${i}]`, i === 0 ? 'an integer ≥ 0' : `an integer > driftsAt[${i - 1}] (${driftsAt[i - 1]})`, at);
    }
  });
  const variants = o.variants ?? [0, 1, 2, 3];
  if (!Array.isArray(variants) || variants.length === 0) fail(OWNER, 'variants', 'a non-empty array of variants 0 … 3', variants);
  variants.forEach((v, i) => {
    if (!(Number.isInteger(v) && v >= 0 && v < SEA_THRESHOLDS.length)) fail(OWNER, `variants[${i}]`, 'one of 0, 1, 2, 3', v);
  });
  const noise = o.noise ?? 0.1;
  if (typeof noise !== 'number' || !(noise >= 0 && noise <= 1)) fail(OWNER, 'noise', 'a number in [0, 1]', noise);
  return Object.freeze({ driftsAt: Object.freeze([...driftsAt]), variants: Object.freeze([...variants]), noise });
}

/** Index of the concept in force at row `position` (0 before the first drift). */
export function seaConceptAt(params: SeaParams, position: number): number {
  let concept = 0;
  while (concept < params.driftsAt.length && params.driftsAt[concept] <= position) concept++;
  return concept;
}

/** θ of the concept in force at row `position`. */
export function seaThresholdAt(params: SeaParams, position: number): number {
  return SEA_THRESHOLDS[params.variants[seaConceptAt(params, position) % params.variants.length]];
}

/** Draws per row: f1, f2, f3, then (when `noise` > 0) the flip coin. */
export function sampleSea(params: SeaParams, state: SeaState, rows: number, random: Random): GeneratedRows<SeaState> {
  positiveInteger(OWNER, 'rows', rows, 0);
  const x = new Float64Array(rows * FEATURES);
  const y = new Int32Array(rows);
  const concepts = new Int32Array(rows);
  let concept = seaConceptAt(params, state.position);
  let nextDrift = concept < params.driftsAt.length ? params.driftsAt[concept] : Infinity;
  let threshold = SEA_THRESHOLDS[params.variants[concept % params.variants.length]];
  for (let r = 0; r < rows; r++) {
    if (state.position + r >= nextDrift) {
      concept++;
      nextDrift = concept < params.driftsAt.length ? params.driftsAt[concept] : Infinity;
      threshold = SEA_THRESHOLDS[params.variants[concept % params.variants.length]];
    }
    const base = r * FEATURES;
    for (let j = 0; j < FEATURES; j++) x[base + j] = RANGE * random.next();
    let label = x[base] + x[base + 1] > threshold ? 1 : 0;
    if (params.noise > 0 && random.next() < params.noise) label = 1 - label;
    y[r] = label;
    concepts[r] = concept;
  }
  return { state: { position: state.position + rows }, batch: { x: matrix(rows, FEATURES, x), y }, concepts };
}

export function sea(options: SeaOptions = {}): RowGenerator<SeaState> {
  const params = seaParams(options);
  return Object.freeze({
    kind: 'sea',
    params,
    nFeatures: FEATURES,
    nClasses: 2,
    init: (): SeaState => ({ position: 0 }),
    sample: (state: SeaState, rows: number, random: Random) => sampleSea(params, state, rows, random),
  });
}
