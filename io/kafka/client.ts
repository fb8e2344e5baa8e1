/**
 * One place that turns "which cluster, how patiently" into a KafkaJS client, so the source, the
 * sinks and topic admin share the same retry policy and logging.
 */
import { Kafka, logLevel, type Admin, type RetryOptions } from 'kafkajs';

export interface KafkaConnection {
  /** Bootstrap addresses, `host:port` (e.g. `ensureBroker().brokers`). */
  readonly brokers: readonly string[];
  readonly clientId?: string;
  /**
   * KafkaJS retry policy for connecting and for retriable request errors. The default gives up after
   * 5 retries, about 9 s of waiting (300 ms doubling), so a broker that is down fails fast and loudly.
   */
  readonly retry?: RetryOptions;
  /** Milliseconds to wait for a TCP connection to a broker; KafkaJS default 1000. */
  readonly connectionTimeout?: number;
  /** Milliseconds to wait for a broker's answer to one request; KafkaJS default 30000. */
  readonly requestTimeout?: number;
}

export const DEFAULT_RETRY: Readonly<RetryOptions> = Object.freeze({
  retries: 5,
  initialRetryTime: 300,
  maxRetryTime: 10_000,
});

const LOG_LEVELS: Readonly<Record<string, logLevel>> = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
};

/**
 * KafkaJS logs retried, expected broker answers (coordinator loading, rebalances) as errors, and every
 * real failure also surfaces as a rejection, so it is silent unless KAFKAJS_LOG_LEVEL asks otherwise.
 */
function configuredLogLevel(): logLevel {
  const raw = process.env.KAFKAJS_LOG_LEVEL?.trim().toLowerCase();
  if (!raw) return logLevel.NOTHING;
  const level = LOG_LEVELS[raw];
  if (level === undefined) {
    throw new Error(`KAFKAJS_LOG_LEVEL must be one of ${Object.keys(LOG_LEVELS).join(', ')}, got "${raw}"`);
  }
  return level;
}

export function createKafka(connection: KafkaConnection, defaultClientId: string): Kafka {
  if (!Array.isArray(connection.brokers) || connection.brokers.length === 0) {
    throw new Error(`${defaultClientId}: connection.brokers must list at least one host:port`);
  }
  return new Kafka({
    clientId: connection.clientId ?? defaultClientId,
    brokers: [...connection.brokers],
    retry: { ...DEFAULT_RETRY, ...connection.retry },
    connectionTimeout: connection.connectionTimeout,
    requestTimeout: connection.requestTimeout,
    logLevel: configuredLogLevel(),
  });
}

/**
 * Wraps a failure to reach the cluster into one line that names the brokers, how long was spent
 * retrying and the underlying cause, instead of KafkaJS's nested retry errors.
 */
export function connectionError(who: string, connection: KafkaConnection, startedAt: number, error: unknown): Error {
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  const retries = connection.retry?.retries ?? DEFAULT_RETRY.retries;
  return new Error(
    `${who}: could not reach Kafka at ${connection.brokers.join(',')} (gave up after ${retries} retries, ${seconds} s): ${rootMessage(error)}`,
    { cause: error },
  );
}

function rootMessage(error: unknown): string {
  let current: unknown = error;
  // KafkaJS nests the socket error under one or two retry wrappers.
  for (let depth = 0; depth < 5; depth++) {
    if (!(current instanceof Error)) break;
    const next: unknown = current.cause;
    if (!(next instanceof Error) || next === current) break;
    current = next;
  }
  return current instanceof Error ? current.message : String(current);
}

/**
 * Runs `attempt` again on errors KafkaJS marks retriable, with the connection's backoff. Some admin
 * calls (fetchOffsets among them) do not retry by themselves, and a freshly started broker answers
 * GROUP_LOAD_IN_PROGRESS until its group coordinator has loaded.
 */
export async function retryRetriable<T>(connection: KafkaConnection, attempt: () => Promise<T>): Promise<T> {
  const { retries = 5, initialRetryTime = 300, maxRetryTime = 10_000, multiplier = 2 } = { ...DEFAULT_RETRY, ...connection.retry };
  let waitMs = initialRetryTime;
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      const retriable = (error as { retriable?: unknown } | null)?.retriable === true;
      if (!retriable || retry >= retries) throw error;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      waitMs = Math.min(waitMs * multiplier, maxRetryTime);
    }
  }
}

/** Runs `use` with a connected admin client, disconnected afterwards whatever happens. */
export async function withAdmin<T>(connection: KafkaConnection, clientId: string, use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = createKafka(connection, clientId).admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}
