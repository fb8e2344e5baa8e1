import { strict as assert } from 'node:assert';
import { TestScheduler } from 'rxjs/testing';
import { evaluate } from '../transforms/evaluate';
import type { ModelOnWindow } from '../transforms/evaluate';
import { scoreModel } from '../training/evaluation';
import { errorAsValue } from './support/marbles';
import { labelWindow, toyClassifier } from './support/toy-classifier';

const model = toyClassifier();
const state = { rows: 4, positives: 3 };
const pairs = {
  a: { state, window: labelWindow(0, [1, 1, 0, 1]) },
  b: { state, window: labelWindow(1, [0, 0, 0, 1]) },
};

describe('evaluate', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
  });

  it('scores each window with the given state', () => {
    const A = { index: 0, metrics: scoreModel(model, state, pairs.a.window.batch) };
    const B = { index: 1, metrics: scoreModel(model, state, pairs.b.window.batch) };
    assert.equal(A.metrics.accuracy, 3 / 4);
    assert.equal(B.metrics.accuracy, 1 / 4);
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-b-|', pairs).pipe(evaluate(model))).toBe('-A-B-|', { A, B });
    });
  });

  it('completes empty, and never emits for a silent source', () => {
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold<ModelOnWindow<typeof state>>('-|').pipe(evaluate(model))).toBe('-|');
      expectObservable(cold<ModelOnWindow<typeof state>>('-').pipe(evaluate(model))).toBe('-');
    });
  });

  it('passes upstream errors through', () => {
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold<ModelOnWindow<typeof state>>('-#', undefined, new Error('down')).pipe(evaluate(model))).toBe('-#', {}, new Error('down'));
    });
  });

  it('unsubscribes from the source', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a--b|', pairs);
      const A = { index: 0, metrics: scoreModel(model, state, pairs.a.window.batch) };
      expectObservable(source.pipe(evaluate(model)), '^-!').toBe('-A-', { A });
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
  });

  it('turns a failing model into an error notification naming the window', () => {
    const broken = { ...model, predictProba: () => { throw new Error('no weights'); } };
    scheduler.run(({ cold, expectObservable }) => {
      const E = { error: "evaluate: window 0, model 'toy': no weights", cause: new Error('no weights') };
      expectObservable(errorAsValue(cold('-a-|', pairs).pipe(evaluate(broken)))).toBe('-(E|)', { E });
    });
  });
});
