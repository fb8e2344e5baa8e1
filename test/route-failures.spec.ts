import assert from 'node:assert/strict';
import { from, lastValueFrom, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { DecodeFailure, DecodeResult } from '../transforms/deserialize';
import { routeFailures } from '../transforms/route-failures';
import { errorAsValue } from './support/marbles';

function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
}

type Result = DecodeResult<number, string>;

const ok = (value: number): Result => ({ ok: true, value });
const failed = (raw: string): DecodeFailure<string> => ({ ok: false, raw, reason: `cannot parse ${raw}`, error: new SyntaxError(`cannot parse ${raw}`) });

describe('routeFailures', () => {
  it('passes ok values on and hands every failure to the handler, in order', () => {
    const routed: string[] = [];
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<Result>('-a-x-b-y-|', { a: ok(1), x: failed('x'), b: ok(2), y: failed('y') });
      const values = source.pipe(routeFailures((failure) => void routed.push(failure.raw)));
      expectObservable(values).toBe('-a---b---|', { a: 1, b: 2 });
      expectSubscriptions(source.subscriptions).toBe('^--------!');
    });
    assert.deepEqual(routed, ['x', 'y']);
  });

  it('holds later records until the dead-letter Observable completes', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const deadLetter = cold('---|');
      const source = cold<Result>('-a-x-b----|', { a: ok(1), x: failed('x'), b: ok(2) });
      expectObservable(source.pipe(routeFailures(() => deadLetter))).toBe('-a----b---|', { a: 1, b: 2 });
      expectSubscriptions(deadLetter.subscriptions).toBe('---^--!');
    });
  });

  it('delivers every failure of a burst to a slow handler, one after another, before completing', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const deadLetter = cold('--(z|)', { z: 'ignored' });
      const source = cold<Result>('-(xyz|)', { x: failed('x'), y: failed('y'), z: ok(3) });
      expectObservable(source.pipe(routeFailures(() => deadLetter))).toBe('-----(c|)', { c: 3 });
      expectSubscriptions(deadLetter.subscriptions).toBe(['-^-!', '---^-!']);
    });
  });

  it('waits for a Promise returned by the handler', async () => {
    const events: string[] = [];
    const values = await lastValueFrom(
      from<Result[]>([failed('x'), ok(1)]).pipe(
        routeFailures(async (failure) => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          events.push(`dead-lettered ${failure.raw}`);
        }),
        toArray(),
      ),
    );
    events.push(`values ${values.join(',')}`);
    assert.deepEqual(events, ['dead-lettered x', 'values 1']);
  });

  it('completes at once on an empty source', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<Result>('|').pipe(routeFailures(() => undefined))).toBe('|');
    });
  });

  it('emits nothing on a source that never emits', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<Result>('-');
      expectObservable(source.pipe(routeFailures(() => undefined))).toBe('-');
      expectSubscriptions(source.subscriptions).toBe('^');
    });
  });

  it('passes an upstream error on', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const error = new Error('broker gone');
      expectObservable(cold<Result>('-a-#', { a: ok(1) }, error).pipe(routeFailures(() => undefined))).toBe('-a-#', { a: 1 }, error);
    });
  });

  it('unsubscribes from the source and from a running dead-letter Observable', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const deadLetter = cold('-----|');
      const source = cold<Result>('-x-a---|', { x: failed('x'), a: ok(1) });
      expectObservable(source.pipe(routeFailures(() => deadLetter)), '^--!').toBe('----');
      expectSubscriptions(source.subscriptions).toBe('^--!');
      expectSubscriptions(deadLetter.subscriptions).toBe('-^-!');
    });
  });

  it('ends the stream with a clear error when the handler throws (log-and-fail)', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const cause = new Error('dead-letter topic is not writable');
      const handler = (): never => {
        throw cause;
      };
      expectObservable(cold<Result>('-a-x-b-|', { a: ok(1), x: failed('x'), b: ok(2) }).pipe(routeFailures(handler), errorAsValue)).toBe('-a-(E|)', {
        a: 1,
        E: { error: 'routeFailures: the failure handler failed for a record that did not decode (cannot parse x): dead-letter topic is not writable', cause },
      });
    });
  });

  it('ends the stream with a clear error when the dead-letter Observable errors', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const cause = new Error('produce timed out');
      const deadLetter = cold('--#', undefined, cause);
      expectObservable(cold<Result>('-x-b-|', { x: failed('x'), b: ok(2) }).pipe(routeFailures(() => deadLetter), errorAsValue)).toBe('---(E|)', {
        E: { error: 'routeFailures: the failure handler failed for a record that did not decode (cannot parse x): produce timed out', cause },
      });
    });
  });

  it('rejects a handler that is not a function when created', () => {
    assert.throws(() => routeFailures(null as unknown as () => void), {
      name: 'TypeError',
      message: 'routeFailures: onFailure must be a function (failure) => void | Observable, got object',
    });
  });
});
