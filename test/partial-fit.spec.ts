import { strict as assert } from 'node:assert';
import { from, lastValueFrom, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { partialFit } from '../transforms/partial-fit';
import type { Window } from '../transforms/types';
import { alwaysAccept, neverAccept, seedGate, thresholdGate } from '../training/gate-policies';
import { holdout, prequential } from '../training/evaluation';
import { initialTrainerState, trainStep } from '../training/train-step';
import type { Step, TrainerState } from '../training/train-step';
import { errorAsValue } from './support/marbles';
import { labelWindow, toyClassifier } from './support/toy-classifier';
import type { ToyState } from './support/toy-classifier';

const windows = {
  a: labelWindow(0, [1, 1, 0, 1]),
  b: labelWindow(1, [0, 0, 0, 1]),
  c: labelWindow(2, [1, 1, 1, 1]),
};

/** The same functions as a plain loop, no RxJS: what the operator must agree with. */
function reduceSteps(list: readonly (typeof windows)['a'][], gate = seedGate(), evaluation = prequential()): Step<ToyState, unknown>[] {
  const model = toyClassifier();
  let state: TrainerState<ToyState, unknown> = initialTrainerState(model, gate);
  return list.map((w) => {
    const step = trainStep(model, { gate, evaluation }, state, w);
    state = step.state;
    return step;
  });
}

describe('partialFit', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
  });

  it('emits one step per window, equal to a plain reduce of trainStep', () => {
    const [A, B, C] = reduceSteps([windows.a, windows.b, windows.c]);
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-b-c-|', windows).pipe(partialFit(toyClassifier()))).toBe('-A-B-C-|', { A, B, C });
    });
  });

  it('completes without values on an empty source', () => {
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold<Window>('---|').pipe(partialFit(toyClassifier()))).toBe('---|');
    });
  });

  it('passes an upstream error through after the steps before it', () => {
    const [A] = reduceSteps([windows.a]);
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-#', windows, new Error('source broke')).pipe(partialFit(toyClassifier()))).toBe('-A-#', { A }, new Error('source broke'));
    });
  });

  it('never emits for a source that never emits', () => {
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold<Window>('-').pipe(partialFit(toyClassifier()))).toBe('-');
    });
  });

  it('unsubscribes from the source when the subscriber does', () => {
    const [A] = reduceSteps([windows.a]);
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a---b-|', windows);
      expectObservable(source.pipe(partialFit(toyClassifier())), '^--!').toBe('-A--', { A });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('turns a throwing model into an error notification naming the window and model', () => {
    const failing = toyClassifier({ failWhen: (batch) => batch.y[0] === 0 });
    const [A] = reduceSteps([windows.a]);
    scheduler.run(({ cold, expectObservable }) => {
      const steps = errorAsValue(cold('-a-b-c|', windows).pipe(partialFit(failing)));
      const E = { error: "learn failed at window 1, model 'toy': toy model refuses this batch", cause: new Error('toy model refuses this batch') };
      expectObservable(steps).toBe('-A-(E|)', { A, E });
    });
  });

  it('rolls a rejected update back to the bit-identical previous state', async () => {
    const steps = await lastValueFrom(from([windows.a, windows.b, windows.c]).pipe(partialFit(toyClassifier(), { gate: neverAccept() }), toArray()));
    assert.deepEqual(steps.map((s) => s.accepted), [null, false, false]);
    const initial = steps[0].state.kept;
    for (const step of steps) {
      assert.equal(step.state.kept, initial, 'kept must stay the very same object');
      assert.deepEqual(step.state.kept, { rows: 0, positives: 0 });
      assert.equal(step.version, 0);
    }
    assert.deepEqual(steps[2].state.pending, { rows: 4, positives: 4 }, 'the pending candidate learns window c from the kept state only');
  });

  it('keeps accepted updates and counts versions', async () => {
    const steps = await lastValueFrom(from([windows.a, windows.b, windows.c]).pipe(partialFit(toyClassifier(), { gate: alwaysAccept() }), toArray()));
    assert.deepEqual(steps.map((s) => s.version), [0, 1, 2]);
    assert.deepEqual(steps[2].state.kept, { rows: 8, positives: 4 });
    assert.deepEqual(steps[2].state.pending, { rows: 12, positives: 8 });
  });

  it('scores prequentially: every window is scored by a model that has not learned it', async () => {
    const steps = await lastValueFrom(from([windows.a, windows.b]).pipe(partialFit(toyClassifier(), { gate: alwaysAccept() }), toArray()));
    // Before window a nothing is learned: p = 0.5 for every row, so the arg-max predicts class 0.
    assert.equal(steps[0].metrics.accuracy, 1 / 4);
    // Window b is scored by the model that learned only a (p = 3/4 → predicts 1): one of four right.
    assert.equal(steps[1].metrics.accuracy, 1 / 4);
    assert.equal(steps[1].evaluatedRows, 4);
  });

  it('in holdout mode decides within the step and scores only the test split', async () => {
    const big = labelWindow(0, Array.from({ length: 10 }, (_, i) => i % 2));
    const [step] = await lastValueFrom(from([big]).pipe(partialFit(toyClassifier(), { evaluation: holdout({ testFraction: 0.2, seed: 7 }), gate: seedGate() }), toArray()));
    assert.equal(step.evaluatedRows, 2);
    assert.equal(step.accepted, true);
    assert.equal(step.state.pending, null);
    assert.equal((step.state.kept as ToyState).rows, 8);
  });

  it('does not mutate the initial state it resumes from', async () => {
    const model = toyClassifier();
    const initial = Object.freeze(initialTrainerState(model, alwaysAccept()));
    const before = JSON.stringify(initial);
    await lastValueFrom(from([windows.a, windows.b]).pipe(partialFit(model, { gate: alwaysAccept(), initial }), toArray()));
    assert.equal(JSON.stringify(initial), before);
  });

  it('accepts a threshold gate on a loss', async () => {
    const steps = await lastValueFrom(from([windows.a, windows.b, windows.c]).pipe(partialFit(toyClassifier(), { gate: thresholdGate({ metric: 'logLoss', atMost: 0.7 }) }), toArray()));
    assert.deepEqual(steps.map((s) => s.accepted), [null, ...steps.slice(1).map((s) => s.metrics.logLoss <= 0.7)]);
  });
});
