import { strict as assert } from 'node:assert';
import { alwaysAccept, neverAccept, relativeToAcceptedMean, seedGate, thresholdGate } from '../training/gate-policies';
import { holdout, splitHoldout } from '../training/evaluation';
import type { BatchMetrics } from '../metrics/types';

const withF1 = (f1: number): BatchMetrics => ({ rows: 1, accuracy: 0, precision: 0, recall: 0, f1, logLoss: 0, rocAuc: NaN });

describe('gate policies', () => {
  it('seedGate accepts the first update, then only F1 above 0.95 × the mean of accepted F1', () => {
    const gate = seedGate();
    let history = gate.init();
    const verdicts = [0.8, 0.7, 0.77, 0.9, 0.75].map((f1) => {
      const d = gate.decide(history, withF1(f1));
      history = d.history;
      return d.accept;
    });
    // bar after 0.8: 0.76 → 0.7 rejected, 0.77 accepted; mean(0.8, 0.77) × 0.95 = 0.74575 → 0.9 accepted;
    // mean(0.8, 0.77, 0.9) × 0.95 = 0.78217 → 0.75 rejected.
    assert.deepEqual(verdicts, [true, false, true, true, false]);
    assert.equal(history.count, 3);
  });

  it('rejects NaN metrics rather than comparing them', () => {
    const gate = relativeToAcceptedMean({ metric: 'rocAuc' });
    assert.equal(gate.decide(gate.init(), withF1(0.9)).accept, false);
    assert.equal(thresholdGate({ metric: 'rocAuc', atLeast: 0.5 }).decide(null, withF1(0.9)).accept, false);
  });

  it('threshold gates bound scores from below and losses from above', () => {
    assert.equal(thresholdGate({ metric: 'f1', atLeast: 0.5 }).decide(null, withF1(0.6)).accept, true);
    assert.equal(thresholdGate({ metric: 'f1', atLeast: 0.5 }).decide(null, withF1(0.4)).accept, false);
    const lossGate = thresholdGate({ metric: 'logLoss', atMost: 0.3 });
    assert.equal(lossGate.decide(null, { ...withF1(0), logLoss: 0.2 }).accept, true);
    assert.equal(lossGate.decide(null, { ...withF1(0), logLoss: 0.4 }).accept, false);
  });

  it('always and never do what they say', () => {
    assert.equal(alwaysAccept().decide(null, withF1(0)).accept, true);
    assert.equal(neverAccept().decide(null, withF1(1)).accept, false);
  });

  it('fails at construction with messages naming the option', () => {
    assert.throws(() => relativeToAcceptedMean({ factor: -1 }), /factor must be a finite number > 0, got -1/);
    assert.throws(() => relativeToAcceptedMean({ metric: 'auc' as never }), /metric must be one of accuracy, .*got "auc"/);
    assert.throws(() => thresholdGate({ metric: 'f1' }), /give atLeast .* or atMost/);
    assert.throws(() => thresholdGate({ metric: 'f1', atLeast: 0.9, atMost: 0.1 }), /need atLeast ≤ atMost/);
  });
});

describe('holdout split', () => {
  const rows = 105;
  const batch = {
    x: { rows, cols: 2, data: Float64Array.from({ length: rows * 2 }, (_, i) => i) },
    y: Int32Array.from({ length: rows }, (_, i) => i % 2),
  };

  it('sizes the test split as train_test_split does and uses every row exactly once', () => {
    const { train, test } = splitHoldout(batch, 0.2, 42, 0);
    assert.equal(test.x.rows, 21);
    assert.equal(train.x.rows, 84);
    const firstColumn = (m: { rows: number; data: Float64Array }) => Array.from({ length: m.rows }, (_, r) => m.data[r * 2] / 2);
    const all = [...firstColumn(train.x), ...firstColumn(test.x)].sort((a, b) => a - b);
    assert.deepEqual(all, Array.from({ length: rows }, (_, i) => i));
    for (const part of [train, test]) {
      firstColumn(part.x).forEach((row, i) => {
        assert.equal(part.y[i], row % 2, 'labels stay with their rows');
        assert.equal(part.x.data[i * 2 + 1], row * 2 + 1, 'features stay together');
      });
    }
  });

  it('is reproducible per window and differs between windows', () => {
    const first = splitHoldout(batch, 0.2, 42, 3).test.x.data;
    assert.deepEqual(splitHoldout(batch, 0.2, 42, 3).test.x.data, first);
    assert.notDeepEqual(splitHoldout(batch, 0.2, 42, 4).test.x.data, first);
  });

  it('validates its options', () => {
    assert.throws(() => holdout({ testFraction: 1 }), /testFraction must be in \(0, 1\), got 1/);
    assert.throws(() => holdout({ seed: 1.5 }), /seed must be an integer/);
  });
});
