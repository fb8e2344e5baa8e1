import assert from 'node:assert/strict';
import { columnRank } from './support/column-rank';
import { createHash } from 'node:crypto';
import type { LabeledBatch } from '../models/types';
import type { ClickstreamOptions } from '../generators/clickstream';
import { clickstream } from '../generators/clickstream';
import type { LabeledMessage } from '../transforms/types';
import { concatBatches } from '../transforms/shared/concat-messages';

function take(stream: Iterable<LabeledMessage>, count: number): LabeledMessage[] {
  const out: LabeledMessage[] = [];
  if (count === 0) return out;
  for (const message of stream) {
    out.push(message);
    if (out.length === count) break;
  }
  return out;
}

function streamHash(options: ClickstreamOptions, count: number): string {
  const hash = createHash('sha256');
  for (const { batch } of take(clickstream(options), count)) {
    hash.update(new Uint8Array(batch.x.data.buffer, batch.x.data.byteOffset, batch.x.data.byteLength));
    hash.update(new Uint8Array(batch.y.buffer, batch.y.byteOffset, batch.y.byteLength));
  }
  return hash.digest('hex');
}

/** Accuracy on `test` of 1-nearest-neighbour over the rows of `train`. */
function nearestNeighbourAccuracy(train: LabeledBatch, test: LabeledBatch): number {
  const cols = train.x.cols;
  let correct = 0;
  for (let t = 0; t < test.x.rows; t++) {
    let best = Infinity;
    let label = -1;
    for (let r = 0; r < train.x.rows; r++) {
      let d = 0;
      for (let c = 0; c < cols; c++) d += (test.x.data[t * cols + c] - train.x.data[r * cols + c]) ** 2;
      if (d < best) {
        best = d;
        label = train.y[r];
      }
    }
    if (label === test.y[t]) correct++;
  }
  return correct / test.x.rows;
}

