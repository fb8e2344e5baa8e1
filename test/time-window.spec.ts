import assert from 'node:assert/strict';
import { TestScheduler } from 'rxjs/testing';
import { timeWindow } from '../transforms/time-window';
import type { LabeledMessage } from '../transforms/types';
import { errorAsValue, expectedWindow, labeledMessage, offsetPosition } from './support/marbles';

function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
}

const a = labeledMessage(1, [[1, 10]], [0], { offset: 10 });
const b = labeledMessage(2, [[2, 20], [3, 30]], [1, 0], { offset: 11 });
const c = labeledMessage(3, [[4, 40]], [1], { offset: 12 });
const d = labeledMessage(4, [[5, 50]], [0], { offset: 13 });

const windowAB = expectedWindow(0, [[1, 10], [2, 20], [3, 30]], [0, 1, 0], 2, [offsetPosition(10, 'clicks', 0, 11)]);

describe('timeWindow', () => {
  it('concatenates the messages of each period, skips empty periods and flushes on completion', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      // Periods of 4 ms close at 4, 8, 12, …: a, b fall in the first; 4–8 is empty; c in 8–12; d is pending at completion.
      const source = cold('-a-b------c--d|', { a, b, c, d });
      expectObservable(source.pipe(timeWindow(4))).toBe('----A-------C-(D|)', {
        A: windowAB,
        C: expectedWindow(1, [[4, 40]], [1], 1, [offsetPosition(12)]),
        D: expectedWindow(2, [[5, 50]], [0], 1, [offsetPosition(13)]),
      });
      expectSubscriptions(source.subscriptions).toBe('^-------------!');
    });
  });

  it('runs on the scheduler it is given', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-b-|', { a, b }).pipe(timeWindow(4, scheduler))).toBe('----A|', { A: windowAB });
    });
  });

  it('completes without a window on an empty source', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<LabeledMessage>('|').pipe(timeWindow(4))).toBe('|');
      expectObservable(cold<LabeledMessage>('----------|').pipe(timeWindow(4))).toBe('----------|');
    });
  });

  it('emits nothing while a source never emits', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<LabeledMessage>('-');
      // The period timer keeps running, so the subscription must end for virtual time to stop.
      expectObservable(source.pipe(timeWindow(4)), '^--------------!').toBe('-');
      expectSubscriptions(source.subscriptions).toBe('^--------------!');
    });
  });

  it('passes an upstream error on and drops the open period', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const error = new Error('broker gone');
      expectObservable(cold('-a-b-----c#', { a, b, c }, error).pipe(timeWindow(4))).toBe('----A-----#', { A: windowAB }, error);
    });
  });

  it('unsubscribes from the source and stops its timer when the consumer unsubscribes', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b---c---|', { a, b, c });
      expectObservable(source.pipe(timeWindow(4)), '^-----!').toBe('----A-', { A: windowAB });
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  it('errors, naming the window and message, when column counts differ inside a window', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const wide = labeledMessage(7, [[1, 2, 3]], [1]);
      expectObservable(cold('-a-w-|', { a, w: wide }).pipe(timeWindow(4), errorAsValue)).toBe('----(E|)', {
        E: {
          error: 'timeWindow: window 0: message 7 has 3 feature columns, expected 2 like the rows before it',
          cause: new RangeError('message 7 has 3 feature columns, expected 2 like the rows before it'),
        },
      });
    });
  });

  it('rejects a duration that is not a finite number > 0 when created', () => {
    for (const ms of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => timeWindow(ms), { name: 'RangeError', message: `timeWindow: durationMs must be a finite number > 0, got ${ms}` });
    }
  });
});
