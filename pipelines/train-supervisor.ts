/**
 * Keeps a Kafka pipeline running through broker faults: when an attempt fails because Kafka could
 * not be reached (a broker restart, a lost connection, a coordinator moving), the attempt has
 * already torn down its clients; the supervisor waits with exponential backoff and starts a new
 * attempt, which resumes from the last committed checkpoint. It gives up once Kafka has failed for
 * longer than `retryForMs` without an attempt making progress.
 *
 * A broker that is down at start is not retried here: until an attempt has reached the cluster
 * once, a failure ends the run after the client's own bounded retry, with its one-line message.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface SuperviseOptions {
  /** Give up when Kafka failures have lasted this long without progress. */
  readonly retryForMs: number;
  /** Wait before the first retry; doubles per failed attempt up to maxBackoffMs. */
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly log: (line: string) => void;
  /** Aborting it ends the waiting between attempts; the failure at hand is then thrown. */
  readonly signal?: AbortSignal;
}

export const SUPERVISE_DEFAULTS: Omit<SuperviseOptions, 'log'> = Object.freeze({
  retryForMs: 120_000,
  initialBackoffMs: 500,
  maxBackoffMs: 8_000,
});

/** What an attempt reports: `connected` once it has reached the cluster, `progressed` per committed checkpoint. */
export interface AttemptHooks {
  connected(): void;
  progressed(): void;
}

export async function superviseKafkaRun<T>(attempt: (hooks: AttemptHooks) => Promise<T>, options: SuperviseOptions): Promise<T> {
  let everConnected = false;
  let failingSince: number | undefined;
  let backoffMs = options.initialBackoffMs;
  for (let attemptNumber = 1; ; attemptNumber++) {
    let progressed = false;
    const hooks: AttemptHooks = {
      connected: () => {
        everConnected = true;
      },
      progressed: () => {
        progressed = true;
      },
    };
    try {
      return await attempt(hooks);
    } catch (error) {
      if (!everConnected || !isKafkaUnavailable(error) || options.signal?.aborted) throw error;
      const now = Date.now();
      if (progressed || failingSince === undefined) {
        failingSince = now;
        backoffMs = options.initialBackoffMs;
      }
      const failingFor = now - failingSince;
      if (failingFor > options.retryForMs) {
        throw new Error(`Kafka has been failing for ${(failingFor / 1000).toFixed(0)} s (limit ${(options.retryForMs / 1000).toFixed(0)} s); giving up: ${messageOf(error)}`, { cause: error });
      }
      options.log(`Kafka failure (${messageOf(error)}); attempt ${attemptNumber + 1} resumes from the last committed checkpoint in ${formatWait(backoffMs)}`);
      try {
        await sleep(backoffMs, undefined, { signal: options.signal });
      } catch {
        throw error; // stopped while waiting
      }
      backoffMs = Math.min(backoffMs * 2, options.maxBackoffMs);
    }
  }
}

/** KafkaJS error classes that mean "the cluster could not be reached or did not answer in time". */
const UNAVAILABLE_ERRORS = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSStaleTopicMetadataAssignment',
  'KafkaJSLockTimeout',
]);

/** Protocol errors that a retry cannot fix: another instance took over, or access is denied. */
const FATAL_PROTOCOL_ERRORS = new Set([
  'INVALID_PRODUCER_EPOCH',
  'PRODUCER_FENCED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'TOPIC_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
]);

/**
 * Whether `error`, or an error it wraps (`cause`, KafkaJS's `originalError`), says Kafka was
 * unavailable: a connection or timeout error, or a protocol error the broker marks retriable
 * (coordinator moving or loading, leader not available). Fencing and authorization are never retried.
 */
export function isKafkaUnavailable(error: unknown): boolean {
  const chain = errorChain(error);
  if (chain.some((e) => typeof e.type === 'string' && FATAL_PROTOCOL_ERRORS.has(e.type))) return false;
  return chain.some((e) => (typeof e.name === 'string' && UNAVAILABLE_ERRORS.has(e.name)) || (e.name === 'KafkaJSProtocolError' && e.retriable === true));
}

interface ErrorLike {
  readonly name?: unknown;
  readonly type?: unknown;
  readonly retriable?: unknown;
  readonly cause?: unknown;
  readonly originalError?: unknown;
}

function errorChain(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  const pending: unknown[] = [error];
  while (pending.length > 0 && chain.length < 20) {
    const current = pending.pop();
    if (current === null || typeof current !== 'object' || chain.includes(current as ErrorLike)) continue;
    const candidate = current as ErrorLike;
    chain.push(candidate);
    pending.push(candidate.cause, candidate.originalError);
  }
  return chain;
}

function formatWait(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
