/**
 * The rotating hyperplane (Hulten, Spencer & Domingos 2001; MOA's `HyperplaneGenerator`, River's
 * `datasets.synth.Hyperplane`), a gradual drift: features uniform in [0, 1), label 1 when
 * Σ wᵢxᵢ ≥ ½ Σ wᵢ, a fraction `noise` of labels flipped. After every row each of the first
 * `nDriftFeatures` weights moves by `magChange` in its current direction, and that direction reverses
 * with probability `sigma`. Initial weights are uniform in [0, 1).
 *
 * Noise and reversal happen with probability exactly `noise` and `sigma`, as in MOA (River's
 * `0.01 + random() <= p` makes them p − 0.01).
 */
import type { Random } from '../models/random';
import { matrix } from '../models/types';
import { fail, positiveInteger, requireKnownKeys, requireOptions } from '../models/validate';
import type { GeneratedRows, RowGenerator } from './message-stream';

const OWNER = 'rotatingHyperplane';
export const HYPERPLANE_OPTION_NAMES = ['nFeatures', 'nDriftFeatures', 'magChange', 'sigma', 'noise'] as const;

export interface HyperplaneOptions {
  /** Default 10. */
  readonly nFeatures?: number;
  /** Weights that drift (the first ones); default 2. */
  readonly nDriftFeatures?: number;
  /** Change of each drifting weight per row, in [0, 1]; default 0.001 (MOA's and River's default, 0, does not drift). */
  readonly magChange?: number;
  /** Probability per row that a drifting weight reverses direction, in [0, 1]; default 0.1. */
  readonly sigma?: number;
  /** Fraction of labels flipped, in [0, 1]; default 0.05. */
  readonly noise?: number;
}

export type HyperplaneParams = {
  readonly nFeatures: number;
  readonly nDriftFeatures: number;
  readonly magChange: number;
  readonly sigma: number;
  readonly noise: number;
};

export interface HyperplaneState {
  /** Rows generated so far. */
  readonly position: number;
  readonly weights: Float64Array;
  /** +1 or −1 per drifting weight. */
  readonly directions: Float64Array;
}

function probability(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) fail(OWNER, name, 'a number in [0, 1]', value);
  return value;
}

export function hyperplaneParams(options: HyperplaneOptions = {}): HyperplaneParams {
  const o = requireOptions(OWNER, options);
  requireKnownKeys(OWNER, o, HYPERPLANE_OPTION_NAMES);
  const nFeatures = positiveInteger(OWNER, 'nFeatures', o.nFeatures ?? 10, 1);
  const nDriftFeatures = positiveInteger(OWNER, 'nDriftFeatures', o.nDriftFeatures ?? 2, 0);
  if (nDriftFeatures > nFeatures) fail(OWNER, 'nDriftFeatures', `an integer ≤ nFeatures (${nFeatures})`, nDriftFeatures);
  return Object.freeze({
    nFeatures,
    nDriftFeatures,
    magChange: probability('magChange', o.magChange ?? 0.001),
    sigma: probability('sigma', o.sigma ?? 0.1),
    noise: probability('noise', o.noise ?? 0.05),
  });
}

export function initHyperplane(params: HyperplaneParams, random: Random): HyperplaneState {
  const weights = new Float64Array(params.nFeatures);
  for (let i = 0; i < weights.length; i++) weights[i] = random.next();
  return { position: 0, weights, directions: new Float64Array(params.nDriftFeatures).fill(1) };
}

/** Draws per row: the features, the noise coin (when `noise` > 0), a reversal coin per drifting weight (when `sigma` > 0). */
export function sampleHyperplane(params: HyperplaneParams, state: HyperplaneState, rows: number, random: Random): GeneratedRows<HyperplaneState> {
  positiveInteger(OWNER, 'rows', rows, 0);
  const { nFeatures: nF, nDriftFeatures, magChange, sigma, noise } = params;
  const weights = state.weights.slice();
  const directions = state.directions.slice();
  const x = new Float64Array(rows * nF);
  const y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const base = r * nF;
    let weighted = 0;
    let weightSum = 0;
    for (let i = 0; i < nF; i++) {
      const value = random.next();
      x[base + i] = value;
      weighted += weights[i] * value;
      weightSum += weights[i];
    }
    let label = weighted >= 0.5 * weightSum ? 1 : 0;
    if (noise > 0 && random.next() < noise) label = 1 - label;
    y[r] = label;
    for (let i = 0; i < nDriftFeatures; i++) {
      weights[i] += directions[i] * magChange;
      if (sigma > 0 && random.next() < sigma) directions[i] = -directions[i];
    }
  }
  return { state: { position: state.position + rows, weights, directions }, batch: { x: matrix(rows, nF, x), y } };
}

export function rotatingHyperplane(options: HyperplaneOptions = {}): RowGenerator<HyperplaneState> {
  const params = hyperplaneParams(options);
  return Object.freeze({
    kind: 'hyperplane',
    params,
    nFeatures: params.nFeatures,
    nClasses: 2,
    init: (random: Random) => initHyperplane(params, random),
    sample: (state: HyperplaneState, rows: number, random: Random) => sampleHyperplane(params, state, rows, random),
  });
}
