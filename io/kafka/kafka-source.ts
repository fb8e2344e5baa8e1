/**
 * A KafkaJS consumer group as an Observable of fetched batches, with backpressure, a bounded
 * "read what was there at start" mode, and explicit offset commits.
 *
 * Backpressure. Each emitted {@link KafkaBatch} is pushed downstream from inside KafkaJS's
 * `eachBatch`, which then waits until the chain has caught up; KafkaJS fetches again only after
 * `eachBatch` returns. Synchronous operators are done when `next()` returns. Asynchronous steps
 * (sink writes, commits, dead-letter produces) make their promise known with `source.track(p)`,
 * and `eachBatch` also waits until every tracked promise has settled, including those started by
 * values that were queued behind them. So at most one fetch is held in the chain beyond what its
 * own operators keep as state (an open window), and memory stays bounded by the fetch size
 * (`fetch.maxBytes`). An async step that is not tracked is not waited for: its queue can grow.
 *
 * @example
 * const source = kafkaSource({ connection: { brokers }, topics: ['clicks'], groupId: 'train' });
 * source.batches$.pipe(
 *   mergeMap((batch) => batch.records),
 *   deserialize(decodeRecord),
 *   routeFailures((failure) => source.track(deadLetters.send([deadLetterRecord(failure.raw, 'DECODE', failure.reason)]))),
 *   messageWindow(10),
 *   // ... evaluate, learn, gate ...
 *   concatMap((step) => source.track(sink.send(toRecords(step)).then(() => source.commit(step.window.positions)))),
 * ).subscribe({ complete: () => source.close() });
 *
 * Commits are the pipeline's: autoCommit is off, and `commit(positions)` stores `lastOffset + 1` per
 * topic-partition once the sinks of a window have written (at-least-once). A later run with the
 * same group id resumes there.
 *
 * Lifecycle. `until: 'end-offsets-at-start'` (the default) completes once every assigned partition
 * has reached the end offset captured at start; `'follow'` runs until unsubscribed or `close()`.
 * On completion the consumer stays in the group until tracked work has drained, so the last
 * window's commit still goes through, and then disconnects. `close()` stops gracefully: it lets the
 * current batch finish, completes the Observable, drains, disconnects, and resolves when done.
 * Unsubscribing disconnects at once.
 */
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { Observable, type Subscriber } from 'rxjs';
import type { SourcePosition } from '../../transforms/types';
import { connectionError, createKafka, DEFAULT_RETRY, retryRetriable, type KafkaConnection } from './client';
import { captureEndOffsets, EndOffsets } from './end-offsets';
import { InFlight } from './in-flight';
import { topicPartitionKey, type KafkaBatch, type KafkaRecord } from './records';

export type UntilMode = 'end-offsets-at-start' | 'follow';

export interface FetchOptions {
  /** Upper bound of one fetch response, all partitions together. */
  readonly maxBytes?: number;
  /** Upper bound per partition in one fetch (a larger single record batch is still returned whole). */
  readonly maxBytesPerPartition?: number;
  /** The broker answers once this many bytes are ready, or after maxWaitTimeInMs. */
  readonly minBytes?: number;
  readonly maxWaitTimeInMs?: number;
}

export interface KafkaSourceOptions {
  readonly connection: KafkaConnection;
  readonly topics: readonly string[];
  readonly groupId: string;
  /** Default 'end-offsets-at-start'. */
  readonly until?: UntilMode;
  /** Where a group without a committed offset starts. Default true (earliest). */
  readonly fromBeginning?: boolean;
  readonly fetch?: FetchOptions;
  /** Also read records of open and aborted transactions. Default false (read committed). */
  readonly readUncommitted?: boolean;
  /** Milliseconds without a heartbeat before the group drops this consumer; KafkaJS default 30000. */
  readonly sessionTimeout?: number;
}

export interface KafkaSource {
  /** Fetched batches; one subscription per source. Subscribing connects and joins the group. */
  readonly batches$: Observable<KafkaBatch>;
  /** Makes the source wait for `work` before fetching again; returns `work`. */
  track<T>(work: PromiseLike<T>): Promise<T>;
  /** Commits `lastOffset + 1` per topic-partition (the highest given); offsets never move back. */
  commit(positions: Iterable<SourcePosition>): Promise<void>;
  /** Stops gracefully (see the module comment) and resolves once the consumer has disconnected. */
  close(): Promise<void>;
}

