import assert from 'node:assert/strict';
import { TestScheduler } from 'rxjs/testing';
import { selectSnapshots } from '../transforms/select-snapshots';

function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
}

interface TestStep {
  index: number;
  accepted: boolean | null;
  version: number;
}

/** Marble values for steps: uppercase letters are accepted updates, lowercase rejected ones. */
function steps(marble: string): Record<string, TestStep> {
  const values: Record<string, TestStep> = {};
  let index = 0;
  let version = 0;
  for (const char of marble) {
    if (!/[a-zA-Z]/.test(char)) continue;
    const accepted = char === char.toUpperCase();
    if (accepted) version++;
    values[char] = { index: index++, accepted, version };
  }
  return values;
}

describe('selectSnapshots', () => {
  it('emits every Nth accepted update and the last step on completion', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const marble = '-A-b-C-D-e-|';
      const values = steps(marble);
      const source = cold(marble, values);
      expectObservable(source.pipe(selectSnapshots({ everyAccepted: 2 }))).toBe('-----C-----(e|)', values);
      expectSubscriptions(source.subscriptions).toBe('^----------!');
    });
  });

  it('emits every Nth step, accepted or not', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const marble = '-a-B-c-D-e-f-|';
      const values = steps(marble);
      expectObservable(cold(marble, values).pipe(selectSnapshots({ everySteps: 3, onComplete: false }))).toBe('-----c-----f-|', values);
    });
  });

  it('emits a step that meets several triggers once, and does not repeat it on completion', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const marble = '-A-B-c-D-|';
      const values = steps(marble);
      expectObservable(cold(marble, values).pipe(selectSnapshots({ everyAccepted: 1, everySteps: 2 }))).toBe('-A-B---D-|', values);
    });
  });

  it('does not count an undecided step (accepted: null) as accepted', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const first = { index: 0, accepted: null, version: 0 };
      const second = { index: 1, accepted: true, version: 1 };
      expectObservable(cold('-n-a-|', { n: first, a: second }).pipe(selectSnapshots({ everyAccepted: 1, onComplete: false }))).toBe('---a-|', { a: second });
    });
  });

  it('emits only the final step by default', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const marble = '-A-b-C-|';
      const values = steps(marble);
      expectObservable(cold(marble, values).pipe(selectSnapshots())).toBe('-------(C|)', values);
    });
  });

  it('completes without a snapshot on an empty source', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<TestStep>('---|').pipe(selectSnapshots({ everyAccepted: 1 }))).toBe('---|');
    });
  });

  it('emits nothing on a source that never emits', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TestStep>('-');
      expectObservable(source.pipe(selectSnapshots({ everyAccepted: 1 }))).toBe('-');
      expectSubscriptions(source.subscriptions).toBe('^');
    });
  });

  it('passes an upstream error on without a final snapshot', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const marble = '-A-b-#';
      const values = steps(marble);
      const error = new Error('training failed');
      expectObservable(cold(marble, values, error).pipe(selectSnapshots({ everyAccepted: 1 }))).toBe('-A---#', values, error);
    });
  });

  it('unsubscribes from the source when the consumer unsubscribes', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const marble = '-A-B-C-|';
      const values = steps(marble);
      const source = cold(marble, values);
      expectObservable(source.pipe(selectSnapshots({ everyAccepted: 1 })), '^--!').toBe('-A--', values);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('restarts its counts for every subscription', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const marble = '-A-B-C-|';
      const values = steps(marble);
      const snapshots = cold(marble, values).pipe(selectSnapshots({ everyAccepted: 2, onComplete: false }));
      expectObservable(snapshots).toBe('---B---|', values);
      expectObservable(snapshots).toBe('---B---|', values);
    });
  });

  it('rejects invalid triggers when created', () => {
    assert.throws(() => selectSnapshots({ everyAccepted: 0 }), {
      name: 'RangeError',
      message: 'selectSnapshots: everyAccepted must be a positive integer (or left out to turn it off), got 0',
    });
    assert.throws(() => selectSnapshots({ everySteps: 2.5 }), {
      name: 'RangeError',
      message: 'selectSnapshots: everySteps must be a positive integer (or left out to turn it off), got 2.5',
    });
    assert.throws(() => selectSnapshots({ onComplete: false }), {
      name: 'RangeError',
      message: 'selectSnapshots: no trigger is enabled; set everyAccepted, everySteps or onComplete: true',
    });
    assert.throws(() => selectSnapshots({ onComplete: 'yes' as unknown as boolean }), {
      name: 'TypeError',
      message: 'selectSnapshots: onComplete must be a boolean, got string',
    });
  });
});
