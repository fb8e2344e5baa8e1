/**
 * What a classifier produced for a set of rows, as the metrics consume it. `proba` is
 * `rows × nClasses` row-major (see `Classifier.predictProba`); `predicted` is its arg-max.
 */
export interface Scored {
  readonly nClasses: number;
  readonly y: Int32Array;
  readonly predicted: Int32Array;
  readonly proba: Float64Array;
}

/**
 * The metrics of one evaluated set of rows. For binary problems precision, recall and F1 are those
 * of class 1 (scikit-learn's `pos_label=1`); for multiclass they are macro averages. `rocAuc` is NaN
 * when only one class is present, as it is undefined there.
 */
export interface BatchMetrics {
  readonly rows: number;
  readonly accuracy: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly logLoss: number;
  readonly rocAuc: number;
}

export type MetricName = Exclude<keyof BatchMetrics, 'rows'>;
export const METRIC_NAMES: readonly MetricName[] = ['accuracy', 'precision', 'recall', 'f1', 'logLoss', 'rocAuc'];
