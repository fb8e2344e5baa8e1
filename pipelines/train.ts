/**
 * The seed's consumer rebuilt from transforms, on Kafka:
 *
 *   Kafka source → Avro decode → dead letters → messageWindow → partialFit (evaluate, learn, gate)
 *     → trackMetrics → Kafka sinks (metrics, snapshot, dead letters; per checkpoint, with the offsets) → out/
 *
 * Each fetch (or each --checkpoint-messages slice of it) is processed synchronously through the
 * chain; then everything it produced is written with the offsets it covers as one checkpoint: one
 * transaction (default) or produce-then-commit. Checkpoints are written in order, one at a time;
 * the next slice is processed while one is in flight, and waits for the one before it
 * (backpressure). Every checkpoint that moves the offsets carries a snapshot of the whole trainer
 * state, so a restart resumes from the last committed snapshot exactly (README: "Exactly-once and
 * recovery").
 *
 * Run: `npx tsx pipelines/train.ts --help`
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { concat, concatMap, concatWith, defer, EMPTY, finalize, from, ignoreElements, lastValueFrom, merge, reduce, Subject, takeUntil, tap } from 'rxjs';
import { tracker } from '../metrics/tracker';
import type { GatePolicy } from '../training/gate-policies';
import { initialTrainerState } from '../training/train-step';
import { deserialize } from '../transforms/deserialize';
import { messageWindow } from '../transforms/message-window';
import { partialFit } from '../transforms/partial-fit';
import { routeFailures } from '../transforms/route-failures';
import { trackMetrics } from '../transforms/track-metrics';
import type { LabeledMessage, SourcePosition } from '../transforms/types';
import { decodeClickstream } from '../io/avro/clickstream-codec';
import type { ModelSnapshotRecord } from '../io/avro/schemas';
import type { KafkaConnection } from '../io/kafka/client';
import { atLeastOnceWriter, transactionalId, transactionalWriter } from '../io/kafka/checkpoint-writer';
import { deadLetterRecord } from '../io/kafka/dead-letter';
import { kafkaSource, type UntilMode } from '../io/kafka/kafka-source';
import { recordPosition, topicPartitionKey, type KafkaRecord, type OutgoingRecord } from '../io/kafka/records';
import { committedOffsets, ensureSnapshotFits, latestSnapshot, syncGroupOffsets } from '../io/kafka/snapshot-store';
import { deadLetterTopic, ensureTopics, metricsTopic, SNAPSHOT_MAX_MESSAGE_BYTES, snapshotTopic } from '../io/kafka/topics';
import {
  metricsOutgoing,
  nextOffsets,
  restoreCheckpoint,
  snapshotOutgoing,
  snapshotRecord,
  stepMetricsRecord,
  type CheckpointState,
  type NextOffset,
} from '../io/kafka/training-records';
import { localArtifactPaths, writeLocalArtifacts } from '../io/artifacts/local-artifacts';
import { runSummaryFile, writeRunSummaryJson, type RunSummaryFile } from '../io/artifacts/run-summary-json';
import { progressBar } from '../io/console/progress';
import { countDecisions, type RunSummary } from './run-summary';
import { parseTrainingChoices, TRAINING_OPTION_SPECS, TRAINING_USAGE, type TrainingChoices } from './training-options';
import { runWithBroker } from './broker-session';
import { superviseKafkaRun, SUPERVISE_DEFAULTS } from './train-supervisor';

export interface TrainConfig {
  readonly input: string;
  readonly metricsTopic: string;
  readonly snapshotTopic: string;
  readonly deadLetterTopic: string;
  readonly groupId: string;
  readonly modelId: string;
  readonly until: UntilMode;
  readonly windowMessages: number;
  /**
   * Most messages per checkpoint (one transaction); 0 checkpoints once per fetch. A fetch returns
   * whole record batches as the producer wrote them, so only this bounds a checkpoint from below.
   */
  readonly checkpointMessages: number;
  readonly transactions: boolean;
  readonly nFeatures: number;
  readonly outDir: string;
  /** Milliseconds without a heartbeat before the group drops the consumer; also how long a restart waits for a killed member. */
  readonly sessionTimeoutMs: number;
  /** Messages expected, for the progress bar only (0: no bar). */
  readonly expectedMessages: number;
  readonly log: (line: string) => void;
  /** Aborting it stops gracefully: the current checkpoint commits, an open window is left to the next run. */
  readonly signal?: AbortSignal;
  readonly events?: TrainEvents;
}

