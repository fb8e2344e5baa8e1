import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { minMaxScaler } from '../models/min-max-scaler';
import { standardScale, standardScaler } from '../models/standard-scaler';
import { decodeState, encodeState } from '../models/state-codec';
import { matrix, type Matrix } from '../models/types';
import { assertAllClose } from './support/approx';

interface ScalerStep {
  n_samples_seen_: number;
  transform: number[];
  [attribute: string]: number[] | number | null;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/nb_scalers.json', import.meta.url), 'utf8')) as {
  nFeatures: number;
  constantFeature: number;
  scalerBatches: number[][];
  scalerProbe: number[];
  minMax: { featureRange: [number, number]; steps: ScalerStep[] }[];
  standard: { withMean: boolean; withStd: boolean; steps: ScalerStep[] }[];
};
const nFeatures = fixture.nFeatures;
const rows = (values: readonly number[]): Matrix => matrix(values.length / nFeatures, nFeatures, Float64Array.from(values));
const batches = fixture.scalerBatches.map(rows);
const probe = rows(fixture.scalerProbe);
/** A constant feature transforms to (x − mean) / 1 with mean ≈ x: zero up to cancellation. */
const CANCELLATION = 1e-15;

describe('minMaxScaler', () => {
  describe("fit: 'running' matches scikit-learn MinMaxScaler.partial_fit", () => {
    for (const c of fixture.minMax) {
      it(`featureRange [${c.featureRange}]: data_min_, data_max_, n_samples_seen_ and transform after every batch`, () => {
        const scaler = minMaxScaler({ nFeatures, fit: 'running', featureRange: c.featureRange });
        let state = scaler.init();
        batches.forEach((batch, i) => {
          state = scaler.learn(state, batch);
          const expected = c.steps[i];
          assert.equal(state.nSamplesSeen, expected.n_samples_seen_);
          assertAllClose(state.dataMin, expected.data_min_ as number[], `batch ${i} dataMin`, 0);
          assertAllClose(state.dataMax, expected.data_max_ as number[], `batch ${i} dataMax`, 0);
          assertAllClose(scaler.transform(state, probe).data, expected.transform, `batch ${i} transform`);
        });
      });
    }
  });

  it("fit: 'first' keeps the fit of the first window (scikit-learn after its first partial_fit)", () => {
    for (const c of fixture.minMax) {
      const scaler = minMaxScaler({ nFeatures, featureRange: c.featureRange });
      const state = batches.reduce((s, batch) => scaler.learn(s, batch), scaler.init());
      const first = c.steps[0];
      assert.equal(state.nSamplesSeen, first.n_samples_seen_);
      assertAllClose(state.dataMin, first.data_min_ as number[], 'dataMin', 0);
      assertAllClose(scaler.transform(state, probe).data, first.transform, `featureRange [${c.featureRange}] transform`);
    }
  });

  it("fit: 'first' skips empty windows before fitting", () => {
    const scaler = minMaxScaler({ nFeatures: 1 });
    const afterEmpty = scaler.learn(scaler.init(), matrix(0, 1));
    const fitted = scaler.learn(afterEmpty, matrix(2, 1, Float64Array.of(2, 4)));
    assert.deepEqual(Array.from(scaler.transform(fitted, matrix(1, 1, Float64Array.of(3))).data), [0.5]);
  });

  it('maps a constant feature to the low end of the range (scale 1 where the range is 0)', () => {
    const scaler = minMaxScaler({ nFeatures: 2, fit: 'running', featureRange: [-1, 2] });
    const state = scaler.learn(scaler.init(), matrix(2, 2, Float64Array.of(5, 0, 5, 10)));
    assert.deepEqual(Array.from(scaler.transform(state, matrix(1, 2, Float64Array.of(5, 5))).data), [-1, 0.5]);
  });

  it('ignores NaN values when learning the range', () => {
    const scaler = minMaxScaler({ nFeatures: 1, fit: 'running' });
    const state = scaler.learn(scaler.init(), matrix(3, 1, Float64Array.of(NaN, 0, 4)));
    assert.deepEqual([state.dataMin[0], state.dataMax[0]], [0, 4]);
  });

  it('is the identity before anything is learned', () => {
    const scaler = minMaxScaler({ nFeatures });
    assert.deepEqual(scaler.transform(scaler.init(), probe).data, probe.data);
  });

  it('rejects bad hyperparameters with the parameter name and the allowed values', () => {
    assert.throws(() => minMaxScaler({ nFeatures: 2, featureRange: [1, 1] }), /minMaxScaler: featureRange must be two finite numbers \[low, high\] with low < high, got \[1, 1\]/);
    assert.throws(() => minMaxScaler({ nFeatures: 2, fit: 'last' as never }), /minMaxScaler: fit must be one of "first", "running", got "last"/);
    assert.throws(() => minMaxScaler({ nFeatures: 1.5 }), /minMaxScaler: nFeatures must be an integer ≥ 1, got 1.5/);
  });

  it('restore names the field that does not match', () => {
    const scaler = minMaxScaler({ nFeatures: 2 });
    const plain = decodeState(encodeState(scaler.learn(scaler.init(), matrix(1, 2, Float64Array.of(1, 2))))) as Record<string, unknown>;
    assert.deepEqual(scaler.restore(plain), { nSamplesSeen: 1, dataMin: Float64Array.of(1, 2), dataMax: Float64Array.of(1, 2) });
    plain.dataMax = new Float64Array(3);
    assert.throws(() => scaler.restore(plain), /minMaxScaler\.restore: state\.dataMax must be a Float64Array of length 2, got Float64Array\(3\)/);
    plain.nSamplesSeen = -1;
    assert.throws(() => scaler.restore(plain), /state\.nSamplesSeen must be a whole number ≥ 0, got -1/);
  });
});

