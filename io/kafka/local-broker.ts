/**
 * A Kafka broker for tests and local pipelines: the one named by KAFKA_BROKERS, or else this
 * project's own single-node broker (broker/kafka.sh), started on first use.
 *
 * The local broker is leased per process (`kafka.sh acquire/release <pid>`): a broker started here runs
 * while any process holding a lease lives, so parallel test runs share it and the last one to finish
 * stops it. A broker started by hand (`bash broker/kafka.sh start`) is used and left running.
 * Within one process, every ensureBroker() call returns a handle; the lease ends with the last handle's
 * stop(), or at process exit.
 */
import { execFile, execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';

export interface LocalBroker {
  /** Bootstrap addresses, `host:port`. */
  readonly brokers: string[];
  /** Whether this process started the broker. */
  readonly started: boolean;
  /**
   * Releases this handle. The last handle in the process ends its lease, which stops the broker
   * when no other process holds one and the broker was not started by hand.
   */
  stop(): Promise<void>;
}

const KAFKA_SCRIPT = fileURLToPath(new URL('../../broker/kafka.sh', import.meta.url));
const HOST = '127.0.0.1';
const PORT_WAIT_MS = 10_000;

interface SharedBroker {
  readonly ready: Promise<{ started: boolean }>;
  holders: number;
}

let shared: SharedBroker | undefined;

export async function ensureBroker(): Promise<LocalBroker> {
  const configured = process.env.KAFKA_BROKERS?.trim();
  if (configured) {
    return { brokers: parseBrokerList(configured), started: false, stop: async () => {} };
  }
  const port = localPort();
  const session = (shared ??= { ready: startLocalBroker(), holders: 0 });
  session.holders += 1;
  let started: boolean;
  try {
    ({ started } = await session.ready);
    await waitForPort(port, PORT_WAIT_MS);
  } catch (error) {
    session.holders -= 1;
    if (shared === session && session.holders === 0) shared = undefined;
    throw error;
  }
  let released = false;
  return {
    brokers: [`${HOST}:${port}`],
    started,
    stop: async () => {
      if (released) return;
      released = true;
      session.holders -= 1;
      if (session.holders > 0 || shared !== session) return;
      shared = undefined;
      process.off('exit', releaseLeaseSync);
      await runKafkaScript('release');
    },
  };
}

function parseBrokerList(list: string): string[] {
  const brokers = list.split(',').map((entry) => entry.trim()).filter((entry) => entry.length > 0);
  for (const broker of brokers) {
    if (!/^[^\s:]+:\d+$/.test(broker)) {
      throw new Error(`KAFKA_BROKERS must be a comma-separated list of host:port, got "${list}"`);
    }
  }
  return brokers;
}

function localPort(): number {
  const raw = process.env.KAFKA_PORT?.trim() || '9092';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`KAFKA_PORT must be a port number (1-65535), got "${raw}"`);
  }
  return port;
}

async function startLocalBroker(): Promise<{ started: boolean }> {
  const output = await runKafkaScript('acquire');
  // A run that ends without calling stop() (a failed hook, a forgotten after) must not leave a broker behind.
  process.once('exit', releaseLeaseSync);
  // kafka.sh says "started (pid N)" when it launched the broker, "already running (pid N)" otherwise.
  return { started: /\bstarted \(pid \d+\)/.test(output) };
}

function runKafkaScript(command: 'acquire' | 'release'): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [KAFKA_SCRIPT, command, String(process.pid)], { encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) {
        const reason = stderr.trim() || stdout.trim() || error.message;
        reject(new Error(`bash broker/kafka.sh ${command} failed: ${reason}`));
      } else {
        resolve(stdout);
      }
    });
  });
}

// 'exit' handlers may only do synchronous work.
function releaseLeaseSync(): void {
  try {
    execFileSync('bash', [KAFKA_SCRIPT, 'release', String(process.pid)], { stdio: 'ignore' });
  } catch {
    // The process is exiting anyway; `bash broker/kafka.sh status` shows whether a broker survived.
  }
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await portAnswers(port))) {
    if (Date.now() > deadline) {
      throw new Error(`the Kafka broker did not answer on ${HOST}:${port} within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
