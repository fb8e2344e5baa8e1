import assert from 'node:assert/strict';
import { TestScheduler } from 'rxjs/testing';
import type { Matrix, Transformer } from '../models/types';
import { matrix } from '../models/types';
import { transformFeatures } from '../transforms/transform-features';
import type { Window } from '../transforms/types';
import { errorAsValue, expectedWindow } from './support/marbles';

function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
}

interface MaxAbsState {
  readonly maxAbs: Float64Array;
}

/** A two-feature max-abs scaler small enough to check by hand. */
const maxAbs: Transformer<MaxAbsState> = {
  kind: 'maxAbs',
  params: {},
  nFeatures: 2,
  init: () => ({ maxAbs: new Float64Array(2) }),
  learn(state, x) {
    const next = state.maxAbs.slice();
    for (let i = 0; i < x.data.length; i++) next[i % 2] = Math.max(next[i % 2], Math.abs(x.data[i]));
    return { maxAbs: next };
  },
  transform(state, x): Matrix {
    return matrix(x.rows, x.cols, x.data.map((value, i) => value / state.maxAbs[i % 2]));
  },
  restore: (plain) => plain as MaxAbsState,
};

const a = expectedWindow(0, [[2, -4], [1, 2]], [0, 1], 1);
const b = expectedWindow(1, [[4, 1]], [1], 1);

function scaled(window: Window, rows: number[][], maxAbs: number[]) {
  return { ...window, batch: { x: matrix(rows.length, 2, Float64Array.from(rows.flat())), y: window.batch.y }, transformerState: { maxAbs: Float64Array.from(maxAbs) } };
}

describe('transformFeatures', () => {
  it('learns from each window, then scales it, threading the state and keeping labels', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-|', { a, b });
      expectObservable(source.pipe(transformFeatures(maxAbs))).toBe('-A-B-|', {
        A: scaled(a, [[1, -1], [0.5, 0.5]], [2, 4]),
        B: scaled(b, [[1, 0.25]], [4, 4]),
      });
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('applies a given state without learning when learn is false', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const fixed = { maxAbs: Float64Array.of(2, 2) };
      expectObservable(cold('-a-b-|', { a, b }).pipe(transformFeatures(maxAbs, { learn: false, state: fixed }))).toBe('-A-B-|', {
        A: scaled(a, [[1, -2], [0.5, 1]], [2, 2]),
        B: scaled(b, [[2, 0.5]], [2, 2]),
      });
    });
  });

  it('passes a window without rows through untouched', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const empty = expectedWindow(1, [], [], 0);
      expectObservable(cold('-a-e-|', { a, e: empty }).pipe(transformFeatures(maxAbs))).toBe('-A-E-|', {
        A: scaled(a, [[1, -1], [0.5, 0.5]], [2, 4]),
        E: { ...empty, transformerState: { maxAbs: Float64Array.of(2, 4) } },
      });
    });
  });

  it('leaves the incoming window unchanged', () => {
    const input = expectedWindow(0, [[2, -4], [1, 2]], [0, 1], 1);
    testScheduler().run(({ cold }) => {
      cold('-a-|', { a: input }).pipe(transformFeatures(maxAbs)).subscribe();
    });
    assert.deepEqual(input, a);
  });

  it('completes at once on an empty source', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<Window>('|').pipe(transformFeatures(maxAbs))).toBe('|');
    });
  });

  it('emits nothing on a source that never emits', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<Window>('-');
      expectObservable(source.pipe(transformFeatures(maxAbs))).toBe('-');
      expectSubscriptions(source.subscriptions).toBe('^');
    });
  });

  it('passes an upstream error on', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const error = new Error('window cut failed');
      expectObservable(cold('-a-#', { a }, error).pipe(transformFeatures(maxAbs))).toBe('-A-#', { A: scaled(a, [[1, -1], [0.5, 0.5]], [2, 4]) }, error);
    });
  });

  it('unsubscribes from the source when the consumer unsubscribes', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a---b-|', { a, b });
      expectObservable(source.pipe(transformFeatures(maxAbs)), '^--!').toBe('-A--', { A: scaled(a, [[1, -1], [0.5, 0.5]], [2, 4]) });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('errors, naming the window and transformer, when the transformer throws', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const cause = new Error('state is corrupt');
      const broken: Transformer<MaxAbsState> = {
        ...maxAbs,
        learn: (state, x) => {
          if (x.rows === 1) throw cause;
          return maxAbs.learn(state, x);
        },
      };
      expectObservable(cold('-a-b-|', { a, b }).pipe(transformFeatures(broken), errorAsValue)).toBe('-A-(E|)', {
        A: scaled(a, [[1, -1], [0.5, 0.5]], [2, 4]),
        E: { error: 'transformFeatures: maxAbs on window 1: state is corrupt', cause },
      });
    });
  });

  it('errors when a window has a different column count than the transformer', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const wide = expectedWindow(0, [[1, 2, 3]], [1], 1);
      expectObservable(cold('-w-|', { w: wide }).pipe(transformFeatures(maxAbs), errorAsValue)).toBe('-(E|)', {
        E: { error: 'transformFeatures: maxAbs on window 0: the window has 3 feature columns, the transformer expects 2', cause: undefined },
      });
    });
  });

  it('rejects a transformer without its functions, or a non-boolean learn, when created', () => {
    assert.throws(() => transformFeatures({ ...maxAbs, transform: undefined } as unknown as Transformer<MaxAbsState>), {
      name: 'TypeError',
      message: 'transformFeatures: transformer must be a Transformer with init, learn and transform; transform is undefined',
    });
    assert.throws(() => transformFeatures(maxAbs, { learn: 'first' as unknown as boolean }), {
      name: 'TypeError',
      message: 'transformFeatures: learn must be a boolean, got string',
    });
  });
});
