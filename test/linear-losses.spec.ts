import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LINEAR_LOSSES, LINEAR_LOSS_NAMES, MAX_DLOSS, type LinearLossName } from '../models/linear-losses';
import { fusedMultiplyAdd } from '../models/weight-vector';

/** Rows [p, y, loss, dloss] computed by scikit-learn 1.7.2 (test/fixtures/sgd.py). */
const table = JSON.parse(readFileSync(new URL('./fixtures/sgd.json', import.meta.url), 'utf8')).losses as Record<LinearLossName, number[][]>;

/** Points of p·y where a loss or its derivative is not differentiable (or changes formula). */
const KINKS: Record<LinearLossName, number[]> = {
  hinge: [1],
  perceptron: [0],
  squared_hinge: [1],
  modified_huber: [-1, 1],
  log_loss: [],
};

function assertClose(actual: number, expected: number, relative: number, absolute: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= relative * Math.abs(expected) + absolute, `${what}: got ${actual}, expected ${expected}`);
}

describe('linear losses', () => {
  it('names exactly the five classification losses of SGDClassifier', () => {
    assert.deepEqual([...LINEAR_LOSS_NAMES].sort(), ['hinge', 'log_loss', 'modified_huber', 'perceptron', 'squared_hinge']);
  });

  for (const name of LINEAR_LOSS_NAMES) {
    describe(name, () => {
      const { loss, dloss, gradient } = LINEAR_LOSSES[name];

      it('matches scikit-learn loss and gradient values, kinks included', () => {
        assert.ok(table[name].length >= 20, 'fixture rows');
        for (const [p, y, expectedLoss, expectedGradient] of table[name]) {
          assertClose(loss(p, y), expectedLoss, 1e-15, 0, `loss(${p}, ${y})`);
          assertClose(gradient(p, y), expectedGradient, 1e-15, 0, `gradient(${p}, ${y})`);
          assertClose(dloss(p, y), expectedGradient, 1e-15, 0, `dloss(${p}, ${y})`);
        }
      });

      it('dloss is the derivative of loss (central differences away from kinks)', () => {
        const h = 1e-6;
        let checked = 0;
        for (let p = -6; p <= 6; p += 0.0371) {
          for (const y of [-1, 1]) {
            if (KINKS[name].some((k) => Math.abs(p * y - k) < 1e-3)) continue;
            const numeric = (loss(p + h, y) - loss(p - h, y)) / (2 * h);
            assertClose(dloss(p, y), numeric, 1e-6, 1e-7, `dloss(${p}, ${y})`);
            checked++;
          }
        }
        assert.ok(checked > 500, `checked ${checked} points`);
      });

      it('is zero-or-positive and decreasing in the margin p·y', () => {
        for (let z = -5; z <= 5; z += 0.25) {
          assert.ok(loss(z, 1) >= 0 && loss(z, -1) >= 0);
          assert.ok(loss(z, 1) >= loss(z + 0.25, 1), `loss at margin ${z}`);
          // absolute: scikit-learn computes log(1 + e^p) − p for y = +1, which cancels for large p
          assertClose(loss(z, 1), loss(-z, -1), 0, 1e-14, `symmetry at margin ${z}`);
        }
      });
    });
  }

  it('dloss clips the gradient to ±1e12 as _plain_sgd does, gradient does not', () => {
    const { dloss, gradient } = LINEAR_LOSSES.squared_hinge;
    assert.equal(gradient(-1e13, 1), -2 * (1 + 1e13));
    assert.equal(dloss(-1e13, 1), -MAX_DLOSS);
    assert.equal(dloss(1e13, -1), MAX_DLOSS);
    assert.equal(dloss(-10, 1), gradient(-10, 1));
  });

  it('log_loss stays finite and exact for large margins', () => {
    const { loss, dloss } = LINEAR_LOSSES.log_loss;
    assert.equal(loss(800, 1), 0);
    assert.equal(loss(-800, -1), 0);
    assert.equal(loss(800, -1), 800);
    assert.equal(dloss(-800, 1), -1);
    assert.equal(dloss(800, -1), 1);
  });
});

describe('fusedMultiplyAdd', () => {
  it('rounds a·b + c once, as a hardware fma (and OpenBLAS axpy) does', () => {
    const a = 1 + 2 ** -30;
    assert.equal(fusedMultiplyAdd(a, a, -(1 + 2 ** -29)), 2 ** -60);
    assert.equal(a * a - (1 + 2 ** -29), 0, 'the unfused expression loses it');
    assert.equal(fusedMultiplyAdd(3, 0.1, -0.30000000000000004), -2.7755575615628914e-17);
    assert.equal(fusedMultiplyAdd(2, 3, 4), 10);
    assert.equal(fusedMultiplyAdd(0, 5, -1.5), -1.5);
  });
});
