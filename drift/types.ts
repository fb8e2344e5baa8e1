/**
 * The shape every drift detector shares, as models share theirs: frozen hyperparameters, plain state
 * (numbers, booleans, typed arrays; round-trips through `encodeState`) and pure updates that never
 * mutate the state they are given. No RxJS, no I/O.
 *
 * Flags follow River: `drift` (and `warning`) describe the value just seen, and the detector resets
 * itself at the start of the *next* update after a drift, so the state returned with a drift still
 * shows the window that detected it.
 */

export type DetectorKind = 'adwin' | 'page-hinkley' | 'ddm' | 'eddm';

/** One update's outcome. `warning` is always false for detectors without a warning zone (ADWIN, Page-Hinkley). */
export interface DetectorStep<S> {
  readonly state: S;
  readonly drift: boolean;
  readonly warning: boolean;
}

/** A batch update's outcome: indices into the batch's values after which a drift (a warning) was flagged. */
export interface DetectorRun<S> {
  readonly state: S;
  readonly drifts: number[];
  readonly warnings: number[];
}

export interface DriftDetector<S> {
  readonly kind: DetectorKind;
  readonly params: Readonly<Record<string, unknown>>;
  init(): S;
  update(state: S, value: number): DetectorStep<S>;
  /** Same flags and final state as `update` value by value, but copies the state once per batch. */
  updateMany(state: S, values: ArrayLike<number>): DetectorRun<S>;
  /** Checks a decoded plain value (see `state-codec`) and returns it as state, or throws saying what is wrong. */
  restore(plain: unknown): S;
}

/** The flags every detector state carries (see the module comment for when they reset). */
export interface DetectorFlags {
  readonly driftDetected: boolean;
  readonly warningDetected?: boolean;
}

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * What a detector module supplies so that `update` / `updateMany` are written once: `copy` makes a
 * private copy, `step` advances that copy in place by one value.
 */
export interface DetectorCore<P, S extends DetectorFlags> {
  copy(state: S): Mutable<S>;
  step(params: P, state: Mutable<S>, value: number): void;
}

export function updateOnce<P, S extends DetectorFlags>(core: DetectorCore<P, S>, params: P, state: S, value: number): DetectorStep<S> {
  const next = core.copy(state);
  core.step(params, next, value);
  return { state: next, drift: next.driftDetected, warning: next.warningDetected === true };
}

export function updateBatch<P, S extends DetectorFlags>(
  core: DetectorCore<P, S>, params: P, state: S, values: ArrayLike<number>,
): DetectorRun<S> {
  const next = core.copy(state);
  const drifts: number[] = [];
  const warnings: number[] = [];
  for (let i = 0; i < values.length; i++) {
    core.step(params, next, values[i]);
    if (next.driftDetected) drifts.push(i);
    if (next.warningDetected === true) warnings.push(i);
  }
  return { state: next, drifts, warnings };
}

/** Rejects a non-finite input value, which would poison a detector's running sums for good. */
export function requireFiniteValue(owner: string, value: number): void {
  if (!Number.isFinite(value)) throw new RangeError(`${owner}: values must be finite numbers, got ${value}`);
}
