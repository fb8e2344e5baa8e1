import assert from 'node:assert/strict';
import { TestScheduler } from 'rxjs/testing';
import { countWindow } from '../transforms/count-window';
import type { LabeledMessage, Window } from '../transforms/types';
import { errorAsValue, expectedWindow, labeledMessage, offsetPosition } from './support/marbles';

function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
}

// Three messages on clicks/0 at offsets 10, 11, 12 with 3, 2 and 2 rows.
const a = labeledMessage(1, [[1, 10], [2, 20], [3, 30]], [0, 1, 0], { offset: 10 });
const b = labeledMessage(2, [[4, 40], [5, 50]], [1, 1], { offset: 11 });
const c = labeledMessage(3, [[6, 60], [7, 70]], [0, 0], { offset: 12 });

describe('countWindow', () => {
  it('cuts windows of exactly `rows` rows, splitting messages, and emits the partial rest on completion', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--a----b----c--|', { a, b, c });
      expectObservable(source.pipe(countWindow(4))).toBe('-------A-------(B|)', {
        A: expectedWindow(0, [[1, 10], [2, 20], [3, 30], [4, 40]], [0, 1, 0, 1], 2, [offsetPosition(10, 'clicks', 0, 11)]),
        B: expectedWindow(1, [[5, 50], [6, 60], [7, 70]], [1, 0, 0], 2, [offsetPosition(11, 'clicks', 0, 12)]),
      });
      expectSubscriptions(source.subscriptions).toBe('^--------------!');
    });
  });

  it('emits several windows from one large message, in order', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const big = labeledMessage(9, [[1], [2], [3], [4], [5]], [0, 1, 0, 1, 0], { offset: 40 });
      expectObservable(cold('--a------|', { a: big }).pipe(countWindow(2))).toBe('--(AB)---(C|)', {
        A: expectedWindow(0, [[1], [2]], [0, 1], 1, [offsetPosition(40)]),
        B: expectedWindow(1, [[3], [4]], [0, 1], 1, [offsetPosition(40)]),
        C: expectedWindow(2, [[5]], [0], 1, [offsetPosition(40)]),
      });
    });
  });

  it('emits no extra window when the rows end on a window boundary', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const c3 = labeledMessage(3, [[6, 60], [7, 70], [8, 80]], [0, 0, 1]);
      expectObservable(cold('-a-c-|', { a, c: c3 }).pipe(countWindow(3))).toBe('-A-C-|', {
        A: expectedWindow(0, [[1, 10], [2, 20], [3, 30]], [0, 1, 0], 1, [offsetPosition(10)]),
        C: expectedWindow(1, [[6, 60], [7, 70], [8, 80]], [0, 0, 1], 1, []),
      });
    });
  });

  it('merges positions per topic-partition, in order of first appearance', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const p1 = labeledMessage(1, [[1]], [0], { topic: 'clicks', partition: 1, offset: 7 });
      const p0 = labeledMessage(2, [[2]], [1], { topic: 'clicks', partition: 0, offset: 3 });
      const p1Next = labeledMessage(3, [[3]], [0], { topic: 'clicks', partition: 1, offset: 8 });
      expectObservable(cold('-x-y-z-|', { x: p1, y: p0, z: p1Next }).pipe(countWindow(3))).toBe('-----W-|', {
        W: expectedWindow(0, [[1], [2], [3]], [0, 1, 0], 3, [offsetPosition(7, 'clicks', 1, 8), offsetPosition(3, 'clicks', 0)]),
      });
    });
  });

  it('counts no contribution for a message without rows but keeps its position for the next window', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const empty = labeledMessage(5, [], [], { offset: 9 });
      expectObservable(cold('-e-a-|', { e: empty, a }).pipe(countWindow(3))).toBe('---A-|', {
        A: expectedWindow(0, [[1, 10], [2, 20], [3, 30]], [0, 1, 0], 1, [offsetPosition(9, 'clicks', 0, 10)]),
      });
    });
  });

  it('copies rows into buffers of its own', () => {
    let window: Window | undefined;
    testScheduler().run(({ cold }) => {
      cold('-a-|', { a }).pipe(countWindow(3)).subscribe((w) => (window = w));
    });
    assert.ok(window);
    assert.notEqual(window.batch.x.data.buffer, a.batch.x.data.buffer);
    assert.notEqual(window.batch.y.buffer, a.batch.y.buffer);
  });

  it('restarts window indexes for every subscription', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const windows = cold('-a-|', { a }).pipe(countWindow(3));
      const first = expectedWindow(0, [[1, 10], [2, 20], [3, 30]], [0, 1, 0], 1, [offsetPosition(10)]);
      expectObservable(windows).toBe('-W-|', { W: first });
      expectObservable(windows).toBe('-W-|', { W: first });
    });
  });

  it('completes at once on an empty source', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<LabeledMessage>('|').pipe(countWindow(4))).toBe('|');
      expectObservable(cold<LabeledMessage>('---|').pipe(countWindow(4))).toBe('---|');
    });
  });

  it('emits nothing on a source that never emits', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<LabeledMessage>('-');
      expectObservable(source.pipe(countWindow(4))).toBe('-');
      expectSubscriptions(source.subscriptions).toBe('^');
    });
  });

  it('passes an upstream error on and drops the unfinished window', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const error = new Error('broker gone');
      expectObservable(cold('-a-#', { a }, error).pipe(countWindow(4))).toBe('---#', undefined, error);
    });
  });

  it('unsubscribes from the source when the consumer unsubscribes', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b---c--|', { a, b, c });
      expectObservable(source.pipe(countWindow(4)), '^----!').toBe('---A--', {
        A: expectedWindow(0, [[1, 10], [2, 20], [3, 30], [4, 40]], [0, 1, 0, 1], 2, [offsetPosition(10, 'clicks', 0, 11)]),
      });
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('errors, naming the message, when the column count changes', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const wide = labeledMessage(7, [[1, 2, 3]], [1]);
      expectObservable(cold('-a-w-|', { a, w: wide }).pipe(countWindow(4), errorAsValue)).toBe('---(E|)', {
        E: { error: 'countWindow: message 7 has 3 feature columns, expected 2 like the messages before it', cause: undefined },
      });
    });
  });

  it('errors when a message has a label count that does not match its rows', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const broken = { ...a, batch: { x: a.batch.x, y: Int32Array.of(1) } };
      expectObservable(cold('-a-|', { a: broken }).pipe(countWindow(4), errorAsValue)).toBe('-(E|)', {
        E: { error: 'countWindow: message 1 has 1 labels for 3 rows', cause: undefined },
      });
    });
  });

  it('rejects a window size that is not a positive integer when created', () => {
    for (const rows of [0, -3, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => countWindow(rows), { name: 'RangeError', message: `countWindow: rows must be a positive integer, got ${rows}` });
    }
  });
});
