/**
 * Checks a decoded tracker state (`decodeState(encodeState(state))`) and returns it as a
 * `TrackerState`, so metric tracking can resume from a checkpoint like a model. Throws an Error
 * naming the first field that does not match.
 */
import type { BatchMetrics } from './types';
import type { TrackerState, TrackingMode } from './tracker';
import { trackingMode } from './tracker';
import type { ConfusionState } from './confusion';
import { fail, positiveInteger } from '../models/validate';

const OWNER = 'restoreTracker';

function record(path: string, value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) fail(OWNER, path, 'an object', value);
  return value as Record<string, unknown>;
}

function finite(path: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(OWNER, path, 'a finite number', value);
  return value;
}

function count(path: string, value: unknown, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) fail(OWNER, path, `an integer in 0 … ${max}`, value);
  return value;
}

function sameNumber(path: string, value: unknown, expected: number): number {
  if (value !== expected) fail(OWNER, path, `${expected}`, value);
  return expected;
}

function float64s(path: string, value: unknown, length: number): Float64Array {
  if (!(value instanceof Float64Array) || value.length !== length) fail(OWNER, path, `a Float64Array of length ${length}`, value);
  return value;
}

function int32s(path: string, value: unknown, length: number): Int32Array {
  if (!(value instanceof Int32Array) || value.length !== length) fail(OWNER, path, `an Int32Array of length ${length}`, value);
  return value;
}

function confusion(path: string, value: unknown, nClasses: number): ConfusionState {
  const plain = record(path, value);
  sameNumber(`${path}.nClasses`, plain.nClasses, nClasses);
  return Object.freeze({ nClasses, counts: float64s(`${path}.counts`, plain.counts, nClasses * nClasses) });
}

function metrics(path: string, value: unknown): BatchMetrics {
  const plain = record(path, value);
  const read = (name: keyof BatchMetrics): number => {
    const v = plain[name];
    if (typeof v !== 'number') fail(OWNER, `${path}.${name}`, 'a number', v);
    return v;
  };
  return Object.freeze({
    rows: count(`${path}.rows`, plain.rows),
    accuracy: read('accuracy'),
    precision: read('precision'),
    recall: read('recall'),
    f1: read('f1'),
    logLoss: read('logLoss'),
    rocAuc: read('rocAuc'),
  });
}

export function restoreTracker(value: unknown): TrackerState {
  const plain = record('state', value);
  const mode = trackingMode(record('state.mode', plain.mode) as unknown as TrackingMode);
  const nClasses = positiveInteger(OWNER, 'state.nClasses', plain.nClasses, 2);
  const k = nClasses;
  if (mode.kind === 'window') {
    return Object.freeze({ mode, nClasses, seen: count('state.seen', plain.seen), last: metrics('state.last', plain.last) });
  }
  if (mode.kind === 'rolling') {
    const ring = record('state.window', plain.window);
    const size = sameNumber('state.window.size', ring.size, mode.size);
    sameNumber('state.window.nClasses', ring.nClasses, k);
    const rows = count('state.window.count', ring.count, size);
    const head = count('state.window.head', ring.head, size - 1);
    if (rows < size && head !== rows) fail(OWNER, 'state.window.head', `${rows} while the ring is not full`, head);
    const y = int32s('state.window.y', ring.y, size);
    const predicted = int32s('state.window.predicted', ring.predicted, size);
    for (let i = 0; i < rows; i++) {
      if (!(y[i] >= 0 && y[i] < k)) fail(OWNER, `state.window.y[${i}]`, `a label in 0 … ${k - 1}`, y[i]);
      if (!(predicted[i] >= 0 && predicted[i] < k)) fail(OWNER, `state.window.predicted[${i}]`, `a label in 0 … ${k - 1}`, predicted[i]);
    }
    const window = Object.freeze({
      nClasses: k,
      size,
      count: rows,
      head,
      seen: count('state.window.seen', ring.seen),
      y,
      predicted,
      proba: float64s('state.window.proba', ring.proba, size * k),
      loss: float64s('state.window.loss', ring.loss, size),
      confusion: confusion('state.window.confusion', ring.confusion, k),
      lossSum: finite('state.window.lossSum', ring.lossSum),
    });
    if (window.seen < rows) fail(OWNER, 'state.window.seen', `≥ count (${rows})`, window.seen);
    return Object.freeze({ mode, nClasses, window });
  }
  const loss = record('state.logLoss', plain.logLoss);
  sameNumber('state.logLoss.nClasses', loss.nClasses, k);
  const auc = record('state.auc', plain.auc);
  sameNumber('state.auc.nClasses', auc.nClasses, k);
  const bins = sameNumber('state.auc.bins', auc.bins, mode.aucBins);
  return Object.freeze({
    mode,
    nClasses,
    seen: count('state.seen', plain.seen),
    confusion: confusion('state.confusion', plain.confusion, k),
    logLoss: Object.freeze({ nClasses: k, sum: finite('state.logLoss.sum', loss.sum), weight: finite('state.logLoss.weight', loss.weight) }),
    auc: Object.freeze({ nClasses: k, bins, counts: float64s('state.auc.counts', auc.counts, (k === 2 ? 1 : k) * 2 * bins) }),
  });
}
