/**
 * Option checks shared by the linear classifiers (SGD, Perceptron, Passive-Aggressive). Each throws an
 * Error that names the factory, the option and what is allowed.
 */

export function rejectUnknownOptions(who: string, options: object, allowed: readonly string[]): void {
  if (options === null || typeof options !== 'object') throw new TypeError(`${who}: options must be an object, got ${String(options)}`);
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new Error(`${who}: unknown option '${key}' (allowed: ${allowed.join(', ')})`);
  }
}

export function integerAtLeast(who: string, name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new Error(`${who}: ${name} must be an integer ≥ ${min}, got ${describe(value)}`);
  }
  return value;
}

/** A finite number passing `ok`; `allowed` says in words what `ok` accepts. */
export function finiteNumber(who: string, name: string, value: unknown, ok: (v: number) => boolean, allowed: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
    throw new Error(`${who}: ${name} must be a finite number ${allowed}, got ${describe(value)}`);
  }
  return value;
}

export function oneOf<T extends string>(who: string, name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new Error(`${who}: ${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

export function boolean(who: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new Error(`${who}: ${name} must be true or false, got ${describe(value)}`);
  return value;
}

/** scikit-learn's `average`: false (off), true (from the first sample) or the sample count to start at. */
export function averageStart(who: string, value: unknown): number {
  if (value === false) return 0;
  if (value === true) return 1;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return value;
  throw new Error(`${who}: average must be true, false or an integer ≥ 1, got ${describe(value)}`);
}

/** One finite weight ≥ 0 per class; all 1 when absent. */
export function classWeights(who: string, value: unknown, nClasses: number): readonly number[] {
  if (value === undefined) return Object.freeze(new Array<number>(nClasses).fill(1));
  const values = ArrayBuffer.isView(value) ? Array.from(value as unknown as ArrayLike<number>) : value;
  if (!Array.isArray(values) || values.length !== nClasses
    || !values.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)) {
    throw new Error(`${who}: classWeight must hold ${nClasses} finite numbers ≥ 0 (one per class), got ${describe(value)}`);
  }
  return Object.freeze(values.slice());
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return `[${Array.from(value as ArrayLike<unknown>).join(', ')}]`;
  return String(value);
}