/**
 * Tuned with bench/kafka-fetch.ts (10k messages of 8.5 KB on the local broker, median of 3 reads,
 * on a busy 2-core machine): KafkaJS's default 1 MiB per partition reads ~20-24k messages/s in 100
 * fetches; 2 to 16 MiB per partition all read ~23-48k/s, their differences within the noise. Fetches
 * do not overlap processing (that is the backpressure), so each adds its latency. Larger fetches
 * cost memory (peak RSS of a fetch-only run ~135 MB at 1 MiB, ~155 MB at 8 MiB, ~195 MB at 16 MiB
 * per partition), hence 4 MiB, against the train pipeline's 200 MB budget.
 */
export const DEFAULT_FETCH: Readonly<Required<FetchOptions>> = Object.freeze({
  maxBytes: 8 * 1024 * 1024,
  maxBytesPerPartition: 4 * 1024 * 1024,
  minBytes: 1,
  // consumer.stop() waits for the fetch in flight, so a long poll would delay every close.
  maxWaitTimeInMs: 100,
});

/** How often a batch that waits for a slow chain keeps the group membership alive. */
const HEARTBEAT_WHILE_WAITING_MS = 1000;

export function kafkaSource(options: KafkaSourceOptions): KafkaSource {
  checkOptions(options);
  const inFlight = new InFlight();
  let run: SourceRun | undefined;
  const batches$ = new Observable<KafkaBatch>((subscriber) => {
    if (run !== undefined) {
      subscriber.error(new Error(`kafkaSource: batches$ of group ${options.groupId} was already subscribed; create a new source to read again`));
      return undefined;
    }
    const current = new SourceRun(options, subscriber, inFlight);
    run = current;
    current.start();
    return () => current.teardown();
  });
  return {
    batches$,
    track: (work) => inFlight.track(work),
    commit: (positions) =>
      run === undefined
        ? Promise.reject(new Error('kafkaSource: nothing to commit before batches$ is subscribed'))
        : run.commit(positions),
    close: () => (run === undefined ? Promise.resolve() : run.close()),
  };
}

type Phase = 'starting' | 'running' | 'stopping' | 'stopped';

interface PendingCommit {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
}

/** One subscription's consumer, from connecting to disconnecting. */
class SourceRun {
  readonly #options: KafkaSourceOptions;
  readonly #subscriber: Subscriber<KafkaBatch>;
  readonly #inFlight: InFlight;
  readonly #until: UntilMode;
  readonly #abort = new AbortController();
  readonly #committed = new Map<string, bigint>();
  readonly #removeListeners: Array<() => void> = [];
  #consumer: Consumer | undefined;
  #ends: EndOffsets | undefined;
  #assignment: Map<string, number[]> | undefined;
  #phase: Phase = 'starting';
  #startup: Promise<void> = Promise.resolve();
  #inBatch = false;
  #stopRequested = false;
  #completing = false;
  #commitQueue: Promise<unknown> = Promise.resolve();
  #commitEvents = 0;
  #shutdown: Promise<void> | undefined;
  #shutdownError: unknown;
  readonly #stopped: Promise<void>;
  #markStopped!: () => void;

