import { strict as assert } from 'node:assert';
import { from, lastValueFrom, toArray } from 'rxjs';
import { clickstream } from '../generators/clickstream';
import { sgdClassifier } from '../models/sgd-classifier';
import type { SgdState } from '../models/sgd-classifier';
import { encodeState } from '../models/state-codec';
import { messageWindow } from '../transforms/message-window';
import { partialFit } from '../transforms/partial-fit';
import { holdout } from '../training/evaluation';
import { neverAccept, seedGate } from '../training/gate-policies';
import type { AcceptedMeanHistory } from '../training/gate-policies';
import { initialTrainerState, trainStep } from '../training/train-step';
import type { TrainerState } from '../training/train-step';
import type { Window } from '../transforms/types';

/** The seed's chain on real data: SGD log_loss, the F1 gate, per-message windows. */
describe('training chain on the clickstream with the seed model', () => {
  const messages = [...clickstream({ messages: 200, seed: 7 })];
  const windows: Window[] = messages.map((m, index) => ({ index, batch: m.batch, messages: 1, positions: [] }));

  for (const evaluation of [undefined, holdout({ seed: 3 })]) {
    const mode = evaluation?.mode ?? 'prequential';
    it(`${mode}: the RxJS chain equals a plain reduce of trainStep, bit for bit`, async () => {
      const model = sgdClassifier({ nFeatures: 10 });
      const gate = seedGate();
      const options = { evaluation: evaluation ?? { mode: 'prequential' as const }, gate };
      const steps = await lastValueFrom(from(messages).pipe(messageWindow(), partialFit(model, options), toArray()));

      let state: TrainerState<SgdState, AcceptedMeanHistory> = initialTrainerState(model, gate);
      const reduced = windows.map((w) => {
        const step = trainStep(model, options, state, w);
        state = step.state;
        return step;
      });
      assert.equal(steps.length, 200);
      assert.equal(encodeState(steps.map((s) => s.state)), encodeState(reduced.map((s) => s.state)));
      assert.deepEqual(steps.map((s) => s.metrics), reduced.map((s) => s.metrics));
      assert.ok(steps.some((s) => s.accepted === false), 'the seed gate rejects some updates on this stream');
      assert.ok(steps.some((s) => s.accepted === true));
    });
  }

  it('a rejected update leaves the kept model bit-identical to the state before it', async () => {
    const model = sgdClassifier({ nFeatures: 10 });
    const steps = await lastValueFrom(from(messages).pipe(messageWindow(), partialFit(model, { gate: seedGate(), evaluation: holdout() }), toArray()));
    let checked = 0;
    for (let i = 1; i < steps.length; i++) {
      if (steps[i].accepted !== false) continue;
      assert.equal(encodeState(steps[i].state.kept), encodeState(steps[i - 1].state.kept));
      assert.equal(steps[i].version, steps[i - 1].version);
      checked++;
    }
    assert.ok(checked > 0, 'some update was rejected, so the rollback was exercised');
  });

  it('with a gate that never accepts, the model is still the untrained initial state after every window', async () => {
    const model = sgdClassifier({ nFeatures: 10 });
    const initial = encodeState(model.init());
    const steps = await lastValueFrom(from(messages).pipe(messageWindow(), partialFit(model, { gate: neverAccept() }), toArray()));
    for (const step of steps) assert.equal(encodeState(step.state.kept), initial);
    assert.notEqual(encodeState(steps[199].state.pending), initial, 'learning did happen, on the pending candidate');
  });

  it('emits every window, accepted or not, so downstream metrics are not selected', async () => {
    const model = sgdClassifier({ nFeatures: 10 });
    const steps = await lastValueFrom(from(messages).pipe(messageWindow(), partialFit(model, { evaluation: holdout() }), toArray()));
    assert.deepEqual(steps.map((s) => s.index), windows.map((w) => w.index));
  });
});