export interface TrainEvents {
  /** The cluster answered (topics are in place): later Kafka failures are worth retrying. */
  connected?(): void;
  /** A checkpoint committed. */
  checkpoint?(checkpoint: CommittedCheckpoint): void;
}

export interface CommittedCheckpoint {
  /** Windows trained so far, over every run of this model id. */
  readonly windows: number;
  readonly version: number;
  /** Records written with it: metrics, dead letters and the snapshot. */
  readonly records: number;
  readonly offsets: readonly NextOffset[];
}

export const TRAIN_DEFAULTS: Omit<TrainConfig, 'log'> = Object.freeze({
  input: 'clickstream',
  metricsTopic: 'clickstream.metrics',
  snapshotTopic: 'clickstream.snapshots',
  deadLetterTopic: 'clickstream.dead-letter',
  groupId: 'streamlearn.train',
  modelId: 'clickstream-sgd',
  until: 'end-offsets-at-start',
  windowMessages: 1,
  checkpointMessages: 0,
  transactions: true,
  nFeatures: 10,
  outDir: 'out',
  sessionTimeoutMs: 10_000,
  expectedMessages: 0,
});

export interface TrainResult {
  readonly summary: RunSummaryFile;
  /** The snapshot version training resumed from, or null for a fresh model. */
  readonly resumedFromVersion: number | null;
  readonly writer: 'transactional' | 'at-least-once';
  /** Whether the run ended on config.signal rather than at the end of its input. */
  readonly stopped: boolean;
  /** Records fetched again after a consumer restart or rebalance, and skipped as already in the chain. */
  readonly redelivered: number;
}

class DeadLetter extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

function decodeRecord(nFeatures: number) {
  return (record: KafkaRecord): LabeledMessage => {
    if (record.value === null) throw new DeadLetter('NOT_AVRO', 'the record has no value (a tombstone)');
    const decoded = decodeClickstream(record.value, { nFeatures });
    if (!decoded.ok) throw new DeadLetter(decoded.reason, decoded.message);
    // Named fields rather than a spread: a spread plus a field costs ~1 µs per message on this V8.
    const { id, eventTime, batch } = decoded.value;
    return { id, eventTime, batch, position: recordPosition(record) };
  };
}

