// Broker faults, on a broker of this test's own (KAFKA_STATE_DIR, ports), so other tests are not
// disturbed: the broker is stopped and started again while pipelines/train.ts runs as a child
// process, and the run still completes with the model of an uninterrupted run. A broker that is
// down at start ends the run with one clear line after a bounded retry.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KafkaJSConnectionError, KafkaJSGroupCoordinatorNotFound, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { latestSnapshot } from '../io/kafka/snapshot-store';
import { connectionError } from '../io/kafka/client';
import { isKafkaUnavailable, superviseKafkaRun, type SuperviseOptions } from '../pipelines/train-supervisor';
import {
  checkpointWindows,
  committedMetrics,
  fixedClickstream,
  produceInput,
  referenceRun,
  settleTransactions,
  spawnTrain,
  type TrainProcess,
} from './support/train-process';
import { freePort } from './support/free-port';

const KAFKA_SCRIPT = join(__dirname, '..', 'broker', 'kafka.sh');
const WINDOW_MESSAGES = 3;


function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function kafkaScript(command: 'start' | 'stop', env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [KAFKA_SCRIPT, command], { env, encoding: 'utf8' }, (error, stdout, stderr) =>
      error ? reject(new Error(`kafka.sh ${command}: ${stderr || stdout || error.message}`)) : resolve(stdout.trim()),
    );
  });
}

describe('train supervisor', () => {
  const refused = () => new Error('transactionalWriter: checkpoint failed', { cause: new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('connect ECONNREFUSED 127.0.0.1:9092'), { retryCount: 5, retryTime: 3000 }) });
  const options = (log: string[]): SuperviseOptions => ({ retryForMs: 150, initialBackoffMs: 10, maxBackoffMs: 40, log: (line) => log.push(line) });

  it('tells Kafka being unavailable from failures a retry cannot fix', () => {
    assert.equal(isKafkaUnavailable(refused()), true);
    assert.equal(isKafkaUnavailable(connectionError('ensureTopics', { brokers: ['127.0.0.1:1'] }, Date.now(), new KafkaJSConnectionError('refused'))), true);
    assert.equal(isKafkaUnavailable(new Error('checkpoint failed', { cause: new (KafkaJSGroupCoordinatorNotFound as unknown as new (message: string) => Error)('Failed to find group coordinator') })), true);
    assert.equal(isKafkaUnavailable(new KafkaJSProtocolError({ message: 'not coordinator', type: 'NOT_COORDINATOR', retriable: true } as never)), true);
    assert.equal(isKafkaUnavailable(new KafkaJSProtocolError({ message: 'fenced', type: 'PRODUCER_FENCED', retriable: false } as never)), false);
    assert.equal(isKafkaUnavailable(new Error('wrapped', { cause: new KafkaJSProtocolError({ message: 'epoch', type: 'INVALID_PRODUCER_EPOCH', retriable: false } as never) })), false);
    assert.equal(isKafkaUnavailable(new Error('snapshot of model m is a perceptron with 10 features')), false);
  });

  it('retries an attempt that reached Kafka, with growing waits, until one succeeds', async () => {
    const log: string[] = [];
    let attempts = 0;
    const result = await superviseKafkaRun(async (hooks) => {
      attempts += 1;
      hooks.connected();
      if (attempts < 4) throw refused();
      return 'done';
    }, { ...options(log), retryForMs: 10_000 });
    assert.equal(result, 'done');
    assert.equal(attempts, 4);
    assert.deepEqual(log.map((line) => /in (\d+ ms)$/.exec(line)?.[1]), ['10 ms', '20 ms', '40 ms']);
    assert.match(log[0], /^Kafka failure \(transactionalWriter: checkpoint failed\); attempt 2 resumes from the last committed checkpoint/);
  });

  it('gives up once Kafka has failed for longer than retryForMs without progress', async () => {
    const log: string[] = [];
    let attempts = 0;
    await assert.rejects(
      superviseKafkaRun(async (hooks) => {
        attempts += 1;
        hooks.connected();
        throw refused();
      }, options(log)),
      /Kafka has been failing for \d+ s \(limit 0 s\); giving up: transactionalWriter: checkpoint failed/,
    );
    assert.ok(attempts >= 3 && attempts < 10, `${attempts} attempts`);
  });

  it('does not retry a broker that was never reached, nor a failure that is not Kafka’s', async () => {
    let attempts = 0;
    await assert.rejects(superviseKafkaRun(async () => {
      attempts += 1;
      throw refused();
    }, options([])), /checkpoint failed/);
    await assert.rejects(superviseKafkaRun(async (hooks) => {
      attempts += 1;
      hooks.connected();
      throw new Error('bad model options');
    }, options([])), /bad model options/);
    assert.equal(attempts, 2);
  });
});