describe('standardScaler', () => {
  describe('matches scikit-learn StandardScaler.partial_fit', () => {
    for (const c of fixture.standard) {
      it(`withMean ${c.withMean}, withStd ${c.withStd}: mean_, var_, scale_, n_samples_seen_ and transform after every batch`, () => {
        const scaler = standardScaler({ nFeatures, withMean: c.withMean, withStd: c.withStd });
        let state = scaler.init();
        batches.forEach((batch, i) => {
          state = scaler.learn(state, batch);
          const expected = c.steps[i];
          assert.equal(state.nSamplesSeen, expected.n_samples_seen_);
          assertAllClose(state.mean, expected.mean_ as number[], `batch ${i} mean`);
          if (expected.var_ !== null) {
            // The constant feature's variance is rounding noise (~1e-34); only its size matters.
            assertAllClose(state.variance, expected.var_ as number[], `batch ${i} variance`, 1e-9, 1e-30);
            assertAllClose(standardScale(state), expected.scale_ as number[], `batch ${i} scale`);
          }
          assertAllClose(scaler.transform(state, probe).data, expected.transform, `batch ${i} transform`, 1e-9, CANCELLATION);
        });
      });
    }
  });

  it('scales a constant feature by 1 (it is only centred)', () => {
    const scaler = standardScaler({ nFeatures: 2 });
    const state = scaler.learn(scaler.init(), matrix(3, 2, Float64Array.of(0.1, 0, 0.1, 3, 0.1, 6)));
    assert.deepEqual(Array.from(standardScale(state)), [1, Math.sqrt(6)]);
    const out = scaler.transform(state, matrix(1, 2, Float64Array.of(1.1, 3)));
    assertAllClose(out.data, [1, 0], 'transform', 1e-12);
  });

  it('is the identity before anything is learned', () => {
    const scaler = standardScaler({ nFeatures });
    assert.deepEqual(scaler.transform(scaler.init(), probe).data, probe.data);
  });

  it('rejects bad hyperparameters with the parameter name', () => {
    assert.throws(() => standardScaler({ nFeatures: 2, withMean: 'yes' as never }), /standardScaler: withMean must be true or false, got "yes"/);
    assert.throws(() => standardScaler({ nFeatures: 2, withStd: 0 as never }), /standardScaler: withStd must be true or false, got 0/);
    assert.throws(() => standardScaler({} as never), /standardScaler: nFeatures must be an integer ≥ 1, got undefined/);
  });

  it('restore names the field that does not match', () => {
    const scaler = standardScaler({ nFeatures: 2 });
    assert.throws(() => scaler.restore({ nSamplesSeen: 1, mean: new Float64Array(2), variance: [0, 0] }), /standardScaler\.restore: state\.variance must be a Float64Array of length 2, got \[0, 0\]/);
  });
});