function chunksOf<T>(items: readonly T[], size: number): T[][] {
  if (size <= 0 || items.length <= size) return [items.slice()];
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * Trains on the input from the model's last committed snapshot. Exactly once: every checkpoint
 * writes its metrics records, dead letters, a snapshot of the whole trainer state and the input
 * offsets it reflects in one transaction, and a restart continues from the last snapshot and those
 * offsets, so each window is learned and reported exactly once however the process ends.
 */
export async function train(connection: KafkaConnection, config: TrainConfig, choices: TrainingChoices): Promise<TrainResult> {
  const { model, gate, evaluation, drift } = choices;
  const started = performance.now();
  await ensureTopics(connection, [metricsTopic(config.metricsTopic), snapshotTopic(config.snapshotTopic), deadLetterTopic(config.deadLetterTopic)]);
  config.events?.connected?.();

  const run = { modelId: config.modelId, modelKind: model.kind };
  const source = kafkaSource({ connection, topics: [config.input], groupId: config.groupId, until: config.until, sessionTimeout: config.sessionTimeoutMs });
  const writer = config.transactions
    ? transactionalWriter(connection, {
        groupId: config.groupId,
        transactionalId: transactionalId(config.groupId, [config.input]),
        barrier: { topics: [config.metricsTopic, config.snapshotTopic, config.deadLetterTopic], inputTopics: [config.input] },
      })
    : atLeastOnceWriter(connection, source);
  const bar = config.expectedMessages > 0 ? progressBar('train', config.expectedMessages) : undefined;
  const stop$ = new Subject<void>();
  let stopping = false;
  /** The checkpoints written so far, in order; a failed one fails every later one, so none is skipped. */
  let checkpointQueue: Promise<void> = Promise.resolve();
  const checkpointsSettled = async (): Promise<void> => {
    for (let seen: Promise<void> | undefined; seen !== checkpointQueue; ) {
      seen = checkpointQueue;
      await seen.catch(() => {});
    }
  };
  const requestStop = (): void => {
    if (stopping) return;
    stopping = true;
    config.log(`model ${config.modelId}: stopping after the current checkpoint`);
    // Once the checkpoints in flight are written, so their offsets still commit through a live consumer (at-least-once).
    void checkpointsSettled().then(() => stop$.next());
  };
  config.signal?.addEventListener('abort', requestStop, { once: true });

  let restored: CheckpointState<unknown, unknown> | null = null;
  let resumedOffsets: NextOffset[] = [];
  let counts: RunSummary | undefined;
  let messages = 0;
  let deadLettered = 0;
  let redelivered = 0;
  try {
    // Fence first: an earlier instance's open transaction is finished before the snapshot is read.
    await writer.connect();
    ({ checkpoint: restored, offsets: resumedOffsets } = await resume(connection, config, choices));
    if (config.signal?.aborted) stopping = true;

    const startState = restored?.trainer ?? initialTrainerState(model, gate as GatePolicy<unknown>, drift);
    let latestStep: { readonly state: CheckpointState<unknown, unknown>['trainer']; readonly trackerState: CheckpointState<unknown, unknown>['metrics'] } | null = null;
    let latest: CheckpointState<unknown, unknown> = { trainer: startState, metrics: restored?.metrics ?? tracker({ kind: 'cumulative' }, model.nClasses) };
    /** Per input partition, the offset the next snapshot reflects: last processed + 1, over every run. */
    const reflected = new Map<string, NextOffset>(resumedOffsets.map((o) => [topicPartitionKey(o.topic, o.partition), o]));
    /** Per input partition, the next offset the chain expects; an earlier one was fetched again. */
    const nextExpected = new Map<string, bigint>(resumedOffsets.map((o) => [topicPartitionKey(o.topic, o.partition), BigInt(o.nextOffset)]));
    let outbox: OutgoingRecord[] = [];
    let covered = new Map<string, NextOffset>();
    // Dead letters and their offsets wait until no window is open, so a crash can skip no row of an
    // open window, and a dead letter is written exactly when its offset commits.
    let heldDeadLetters: { readonly record: OutgoingRecord; readonly position: SourcePosition }[] = [];
    let rowsDecoded = 0;
    let rowsTrained = 0;
    let snapshotLimit = SNAPSHOT_MAX_MESSAGE_BYTES;

    const checkpointFailed$ = new Subject<never>();

    /** Takes what the windows so far produced, with a snapshot of the latest state and the offsets it covers. */
    const takeCheckpoint = (): { records: OutgoingRecord[]; offsets: NextOffset[]; info: CommittedCheckpoint; messages: number } | null => {
      if (latestStep !== null) {
        latest = { trainer: latestStep.state, metrics: latestStep.trackerState };
        latestStep = null;
      }
      if (heldDeadLetters.length > 0) {
        // A held dead letter goes out with the first checkpoint whose offsets pass it: with every
        // window closed, all of them (their offsets commit too); otherwise those a completed window
        // already commits past, which would otherwise be skipped for good after a crash.
        const allClosed = rowsDecoded === rowsTrained;
        const still: typeof heldDeadLetters = [];
        for (const held of heldDeadLetters) {
          const commitTo = covered.get(topicPartitionKey(held.position.topic, held.position.partition));
          if (allClosed || (commitTo !== undefined && BigInt(commitTo.nextOffset) > BigInt(held.position.lastOffset))) {
            outbox.push(held.record);
            if (allClosed) nextOffsets([held.position], covered);
          } else {
            still.push(held);
          }
        }
        heldDeadLetters = still;
      }
      if (outbox.length === 0 && covered.size === 0) return null;
      const records = outbox;
      const offsets = [...covered.values()];
      outbox = [];
      covered = new Map();
      if (offsets.length > 0) {
        // Every move of the offsets comes with a snapshot, so the snapshot alone says where to resume.
        for (const o of offsets) reflected.set(topicPartitionKey(o.topic, o.partition), o);
        records.push(snapshotOutgoing(config.snapshotTopic, snapshotRecord(model, run, latest, reflected.values(), Date.now())));
      }
      return { records, offsets, messages, info: { windows: latest.trainer.windows, version: latest.trainer.version, records: records.length, offsets } };
    };
    /**
     * Queues a checkpoint of everything so far (taken now, at a chunk boundary, so it is consistent)
     * and resolves once the checkpoints before it have committed: one stays in flight while the next
     * chunk is processed, so the transaction's round trips overlap the training.
     */
    const checkpoint = (): Promise<void> => {
      const earlier = checkpointQueue;
      const taken = takeCheckpoint();
      if (taken !== null) {
        checkpointQueue = checkpointQueue.then(async () => {
          const snapshot = taken.records[taken.records.length - 1];
          if (taken.offsets.length > 0) snapshotLimit = await ensureSnapshotFits(connection, config.snapshotTopic, snapshot.value?.length ?? 0, snapshotLimit);
          await writer.write(taken.records, taken.offsets);
          bar?.update(taken.messages);
          config.events?.checkpoint?.(taken.info);
        });
        // A failure ends the run even when no later chunk comes to wait for this checkpoint (--follow, idle).
        checkpointQueue.catch((error: unknown) => checkpointFailed$.error(error));
      }
      return earlier;
    };
    const checkpointAll = (): Promise<void> => {
      checkpoint();
      return checkpointQueue;
    };

    const freshRecords = (records: readonly KafkaRecord[]): KafkaRecord[] =>
      records.filter((record) => {
        const key = topicPartitionKey(record.topic, record.partition);
        const offset = BigInt(record.offset);
        const expected = nextExpected.get(key);
        if (expected !== undefined && offset < expected) {
          redelivered += 1;
          return false;
        }
        nextExpected.set(key, offset + 1n);
        return true;
      });

    // The checkpoint failures join the stream, which ends with the source.
    const batches$ = merge(source.batches$.pipe(tap({ complete: () => checkpointFailed$.complete() })), checkpointFailed$);
    const records$ = batches$.pipe(
      concatMap((batch) => {
        // The source fetches again once this fetch's chunks are processed and all but the last checkpointed.
        let release!: () => void;
        void source.track(new Promise<void>((resolve) => (release = resolve)));
        return from(chunksOf(freshRecords(batch.records), config.checkpointMessages)).pipe(
          // Each chunk runs through the synchronous chain, then its checkpoint is queued, and the next
          // chunk waits until the checkpoint before it has committed.
          concatMap((chunk) => (stopping ? EMPTY : concat(from(chunk), defer(checkpoint).pipe(ignoreElements())))),
          finalize(() => release()),
        );
      }),
    );
    const messages$ = records$.pipe(
      tap(() => (messages += 1)),
      deserialize(decodeRecord(config.nFeatures)),
      routeFailures((failure) => {
        const reason = failure.error instanceof DeadLetter ? failure.error.code : 'OTHER';
        heldDeadLetters.push({ record: deadLetterRecord(failure.raw, reason, failure.reason, config.deadLetterTopic), position: recordPosition(failure.raw) });
        deadLettered += 1;
      }),
      tap((message) => (rowsDecoded += message.batch.x.rows)),
    );
    const steps$ = messages$.pipe(
      messageWindow(config.windowMessages),
      // Below the window operator: a stop drops the open window (its messages are not committed and
      // are read again), where completing the input would train on it as a short last window.
      takeUntil(stop$),
      partialFit(model, { evaluation, gate: gate as GatePolicy<unknown>, initial: startState, drift }),
      trackMetrics({ kind: 'cumulative' }, model.nClasses, { initial: latest.metrics }),
      tap((step) => {
        rowsTrained += step.rows;
        // The tracker state is built on read (see trackMetrics): only checkpoints read it.
        latestStep = step;
        const seconds = (performance.now() - started) / 1000;
        outbox.push(metricsOutgoing(config.metricsTopic, stepMetricsRecord(step, run, step.state.rowsSeen / seconds, Date.now())));
        nextOffsets(step.positions, covered);
      }),
      // The last checkpoint is tracked by the source while it completes, so the consumer is still a
      // member when an at-least-once checkpoint commits its offsets.
      concatWith(defer(() => source.track(checkpointAll())).pipe(ignoreElements())),
      writeLocalArtifacts(config.outDir, { chartTitle: `Training ${config.modelId} (${model.kind})` }),
      reduce(countDecisions, undefined),
    );
    if (!stopping) counts = await lastValueFrom(steps$, { defaultValue: undefined });
  } finally {
    config.signal?.removeEventListener('abort', requestStop);
    bar?.finish();
    await checkpointsSettled();
    const closed = await Promise.allSettled([source.close(), writer.close()]);
    const failed = closed.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed !== undefined) config.log(`model ${config.modelId}: closing the Kafka clients failed: ${failed.reason instanceof Error ? failed.reason.message : String(failed.reason)}`);
  }
  if (redelivered > 0) config.log(`model ${config.modelId}: skipped ${redelivered} record(s) fetched again after a consumer restart`);
  if (stopping) config.log(`model ${config.modelId}: stopped; ${counts?.windows ?? 0} window(s) trained and committed in this run`);
  const wallSeconds = (performance.now() - started) / 1000;
  const summary = runSummaryFile(counts, {
    messages,
    deadLettered,
    wallSeconds,
    model: model.kind,
    gate: gate.name,
    evaluation: evaluation.mode,
    ...localArtifactPaths(config.outDir),
  });
  await writeRunSummaryJson(join(config.outDir, 'run-summary.json'), summary);
  return { summary, resumedFromVersion: restored?.trainer.version ?? null, writer: writer.kind, stopped: stopping, redelivered };
}

