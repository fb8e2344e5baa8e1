/**
 * The contract every model must pass, after River's estimator checks: inputs are left unmodified,
 * state survives a serialisation round trip, the same seed gives the same model, one-row updates
 * agree with one batch, gradients pass a finite-difference check, bad hyperparameters fail at
 * construction, and predictions have the promised shape. Register a model from a spec file:
 *
 *   classifierContract({ name: 'gaussianNB', make: () => gaussianNB({ nFeatures: 4 }), rowByRow: 'approx', ... });
 */
import assert from 'node:assert/strict';
import { Random } from '../../models/random';
import { decodeState, encodeState } from '../../models/state-codec';
import { matrix, sliceRows, type Classifier, type LabeledBatch, type Matrix, type Transformer } from '../../models/types';
import { isClose } from './approx';

export interface GradientCase {
  name: string;
  loss(p: number, y: number): number;
  /** d loss / d p. */
  dloss(p: number, y: number): number;
}

export interface BadOptionsCase {
  options: unknown;
  /** Text the construction error must contain, normally the parameter's name. */
  names: string;
}

interface ContractCaseBase {
  name: string;
  /**
   * How learning the rows one at a time compares with learning them as one batch: 'exact'
   * (bit-identical state and predictions), 'approx' (to 1e-9 relative) or 'undefined' (the model
   * defines them differently; give `rowByRowReason`).
   */
  rowByRow: 'exact' | 'approx' | 'undefined';
  rowByRowReason?: string;
  /**
   * True when `make(seed)` uses its seed. An unseeded model must give the same result whatever the
   * seed; a seeded one only for equal seeds.
   */
  seeded?: boolean;
  /** Builds the model from raw options, so that `badOptions` can be tried. */
  construct(options: unknown): unknown;
  /** At least one set of invalid hyperparameters, each with the text its error must contain. */
  badOptions: readonly BadOptionsCase[];
}

export interface ClassifierContractCase<S> extends ContractCaseBase {
  make(seed: number): Classifier<S>;
  /** Loss functions whose `dloss` must match a central finite difference of `loss`. */
  gradient?: readonly GradientCase[];
}

export interface TransformerContractCase<S> extends ContractCaseBase {
  make(seed: number): Transformer<S>;
}

const MODEL_SEED = 20240611;
const DATA_SEED = 77;
const DATA_ROWS = 240;
/** Irregular batch sizes, cycled, so batch boundaries fall in varied places. */
const BATCH_SIZES = [1, 13, 40, 7, 64, 2, 29];
const APPROX_RELATIVE = 1e-9;

// --- data ------------------------------------------------------------------------------------

/** Gaussian blobs, one centre per class, with unequal feature scales and offsets. */
export function syntheticBatch(seed: number, rows: number, nFeatures: number, nClasses: number): LabeledBatch {
  const random = new Random(seed);
  const centres = Float64Array.from({ length: nClasses * nFeatures }, () => random.uniform(-1.5, 1.5));
  const scales = Float64Array.from({ length: nFeatures }, () => random.uniform(0.5, 3));
  const offsets = Float64Array.from({ length: nFeatures }, () => random.uniform(-2, 2));
  const x = new Float64Array(rows * nFeatures);
  const y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    // Every class appears early, so no model starts from a degenerate one-class window.
    const label = r < nClasses ? r : random.int(0, nClasses - 1);
    y[r] = label;
    for (let j = 0; j < nFeatures; j++) x[r * nFeatures + j] = offsets[j] + scales[j] * (centres[label * nFeatures + j] + random.normal());
  }
  return { x: matrix(rows, nFeatures, x), y };
}

function labeledSlice(batch: LabeledBatch, start: number, end: number): LabeledBatch {
  return { x: sliceRows(batch.x, start, end), y: batch.y.subarray(start, end) };
}

function cutIntoBatches(batch: LabeledBatch): LabeledBatch[] {
  const out: LabeledBatch[] = [];
  for (let start = 0, i = 0; start < batch.x.rows; i++) {
    const end = Math.min(batch.x.rows, start + BATCH_SIZES[i % BATCH_SIZES.length]);
    out.push(labeledSlice(batch, start, end));
    start = end;
  }
  return out;
}