  constructor(options: KafkaSourceOptions, subscriber: Subscriber<KafkaBatch>, inFlight: InFlight) {
    this.#options = options;
    this.#subscriber = subscriber;
    this.#inFlight = inFlight;
    this.#until = options.until ?? 'end-offsets-at-start';
    this.#stopped = new Promise<void>((resolve) => {
      this.#markStopped = resolve;
    });
  }

  start(): void {
    this.#startup = this.#connectAndRun().catch((error: unknown) => {
      if (!this.#subscriber.closed) this.#subscriber.error(error);
    });
  }

  async #connectAndRun(): Promise<void> {
    const { connection, topics, groupId } = this.#options;
    const fromBeginning = this.#options.fromBeginning ?? true;
    const startedAt = Date.now();
    const kafka = createKafka(connection, 'kafka-source');
    const admin = kafka.admin();
    try {
      await admin.connect();
    } catch (error) {
      throw connectionError('kafkaSource', connection, startedAt, error);
    }
    try {
      await requireTopics(admin, topics);
      if (this.#until === 'end-offsets-at-start') {
        this.#ends = await retryRetriable(connection, () => captureEndOffsets(admin, groupId, topics, fromBeginning));
      }
    } finally {
      await admin.disconnect();
    }
    if (this.#abort.signal.aborted) return;
    if (this.#ends?.allDone()) {
      this.#complete();
      return;
    }
    const consumer = this.#createConsumer(kafka);
    this.#consumer = consumer;
    try {
      await consumer.connect();
    } catch (error) {
      throw connectionError('kafkaSource', connection, startedAt, error);
    }
    if (this.#abort.signal.aborted) return;
    await consumer.subscribe({ topics: [...topics], fromBeginning });
    this.#phase = 'running';
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.#eachBatch(payload),
    });
    if (this.#stopRequested) this.#completeIfBetweenBatches();
  }

  #createConsumer(kafka: Kafka): Consumer {
    const fetch = { ...DEFAULT_FETCH, ...this.#options.fetch };
    const consumer = kafka.consumer({
      groupId: this.#options.groupId,
      readUncommitted: this.#options.readUncommitted ?? false,
      sessionTimeout: this.#options.sessionTimeout,
      maxBytes: fetch.maxBytes,
      maxBytesPerPartition: fetch.maxBytesPerPartition,
      minBytes: fetch.minBytes,
      maxWaitTimeInMs: fetch.maxWaitTimeInMs,
      allowAutoTopicCreation: false,
      retry: { ...DEFAULT_RETRY, ...this.#options.connection.retry },
    });
    const { events } = consumer;
    this.#removeListeners.push(
      consumer.on(events.GROUP_JOIN, ({ payload }) => {
        this.#assignment = new Map(Object.entries(payload.memberAssignment));
        this.#completeIfBetweenBatches();
      }),
      // Also fires for fetches that held only transaction markers or aborted records, which never
      // reach eachBatch but still move the position towards the end offset.
      consumer.on(events.END_BATCH_PROCESS, ({ payload }) => {
        const ends = this.#ends;
        if (ends !== undefined) {
          ends.advance(payload.topic, payload.partition, payload.lastOffset);
          if (ends.isDone(payload.topic, payload.partition)) {
            consumer.pause([{ topic: payload.topic, partitions: [payload.partition] }]);
          }
        }
        this.#completeIfBetweenBatches();
      }),
      consumer.on(events.COMMIT_OFFSETS, () => {
        this.#commitEvents += 1;
      }),
      consumer.on(events.CRASH, ({ payload }) => {
        // A retriable crash makes KafkaJS rejoin on its own; anything else ends the stream.
        if (!payload.restart && !this.#subscriber.closed) {
          this.#subscriber.error(new Error(`kafkaSource: the consumer of group ${this.#options.groupId} stopped: ${payload.error.message}`, { cause: payload.error }));
        }
      }),
    );
    return consumer;
  }

  async #eachBatch({ batch, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (this.#completing || this.#subscriber.closed || !isRunning() || isStale()) return;
    let end: bigint | undefined;
    if (this.#ends !== undefined) {
      end = this.#ends.endOf(batch.topic, batch.partition);
      // A partition created after start has nothing to read in a bounded run.
      if (end === undefined || this.#ends.isDone(batch.topic, batch.partition)) return;
    }
    const records = toRecords(batch.topic, batch.partition, batch.messages, end);
    if (records.length === 0) return;
    this.#inBatch = true;
    const keepAlive = setInterval(() => {
      // A rebalance shows up again at the runner's own heartbeat after this batch.
      heartbeat().catch(() => {});
    }, HEARTBEAT_WHILE_WAITING_MS);
    try {
      this.#subscriber.next({ topic: batch.topic, partition: batch.partition, records, highWatermark: batch.highWatermark });
      await this.#inFlight.whenIdle(this.#abort.signal);
    } finally {
      clearInterval(keepAlive);
      this.#inBatch = false;
    }
  }

  #completeIfBetweenBatches(): void {
    if (this.#completing || this.#inBatch || this.#subscriber.closed) return;
    if (this.#stopRequested || this.#ends?.allDone(this.#assignment)) this.#complete();
  }

  #complete(): void {
    this.#completing = true;
    this.#subscriber.complete();
  }

  teardown(): void {
    this.#abort.abort();
    this.#shutdown ??= this.#disconnect(this.#completing).then(
      () => this.#markStopped(),
      (error: unknown) => {
        this.#shutdownError = error;
        this.#markStopped();
      },
    );
  }

  async #disconnect(graceful: boolean): Promise<void> {
    await this.#startup;
    const consumer = this.#consumer;
    try {
      if (consumer === undefined) return;
      if (graceful && this.#phase === 'running') {
        consumer.pause(this.#options.topics.map((topic) => ({ topic })));
        // The last windows' sinks and commits run after completion, while the consumer is still a member.
        await this.#inFlight.whenIdle();
      }
      this.#phase = 'stopping';
      await this.#commitQueue;
      await consumer.disconnect();
    } finally {
      this.#phase = 'stopped';
      for (const remove of this.#removeListeners.splice(0)) remove();
    }
  }

  async close(): Promise<void> {
    this.#stopRequested = true;
    // Mid-batch, END_BATCH_PROCESS completes once the batch is done; while starting, #connectAndRun does.
    if (this.#phase === 'running') this.#completeIfBetweenBatches();
    if (this.#phase === 'starting' && !this.#subscriber.closed) this.#complete();
    await this.#stopped;
    if (this.#shutdownError !== undefined) {
      throw new Error(`kafkaSource: disconnecting the consumer of group ${this.#options.groupId} failed`, { cause: this.#shutdownError });
    }
  }

  commit(positions: Iterable<SourcePosition>): Promise<void> {
    const wanted = nextOffsets(positions);
    const task = this.#commitQueue.then(() => this.#commitNow(wanted));
    this.#commitQueue = task.catch(() => {});
    return task;
  }

  async #commitNow(wanted: readonly PendingCommit[]): Promise<void> {
    const fresh = wanted.filter(({ topic, partition, offset }) => offset > (this.#committed.get(topicPartitionKey(topic, partition)) ?? -1n));
    if (fresh.length === 0) return;
    const described = fresh.map(({ topic, partition, offset }) => `${topic}[${partition}]=${offset}`).join(', ');
    const consumer = this.#consumer;
    if (this.#phase !== 'running' || consumer === undefined) {
      const state = this.#phase === 'starting' ? 'not joined the group yet' : 'left the group';
      throw new Error(`kafkaSource: cannot commit ${described}: the consumer has ${state}; pass the commit through source.track() so the source waits for it before disconnecting`);
    }
    const eventsBefore = this.#commitEvents;
    await consumer.commitOffsets(fresh.map(({ topic, partition, offset }) => ({ topic, partition, offset: offset.toString() })));
    // KafkaJS returns without committing, and without an error, while its runner is not running.
    if (this.#commitEvents === eventsBefore) {
      throw new Error(`kafkaSource: ${described} was not committed: the consumer was not running (restarting after an error?)`);
    }
    for (const { topic, partition, offset } of fresh) this.#committed.set(topicPartitionKey(topic, partition), offset);
  }
}

function toRecords(topic: string, partition: number, messages: readonly KafkaMessage[], end: bigint | undefined): KafkaRecord[] {
  const records: KafkaRecord[] = [];
  const checkEnd = end !== undefined && messages.length > 0 && BigInt(messages[messages.length - 1].offset) >= end;
  for (const message of messages) {
    if (checkEnd && BigInt(message.offset) >= (end as bigint)) break;
    records.push({
      topic,
      partition,
      offset: message.offset,
      key: message.key,
      value: message.value,
      headers: message.headers ?? {},
      timestamp: Number(message.timestamp),
    });
  }
  return records;
}

function nextOffsets(positions: Iterable<SourcePosition>): PendingCommit[] {
  const highest = new Map<string, PendingCommit>();
  for (const { topic, partition, lastOffset } of positions) {
    const offset = BigInt(lastOffset) + 1n;
    const key = topicPartitionKey(topic, partition);
    const known = highest.get(key);
    if (known === undefined || offset > known.offset) highest.set(key, { topic, partition, offset });
  }
  return [...highest.values()];
}

async function requireTopics(admin: Admin, topics: readonly string[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((topic) => !existing.has(topic));
  if (missing.length > 0) {
    throw new Error(`kafkaSource: topic${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not found on the cluster; create ${missing.length > 1 ? 'them' : 'it'} first (ensureTopics)`);
  }
}

function checkOptions(options: KafkaSourceOptions): void {
  if (!Array.isArray(options.topics) || options.topics.length === 0 || options.topics.some((topic) => typeof topic !== 'string' || topic === '')) {
    throw new Error(`kafkaSource: topics must be a non-empty list of topic names, got ${JSON.stringify(options.topics)}`);
  }
  if (typeof options.groupId !== 'string' || options.groupId === '') {
    throw new Error(`kafkaSource: groupId must be a non-empty string, got ${JSON.stringify(options.groupId)}`);
  }
  const until = options.until ?? 'end-offsets-at-start';
  if (until !== 'end-offsets-at-start' && until !== 'follow') {
    throw new Error(`kafkaSource: until must be 'end-offsets-at-start' or 'follow', got ${JSON.stringify(options.until)}`);
  }
  for (const [name, value] of Object.entries(options.fetch ?? {})) {
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
      throw new Error(`kafkaSource: fetch.${name} must be a non-negative integer, got ${value}`);
    }
  }
}
