import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gaussianNB, type GaussianNbState } from '../models/gaussian-nb';
import { decodeState, encodeState } from '../models/state-codec';
import { matrix } from '../models/types';
import { assertAllClose } from './support/approx';

interface NbStep {
  theta: number[]; var: number[]; classCount: number[]; epsilon: number; predictProba: number[]; predict: number[];
}
interface NbCase {
  name: string;
  nClasses: number;
  options: { var_smoothing?: number; priors?: number[] };
  batches: { x: number[]; y: number[] }[];
  probe: number[];
  steps: NbStep[];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/nb_scalers.json', import.meta.url), 'utf8')) as {
  nFeatures: number;
  gaussianNb: NbCase[];
};
const nFeatures = fixture.nFeatures;

function rows(values: readonly number[]) {
  return matrix(values.length / nFeatures, nFeatures, Float64Array.from(values));
}

describe('gaussianNB', () => {
  describe('parity with scikit-learn GaussianNB.partial_fit', () => {
    for (const c of fixture.gaussianNb) {
      it(`${c.name}: theta_, var_, class_count_, epsilon_ and predict_proba after every batch`, () => {
        const model = gaussianNB({ nFeatures, nClasses: c.nClasses, varSmoothing: c.options.var_smoothing, priors: c.options.priors });
        const probe = rows(c.probe);
        let state = model.init();
        c.batches.forEach((b, i) => {
          state = model.learn(state, { x: rows(b.x), y: Int32Array.from(b.y) });
          const expected = c.steps[i];
          const at = `batch ${i}`;
          assertAllClose(state.classCount, expected.classCount, `${at} classCount`, 0);
          assertAllClose([state.epsilon], [expected.epsilon], `${at} epsilon`);
          assertAllClose(state.theta, expected.theta, `${at} theta`);
          assertAllClose(state.variance, expected.var, `${at} variance`);
          assertAllClose(model.predictProba(state, probe), expected.predictProba, `${at} predictProba`);
          assert.deepEqual(Array.from(model.predict(state, probe)), expected.predict, `${at} predict`);
        });
      });
    }

    it('the fixture exercises a one-row batch (epsilon 0) and a class missing from the first batch', () => {
      const steps = fixture.gaussianNb.flatMap((c) => c.steps);
      assert.ok(steps.some((s) => s.epsilon === 0));
      assert.ok(fixture.gaussianNb.some((c) => c.steps[0].classCount.includes(0)));
    });
  });

  describe('before anything is learned', () => {
    it('predicts the fixed priors, or uniform probabilities without them', () => {
      const x = matrix(2, 2, Float64Array.from([0, 1, 2, 3]));
      const withPriors = gaussianNB({ nFeatures: 2, nClasses: 3, priors: [0.2, 0.5, 0.3] });
      assert.deepEqual(Array.from(withPriors.predictProba(withPriors.init(), x)), [0.2, 0.5, 0.3, 0.2, 0.5, 0.3]);
      assert.deepEqual(Array.from(withPriors.predict(withPriors.init(), x)), [1, 1]);
      const uniform = gaussianNB({ nFeatures: 2 });
      assert.deepEqual(Array.from(uniform.predictProba(uniform.init(), x)), [0.5, 0.5, 0.5, 0.5]);
    });
  });

  describe('where scikit-learn gives NaN (a class with zero variance)', () => {
    const model = gaussianNB({ nFeatures: 1 });
    const oneRow = model.learn(model.init(), { x: matrix(1, 1, Float64Array.of(3)), y: Int32Array.of(0) });

    it('gives a row that no class can score the class priors', () => {
      assert.equal(oneRow.variance[0], 0);
      assert.deepEqual(Array.from(model.predictProba(oneRow, matrix(2, 1, Float64Array.of(3, 5)))), [1, 0, 1, 0]);
      assert.deepEqual(Array.from(model.predict(oneRow, matrix(1, 1, Float64Array.of(5)))), [0]);
    });

    it('treats the zero-variance class as impossible while another class can be scored', () => {
      const twoClasses = model.learn(oneRow, { x: matrix(2, 1, Float64Array.of(10, 12)), y: Int32Array.of(1, 1) });
      assert.equal(twoClasses.variance[0], 0, 'class 0 has still seen a single row');
      assert.deepEqual(Array.from(model.predictProba(twoClasses, matrix(1, 1, Float64Array.of(3)))), [0, 1]);
      assert.deepEqual(Array.from(model.predict(twoClasses, matrix(1, 1, Float64Array.of(3)))), [1]);
    });
  });

  describe('hyperparameters', () => {
    const cases: [unknown, RegExp][] = [
      [{ nFeatures: 0 }, /gaussianNB: nFeatures must be an integer ≥ 1, got 0/],
      [{ nFeatures: 2, nClasses: 1 }, /nClasses must be an integer ≥ 2, got 1/],
      [{ nFeatures: 2, varSmoothing: -1 }, /varSmoothing must be a finite number ≥ 0, got -1/],
      [{ nFeatures: 2, priors: [1] }, /priors must be an array of nClasses = 2 numbers/],
      [{ nFeatures: 2, priors: [1.5, -0.5] }, /priors must be finite numbers ≥ 0, got \[1.5, -0.5\]/],
      [{ nFeatures: 2, priors: [0.5, 0.6] }, /priors must sum to 1 \(within 1e-5\), got a sum of 1.1/],
      [{ nFeatures: 2, varSmooting: 1 }, /gaussianNB: unknown option "varSmooting"/],
    ];
    for (const [options, message] of cases) {
      it(`rejects ${JSON.stringify(options)}`, () => {
        assert.throws(() => gaussianNB(options as never), message);
      });
    }

    it('freezes its parameters', () => {
      const model = gaussianNB({ nFeatures: 2, priors: [0.4, 0.6] });
      assert.ok(Object.isFrozen(model.params));
      assert.ok(Object.isFrozen(model.params.priors));
    });
  });

  describe('input checks', () => {
    const model = gaussianNB({ nFeatures: 2 });
    it('rejects labels outside 0 … nClasses − 1', () => {
      assert.throws(() => model.learn(model.init(), { x: matrix(1, 2), y: Int32Array.of(2) }), /label 2 at row 0 is outside 0 … 1/);
    });
    it('rejects a label count that differs from the row count', () => {
      assert.throws(() => model.learn(model.init(), { x: matrix(2, 2), y: Int32Array.of(0) }), /2 rows but 1 labels/);
    });
  });

  describe('restore', () => {
    const model = gaussianNB({ nFeatures: 2, nClasses: 3 });
    const learned = model.learn(model.init(), { x: matrix(3, 2, Float64Array.from([0, 1, 2, 3, 4, 6])), y: Int32Array.of(0, 1, 2) });

    it('accepts its own decoded state', () => {
      const restored = model.restore(decodeState(encodeState(learned)));
      assert.deepEqual(restored, learned);
    });

    const broken: [string, (s: Record<string, unknown>) => void, RegExp][] = [
      ['a short theta', (s) => { s.theta = new Float64Array(5); }, /state\.theta must be a Float64Array of length 6, got Float64Array\(5\)/],
      ['a missing variance', (s) => { delete s.variance; }, /state\.variance must be a Float64Array of length 6, got undefined/],
      ['a fractional class count', (s) => { s.classCount = Float64Array.of(1, 0.5, 1); }, /state\.classCount must hold whole numbers/],
      ['a negative epsilon', (s) => { s.epsilon = -1; }, /state\.epsilon must be a finite number ≥ 0, got -1/],
    ];
    for (const [what, breakIt, message] of broken) {
      it(`rejects ${what}`, () => {
        const plain = decodeState(encodeState(learned)) as Record<string, unknown>;
        breakIt(plain);
        assert.throws(() => model.restore(plain), message);
      });
    }

    it('rejects a value that is not an object', () => {
      assert.throws(() => model.restore(null), /gaussianNB\.restore: state must be a plain object, got null/);
    });

    it('keeps the state type', () => {
      const typed: GaussianNbState = model.restore(decodeState(encodeState(learned)));
      assert.equal(typed.classCount.length, 3);
    });
  });
});