/** Rereads of the snapshot topic, 250 ms apart and growing, while the group's offsets are ahead of it. */
const SNAPSHOT_REREADS = 4;

/**
 * Restores the model's last committed snapshot and brings the group to the offsets it reflects.
 * Logged in one line: the version and the offsets.
 */
async function resume(
  connection: KafkaConnection,
  config: TrainConfig,
  { model, drift }: TrainingChoices,
): Promise<{ checkpoint: CheckpointState<unknown, unknown> | null; offsets: NextOffset[] }> {
  const committed = await committedOffsets(connection, config.groupId, [config.input]);
  const reflectedBy = (snapshot: ModelSnapshotRecord | null): NextOffset[] =>
    (snapshot?.sources ?? []).filter((s) => s.topic === config.input).map((s) => ({ topic: s.topic, partition: s.partition, nextOffset: String(s.nextOffset) }));
  const groupIsAhead = (snapshot: ModelSnapshotRecord | null): boolean => {
    const reflected = new Map(reflectedBy(snapshot).map((o) => [topicPartitionKey(o.topic, o.partition), BigInt(o.nextOffset)]));
    return [...committed].some(([key, offset]) => BigInt(offset) > (reflected.get(key) ?? 0n));
  };
  let snapshot = await latestSnapshot(connection, config.snapshotTopic, config.modelId);
  // With transactions the group's offsets commit together with the snapshot, so a group ahead of
  // the snapshot means this read missed the latest one, or another model id used the group. Read
  // again before trusting the snapshot: resuming from an older one would train windows twice.
  for (let reread = 1; config.transactions && reread <= SNAPSHOT_REREADS && groupIsAhead(snapshot); reread++) {
    await sleep(250 * reread);
    snapshot = await latestSnapshot(connection, config.snapshotTopic, config.modelId);
  }
  if (snapshot === null) {
    config.log(`model ${config.modelId}: no snapshot on ${config.snapshotTopic}; starting a fresh ${model.kind} from the group's committed offsets`);
    return { checkpoint: null, offsets: [] };
  }
  const checkpoint = restoreCheckpoint<unknown, unknown>(model, snapshot, drift);
  const offsets = reflectedBy(snapshot);
  const moved = await syncGroupOffsets(connection, config.groupId, offsets, { committed });
  config.log(
    `model ${config.modelId}: resumed version ${snapshot.version} (${snapshot.trainer.windows} windows, ${snapshot.trainer.rowsSeen} rows) at ` +
      offsets.map((o) => `${o.topic}[${o.partition}]@${o.nextOffset}`).join(', ') +
      (moved ? ` (group ${config.groupId} moved there from ${[...committed.values()].join(', ')})` : ''),
  );
  return { checkpoint, offsets };
}

