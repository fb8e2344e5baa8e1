// Crash equivalence on the real broker: pipelines/train.ts as a child process, killed with SIGKILL at
// seeded points (during start-up, after k committed windows, at random delays) and restarted until
// it completes, ends with exactly the model of an uninterrupted run, one committed metrics record
// per window and each dead letter once.
import { strict as assert } from 'node:assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { lastValueFrom, mergeMap, toArray } from 'rxjs';
import { readDeadLetterHeaders } from '../io/kafka/dead-letter';
import { kafkaSource } from '../io/kafka/kafka-source';
import { ensureBroker, type LocalBroker } from '../io/kafka/local-broker';
import { latestSnapshot } from '../io/kafka/snapshot-store';
import { Random } from '../models/random';
import { readTopic } from './support/kafka-read';
import {
  checkpointWindows,
  committedMetrics,
  committedWindows,
  fixedClickstream,
  produceInput,
  referenceRun,
  settleTransactions,
  spawnTrain,
  type ReferenceRun,
  type TrainProcess,
} from './support/train-process';

const WINDOW_MESSAGES = 3;
const SEED = 20_251_128;

type KillPlan =
  | { readonly kind: 'after-spawn'; readonly delayMs: number }
  | { readonly kind: 'into-training'; readonly delayMs: number }
  | { readonly kind: 'after-windows'; readonly windows: number; readonly delayMs: number };

/**
 * Seven kills: one during start-up, one at a random time after training resumed, five a few ms
 * after a seeded number of windows past the life's resume point (so inside or between transactions).
 */
function killPlans(random: Random, intoTrainingMaxMs: number): KillPlan[] {
  const afterWindows = (): KillPlan => ({ kind: 'after-windows', windows: random.int(50, 100), delayMs: random.int(0, 40) });
  return [
    { kind: 'after-spawn', delayMs: random.int(300, 1500) },
    afterWindows(),
    afterWindows(),
    { kind: 'into-training', delayMs: random.int(0, intoTrainingMaxMs) },
    afterWindows(),
    afterWindows(),
    afterWindows(),
  ];
}

/**
 * One crash-equivalence run. `checkpointMessages` 0 is the default (adaptive) mode, where the
 * checkpoints follow the writer; it trains fast enough to need a longer stream and a shorter kill
 * into training, so that every life is still training when its kill comes.
 */
