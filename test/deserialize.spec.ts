import assert from 'node:assert/strict';
import { TestScheduler } from 'rxjs/testing';
import { deserialize } from '../transforms/deserialize';

function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
}

const parse = (raw: string): unknown => JSON.parse(raw);

describe('deserialize', () => {
  it('wraps each decoded record as an ok value', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-|', { a: '{"y":[1]}', b: '[2,3]' });
      expectObservable(source.pipe(deserialize(parse))).toBe('-A-B-|', {
        A: { ok: true, value: { y: [1] } },
        B: { ok: true, value: [2, 3] },
      });
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('turns a decoder that throws into a failure value and carries on', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const thrown = new SyntaxError('not a click message');
      const strict = (raw: string): number => {
        if (raw === 'bad') throw thrown;
        return Number(raw);
      };
      expectObservable(cold('-a-x-b-|', { a: '1', x: 'bad', b: '2' }).pipe(deserialize(strict))).toBe('-A-F-B-|', {
        A: { ok: true, value: 1 },
        F: { ok: false, raw: 'bad', reason: 'not a click message', error: thrown },
        B: { ok: true, value: 2 },
      });
    });
  });

  it('gives a reason for thrown values that are not Errors', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const throwsString = (): never => {
        throw 'truncated payload';
      };
      expectObservable(cold('-x-|', { x: 'raw' }).pipe(deserialize(throwsString))).toBe('-F-|', {
        F: { ok: false, raw: 'raw', reason: 'truncated payload', error: 'truncated payload' },
      });
    });
  });

  it('completes at once on an empty source', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('|').pipe(deserialize(parse))).toBe('|');
    });
  });

  it('emits nothing on a source that never emits', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-');
      expectObservable(source.pipe(deserialize(parse))).toBe('-');
      expectSubscriptions(source.subscriptions).toBe('^');
    });
  });

  it('passes an upstream error on as an error, not as a failure value', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const error = new Error('broker gone');
      expectObservable(cold('-a-#', { a: '1' }, error).pipe(deserialize(parse))).toBe('-A-#', { A: { ok: true, value: 1 } }, error);
    });
  });

  it('unsubscribes from the source when the consumer unsubscribes', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a---b-|', { a: '1', b: '2' });
      expectObservable(source.pipe(deserialize(parse)), '^--!').toBe('-A--', { A: { ok: true, value: 1 } });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('rejects a decoder that is not a function when created', () => {
    assert.throws(() => deserialize('json' as unknown as (raw: string) => unknown), {
      name: 'TypeError',
      message: 'deserialize: decode must be a function (raw) => value, got string',
    });
  });
});
