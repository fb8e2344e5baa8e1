import { strict as assert } from 'node:assert';
import { from, lastValueFrom, toArray } from 'rxjs';
import { driftStream } from '../generators/drift-stream';
import { gaussianNB } from '../models/gaussian-nb';
import { adwin } from '../drift/adwin';
import { messageWindow } from '../transforms/message-window';
import { partialFit } from '../transforms/partial-fit';
import { seedGate } from '../training/gate-policies';
import { initialDriftState, observeDrift, rowErrors } from '../training/drift-response';
import type { Scored } from '../metrics/types';

const scoredWithErrors = (errors: number[]): Scored => ({
  nClasses: 2,
  y: Int32Array.from(errors.map(() => 1)),
  predicted: Int32Array.from(errors.map((e) => (e ? 0 : 1))),
  proba: Float64Array.from(errors.flatMap((e) => (e ? [0.9, 0.1] : [0.1, 0.9]))),
});

describe('drift-aware training', function () {
  this.timeout(20_000);

  it('counts row errors from the predictions', () => {
    assert.deepEqual(Array.from(rowErrors(scoredWithErrors([1, 0, 0, 1]))), [1, 0, 0, 1]);
  });

  it('acts on a rise of the error rate but not on a fall', () => {
    const model = gaussianNB({ nFeatures: 1 });
    const options = { detector: adwin({}), response: 'reset-model' as const };
    const batch = { x: { rows: 100, cols: 1, data: new Float64Array(100) }, y: new Int32Array(100) };
    const run = (rates: number[]) => {
      let state = initialDriftState<unknown, unknown>(options);
      const flags: boolean[] = [];
      for (const rate of rates) {
        const observed = observeDrift(model as never, options, state, scoredWithErrors(Array.from({ length: 100 }, (_, i) => (Math.floor((i + 1) * rate) > Math.floor(i * rate) ? 1 : 0))), batch);
        flags.push(observed.drift);
        state = observed.state;
      }
      return flags;
    };
    const rising = run([...Array(30).fill(0.1), ...Array(10).fill(0.6)]);
    const falling = run([...Array(30).fill(0.6), ...Array(10).fill(0.1)]);
    assert.ok(rising.slice(30).includes(true), 'a rise from 10 % to 60 % errors is a drift');
    assert.ok(!falling.includes(true), 'a fall of the error rate (a model learning) is not acted on');
  });

  it('on SEA, resets the gate and the model at the drift, and keeps learning afterwards', async () => {
    const messages = driftStream({ generator: 'sea', driftsAt: [20_000], noise: 0, messages: 400, seed: 5 });
    const steps = await lastValueFrom(
      from(messages).pipe(messageWindow(), partialFit(gaussianNB({ nFeatures: 3 }), { gate: seedGate(), drift: { detector: adwin({}), response: 'reset-model' } }), toArray()),
    );
    const drifts = steps.filter((s) => s.drift);
    assert.ok(drifts.length >= 1, 'the drift is detected');
    const first = drifts[0];
    assert.ok(first.state.rowsSeen > 20_000 && first.state.rowsSeen < 26_000, `detected soon after the drift, at ${first.state.rowsSeen}`);
    assert.match(first.reason, /^drift detected \(reset-model\)/);
    assert.equal(first.state.drift?.drifts, drifts.length === 1 ? 1 : first.state.drift?.drifts);
    const after = steps.slice(steps.indexOf(first) + 1);
    assert.ok(after.some((s) => s.accepted === true), 'updates are accepted again after the reset');
    const tail = after.slice(-50);
    const accuracy = tail.reduce((n, s) => n + s.metrics.accuracy * s.evaluatedRows, 0) / tail.reduce((n, s) => n + s.evaluatedRows, 0);
    assert.ok(accuracy > 0.85, `the reset model learns the new concept (${accuracy})`);
  });

  it('refuses a background response without a warning detector', () => {
    assert.throws(() => initialDriftState({ detector: adwin({}), response: 'background' }), /needs a warningDetector/);
  });
});