function crashEquivalence(label: string, MESSAGES: number, CHECKPOINT_MESSAGES: number, intoTrainingMaxMs: number): void {
  describe(`crash recovery, ${label}: kill -9 anywhere, learn nothing twice (real broker)`, function () {
    this.timeout(300_000);
    const runId = `${Date.now().toString(36)}-${process.pid}`;
    const topic = `crash-${CHECKPOINT_MESSAGES}-${runId}`;
    const messages = fixedClickstream(MESSAGES, 7);
    const random = new Random(SEED + CHECKPOINT_MESSAGES);
    // Six records no decoder accepts, at seeded places: each must reach the dead-letter topic once.
    const bad = new Map<number, Buffer>();
    while (bad.size < 6) bad.set(random.int(0, MESSAGES - 1), Buffer.from(`not avro ${bad.size}`));
    const args = [
      '--input', topic,
      '--metrics-topic', `${topic}.metrics`,
      '--snapshot-topic', `${topic}.snapshots`,
      '--dead-letter-topic', `${topic}.dlq`,
      '--group', `${topic}.group`,
      '--model-id', `${topic}.sgd`,
      '--window-messages', String(WINDOW_MESSAGES),
      '--checkpoint-messages', String(CHECKPOINT_MESSAGES),
      '--session-timeout-ms', '6000',
      '--log-checkpoints',
      '--out', mkdtempSync(join(tmpdir(), 'crash-')),
    ];
    let broker: LocalBroker;
    let connection: { brokers: string[] };
    let reference: ReferenceRun;

    before(async function () {
      this.timeout(300_000);
      broker = await ensureBroker();
      connection = { brokers: broker.brokers };
      await produceInput(connection, topic, messages, bad);
      reference = await referenceRun(messages, WINDOW_MESSAGES);
    });

    after(async function () {
      this.timeout(30_000);
      await broker?.stop();
    });

    it('restarted after 7 kills at seeded points, ends bit-identical to an uninterrupted run, one metrics record per window, each dead letter once', async () => {
      const report: string[] = [];
      let lives = 0;
      let previous: TrainProcess | undefined;
      for (const plan of killPlans(random, intoTrainingMaxMs)) {
        const life = spawnTrain(args, connection.brokers);
        lives += 1;
        let resumedAt = 0;
        if (previous !== undefined) {
          const line = await life.waitForLine(/resumed version|no snapshot/);
          resumedAt = Number(/\((\d+) windows/.exec(line)?.[1] ?? 0);
        }
        if (plan.kind === 'after-spawn') {
          await Promise.race([sleep(plan.delayMs), life.exited]);
        } else if (plan.kind === 'into-training') {
          await life.waitForLine((line) => checkpointWindows(line) !== null);
          await Promise.race([sleep(plan.delayMs), life.exited]);
        } else {
          await life.waitForLine((line) => (checkpointWindows(line) ?? -1) >= resumedAt + plan.windows, 120_000);
          await sleep(plan.delayMs);
        }
        life.child.kill('SIGKILL');
        const exit = await life.exited;
        assert.equal(exit.signal, 'SIGKILL', `life ${lives} ended by itself (code ${exit.code}) before its kill: ${life.lines.slice(-5).join(' | ')}`);
        const where =
          plan.kind === 'after-windows' ? `${plan.delayMs} ms after ${plan.windows}+ more windows committed` : `${plan.delayMs} ms ${plan.kind === 'after-spawn' ? 'after spawn' : 'after its first checkpoint'}`;
        report.push(`life ${lives}: resumed at window ${resumedAt}, killed ${where} (last checkpoint seen: ${committedWindows(life.lines) ?? 'none'})`);
        previous = life;
      }
      const last = spawnTrain(args, connection.brokers);
      const resumedLine = await last.waitForLine(/resumed version/);
      const exit = await last.exited;
      assert.equal(exit.code, 0, last.lines.join('\n'));
      report.push(`final life: ${resumedLine.replace(/^.*resumed /, 'resumed ')}, completed`);
      await settleTransactions(connection, `${topic}.group`, topic);

      const metrics = await committedMetrics(connection, `${topic}.metrics`);
      const indexes = metrics.map((m) => m.batchIndex);
      const duplicates = indexes.length - new Set(indexes).size;
      assert.equal(duplicates, 0, 'no window reported twice');
      assert.deepEqual(indexes, Array.from({ length: reference.windows }, (_, i) => i), 'one record per window, in order, no gaps');
      metrics.forEach((m, i) => {
        const expected = reference.metrics[i];
        assert.deepEqual(
          { logLoss: m.logLoss, accuracy: m.accuracy, f1: m.f1, accepted: m.accepted, rows: m.rows },
          expected,
          `window ${i}: the metrics of an uninterrupted run`,
        );
      });

      const snapshot = await latestSnapshot(connection, `${topic}.snapshots`, `${topic}.sgd`);
      assert.ok(snapshot !== null);
      assert.equal(snapshot.trainer.windows, reference.windows);
      assert.equal(snapshot.version, reference.version);
      assert.deepEqual(snapshot.sources.map((s) => ({ ...s })), [{ topic, partition: 0, nextOffset: MESSAGES + bad.size }]);
      const stateEqual = snapshot.state.toString('utf8') === reference.state;
      assert.ok(stateEqual, 'the final snapshot holds the uninterrupted run’s trainer and metrics state, bit for bit');

      const deadLetters = await readTopic(connection, `${topic}.dlq`, bad.size);
      const sourceOffsets = deadLetters.map((record) => Number(readDeadLetterHeaders(record.headers).sourceOffset));
      const badOffsets = [...bad.keys()].sort((a, b) => a - b).map((index, i) => index + 1 + i);
      assert.deepEqual(sourceOffsets, badOffsets, 'each bad record dead-lettered exactly once');

      // What read_committed hides: records of the transactions the kills cut short.
      const uncommitted = kafkaSource({ connection, topics: [`${topic}.metrics`], groupId: `reader.uncommitted.${runId}`, readUncommitted: true });
      const everything = await lastValueFrom(uncommitted.batches$.pipe(mergeMap((batch) => batch.records), toArray()));
      await uncommitted.close();
      console.log(
        `      crash test: ${MESSAGES} messages (${messages.reduce((n, m) => n + m.batch.x.rows, 0)} records, ${bad.size} bad), ` +
          `${reference.windows} windows of ${WINDOW_MESSAGES} messages, ${CHECKPOINT_MESSAGES > 0 ? `≤ ${CHECKPOINT_MESSAGES} messages per transaction` : 'adaptive checkpoints'}; ` +
          `${lives} kills; metrics records committed ${metrics.length}, duplicates ${duplicates}, ` +
          `aborted records hidden by read_committed ${everything.length - metrics.length}; final state bit-identical: ${stateEqual}\n` +
          report.map((line) => `        ${line}`).join('\n'),
      );
    });
  });
}

crashEquivalence('≤ 8 messages per checkpoint', 1_950, 8, 500);
crashEquivalence('adaptive checkpoints (the default)', 6_000, 0, 150);
