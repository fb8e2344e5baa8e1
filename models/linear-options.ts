/**
 * Option checks shared by the linear classifiers (SGD, Perceptron, Passive-Aggressive). Each throws an
 * Error that names the factory, the option and what is allowed.
 */

import { booleanOption, fail, requireKnownKeys, oneOf as oneOfValues, positiveInteger, requireOptions } from './validate';

export function rejectUnknownOptions(who: string, options: object, allowed: readonly string[]): void {
  requireKnownKeys(who, requireOptions(who, options), allowed);
}

export const integerAtLeast = positiveInteger;
export const oneOf = oneOfValues;
export const boolean = booleanOption;

/** A finite number passing `ok`; `allowed` says in words what `ok` accepts. */
export function finiteNumber(who: string, name: string, value: unknown, ok: (v: number) => boolean, allowed: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) fail(who, name, `a finite number ${allowed}`, value);
  return value;
}

/** scikit-learn's `average`: false (off), true (from the first sample) or the sample count to start at. */
export function averageStart(who: string, value: unknown): number {
  if (value === false) return 0;
  if (value === true) return 1;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return value;
  return fail(who, 'average', 'true, false or an integer ≥ 1', value);
}

/** One finite weight ≥ 0 per class; all 1 when absent. */
export function classWeights(who: string, value: unknown, nClasses: number): readonly number[] {
  if (value === undefined) return Object.freeze(new Array<number>(nClasses).fill(1));
  const values = ArrayBuffer.isView(value) ? Array.from(value as unknown as ArrayLike<number>) : value;
  if (!Array.isArray(values) || values.length !== nClasses
    || !values.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)) {
    fail(who, 'classWeight', `${nClasses} finite numbers ≥ 0 (one per class)`, value);
  }
  return Object.freeze(values.slice());
}
