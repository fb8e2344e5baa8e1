/**
 * The exact ROC AUC must equal its definition, P(positive's score > negative's) with ties counting ½,
 * bit for bit, whichever way it counts: by score buckets (spread scores) or by sorting (crowded
 * scores), for any window size, with ties, scores outside [0, 1] and signed zeros.
 */
import assert from 'node:assert/strict';
import { Random } from '../models/random';
import { aucOfSorted, exactRocAuc } from '../metrics/roc-auc';

/** The definition, pair by pair. */
function pairwiseAuc(y: Int32Array, scores: Float64Array, stride: number, column: number, positive: number, rows: number): number {
  let wins = 0;
  let nPos = 0;
  let nNeg = 0;
  for (let i = 0; i < rows; i++) {
    if (y[i] === positive) nPos++;
    else nNeg++;
  }
  if (nPos === 0 || nNeg === 0) return NaN;
  for (let i = 0; i < rows; i++) {
    if (y[i] !== positive) continue;
    const s = scores[i * stride + column];
    for (let j = 0; j < rows; j++) {
      if (y[j] === positive) continue;
      const v = scores[j * stride + column];
      if (v < s) wins += 1;
      else if (v === s) wins += 0.5;
    }
  }
  return wins / (nPos * nNeg);
}

function pairwiseMacro(y: Int32Array, proba: Float64Array, k: number, rows: number): number {
  if (k === 2) return pairwiseAuc(y, proba, 2, 1, 1, rows);
  let sum = 0;
  let defined = 0;
  for (let c = 0; c < k; c++) {
    const auc = pairwiseAuc(y, proba, k, c, c, rows);
    if (!Number.isNaN(auc)) {
      sum += auc;
      defined++;
    }
  }
  return defined > 0 ? sum / defined : NaN;
}

type ScoreKind = 'spread' | 'crowded at 0 and 1' | 'few distinct values' | 'outside [0, 1]' | 'one bucket';

function score(random: Random, kind: ScoreKind): number {
  switch (kind) {
    case 'spread':
      return random.next();
    case 'crowded at 0 and 1':
      return random.next() < 0.5 ? 1e-9 * random.next() : 1 - 1e-9 * random.next();
    case 'few distinct values':
      return [0, -0, 0.25, 0.5, 0.75, 1][random.int(0, 5)];
    case 'outside [0, 1]':
      return 6 * random.next() - 3;
    case 'one bucket':
      return 0.01 + 0.001 * random.next();
  }
}

const KINDS: readonly ScoreKind[] = ['spread', 'crowded at 0 and 1', 'few distinct values', 'outside [0, 1]', 'one bucket'];

describe('exactRocAuc', () => {
  for (const kind of KINDS) {
    for (const nClasses of [2, 3]) {
      it(`${kind} scores, ${nClasses} classes: equals the pairwise definition bit for bit, from 0 to 3000 rows`, () => {
        const random = new Random(nClasses * 1000 + KINDS.indexOf(kind));
        for (const rows of [0, 1, 2, 3, 7, 31, 33, 105, 130, 257, 600, 3000]) {
          const y = new Int32Array(rows);
          const proba = new Float64Array(rows * nClasses);
          for (let r = 0; r < rows; r++) {
            y[r] = random.int(0, nClasses - 1);
            for (let c = 0; c < nClasses; c++) proba[r * nClasses + c] = score(random, kind);
          }
          assert.equal(exactRocAuc(y, proba, nClasses), pairwiseMacro(y, proba, nClasses, rows), `${rows} rows`);
        }
      });
    }
  }

  it('counts only the first `rows` rows, as the rolling tracker passes its ring', () => {
    const y = Int32Array.of(0, 1, 0, 1, 1, 0);
    const proba = Float64Array.of(0.9, 0.1, 0.2, 0.8, 0.6, 0.4, 0.7, 0.3, 0.1, 0.9, 0.5, 0.5);
    assert.equal(exactRocAuc(y, proba, 2, 4), pairwiseAuc(y, proba, 2, 1, 1, 4));
    assert.notEqual(exactRocAuc(y, proba, 2, 4), exactRocAuc(y, proba, 2));
  });

  it('is NaN with one class only, and the macro average skips absent classes', () => {
    assert.ok(Number.isNaN(exactRocAuc(Int32Array.of(1, 1), Float64Array.of(0.5, 0.5, 0.2, 0.8), 2)));
    // Class 2 never occurs: the average runs over classes 0 and 1.
    const y = Int32Array.of(0, 1, 0, 1);
    const proba = Float64Array.of(0.6, 0.3, 0.1, 0.2, 0.7, 0.1, 0.5, 0.4, 0.1, 0.3, 0.2, 0.5);
    const expected = (pairwiseAuc(y, proba, 3, 0, 0, 4) + pairwiseAuc(y, proba, 3, 1, 1, 4)) / 2;
    assert.equal(exactRocAuc(y, proba, 3), expected);
  });
});

describe('aucOfSorted', () => {
  it('counts ties between a positive and negatives as ½ each', () => {
    // Positive 0.5 beats 0.1 and ties 0.5 twice: (1 + 0.5 + 0.5) / 3.
    assert.equal(aucOfSorted([0.5], [0.1, 0.5, 0.5]), 2 / 3);
    assert.ok(Number.isNaN(aucOfSorted([], [0.5])));
  });
});
