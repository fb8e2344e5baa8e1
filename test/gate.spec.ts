import { strict as assert } from 'node:assert';
import { from } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { gate } from '../transforms/gate';
import type { Candidate, GateVerdict } from '../transforms/gate';
import { errorAsValue } from './support/marbles';
import type { GatePolicy } from '../training/gate-policies';
import { seedGate } from '../training/gate-policies';
import type { BatchMetrics } from '../metrics/types';

const metricsWithF1 = (f1: number): BatchMetrics => ({ rows: 10, accuracy: f1, precision: f1, recall: f1, f1, logLoss: 1 - f1, rocAuc: f1 });
const champion = { weights: Float64Array.of(0, 0) };
const candidates: Record<string, Candidate<typeof champion>> = {
  a: { index: 0, candidate: { weights: Float64Array.of(1, 1) }, metrics: metricsWithF1(0.8) },
  b: { index: 1, candidate: { weights: Float64Array.of(2, 2) }, metrics: metricsWithF1(0.5) },
  c: { index: 2, candidate: { weights: Float64Array.of(3, 3) }, metrics: metricsWithF1(0.9) },
};

describe('gate', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
  });

  it('accepts and rejects by the policy, keeping the previous champion on rejection', () => {
    const A: GateVerdict<typeof champion, unknown> = { index: 0, accepted: true, reason: 'first update', champion: candidates.a.candidate, version: 1, history: { sum: 0.8, count: 1 } };
    const B = { index: 1, accepted: false, reason: 'f1 0.5 ≤ 0.76', champion: candidates.a.candidate, version: 1, history: { sum: 0.8, count: 1 } };
    const C = { index: 2, accepted: true, reason: 'f1 0.9 > 0.76', champion: candidates.c.candidate, version: 2, history: { sum: 1.7000000000000002, count: 2 } };
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-b-c-|', candidates).pipe(gate(seedGate(), champion))).toBe('-A-B-C-|', { A, B, C });
    });
  });

  it('keeps the rejected-over champion as the very same object', () => {
    const seen: GateVerdict<typeof champion, unknown>[] = [];
    from([candidates.a, candidates.b]).pipe(gate(seedGate(), champion)).subscribe((v) => seen.push(v));
    assert.equal(seen[1].accepted, false);
    assert.equal(seen[1].champion, candidates.a.candidate);
  });

  it('completes empty on an empty source', () => {
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold<Candidate<typeof champion>>('--|').pipe(gate(seedGate(), champion))).toBe('--|');
    });
  });

  it('passes upstream errors through', () => {
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold<Candidate<typeof champion>>('--#', undefined, new Error('boom')).pipe(gate(seedGate(), champion))).toBe('--#', {}, new Error('boom'));
    });
  });

  it('unsubscribes from the source', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a---b-|', candidates);
      const A = { index: 0, accepted: true, reason: 'first update', champion: candidates.a.candidate, version: 1, history: { sum: 0.8, count: 1 } };
      expectObservable(source.pipe(gate(seedGate(), champion)), '^--!').toBe('-A--', { A });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('turns a throwing policy into an error notification naming the candidate and policy', () => {
    const broken: GatePolicy<null> = { name: 'broken', init: () => null, decide: () => { throw new Error('no metric'); } };
    scheduler.run(({ cold, expectObservable }) => {
      const E = { error: "gate: candidate 0, policy 'broken': no metric", cause: new Error('no metric') };
      expectObservable(errorAsValue(cold('-a-|', candidates).pipe(gate(broken, champion)))).toBe('-(E|)', { E });
    });
  });
});
