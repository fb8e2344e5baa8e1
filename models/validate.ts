/**
 * Checks shared by model factories (hyperparameters) and `restore` (decoded plain state), so every
 * model reports a bad value the same way: `<owner>: <name> must be <what is allowed>, got <value>`.
 */
import type { Matrix } from './types';

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  if (Array.isArray(value)) return value.length <= 10 ? `[${value.map(show).join(', ')}]` : `an array of length ${value.length}`;
  if (value !== null && typeof value === 'object') return 'an object';
  return String(value);
}

export function fail(owner: string, name: string, allowed: string, got: unknown): never {
  throw new Error(`${owner}: ${name} must be ${allowed}, got ${show(got)}`);
}

export function requireOptions(owner: string, options: unknown): Record<string, unknown> {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) fail(owner, 'options', 'an object', options);
  return options as Record<string, unknown>;
}

/** Rejects option names the factory does not know, so a misspelt hyperparameter is not silently ignored. */
export function requireKnownKeys(owner: string, options: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new Error(`${owner}: unknown option ${JSON.stringify(key)} (allowed: ${known.join(', ')})`);
  }
}

export function positiveInteger(owner: string, name: string, value: unknown, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) fail(owner, name, `an integer ≥ ${min}`, value);
  return value;
}

export function nonNegativeNumber(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(owner, name, 'a finite number ≥ 0', value);
  return value;
}

export function booleanOption(owner: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(owner, name, 'true or false', value);
  return value;
}

export function oneOf<T extends string>(owner: string, name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    fail(owner, name, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, value);
  }
  return value as T;
}

export function requireColumns(owner: string, x: Matrix, nFeatures: number): void {
  if (x.cols !== nFeatures) throw new RangeError(`${owner}: input has ${x.cols} feature columns, expected nFeatures = ${nFeatures}`);
  if (x.data.length !== x.rows * x.cols) {
    throw new RangeError(`${owner}: input data has ${x.data.length} values, expected rows × cols = ${x.rows * x.cols}`);
  }
}

export function requireLabels(owner: string, y: Int32Array, rows: number, nClasses: number): void {
  if (y.length !== rows) throw new RangeError(`${owner}: batch has ${rows} rows but ${y.length} labels`);
  for (let i = 0; i < y.length; i++) {
    const label = y[i];
    if (label < 0 || label >= nClasses) throw new RangeError(`${owner}: label ${label} at row ${i} is outside 0 … ${nClasses - 1} (nClasses = ${nClasses})`);
  }
}

// --- decoded plain state ---------------------------------------------------------------------

export function stateRecord(owner: string, plain: unknown): Record<string, unknown> {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain) || ArrayBuffer.isView(plain)) {
    throw new TypeError(`${owner}.restore: state must be a plain object, got ${show(plain)}`);
  }
  return plain as Record<string, unknown>;
}

export function stateFloat64(owner: string, state: Record<string, unknown>, key: string, length: number): Float64Array {
  const value = state[key];
  if (!(value instanceof Float64Array) || value.length !== length) {
    throw new TypeError(`${owner}.restore: state.${key} must be a Float64Array of length ${length}, got ${show(value)}`);
  }
  return value;
}

export function stateNumber(owner: string, state: Record<string, unknown>, key: string, allowed: string, ok: (n: number) => boolean): number {
  const value = state[key];
  if (typeof value !== 'number' || !ok(value)) throw new TypeError(`${owner}.restore: state.${key} must be ${allowed}, got ${show(value)}`);
  return value;
}

export function stateBoolean(owner: string, state: Record<string, unknown>, key: string): boolean {
  const value = state[key];
  if (typeof value !== 'boolean') throw new TypeError(`${owner}.restore: state.${key} must be true or false, got ${show(value)}`);
  return value;
}
