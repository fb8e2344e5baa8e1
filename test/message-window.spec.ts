import assert from 'node:assert/strict';
import { TestScheduler } from 'rxjs/testing';
import { messageWindow } from '../transforms/message-window';
import type { LabeledMessage, Window } from '../transforms/types';
import { errorAsValue, expectedWindow, labeledMessage, offsetPosition } from './support/marbles';

function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
}

const a = labeledMessage(1, [[1, 10], [2, 20]], [0, 1], { offset: 10 });
const b = labeledMessage(2, [[3, 30]], [1], { offset: 11 });
const c = labeledMessage(3, [[4, 40], [5, 50]], [0, 0], { topic: 'views', offset: 4 });

const windowA = expectedWindow(0, [[1, 10], [2, 20]], [0, 1], 1, [offsetPosition(10)]);

describe('messageWindow', () => {
  it('emits one window per message by default, sharing the message batch', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-c-|', { a, b, c });
      expectObservable(source.pipe(messageWindow())).toBe('-A-B-C-|', {
        A: windowA,
        B: expectedWindow(1, [[3, 30]], [1], 1, [offsetPosition(11)]),
        C: expectedWindow(2, [[4, 40], [5, 50]], [0, 0], 1, [offsetPosition(4, 'views')]),
      });
      expectSubscriptions(source.subscriptions).toBe('^------!');
    });
    let window: Window | undefined;
    testScheduler().run(({ cold }) => {
      cold('-a-|', { a }).pipe(messageWindow()).subscribe((w) => (window = w));
    });
    assert.equal(window?.batch, a.batch);
  });

  it('concatenates N messages per window and emits the short rest on completion', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-b-c-|', { a, b, c }).pipe(messageWindow(2))).toBe('---A---(B|)', {
        A: expectedWindow(0, [[1, 10], [2, 20], [3, 30]], [0, 1, 1], 2, [offsetPosition(10, 'clicks', 0, 11)]),
        B: expectedWindow(1, [[4, 40], [5, 50]], [0, 0], 1, [offsetPosition(4, 'views')]),
      });
    });
  });

  it('reports messages without rows as not contributing and keeps their positions', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const empty = labeledMessage(4, [], [], { offset: 12 });
      expectObservable(cold('-e-b-|', { e: empty, b }).pipe(messageWindow(2))).toBe('---W-|', {
        W: expectedWindow(0, [[3, 30]], [1], 1, [offsetPosition(12, 'clicks', 0, 11)]),
      });
      expectObservable(cold('-e-|', { e: empty }).pipe(messageWindow())).toBe('-W-|', {
        W: { index: 0, batch: empty.batch, messages: 0, positions: [offsetPosition(12)] },
      });
    });
  });

  it('completes at once on an empty source', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<LabeledMessage>('|').pipe(messageWindow())).toBe('|');
      expectObservable(cold<LabeledMessage>('--|').pipe(messageWindow(3))).toBe('--|');
    });
  });

  it('emits nothing on a source that never emits', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<LabeledMessage>('-');
      expectObservable(source.pipe(messageWindow(2))).toBe('-');
      expectSubscriptions(source.subscriptions).toBe('^');
    });
  });

  it('passes an upstream error on', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const error = new Error('broker gone');
      expectObservable(cold('-a-#', { a }, error).pipe(messageWindow())).toBe('-A-#', { A: windowA }, error);
      expectObservable(cold('-a-#', { a }, error).pipe(messageWindow(2))).toBe('---#', undefined, error);
    });
  });

  it('unsubscribes from the source when the consumer unsubscribes', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a---b--|', { a, b });
      expectObservable(source.pipe(messageWindow()), '^--!').toBe('-A--', { A: windowA });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('errors, naming the window and message, when column counts differ inside a window', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const wide = labeledMessage(7, [[1, 2, 3]], [1]);
      expectObservable(cold('-a-w-|', { a, w: wide }).pipe(messageWindow(2), errorAsValue)).toBe('---(E|)', {
        E: {
          error: 'messageWindow: window 0: message 7 has 3 feature columns, expected 2 like the rows before it',
          cause: new RangeError('message 7 has 3 feature columns, expected 2 like the rows before it'),
        },
      });
    });
  });

  it('errors when a message has a label count that does not match its rows', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const broken = { ...a, batch: { x: a.batch.x, y: Int32Array.of(1, 0, 1) } };
      expectObservable(cold('-a-|', { a: broken }).pipe(messageWindow(), errorAsValue)).toBe('-(E|)', {
        E: { error: 'messageWindow: message 1 has 3 labels for 2 rows', cause: undefined },
      });
    });
  });

  it('rejects a group size that is not a positive integer when created', () => {
    for (const n of [0, -1, 2.5, Number.NaN]) {
      assert.throws(() => messageWindow(n), { name: 'RangeError', message: `messageWindow: messagesPerWindow must be a positive integer, got ${n}` });
    }
  });
});