function oneRowBatches(batch: LabeledBatch): LabeledBatch[] {
  return Array.from({ length: batch.x.rows }, (_, r) => labeledSlice(batch, r, r + 1));
}

// --- comparison ------------------------------------------------------------------------------

/**
 * Path and values of the first difference between two plain states, or null when they agree:
 * bit for bit when `relative` is 0 (NaN equals NaN, -0 differs from 0), otherwise to that relative tolerance.
 */
export function firstDifference(a: unknown, b: unknown, relative = 0, path = 'state'): string | null {
  if (typeof a === 'number' && typeof b === 'number') {
    const same = relative === 0 ? Object.is(a, b) : isClose(a, b, relative);
    return same ? null : `${path}: ${a} ≠ ${b}`;
  }
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.constructor !== b.constructor) {
      return `${path}: ${describeValue(a)} ≠ ${describeValue(b)}`;
    }
    const left = a as unknown as ArrayLike<number>;
    const right = b as unknown as ArrayLike<number>;
    if (left.length !== right.length) return `${path}: length ${left.length} ≠ ${right.length}`;
    for (let i = 0; i < left.length; i++) {
      const d = firstDifference(left[i], right[i], relative, `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return `${path}: ${describeValue(a)} ≠ ${describeValue(b)}`;
    if (a.length !== b.length) return `${path}: length ${a.length} ≠ ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], relative, `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keysA = definedKeys(a);
    const keysB = definedKeys(b);
    if (keysA.join() !== keysB.join()) return `${path}: keys {${keysA}} ≠ {${keysB}}`;
    for (const k of keysA) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], relative, `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return a === b ? null : `${path}: ${describeValue(a)} ≠ ${describeValue(b)}`;
}

function definedKeys(o: object): string[] {
  return Object.entries(o).filter(([, v]) => v !== undefined).map(([k]) => k).sort();
}