describe('clickstream', () => {
  describe('options', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ seed: 1.5 }, /clickstream: seed must be an integer, got 1\.5/],
      [{ messages: -1 }, /clickstream: messages must be an integer ≥ 0, got -1/],
      [{ minRows: 0 }, /clickstream: minRows must be an integer ≥ 1, got 0/],
      [{ minRows: 10, maxRows: 9 }, /clickstream: maxRows must be an integer ≥ 10, got 9/],
      [{ concept: 'drifting' }, /clickstream: concept must be one of "stationary", "per-message", got "drifting"/],
      [{ scale: 'standard' }, /clickstream: scale must be one of "first-message", "none", got "standard"/],
      [{ intervalMs: -5 }, /clickstream: intervalMs must be a finite number ≥ 0, got -5/],
      [{ startTime: NaN }, /clickstream: startTime must be a finite number of epoch milliseconds, got NaN/],
      [{ nInformative: 9 }, /makeClassification: nInformative \+ nRedundant \+ nRepeated must be ≤ nFeatures/],
    ];
    for (const [options, message] of cases) {
      it(`rejects ${JSON.stringify(options)} when called, before iterating`, () => {
        assert.throws(() => clickstream(options as ClickstreamOptions), message);
      });
    }
  });

  describe('shape', () => {
    const messages = take(clickstream(), 300);

    it('numbers messages from 0 and stamps event times 50 ms apart from 0 by default', () => {
      messages.forEach((message, i) => {
        assert.equal(message.id, i);
        assert.equal(message.eventTime, i * 50);
      });
      const shifted = [...clickstream({ messages: 3, startTime: 1_700_000_000_000, intervalMs: 20 })];
      assert.deepEqual(shifted.map((m) => m.eventTime), [1_700_000_000_000, 1_700_000_000_020, 1_700_000_000_040]);
    });

    it('holds 100 … 109 rows of 10 features and 0/1 labels per message, both bounds reached', () => {
      const sizes = new Set<number>();
      for (const { batch } of messages) {
        assert.ok(batch.x.rows >= 100 && batch.x.rows <= 109, `rows ${batch.x.rows}`);
        assert.equal(batch.x.cols, 10);
        assert.equal(batch.y.length, batch.x.rows);
        assert.ok(batch.y.every((label) => label === 0 || label === 1));
        sizes.add(batch.x.rows);
      }
      // Missing a given size in 300 uniform draws has probability 0.9^300 ≈ 2e-14.
      assert.equal(sizes.size, 10);
    });

    it('emits 10 000 messages by default and as many as asked', () => {
      assert.equal([...clickstream({ minRows: 1, maxRows: 1 })].length, 10_000);
      assert.equal([...clickstream({ messages: 7 })].length, 7);
      assert.equal([...clickstream({ messages: 0 })].length, 0);
    });

    it('is lazy: an endless stream yields on demand', () => {
      const first = take(clickstream({ messages: Infinity }), 3);
      assert.deepEqual(first.map((m) => m.id), [0, 1, 2]);
    });
  });

  describe('reproducibility', () => {
    it('gives the same bytes for the same seed, on every iteration, and other bytes for another seed', () => {
      const stream = clickstream({ seed: 7 });
      const once = streamHash({ seed: 7 }, 300);
      assert.equal(streamHash({ seed: 7 }, 300), once);
      const again = createHash('sha256');
      for (const { batch } of take(stream, 300)) {
        again.update(new Uint8Array(batch.x.data.buffer, batch.x.data.byteOffset, batch.x.data.byteLength));
        again.update(new Uint8Array(batch.y.buffer, batch.y.byteOffset, batch.y.byteLength));
      }
      assert.equal(again.digest('hex'), once);
      assert.notEqual(streamHash({ seed: 8 }, 300), once);
      assert.notEqual(streamHash({ seed: 7, concept: 'per-message' }, 300), once);
    });
  });

  describe('scaling', () => {
    it('fits MinMax on the first message and applies it unchanged to later ones', () => {
      const scaled = take(clickstream({ seed: 3 }), 20);
      const raw = take(clickstream({ seed: 3, scale: 'none' }), 20);
      const first = raw[0].batch.x;
      const low = new Float64Array(10).fill(Infinity);
      const high = new Float64Array(10).fill(-Infinity);
      for (let i = 0; i < first.data.length; i++) {
        low[i % 10] = Math.min(low[i % 10], first.data[i]);
        high[i % 10] = Math.max(high[i % 10], first.data[i]);
      }
      let outside = 0;
      for (let m = 0; m < 20; m++) {
        assert.deepEqual(scaled[m].batch.y, raw[m].batch.y);
        const { data } = raw[m].batch.x;
        for (let i = 0; i < data.length; i++) {
          const expected = (data[i] - low[i % 10]) / (high[i % 10] - low[i % 10]);
          assert.ok(Math.abs(scaled[m].batch.x.data[i] - expected) < 1e-12, `message ${m} value ${i}`);
          if (m > 0 && (expected < 0 || expected > 1)) outside++;
        }
      }
      const firstScaled = scaled[0].batch.x.data;
      for (let c = 0; c < 10; c++) {
        const values = firstScaled.filter((_, i) => i % 10 === c);
        assert.ok(Math.abs(Math.min(...values)) < 1e-12 && Math.abs(Math.max(...values) - 1) < 1e-12);
      }
      assert.ok(outside > 0, 'later messages are not refitted, so some of their values leave [0, 1]');
    });

    it("passes featureScale to make_classification's own scale", () => {
      const base = take(clickstream({ scale: 'none' }), 2);
      const tenfold = take(clickstream({ scale: 'none', featureScale: 10 }), 2);
      for (let m = 0; m < 2; m++) {
        assert.deepEqual(tenfold[m].batch.x.data, base[m].batch.x.data.map((v) => v * 10));
      }
    });
  });

  describe('concepts', () => {
    const pairs = 20;

    it('stationary: consecutive messages share one concept (the redundant columns stay in the same span)', () => {
      const messages = take(clickstream({ scale: 'none' }), pairs + 1);
      for (let i = 0; i < pairs; i++) {
        assert.equal(columnRank(concatBatches([messages[i].batch, messages[i + 1].batch]).x), 8, `messages ${i} and ${i + 1}`);
      }
      assert.equal(columnRank(concatBatches(messages.map((m) => m.batch)).x), 8);
    });

    it('per-message: every message has its own concept, as the seed had', () => {
      const messages = take(clickstream({ scale: 'none', concept: 'per-message' }), pairs + 1);
      for (let i = 0; i < pairs; i++) {
        assert.equal(columnRank(messages[i].batch.x), 8, `message ${i} alone`);
        assert.equal(columnRank(concatBatches([messages[i].batch, messages[i + 1].batch]).x), 10, `messages ${i} and ${i + 1}`);
      }
    });

    function transfer(concept: 'stationary' | 'per-message'): number {
      const messages = take(clickstream({ concept }), 510);
      const train = concatBatches(messages.slice(0, 10).map((m) => m.batch));
      const test = concatBatches(messages.slice(500, 510).map((m) => m.batch));
      return nearestNeighbourAccuracy(train, test);
    }

    it('what is learned from messages 0–9 carries to messages 500–509 only in stationary mode', () => {
      const stationary = transfer('stationary');
      const perMessage = transfer('per-message');
      // ≈ 1 000 test rows: chance is 0.5 ± 0.016 for rows, wider across 10 independent concepts.
      assert.ok(stationary > 0.7, `stationary 1-NN accuracy ${stationary}`);
      assert.ok(Math.abs(perMessage - 0.5) < 0.1, `per-message 1-NN accuracy ${perMessage}`);
    });
  });
});