describe('broker faults (a broker of its own)', function () {
  this.timeout(240_000);
  const runId = `${Date.now().toString(36)}-${process.pid}`;
  const topic = `restart-${runId}`;
  const messages = fixedClickstream(1_500, 17);
  const stateDir = mkdtempSync(join(tmpdir(), 'kafka-restart-'));
  let env: NodeJS.ProcessEnv;
  let connection: { brokers: string[] };
  let downAtStart: TrainProcess;
  let downStartedAt = 0;

  before(async function () {
    this.timeout(240_000);
    const [port, controllerPort, closedPort] = [await freePort(), await freePort(), await freePort()];
    env = { ...process.env, KAFKA_STATE_DIR: stateDir, KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(controllerPort) };
    // Runs while the broker starts: nothing listens on closedPort.
    downStartedAt = performance.now();
    downAtStart = spawnTrain(['--input', topic, '--out', join(stateDir, 'out-down')], [`127.0.0.1:${closedPort}`]);
    await kafkaScript('start', env);
    connection = { brokers: [`127.0.0.1:${port}`] };
    await produceInput(connection, topic, messages);
  });

  after(async function () {
    this.timeout(60_000);
    downAtStart?.child.kill('SIGKILL');
    await kafkaScript('stop', env).catch(() => '');
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('a broker that is down at start: exit 1 with one line naming the brokers, after about 10 s of retries', async () => {
    const exit = await downAtStart.exited;
    const seconds = (exit.at - downStartedAt) / 1000;
    assert.equal(exit.code, 1);
    assert.equal(downAtStart.lines.filter((line) => line.trim() !== '').length, 1, downAtStart.lines.join('\n'));
    const retried = /could not reach Kafka at 127\.0\.0\.1:\d+ \(gave up after \d+ retries, ([\d.]+) s\): .*ECONNREFUSED/.exec(downAtStart.lines[0]);
    assert.ok(retried, downAtStart.lines[0]);
    assert.ok(Number(retried[1]) < 15, `retried for ${retried[1]} s`);
    // Node and tsx start-up come on top, slow while the test broker's JVM starts on the same cores.
    assert.ok(seconds < 25, `took ${seconds.toFixed(1)} s`);
    console.log(`      broker down at start: exit 1 after ${seconds.toFixed(1)} s: ${downAtStart.lines[0]}`);
  });

  /** Trains on its own topics while the broker is stopped (SIGTERM, or SIGKILL: a crash) and started again. */
  const restartMidRun = async (how: 'stop' | 'kill') => {
    const run = `${topic}.${how}`;
    const args = [
      '--input', topic,
      '--metrics-topic', `${run}.metrics`,
      '--snapshot-topic', `${run}.snapshots`,
      '--dead-letter-topic', `${run}.dlq`,
      '--group', `${run}.group`,
      '--model-id', `${run}.sgd`,
      '--window-messages', String(WINDOW_MESSAGES),
      '--checkpoint-messages', '6',
      '--session-timeout-ms', '6000',
      '--retry-for', '120',
      '--log-checkpoints',
      '--out', join(stateDir, `out-${how}`),
    ];
    const life = spawnTrain(args, connection.brokers);
    await life.waitForLine((line) => (checkpointWindows(line) ?? 0) >= 60, 120_000);
    const windowsAtStop = checkpointWindows(life.lines.filter((line) => checkpointWindows(line) !== null).pop() ?? '') ?? 0;
    const stoppedAt = performance.now();
    if (how === 'kill') {
      const pid = Number(readFileSync(join(stateDir, 'kafka.pid'), 'utf8'));
      process.kill(pid, 'SIGKILL');
      while (isAlive(pid)) await sleep(50);
    }
    await kafkaScript('stop', env);
    const downFor = performance.now();
    await sleep(2_000);
    await kafkaScript('start', env);
    const outageSeconds = (performance.now() - stoppedAt) / 1000;
    const brokerDownSeconds = (performance.now() - downFor) / 1000;
    const exit = await life.exited;
    assert.equal(exit.code, 0, life.lines.filter((line) => checkpointWindows(line) === null).join('\n'));

    await settleTransactions(connection, `${run}.group`, topic);
    const reference = await referenceRun(messages, WINDOW_MESSAGES);
    const metrics = await committedMetrics(connection, `${run}.metrics`);
    const story = life.lines.filter((line) => checkpointWindows(line) === null || / (5[0-9]|6[0-9]|7[0-9]) windows/.test(line)).join('\n');
    assert.deepEqual(metrics.map((m) => m.batchIndex), Array.from({ length: reference.windows }, (_, i) => i), `one record per window; the run said:\n${story}`);
    const snapshot = await latestSnapshot(connection, `${run}.snapshots`, `${run}.sgd`);
    assert.equal(snapshot?.trainer.windows, reference.windows);
    assert.ok(snapshot?.state.toString('utf8') === reference.state, 'the model of an uninterrupted run, bit for bit');
    const retries = life.lines.filter((line) => /^Kafka failure/.test(line));
    console.log(
      `      broker ${how === 'kill' ? 'killed (SIGKILL)' : 'stopped (SIGTERM)'}: at ${windowsAtStop} windows, broker down ${brokerDownSeconds.toFixed(1)} s (stop to restarted ${outageSeconds.toFixed(1)} s); ` +
        `${retries.length} supervisor restart(s); completed ${reference.windows} windows, state bit-identical\n` +
        retries.map((line) => `        ${line}`).join('\n'),
    );
  };

  it('the broker stopped and restarted mid-run: the run reconnects, completes, and ends with an uninterrupted run’s model', () => restartMidRun('stop'));

  // A crash loses the broker's high-watermark checkpoint: see io/kafka/resume-barrier.ts.
  it('the broker killed (SIGKILL) mid-run and restarted: still every window exactly once, and the same model', () => restartMidRun('kill'));
});