function describeValue(v: unknown): string {
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as ArrayLike<number>).length})`;
  return typeof v === 'object' && v !== null ? (Array.isArray(v) ? 'an array' : 'an object') : String(v);
}

function assertSame(actual: unknown, expected: unknown, what: string, relative = 0): void {
  const d = firstDifference(actual, expected, relative);
  if (d) assert.fail(`${what} differ${relative ? ` beyond ${relative} relative` : ' (bit for bit)'}: ${d}`);
}

/** Paths (as key lists) of every typed array inside a plain value. */
function typedArrayPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (ArrayBuffer.isView(value)) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => typedArrayPaths(v, [...path, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => typedArrayPaths(v, [...path, k]));
  return [];
}

/** A decoded copy of `state` whose typed array at `path` is one element short (or, if empty, one long). */
function withTruncatedArray(state: unknown, path: (string | number)[]): unknown {
  const plain = decodeState(encodeState(state)) as Record<string | number, unknown>;
  let parent = plain;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  const array = parent[last] as Float64Array;
  parent[last] = array.length > 0 ? array.slice(0, array.length - 1) : new (array.constructor as Float64ArrayConstructor)(1);
  return plain;
}

function pathText(path: (string | number)[]): string {
  return 'state' + path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('');
}

// --- shared checks ---------------------------------------------------------------------------

function checkBadOptions(c: ContractCaseBase): void {
  assert.ok(c.badOptions.length > 0, `${c.name}: the contract case must list at least one set of bad options`);
  for (const bad of c.badOptions) {
    let thrown: unknown;
    try {
      c.construct(bad.options);
    } catch (error) {
      thrown = error;
    }
    assert.ok(thrown instanceof Error, `construction with ${JSON.stringify(bad.options)} did not throw an Error`);
    assert.ok(thrown.message.includes(bad.names), `the error for ${JSON.stringify(bad.options)} does not name ${bad.names}: ${thrown.message}`);
  }
}

function checkRestoreRejects(restore: (plain: unknown) => unknown, learned: unknown): void {
  for (const junk of [null, 42, 'state', []]) {
    assert.throws(() => restore(junk), Error, `restore accepted ${JSON.stringify(junk)}`);
  }
  for (const path of typedArrayPaths(learned)) {
    assert.throws(() => restore(withTruncatedArray(learned, path)), Error, `restore accepted a state whose ${pathText(path)} has the wrong length`);
  }
}

function rowByRowTitle(c: ContractCaseBase): string {
  const base = 'learning rows one at a time equals learning them as one batch';
  if (c.rowByRow === 'undefined') return `${base} (not defined for this model: ${c.rowByRowReason ?? 'no reason given'})`;
  return `${base} (${c.rowByRow})`;
}

function wrongWidth(nFeatures: number, rows = 3): Matrix {
  return matrix(rows, nFeatures + 1);
}

function assertShapeError(run: () => unknown, nFeatures: number, what: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof Error, `${what} threw a non-Error`);
    assert.match(error.message, new RegExp(`\\b${nFeatures}\\b`), `${what}: the error should state the expected ${nFeatures} features: ${error.message}`);
    return true;
  }, `${what} accepted ${nFeatures + 1} feature columns`);
}

// --- classifiers -----------------------------------------------------------------------------

export function classifierContract<S>(c: ClassifierContractCase<S>): void {
  describe(`${c.name} contract`, () => {
    const reference = c.make(MODEL_SEED);
    const data = syntheticBatch(DATA_SEED, DATA_ROWS, reference.nFeatures, reference.nClasses);
    const batches = cutIntoBatches(data);
    const probe = syntheticBatch(DATA_SEED + 1, 50, reference.nFeatures, reference.nClasses).x;
    const train = (model: Classifier<S>, from: S, parts: readonly LabeledBatch[]): S => parts.reduce((s, b) => model.learn(s, b), from);

    it('describes itself and freezes its hyperparameters', () => {
      assert.ok(typeof reference.kind === 'string' && reference.kind.length > 0, 'kind must be a non-empty string');
      assert.equal(typeof reference.probabilistic, 'boolean');
      assert.ok(Number.isInteger(reference.nFeatures) && reference.nFeatures >= 1);
      assert.ok(Number.isInteger(reference.nClasses) && reference.nClasses >= 2);
      assert.ok(Object.isFrozen(reference.params), 'params must be frozen');
    });

    it('never mutates the state or batch it learns from, nor what it predicts on', () => {
      const model = c.make(MODEL_SEED);
      const half = Math.floor(batches.length / 2);
      let state = train(model, model.init(), batches.slice(0, half));
      for (const batch of batches.slice(half)) {
        const stateBefore = structuredClone(state);
        const xBefore = batch.x.data.slice();
        const yBefore = batch.y.slice();
        const next = model.learn(state, batch);
        assertSame(state, stateBefore, 'the previous state');
        assertSame(batch.x.data, xBefore, 'the batch features');
        assertSame(batch.y, yBefore, 'the batch labels');
        state = next;
      }
      const stateBefore = structuredClone(state);
      const probeBefore = probe.data.slice();
      model.predictProba(state, probe);
      model.predict(state, probe);
      assertSame(state, stateBefore, 'the state after predicting');
      assertSame(probe.data, probeBefore, 'the predicted features');
      assertSame(data.x.data, syntheticBatch(DATA_SEED, DATA_ROWS, reference.nFeatures, reference.nClasses).x.data, 'the whole data set');
    });

    it('survives encodeState → decodeState → restore, predicting and learning on identically', () => {
      const model = c.make(MODEL_SEED);
      const half = Math.floor(batches.length / 2);
      const learned = train(model, model.init(), batches.slice(0, half));
      const restored = model.restore(decodeState(encodeState(learned)));
      assertSame(restored, learned, 'the restored state');
      assertSame(model.predictProba(restored, probe), model.predictProba(learned, probe), 'predictProba after the round trip');
      assertSame(model.predict(restored, probe), model.predict(learned, probe), 'predict after the round trip');
      const rest = batches.slice(half);
      const continued = train(model, learned, rest);
      const continuedRestored = train(model, restored, rest);
      assertSame(continuedRestored, continued, 'states trained on after the round trip');
      assertSame(model.predictProba(continuedRestored, probe), model.predictProba(continued, probe), 'predictProba after further learning');
      const fresh = model.restore(decodeState(encodeState(model.init())));
      assertSame(fresh, model.init(), 'the initial state after the round trip');
    });

    it('restore rejects values that are not its state, and states with a wrongly sized array', () => {
      const model = c.make(MODEL_SEED);
      checkRestoreRejects((plain) => model.restore(plain), train(model, model.init(), batches.slice(0, 3)));
    });

    it(c.seeded ? 'the same seed gives the same model' : 'gives the same model for the same data, whatever the seed', () => {
      const a = c.make(MODEL_SEED);
      const b = c.make(MODEL_SEED);
      const stateA = train(a, a.init(), batches);
      const stateB = train(b, b.init(), batches);
      assertSame(stateB, stateA, 'states from two models made with the same seed');
      assertSame(b.predictProba(stateB, probe), a.predictProba(stateA, probe), 'predictProba from two models made with the same seed');
      if (!c.seeded) {
        const other = c.make(MODEL_SEED + 1);
        assertSame(train(other, other.init(), batches), stateA, 'states from models made with different seeds (the model is declared unseeded)');
      }
    });

    it(rowByRowTitle(c), function () {
      if (c.rowByRow === 'undefined') this.skip();
      const model = c.make(MODEL_SEED);
      const whole = model.learn(model.init(), data);
      const byRow = train(model, model.init(), oneRowBatches(data));
      const relative = c.rowByRow === 'exact' ? 0 : APPROX_RELATIVE;
      assertSame(byRow, whole, 'states learned row by row and as one batch', relative);
      assertSame(model.predictProba(byRow, probe), model.predictProba(whole, probe), 'predictProba after row-by-row and one-batch learning', relative);
    });

    it('passes a central finite-difference check of every declared gradient', function () {
      if (!c.gradient || c.gradient.length === 0) this.skip();
      for (const g of c.gradient!) checkGradient(g);
    });

    it('fails at construction on bad hyperparameters, naming the parameter', () => {
      checkBadOptions(c);
    });

    it('predicts probability rows that sum to 1, and predict is their arg-max', () => {
      const model = c.make(MODEL_SEED);
      const { nClasses } = model;
      const states: [string, S][] = [['the initial state', model.init()]];
      let state = model.init();
      for (const [i, batch] of batches.entries()) {
        state = model.learn(state, batch);
        if (i === 0 || i === batches.length - 1) states.push([`the state after ${i + 1} batches`, state]);
      }
      for (const [label, s] of states) {
        const proba = model.predictProba(s, probe);
        const predicted = model.predict(s, probe);
        assert.ok(proba instanceof Float64Array && proba.length === probe.rows * nClasses, `${label}: predictProba must be a Float64Array of rows × nClasses`);
        assert.ok(predicted instanceof Int32Array && predicted.length === probe.rows, `${label}: predict must be an Int32Array of one label per row`);
        for (let r = 0; r < probe.rows; r++) {
          const row = proba.subarray(r * nClasses, (r + 1) * nClasses);
          let sum = 0;
          for (const p of row) {
            assert.ok(p >= 0 && p <= 1, `${label}: row ${r} has the probability ${p}`);
            sum += p;
          }
          assert.ok(Math.abs(sum - 1) <= 1e-12 * nClasses, `${label}: row ${r} sums to ${sum}`);
          assert.equal(row[predicted[r]], Math.max(...row), `${label}: row ${r} predicts ${predicted[r]}, not an arg-max of [${Array.from(row)}]`);
        }
      }
    });

    it('handles empty input: no predictions, and learning nothing changes nothing', () => {
      const model = c.make(MODEL_SEED);
      const state = train(model, model.init(), batches.slice(0, 3));
      const empty = labeledSlice(data, 0, 0);
      assert.equal(model.predictProba(state, empty.x).length, 0);
      assert.equal(model.predict(state, empty.x).length, 0);
      const after = model.learn(state, empty);
      assertSame(model.predictProba(after, probe), model.predictProba(state, probe), 'predictProba after learning an empty batch');
    });

    it('rejects wrongly shaped input with an error that states the expected shape', () => {
      const model = c.make(MODEL_SEED);
      const { nFeatures, nClasses } = model;
      const state = model.init();
      assertShapeError(() => model.predictProba(state, wrongWidth(nFeatures)), nFeatures, 'predictProba');
      assertShapeError(() => model.predict(state, wrongWidth(nFeatures)), nFeatures, 'predict');
      assertShapeError(() => model.learn(state, { x: wrongWidth(nFeatures), y: new Int32Array(3) }), nFeatures, 'learn');
      const x = matrix(3, nFeatures);
      assert.throws(() => model.learn(state, { x, y: new Int32Array(2) }), Error, 'learn accepted 3 rows with 2 labels');
      assert.throws(() => model.learn(state, { x, y: Int32Array.of(0, nClasses, 0) }), Error, `learn accepted the label ${nClasses}`);
      assert.throws(() => model.learn(state, { x, y: Int32Array.of(0, -1, 0) }), Error, 'learn accepted the label -1');
    });
  });
}

/** Decision values and labels at which losses are probed; chosen to stay clear of kinks at 0 and ±1. */
const GRADIENT_POINTS = Array.from({ length: 29 }, (_, k) => -5.93 + 0.4137 * k);
const GRADIENT_LABELS = [-1, 0, 1];

function checkGradient(g: GradientCase): void {
  let checked = 0;
  for (const y of GRADIENT_LABELS) {
    for (const p of GRADIENT_POINTS) {
      const h = 1e-6 * Math.max(1, Math.abs(p));
      const f0 = g.loss(p, y);
      const fPlus = g.loss(p + h, y);
      const fMinus = g.loss(p - h, y);
      assert.ok(Number.isFinite(f0) && Number.isFinite(fPlus) && Number.isFinite(fMinus), `${g.name}: loss(${p}, ${y}) is not finite`);
      const forward = (fPlus - f0) / h;
      const backward = (f0 - fMinus) / h;
      // One-sided slopes that disagree mean a kink lies within h: no derivative to check there.
      if (Math.abs(forward - backward) > 1e-4 * Math.max(1, Math.abs(forward), Math.abs(backward))) continue;
      const numeric = (fPlus - fMinus) / (2 * h);
      const analytic = g.dloss(p, y);
      const error = Math.abs(analytic - numeric) / Math.max(Math.abs(analytic), Math.abs(numeric), 1e-8);
      assert.ok(error < 1e-5, `${g.name}: dloss(${p}, ${y}) = ${analytic}, but the finite difference is ${numeric} (relative error ${error})`);
      checked++;
    }
  }
  const total = GRADIENT_POINTS.length * GRADIENT_LABELS.length;
  assert.ok(checked >= total / 2, `${g.name}: only ${checked} of ${total} points were away from kinks`);
}

// --- transformers ----------------------------------------------------------------------------

export function transformerContract<S>(c: TransformerContractCase<S>): void {
  describe(`${c.name} contract`, () => {
    const reference = c.make(MODEL_SEED);
    const data = syntheticBatch(DATA_SEED, DATA_ROWS, reference.nFeatures, 2).x;
    const batches = cutIntoBatches({ x: data, y: new Int32Array(data.rows) }).map((b) => b.x);
    const probe = syntheticBatch(DATA_SEED + 1, 50, reference.nFeatures, 2).x;
    const train = (model: Transformer<S>, from: S, parts: readonly Matrix[]): S => parts.reduce((s, x) => model.learn(s, x), from);

    it('describes itself and freezes its hyperparameters', () => {
      assert.ok(typeof reference.kind === 'string' && reference.kind.length > 0, 'kind must be a non-empty string');
      assert.ok(Number.isInteger(reference.nFeatures) && reference.nFeatures >= 1);
      assert.ok(Object.isFrozen(reference.params), 'params must be frozen');
    });

    it('never mutates the state or rows it learns from or transforms, and returns a new matrix', () => {
      const model = c.make(MODEL_SEED);
      let state = model.init();
      for (const x of batches) {
        const stateBefore = structuredClone(state);
        const xBefore = x.data.slice();
        const next = model.learn(state, x);
        assertSame(state, stateBefore, 'the previous state');
        assertSame(x.data, xBefore, 'the learned rows');
        state = next;
      }
      const stateBefore = structuredClone(state);
      const probeBefore = probe.data.slice();
      const out = model.transform(state, probe);
      assertSame(state, stateBefore, 'the state after transforming');
      assertSame(probe.data, probeBefore, 'the transformed rows');
      assert.equal(out.rows, probe.rows);
      assert.equal(out.cols, probe.cols);
      assert.ok(out.data instanceof Float64Array && out.data.length === probe.rows * probe.cols, 'transform must return rows × cols values');
      assert.notEqual(out.data.buffer, probe.data.buffer, 'transform must not return a view of its input');
    });

    it('survives encodeState → decodeState → restore, transforming and learning on identically', () => {
      const model = c.make(MODEL_SEED);
      const half = Math.floor(batches.length / 2);
      const learned = train(model, model.init(), batches.slice(0, half));
      const restored = model.restore(decodeState(encodeState(learned)));
      assertSame(restored, learned, 'the restored state');
      assertSame(model.transform(restored, probe).data, model.transform(learned, probe).data, 'transform after the round trip');
      const rest = batches.slice(half);
      const continued = train(model, learned, rest);
      const continuedRestored = train(model, restored, rest);
      assertSame(continuedRestored, continued, 'states trained on after the round trip');
      assertSame(model.transform(continuedRestored, probe).data, model.transform(continued, probe).data, 'transform after further learning');
    });

    it('restore rejects values that are not its state, and states with a wrongly sized array', () => {
      const model = c.make(MODEL_SEED);
      checkRestoreRejects((plain) => model.restore(plain), train(model, model.init(), batches.slice(0, 3)));
    });

    it(c.seeded ? 'the same seed gives the same transformer' : 'gives the same transformer for the same data, whatever the seed', () => {
      const a = c.make(MODEL_SEED);
      const b = c.make(MODEL_SEED);
      const stateA = train(a, a.init(), batches);
      assertSame(train(b, b.init(), batches), stateA, 'states from two transformers made with the same seed');
      if (!c.seeded) {
        const other = c.make(MODEL_SEED + 1);
        assertSame(train(other, other.init(), batches), stateA, 'states from transformers made with different seeds (declared unseeded)');
      }
    });

    it(rowByRowTitle(c), function () {
      if (c.rowByRow === 'undefined') this.skip();
      const model = c.make(MODEL_SEED);
      const whole = model.learn(model.init(), data);
      const byRow = train(model, model.init(), Array.from({ length: data.rows }, (_, r) => sliceRows(data, r, r + 1)));
      const relative = c.rowByRow === 'exact' ? 0 : APPROX_RELATIVE;
      assertSame(byRow, whole, 'states learned row by row and as one batch', relative);
      assertSame(model.transform(byRow, probe).data, model.transform(whole, probe).data, 'transform after row-by-row and one-batch learning', relative);
    });

    it('fails at construction on bad hyperparameters, naming the parameter', () => {
      checkBadOptions(c);
    });

    it('handles empty input: an empty transform, and learning nothing changes nothing', () => {
      const model = c.make(MODEL_SEED);
      const state = train(model, model.init(), batches.slice(0, 3));
      const empty = sliceRows(data, 0, 0);
      const out = model.transform(state, empty);
      assert.equal(out.rows, 0);
      assert.equal(out.data.length, 0);
      assertSame(model.transform(model.learn(state, empty), probe).data, model.transform(state, probe).data, 'transform after learning an empty batch');
    });

    it('rejects wrongly shaped input with an error that states the expected shape', () => {
      const model = c.make(MODEL_SEED);
      const { nFeatures } = model;
      assertShapeError(() => model.learn(model.init(), wrongWidth(nFeatures)), nFeatures, 'learn');
      assertShapeError(() => model.transform(model.init(), wrongWidth(nFeatures)), nFeatures, 'transform');
    });
  });
}