const USAGE = `usage: npx tsx pipelines/train.ts [options]
  --input TOPIC          clickstream input topic (default ${TRAIN_DEFAULTS.input})
  --metrics-topic TOPIC  one Avro step-metrics record per window (default ${TRAIN_DEFAULTS.metricsTopic})
  --snapshot-topic TOPIC compacted model snapshots, keyed by model id (default ${TRAIN_DEFAULTS.snapshotTopic})
  --dead-letter-topic T  records that could not be used, with dlq.* headers (default ${TRAIN_DEFAULTS.deadLetterTopic})
  --group ID             consumer group (default ${TRAIN_DEFAULTS.groupId})
  --model-id ID          snapshot key; a run resumes from this model's last snapshot (default ${TRAIN_DEFAULTS.modelId})
  --follow               keep consuming until stopped (default: stop at the end offsets seen at start)
  --window-messages N    messages per training window (default 1, as the seed)
  --checkpoint-messages N  at most N messages per checkpoint (default 0: one checkpoint per fetch)
  --no-transactions      produce then commit (at-least-once) instead of one transaction per checkpoint
  --session-timeout-ms N consumer session timeout; a restart after a crash waits up to this long (default ${TRAIN_DEFAULTS.sessionTimeoutMs})
  --retry-for SECONDS    keep retrying after a broker fault for this long without progress (default ${SUPERVISE_DEFAULTS.retryForMs / 1000})
  --log-checkpoints      one line per committed checkpoint on stderr
  --out DIR              metrics.csv, chart and run-summary.json (default out)${TRAINING_USAGE}
SIGINT or SIGTERM stops gracefully: the current checkpoint commits, then the run exits 0 (a second signal exits at once).
Brokers: KAFKA_BROKERS=host:port[,…], or the project's local broker is started and stopped.`;

