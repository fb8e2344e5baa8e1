// Graceful stop of pipelines/train.ts --follow as a child process on the real broker: SIGTERM in the
// middle of the stream and SIGINT when idle both commit the current checkpoint and exit 0 within 5 s,
// and the next run continues where the last one stopped, relearning nothing.
import { strict as assert } from 'node:assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureBroker, type LocalBroker } from '../io/kafka/local-broker';
import { latestSnapshot } from '../io/kafka/snapshot-store';
import { kafkaSink } from '../io/kafka/kafka-sink';
import { encodeClickstream } from '../io/avro/clickstream-codec';
import {
  checkpointWindows,
  committedMetrics,
  committedWindows,
  fixedClickstream,
  produceInput,
  referenceRun,
  settleTransactions,
  spawnTrain,
  type TrainProcess,
} from './support/train-process';

const WINDOW_MESSAGES = 2;
const STOP_LIMIT_MS = 5_000;

describe('graceful stop of the train pipeline (real broker)', function () {
  this.timeout(120_000);
  const runId = `${Date.now().toString(36)}-${process.pid}`;
  const topic = `stop-${runId}`;
  const messages = fixedClickstream(400, 13);
  const args = [
    '--input', topic,
    '--metrics-topic', `${topic}.metrics`,
    '--snapshot-topic', `${topic}.snapshots`,
    '--dead-letter-topic', `${topic}.dlq`,
    '--group', `${topic}.group`,
    '--model-id', `${topic}.sgd`,
    '--window-messages', String(WINDOW_MESSAGES),
    '--checkpoint-messages', '5',
    '--follow',
    '--log-checkpoints',
    '--out', mkdtempSync(join(tmpdir(), 'stop-')),
  ];
  let broker: LocalBroker;
  let connection: { brokers: string[] };

  before(async function () {
    this.timeout(300_000);
    broker = await ensureBroker();
    connection = { brokers: broker.brokers };
    await produceInput(connection, topic, messages.slice(0, 300));
  });

  after(async function () {
    this.timeout(30_000);
    await broker?.stop();
  });

  /** Sends `signal` and returns the milliseconds until the process exited, asserting exit code 0. */
  const stopWith = async (life: TrainProcess, signal: NodeJS.Signals): Promise<number> => {
    const sent = performance.now();
    life.child.kill(signal);
    const exit = await Promise.race([life.exited, sleep(20_000).then(() => null)]);
    if (exit === null) life.child.kill('SIGKILL');
    assert.ok(exit !== null, `no exit within 20 s of ${signal}:\n${life.lines.join('\n')}`);
    assert.equal(exit.code, 0, `exit code after ${signal}:\n${life.lines.join('\n')}`);
    return exit.at - sent;
  };

  let stoppedAt = 0;
  let termMs = 0;

  it('SIGTERM in the middle of the stream commits the current checkpoint and exits 0 within 5 s', async () => {
    const life = spawnTrain(args, connection.brokers);
    await life.waitForLine((line) => (checkpointWindows(line) ?? 0) >= 20);
    termMs = await stopWith(life, 'SIGTERM');
    assert.ok(termMs < STOP_LIMIT_MS, `took ${termMs.toFixed(0)} ms`);
    assert.ok(life.lines.some((line) => /^SIGTERM: stopping gracefully/.test(line)));
    stoppedAt = committedWindows(life.lines) ?? -1;
    await settleTransactions(connection, `${topic}.group`, topic);
    assert.ok(stoppedAt >= 20 && stoppedAt < 150, `stopped mid-stream, at ${stoppedAt} windows`);
    const metrics = await committedMetrics(connection, `${topic}.metrics`);
    assert.deepEqual(metrics.map((m) => m.batchIndex), Array.from({ length: stoppedAt }, (_, i) => i), 'every window up to the stop, committed once');
    const snapshot = await latestSnapshot(connection, `${topic}.snapshots`, `${topic}.sgd`);
    assert.equal(snapshot?.trainer.windows, stoppedAt);
    assert.deepEqual(snapshot?.sources.map((s) => s.nextOffset), [stoppedAt * WINDOW_MESSAGES]);
  });

  it('the next run continues from there, follows new records, and SIGINT when idle exits 0 within 5 s', async () => {
    const life = spawnTrain(args, connection.brokers);
    const resumed = await life.waitForLine(/resumed version/);
    assert.match(resumed, new RegExp(`\\(${stoppedAt} windows, .*@${stoppedAt * WINDOW_MESSAGES}$`));
    await life.waitForLine((line) => checkpointWindows(line) === 150);
    const sink = kafkaSink({ connection, topic });
    await sink.send(messages.slice(300).map((m) => ({ key: String(m.id), value: encodeClickstream(m) })));
    await sink.close();
    await life.waitForLine((line) => checkpointWindows(line) === 200);
    await sleep(500);
    const intMs = await stopWith(life, 'SIGINT');
    assert.ok(intMs < STOP_LIMIT_MS, `took ${intMs.toFixed(0)} ms`);
    await settleTransactions(connection, `${topic}.group`, topic);

    const metrics = await committedMetrics(connection, `${topic}.metrics`);
    assert.deepEqual(metrics.map((m) => m.batchIndex), Array.from({ length: 200 }, (_, i) => i), 'no window learned twice, none skipped');
    const reference = await referenceRun(messages, WINDOW_MESSAGES);
    const snapshot = await latestSnapshot(connection, `${topic}.snapshots`, `${topic}.sgd`);
    assert.equal(snapshot?.trainer.windows, 200);
    assert.ok(snapshot?.state.toString('utf8') === reference.state, 'the model of an uninterrupted run, bit for bit');
    console.log(`      graceful stop: SIGTERM mid-stream at ${stoppedAt} windows → exit 0 in ${termMs.toFixed(0)} ms; SIGINT when idle → exit 0 in ${intMs.toFixed(0)} ms`);
  });
});
