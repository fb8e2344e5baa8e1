import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { clickstream } from '../generators/clickstream';
import { DRIFT_STREAM_NAMES, driftStream } from '../generators/drift-stream';
import type { DriftStreamOptions } from '../generators/drift-stream';
import type { LabeledMessage } from '../transforms/types';

function take(stream: Iterable<LabeledMessage>, count: number): LabeledMessage[] {
  const out: LabeledMessage[] = [];
  if (count === 0) return out;
  for (const message of stream) {
    out.push(message);
    if (out.length === count) break;
  }
  return out;
}

function hash(messages: readonly LabeledMessage[]): string {
  const h = createHash('sha256');
  for (const { id, eventTime, batch } of messages) {
    h.update(`${id}:${eventTime}:${batch.x.rows}x${batch.x.cols};`);
    h.update(new Uint8Array(batch.x.data.buffer, batch.x.data.byteOffset, batch.x.data.byteLength));
    h.update(new Uint8Array(batch.y.buffer, batch.y.byteOffset, batch.y.byteLength));
  }
  return h.digest('hex');
}

const SHAPES: [DriftStreamOptions, number][] = [
  [{ generator: 'stationary' }, 10],
  [{ generator: 'per-message' }, 10],
  [{ generator: 'sea', driftsAt: [1000] }, 3],
  [{ generator: 'hyperplane', nFeatures: 7 }, 7],
  [{ generator: 'concept-switch', position: 1000, width: 200 }, 10],
];

describe('driftStream', () => {
  describe('options', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ generator: 'agrawal' }, /driftStream: generator must be one of "stationary", "per-message", "sea", "hyperplane", "concept-switch", got "agrawal"/],
      [{ generator: 'hyperplane', driftsAt: [5] }, /driftStream: unknown option "driftsAt"/],
      [{ generator: 'sea', nFeatures: 5 }, /driftStream: unknown option "nFeatures"/],
      [{ generator: 'sea', noise: -1 }, /sea: noise must be a number in \[0, 1\], got -1/],
      [{ generator: 'sea', minRows: 0 }, /driftStream: minRows must be an integer ≥ 1, got 0/],
      [{ generator: 'concept-switch', width: -5 }, /conceptSwitch: width must be a finite number > 0, got -5/],
      [{ generator: 'hyperplane', seed: 0.5 }, /driftStream: seed must be an integer, got 0\.5/],
    ];
    for (const [options, message] of cases) {
      it(`rejects ${JSON.stringify(options)} when called, before iterating`, () => {
        assert.throws(() => driftStream(options as DriftStreamOptions), message);
      });
    }

    it('offers every generator by name', () => {
      assert.deepEqual([...DRIFT_STREAM_NAMES].sort(), SHAPES.map(([o]) => o.generator).sort());
    });
  });

  for (const [options, cols] of SHAPES) {
    describe(options.generator!, () => {
      const messages = take(driftStream({ ...options, seed: 5 }), 40);

      it(`numbers messages from 0, 50 ms apart, with 100 … 109 rows of ${cols} features and 0/1 labels`, () => {
        messages.forEach((message, i) => {
          assert.equal(message.id, i);
          assert.equal(message.eventTime, i * 50);
          const { x, y } = message.batch;
          assert.ok(x.rows >= 100 && x.rows <= 109, `rows ${x.rows}`);
          assert.equal(x.cols, cols);
          assert.equal(y.length, x.rows);
          assert.ok(y.every((label) => label === 0 || label === 1));
        });
        assert.equal(new Set(messages.map((m) => m.batch.x.rows)).size > 1, true);
      });

      it('scales with MinMax fitted on message 0 by default', () => {
        const first = messages[0].batch.x;
        for (let c = 0; c < cols; c++) {
          const column = first.data.filter((_, i) => i % cols === c);
          assert.ok(Math.abs(Math.min(...column)) < 1e-12 && Math.abs(Math.max(...column) - 1) < 1e-12, `column ${c}`);
        }
      });

      it('gives the same bytes for the same seed, on every iteration, and other bytes for another seed', () => {
        const stream = driftStream({ ...options, seed: 5 });
        assert.equal(hash(take(stream, 40)), hash(messages));
        assert.equal(hash(take(stream, 40)), hash(messages));
        assert.notEqual(hash(take(driftStream({ ...options, seed: 6 }), 40)), hash(messages));
      });
    });
  }

  it("'stationary' and 'per-message' are the clickstream's streams, byte for byte", () => {
    assert.equal(hash(take(driftStream({ generator: 'stationary', seed: 3, flipY: 0.05 }), 30)), hash(take(clickstream({ seed: 3, flipY: 0.05 }), 30)));
    assert.equal(hash(take(driftStream({ generator: 'per-message', seed: 3 }), 30)), hash(take(clickstream({ seed: 3, concept: 'per-message' }), 30)));
    assert.equal(hash(take(driftStream({ seed: 3 }), 30)), hash(take(clickstream({ seed: 3 }), 30)));
  });

  it("'sea' labels rows by the threshold of the concept in force at their position in the stream", () => {
    const driftsAt = [1500, 3000];
    const messages = take(driftStream({ generator: 'sea', driftsAt, variants: [3, 2, 0], noise: 0, scale: 'none', messages: 50 }), 50);
    let position = 0;
    for (const { batch } of messages) {
      for (let r = 0; r < batch.x.rows; r++, position++) {
        const theta = [9.5, 7, 8][driftsAt.filter((at) => at <= position).length];
        assert.equal(batch.y[r], batch.x.data[r * 3] + batch.x.data[r * 3 + 1] > theta ? 1 : 0, `row ${position}`);
      }
    }
    assert.ok(position > 3000, `only ${position} rows`);
  });

  it("'hyperplane' keeps raw features in [0, 1) and carries its drifting weights from message to message", () => {
    const options: DriftStreamOptions = { generator: 'hyperplane', nFeatures: 3, nDriftFeatures: 3, magChange: 0.01, sigma: 0, noise: 0, scale: 'none', seed: 1 };
    /** Share of rows labelled by the equal-weights rule x1 + x2 + x3 ≥ 1.5. */
    const equalWeightsAgreement = (m: LabeledMessage): number => {
      let agree = 0;
      for (let r = 0; r < m.batch.x.rows; r++) {
        const sum = m.batch.x.data[r * 3] + m.batch.x.data[r * 3 + 1] + m.batch.x.data[r * 3 + 2];
        if ((sum >= 1.5 ? 1 : 0) === m.batch.y[r]) agree++;
      }
      return agree / m.batch.x.rows;
    };
    const drifting = take(driftStream(options), 30);
    const frozen = take(driftStream({ ...options, magChange: 0 }), 30);
    assert.ok(drifting.every((m) => m.batch.x.data.every((v) => v >= 0 && v < 1)));
    // Every weight grows 0.01 per row from U(0, 1): after ~3 000 rows of the stream (not ~100 of one
    // message) they are nearly equal, so the plane is nearly x1 + x2 + x3 = 1.5.
    assert.equal(equalWeightsAgreement(drifting[29]), 1);
    assert.ok(equalWeightsAgreement(frozen[29]) < 0.95, `frozen weights agree ${equalWeightsAgreement(frozen[29])}`);
    assert.ok(equalWeightsAgreement(drifting[0]) < 0.97, `first message agrees ${equalWeightsAgreement(drifting[0])}`);
  });
});