export interface TrainCommand {
  readonly config: Omit<TrainConfig, 'log'>;
  readonly values: Record<string, string>;
  readonly retryForMs: number;
  readonly logCheckpoints: boolean;
}

export function parseTrainArgs(argv: string[]): TrainCommand | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...TRAINING_OPTION_SPECS,
      input: { type: 'string', default: TRAIN_DEFAULTS.input },
      'metrics-topic': { type: 'string', default: TRAIN_DEFAULTS.metricsTopic },
      'snapshot-topic': { type: 'string', default: TRAIN_DEFAULTS.snapshotTopic },
      'dead-letter-topic': { type: 'string', default: TRAIN_DEFAULTS.deadLetterTopic },
      group: { type: 'string', default: TRAIN_DEFAULTS.groupId },
      'model-id': { type: 'string', default: TRAIN_DEFAULTS.modelId },
      follow: { type: 'boolean', default: false },
      'window-messages': { type: 'string', default: '1' },
      'checkpoint-messages': { type: 'string', default: String(TRAIN_DEFAULTS.checkpointMessages) },
      'no-transactions': { type: 'boolean', default: false },
      'session-timeout-ms': { type: 'string', default: String(TRAIN_DEFAULTS.sessionTimeoutMs) },
      'retry-for': { type: 'string', default: String(SUPERVISE_DEFAULTS.retryForMs / 1000) },
      'log-checkpoints': { type: 'boolean', default: false },
      out: { type: 'string', default: 'out' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return null;
  const integer = (name: string, min: number): number => {
    const text = values[name as keyof typeof values] as string;
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n < min) throw new RangeError(`--${name}: must be an integer ≥ ${min}, got ${JSON.stringify(text)}`);
    return n;
  };
  const retryFor = Number(values['retry-for']);
  if (!Number.isFinite(retryFor) || retryFor < 0) throw new RangeError(`--retry-for: must be a number of seconds ≥ 0, got ${JSON.stringify(values['retry-for'])}`);
  return {
    config: {
      ...TRAIN_DEFAULTS,
      input: values.input,
      metricsTopic: values['metrics-topic'],
      snapshotTopic: values['snapshot-topic'],
      deadLetterTopic: values['dead-letter-topic'],
      groupId: values.group,
      modelId: values['model-id'],
      until: values.follow ? 'follow' : 'end-offsets-at-start',
      windowMessages: integer('window-messages', 1),
      checkpointMessages: integer('checkpoint-messages', 0),
      sessionTimeoutMs: integer('session-timeout-ms', 1),
      transactions: !values['no-transactions'],
      outDir: values.out,
    },
    values: { model: values.model, 'model-options': values['model-options'], gate: values.gate, evaluation: values.evaluation, drift: values.drift },
    retryForMs: retryFor * 1000,
    logCheckpoints: values['log-checkpoints'],
  };
}

