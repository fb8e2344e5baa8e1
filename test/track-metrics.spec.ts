import { strict as assert } from 'node:assert';
import { TestScheduler } from 'rxjs/testing';
import { trackMetrics } from '../transforms/track-metrics';
import { readMetrics, tracker, updateTracker } from '../metrics/tracker';
import type { Scored } from '../metrics/types';
import { errorAsValue } from './support/marbles';

const scored = (labels: number[], p1: number[]): { scored: Scored } => ({
  scored: {
    nClasses: 2,
    y: Int32Array.from(labels),
    predicted: Int32Array.from(p1.map((p) => (p > 0.5 ? 1 : 0))),
    proba: Float64Array.from(p1.flatMap((p) => [1 - p, p])),
  },
});
const items = { a: scored([1, 0, 1], [0.9, 0.2, 0.4]), b: scored([0, 0], [0.7, 0.1]) };

describe('trackMetrics', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
  });

  it('adds cumulative metrics over every item so far', () => {
    const afterA = updateTracker(tracker({ kind: 'cumulative' }, 2), items.a.scored);
    const A = { ...items.a, tracked: readMetrics(afterA), trackerState: afterA };
    const afterB = updateTracker(afterA, items.b.scored);
    const B = { ...items.b, tracked: readMetrics(afterB), trackerState: afterB };
    assert.equal(A.tracked.accuracy, 2 / 3);
    assert.equal(B.tracked.accuracy, 3 / 5);
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-a--b-|', items).pipe(trackMetrics({ kind: 'cumulative' }, 2))).toBe('-A--B-|', { A, B });
    });
  });

  it('tracks a rolling window of the last rows', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const rolled = cold('-a-b|', items).pipe(trackMetrics({ kind: 'rolling', size: 2 }, 2));
      const first = updateTracker(tracker({ kind: 'rolling', size: 2 }, 2), items.a.scored);
      const second = updateTracker(first, items.b.scored);
      assert.equal(readMetrics(second).rows, 2);
      expectObservable(rolled).toBe('-x-B|', { x: { ...items.a, tracked: readMetrics(first), trackerState: first }, B: { ...items.b, tracked: readMetrics(second), trackerState: second } });
    });
  });

  it('completes empty, and stays silent for a silent source', () => {
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold<{ scored: Scored }>('--|').pipe(trackMetrics({ kind: 'cumulative' }, 2))).toBe('--|');
      expectObservable(cold<{ scored: Scored }>('--').pipe(trackMetrics({ kind: 'cumulative' }, 2))).toBe('--');
    });
  });

  it('passes upstream errors through', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const error = new Error('upstream');
      expectObservable(cold<{ scored: Scored }>('-#', undefined, error).pipe(trackMetrics({ kind: 'window' }, 2))).toBe('-#', undefined, error);
    });
  });

  it('unsubscribes from the source', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a---b|', items);
      const state = updateTracker(tracker({ kind: 'window' }, 2), items.a.scored);
      const A = { ...items.a, tracked: readMetrics(state), trackerState: state };
      expectObservable(source.pipe(trackMetrics({ kind: 'window' }, 2)), '^--!').toBe('-A--', { A });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('turns malformed predictions into an error notification naming the operator', () => {
    const bad = { scored: { ...items.a.scored, proba: Float64Array.of(NaN, NaN, 0.5, 0.5, 0.5, 0.5) } };
    scheduler.run(({ cold, expectObservable }) => {
      const result = errorAsValue(cold('-a|', { a: bad }).pipe(trackMetrics({ kind: 'cumulative' }, 2)));
      const E = { error: 'trackMetrics: updateTracker: proba[row 0, class 0] is NaN; probabilities must be finite', cause: new Error('updateTracker: proba[row 0, class 0] is NaN; probabilities must be finite') };
      expectObservable(result).toBe('-(E|)', { E });
    });
  });

  it('continues from a restored tracker state', () => {
    const afterA = updateTracker(tracker({ kind: 'cumulative' }, 2), items.a.scored);
    const afterB = updateTracker(afterA, items.b.scored);
    scheduler.run(({ cold, expectObservable }) => {
      const resumed = cold('-b|', items).pipe(trackMetrics({ kind: 'cumulative' }, 2, { initial: afterA }));
      expectObservable(resumed).toBe('-B|', { B: { ...items.b, tracked: readMetrics(afterB), trackerState: afterB } });
    });
  });

  it('validates the tracking mode at creation', () => {
    assert.throws(() => trackMetrics({ kind: 'rolling', size: 0 }, 2), /size must be an integer ≥ 1, got 0/);
    assert.throws(() => trackMetrics({ kind: 'cumulative' }, 1), /nClasses must be an integer ≥ 2, got 1/);
  });
});
