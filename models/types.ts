/**
 * Shared shapes of the learning library. Models are frozen hyperparameters plus plain learned
 * state plus pure functions; nothing here imports RxJS or does I/O.
 */

/** A dense row-major matrix: row r, column c lives at `data[r * cols + c]`. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** Rows with integer class labels `0 … nClasses - 1` (for binary problems 0 and 1). */
export interface LabeledBatch {
  readonly x: Matrix;
  readonly y: Int32Array;
}

/**
 * An online classifier. `params` is frozen and validated at construction; every function is pure:
 * `learn` returns a new state and never mutates the state or batch it is given.
 */
export interface Classifier<S = unknown> {
  /** Stable identifier of the algorithm, e.g. `sgd`, used in snapshots. */
  readonly kind: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly nFeatures: number;
  readonly nClasses: number;
  /**
   * True when `predictProba` is a model probability (log_loss and modified_huber SGD, naive Bayes).
   * Otherwise it is a monotone squashing of the decision value (sigmoid, or softmax over classes),
   * good for ranking metrics such as ROC AUC but not a calibrated probability.
   */
  readonly probabilistic: boolean;
  init(): S;
  learn(state: S, batch: LabeledBatch): S;
  /** `rows × nClasses` row-major; every row sums to 1. */
  predictProba(state: S, x: Matrix): Float64Array;
  predict(state: S, x: Matrix): Int32Array;
  /**
   * Checks a decoded plain value (see `state-codec`) against this model's shapes and returns it as
   * state, or throws an Error that says what does not match.
   */
  restore(plain: unknown): S;
}

/** An online feature transformer such as a scaler: learns from rows, then maps rows. */
export interface Transformer<S = unknown> {
  readonly kind: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly nFeatures: number;
  init(): S;
  learn(state: S, x: Matrix): S;
  transform(state: S, x: Matrix): Matrix;
  restore(plain: unknown): S;
}

export function matrix(rows: number, cols: number, data: Float64Array = new Float64Array(rows * cols)): Matrix {
  if (data.length !== rows * cols) {
    throw new RangeError(`matrix: data has ${data.length} values, expected rows × cols = ${rows * cols}`);
  }
  return { rows, cols, data };
}

/** Rows `start … end - 1` as a view that shares memory with `m` (no copy). */
export function sliceRows(m: Matrix, start: number, end: number): Matrix {
  return { rows: end - start, cols: m.cols, data: m.data.subarray(start * m.cols, end * m.cols) };
}