export function parseTrainChoices(values: Record<string, string>, nFeatures: number): TrainingChoices {
  return parseTrainingChoices(values as { model: string; 'model-options': string; gate: string; evaluation: string; drift: string }, nFeatures);
}

/**
 * The command: training under the supervisor (broker faults are retried), stopped gracefully by
 * the first SIGINT or SIGTERM.
 */
async function trainCommand(connection: KafkaConnection, command: TrainCommand): Promise<TrainResult> {
  const log = (line: string): void => console.error(line);
  const choices = parseTrainChoices(command.values, command.config.nFeatures);
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stop.signal.aborted) {
      log(`${signal} again: exiting without waiting for the checkpoint`);
      process.exit(130);
    }
    log(`${signal}: stopping gracefully (send it again to exit at once)`);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await superviseKafkaRun(
      (hooks) =>
        train(
          connection,
          {
            ...command.config,
            log,
            signal: stop.signal,
            events: {
              connected: hooks.connected,
              checkpoint: (checkpoint) => {
                hooks.progressed();
                if (command.logCheckpoints) {
                  log(`checkpoint: ${checkpoint.windows} windows, version ${checkpoint.version}, ${checkpoint.records} records, ${checkpoint.offsets.map((o) => `${o.topic}[${o.partition}]@${o.nextOffset}`).join(', ')}`);
                }
              },
            },
          },
          choices,
        ),
      { ...SUPERVISE_DEFAULTS, retryForMs: command.retryForMs, log, signal: stop.signal },
    );
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

if (require.main === module) {
  runWithBroker(async (connection) => {
    const command = parseTrainArgs(process.argv.slice(2));
    if (command === null) {
      console.log(USAGE);
      return;
    }
    const result = await trainCommand(connection, command);
    console.log(JSON.stringify(result.summary, null, 2));
  });
}
