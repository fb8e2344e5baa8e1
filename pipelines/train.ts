/**
 * The seed's consumer rebuilt from transforms, on Kafka:
 *
 *   Kafka source → Avro decode → dead letters → messageWindow → partialFit (evaluate, learn, gate)
 *     → trackMetrics → Kafka sinks (metrics, snapshot, dead letters; per checkpoint, with the offsets) → out/
 *
 * Fetched records go through the chain in small synchronous slices, with a turn of the event loop
 * every few ms, so the next fetch (requested as soon as this one starts) and the checkpoint
 * transaction in flight progress while the chain trains. Everything the slices produced is written
 * with the offsets it covers as one checkpoint: one transaction (default) or produce-then-commit.
 * Checkpoints are written in order, one at a time: by default a new one is taken whenever the
 * writer is free, so it holds whatever was trained while the one before was written; with
 * --checkpoint-messages N one is taken every N messages. The chain waits for the writer only when
 * it gets too far ahead (backpressure). Every checkpoint that moves the offsets carries a snapshot
 * of the whole trainer state, so a restart resumes from the last committed snapshot exactly
 * (README: "Exactly-once and recovery").
 *
 * Run: `npx tsx pipelines/train.ts --help`
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { concat, concatMap, concatWith, defer, EMPTY, finalize, from, ignoreElements, lastValueFrom, merge, Observable, reduce, Subject, takeUntil, tap } from 'rxjs';
import { tracker } from '../metrics/tracker';
import { deriveSeed, Random } from '../models/random';
import { matrix } from '../models/types';
import type { GatePolicy } from '../training/gate-policies';
import { initialTrainerState } from '../training/train-step';
import { deserialize } from '../transforms/deserialize';
import { messageWindow } from '../transforms/message-window';
import { partialFit } from '../transforms/partial-fit';
import { routeFailures } from '../transforms/route-failures';
import { trackMetrics } from '../transforms/track-metrics';
import type { LabeledMessage, SourcePosition } from '../transforms/types';
import * as clickstreamCodec from '../io/avro/clickstream-codec';
import type { ModelSnapshotRecord } from '../io/avro/schemas';
import type { KafkaConnection } from '../io/kafka/client';
import { atLeastOnceWriter, transactionalId, transactionalWriter } from '../io/kafka/checkpoint-writer';
import { deadLetterRecord } from '../io/kafka/dead-letter';
import { kafkaSource, type UntilMode } from '../io/kafka/kafka-source';
import * as kafkaRecords from '../io/kafka/records';
import type { KafkaBatch, KafkaRecord, OutgoingRecord } from '../io/kafka/records';
import { committedOffsets, ensureSnapshotFits, latestSnapshot, syncGroupOffsets } from '../io/kafka/snapshot-store';
import { deadLetterTopic, ensureTopics, metricsTopic, SNAPSHOT_MAX_MESSAGE_BYTES, snapshotTopic } from '../io/kafka/topics';
import * as trainingRecords from '../io/kafka/training-records';
import type { CheckpointState, NextOffset, RunIdentity } from '../io/kafka/training-records';
import { csvRow, type CsvColumn } from '../io/artifacts/csv-format';
import { localArtifactPaths, writeLocalArtifacts } from '../io/artifacts/local-artifacts';
import { metricsCsvColumns } from '../io/artifacts/metrics-csv';
import { runSummaryFile, writeRunSummaryJson, type RunSummaryFile } from '../io/artifacts/run-summary-json';
import { progressBar } from '../io/console/progress';
import { countDecisions, type RunSummary } from './run-summary';
import { parseTrainingChoices, TRAINING_OPTION_SPECS, TRAINING_USAGE, type TrainingChoices } from './training-options';
import { runWithBroker } from './broker-session';
import { superviseKafkaRun, SUPERVISE_DEFAULTS } from './train-supervisor';

// Read once: under tsx every use of an imported function goes through a module getter, and these
// run for every record or window.
const { decodeClickstream, encodeClickstream } = clickstreamCodec;
const { recordPosition, topicPartitionKey } = kafkaRecords;
const { metricsOutgoing, restoreCheckpoint, snapshotOutgoing, snapshotRecord, stepMetricsRecord, TrainedPositions } = trainingRecords;

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
   * Messages per checkpoint (one transaction); 0 (adaptive) takes a checkpoint whenever the writer
   * is free, so its size follows the rate: one message at a time when idle, hundreds under load.
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
  if (items.length <= size) return [items.slice()];
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * Messages the chain processes between two looks at the checkpoint writer (see afterSlice). After
 * YIELD_AFTER_MS of such slices the event loop runs once: the replies of the checkpoint transaction
 * in flight and the next fetch are handled in between, so Kafka's round trips overlap the training
 * instead of waiting for a whole fetch to be processed, whatever a window costs the model.
 */
const SLICE_MESSAGES = 8;
const YIELD_AFTER_MS = 4;
/**
 * With adaptive checkpoints (--checkpoint-messages 0), the most messages processed past the last
 * checkpoint before the chain waits for the checkpoint in flight: bounds what is held for the next
 * transaction (its metrics records) and what a crash would make the next run train again.
 */
const MAX_UNCHECKPOINTED_MESSAGES = 4096;

/** Completes after one turn of the event loop, so that I/O callbacks waiting behind a synchronous chain run. */
const eventLoopTurn = new Observable<never>((subscriber) => {
  const handle = setImmediate(() => subscriber.complete());
  return () => clearImmediate(handle);
});

/**
 * Windows of synthetic data the chain's hot functions (decode, train step, running metrics, the
 * metrics record and CSV row, a snapshot now and then) run on while the consumer connects and joins
 * its group, time otherwise spent waiting: a fresh process runs its first thousand windows or so at
 * half speed or less until V8 has optimised them. Stops at the first fetch (or the end of the run),
 * whichever comes first; it works on a model, gate and tracker of its own and writes nothing.
 */
const WARM_UP_WINDOWS = 3000;
const WARM_UP_MS = 1500;
const WARM_UP_TOPIC = 'warm-up';

async function warmUp(config: TrainConfig, choices: TrainingChoices, run: RunIdentity, shouldStop: () => boolean): Promise<void> {
  const { model, gate, evaluation, drift } = choices;
  const random = new Random(deriveSeed(20_251_128, config.nFeatures));
  const rows = 100;
  const records: KafkaRecord[] = [];
  for (let m = 0; m < 64; m++) {
    const x = new Float64Array(rows * config.nFeatures);
    const y = new Int32Array(rows);
    for (let r = 0; r < rows; r++) {
      let score = 0;
      for (let f = 0; f < config.nFeatures; f++) score += (x[r * config.nFeatures + f] = random.next()) * (f % 2 === 0 ? 1 : -1);
      y[r] = score + random.normal() * 0.3 > 0 ? 1 : 0;
    }
    const value = encodeClickstream({ id: m, eventTime: m, batch: { x: matrix(rows, config.nFeatures, x), y } });
    records.push({ topic: WARM_UP_TOPIC, partition: 0, offset: String(m), key: null, value, headers: {}, timestamp: m });
  }
  const until = performance.now() + WARM_UP_MS;
  const done = (): boolean => shouldStop() || performance.now() > until;
  const slices = Math.ceil((WARM_UP_WINDOWS * config.windowMessages) / SLICE_MESSAGES);
  let columns: readonly CsvColumn<never>[] | undefined;
  let sink = 0;
  await lastValueFrom(
    from(Array.from({ length: slices }, (_, i) => i)).pipe(
      concatMap((i) => (done() ? EMPTY : concat(eventLoopTurn, from(Array.from({ length: SLICE_MESSAGES }, (_, k) => records[(i * SLICE_MESSAGES + k) % records.length]))))),
      deserialize(decodeRecord(config.nFeatures)),
      routeFailures(() => {}),
      messageWindow(config.windowMessages),
      partialFit(model, { evaluation, gate: gate as GatePolicy<unknown>, drift }),
      trackMetrics({ kind: 'cumulative' }, model.nClasses),
      tap((step) => {
        sink += metricsOutgoing(WARM_UP_TOPIC, stepMetricsRecord(step, run, step.state.rowsSeen, 0)).value?.length ?? 0;
        columns ??= metricsCsvColumns(step) as readonly CsvColumn<never>[];
        sink += csvRow(columns, step as never).length;
        if (step.index % 256 === 255) {
          const checkpoint = { trainer: step.state, metrics: step.trackerState };
          sink += snapshotOutgoing(WARM_UP_TOPIC, snapshotRecord(model, run, checkpoint, [], 0)).value?.length ?? 0;
        }
      }),
      ignoreElements(),
    ),
    { defaultValue: undefined },
  );
  // Keeps what was computed observable, so none of it can be optimised away.
  if (sink < 0) throw new Error(`warm-up: impossible byte count ${sink}`);
}

/**
 * Trains on the input from the model's last committed snapshot. Exactly once: every checkpoint
 * writes its metrics records, dead letters, a snapshot of the whole trainer state and the input
 * offsets it reflects in one transaction, and a restart continues from the last snapshot and those
 * offsets, so each window is learned and reported exactly once however the process ends.
 */
const TRAIN_FETCH = Object.freeze({ maxBytes: 1 << 20, maxBytesPerPartition: 1 << 20 });

export async function train(connection: KafkaConnection, config: TrainConfig, choices: TrainingChoices): Promise<TrainResult> {
  const { model, gate, evaluation, drift } = choices;
  const started = performance.now();
  const run = { modelId: config.modelId, modelKind: model.kind };
  const stop$ = new Subject<void>();
  let stopping = false;
  /** Set at the first fetch or when the run ends: stops the warm-up. */
  let warmUpOver = false;
  // Start-up (topics, fencing, resume, joining the group) is mostly waiting for the cluster.
  warmUp(config, choices, run, () => warmUpOver || stopping).catch((error: unknown) =>
    config.log(`model ${config.modelId}: warm-up failed (training goes on without it): ${error instanceof Error ? error.message : String(error)}`),
  );
  try {
    await ensureTopics(connection, [metricsTopic(config.metricsTopic), snapshotTopic(config.snapshotTopic), deadLetterTopic(config.deadLetterTopic)]);
  } catch (error) {
    warmUpOver = true;
    throw error;
  }
  config.events?.connected?.();

  const source = kafkaSource({
    connection,
    topics: [config.input],
    groupId: config.groupId,
    until: config.until,
    sessionTimeout: config.sessionTimeoutMs,
    // 1 MiB fetches: the fetched bytes are copied twice before they are decoded, and what is freed
    // waits for a full GC; this took the peak RSS at 5M records from ~145 to ~136 MB at the same speed.
    fetch: TRAIN_FETCH,
  });
  const writer = config.transactions
    ? transactionalWriter(connection, {
        groupId: config.groupId,
        transactionalId: transactionalId(config.groupId, [config.input]),
        barrier: { topics: [config.metricsTopic, config.snapshotTopic, config.deadLetterTopic], inputTopics: [config.input] },
      })
    : atLeastOnceWriter(connection, source);
  const bar = config.expectedMessages > 0 ? progressBar('train', config.expectedMessages) : undefined;
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
    let covered = new TrainedPositions();
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
          const { topic, partition, lastOffset } = held.position;
          if (allClosed || covered.passes(topic, partition, lastOffset)) {
            outbox.push(held.record);
            if (allClosed) covered.add([held.position]);
          } else {
            still.push(held);
          }
        }
        heldDeadLetters = still;
      }
      if (outbox.length === 0 && covered.size === 0) return null;
      const records = outbox;
      const offsets = covered.nextOffsets();
      outbox = [];
      covered = new TrainedPositions();
      if (offsets.length > 0) {
        // Every move of the offsets comes with a snapshot, so the snapshot alone says where to resume.
        for (const o of offsets) reflected.set(topicPartitionKey(o.topic, o.partition), o);
        records.push(snapshotOutgoing(config.snapshotTopic, snapshotRecord(model, run, latest, reflected.values(), Date.now())));
      }
      return { records, offsets, messages, info: { windows: latest.trainer.windows, version: latest.trainer.version, records: records.length, offsets } };
    };
    /** Checkpoints queued and not yet written: 0 while the writer is idle. */
    let checkpointsInFlight = 0;
    let checkpointFailed = false;
    /** Input messages at the last checkpoint taken. */
    let messagesCheckpointed = 0;
    const adaptive = config.checkpointMessages === 0;
    /**
     * Queues a checkpoint of everything so far (taken now, between two synchronous runs of the chain,
     * so it is consistent) and resolves once the checkpoints before it have committed.
     *
     * With --checkpoint-messages N, one is queued after every N messages and the next N wait for the
     * one before it. Otherwise (adaptive) one is taken whenever the writer is idle: after a slice of
     * messages, and when a checkpoint commits with more processed meanwhile. While a transaction is
     * in flight the chain keeps training, and the next checkpoint takes everything done meanwhile,
     * so the transactions' round trips overlap the training and their number adapts to the rate.
     */
    const checkpoint = (): Promise<void> => {
      const earlier = checkpointQueue;
      const taken = takeCheckpoint();
      if (taken !== null) {
        messagesCheckpointed = messages;
        checkpointsInFlight += 1;
        checkpointQueue = checkpointQueue.then(async () => {
          const snapshot = taken.records[taken.records.length - 1];
          if (taken.offsets.length > 0) snapshotLimit = await ensureSnapshotFits(connection, config.snapshotTopic, snapshot.value?.length ?? 0, snapshotLimit);
          await writer.write(taken.records, taken.offsets);
          bar?.update(taken.messages);
          config.events?.checkpoint?.(taken.info);
        });
        checkpointQueue.then(
          () => {
            checkpointsInFlight -= 1;
            if (adaptive && checkpointsInFlight === 0 && !checkpointFailed) checkpoint();
          },
          (error: unknown) => {
            checkpointsInFlight -= 1;
            checkpointFailed = true;
            // A failure ends the run even when no later slice comes to wait for this checkpoint (--follow, idle).
            checkpointFailed$.error(error);
          },
        );
      }
      return earlier;
    };
    const checkpointAll = (): Promise<void> => {
      checkpoint();
      return checkpointQueue;
    };
    /** After each slice of messages: what the chain waits for before the next slice, if anything. */
    const afterSlice = (): Promise<void> | undefined => {
      if (!adaptive) return checkpoint();
      if (checkpointsInFlight === 0) {
        checkpoint();
        return undefined;
      }
      // Too far ahead of the writer: wait for the checkpoint in flight, whose commit takes the next one.
      return messages - messagesCheckpointed >= MAX_UNCHECKPOINTED_MESSAGES ? checkpointQueue : undefined;
    };

    /** A fetch's records (one topic-partition, ascending offsets) without those the chain already had. */
    const freshRecords = (batch: KafkaBatch): readonly KafkaRecord[] => {
      const { records } = batch;
      const key = topicPartitionKey(batch.topic, batch.partition);
      const expected = nextExpected.get(key);
      const allFresh = expected === undefined || records.length === 0 || BigInt(records[0].offset) >= expected;
      const fresh = allFresh ? records : records.filter((record) => BigInt(record.offset) >= expected);
      redelivered += records.length - fresh.length;
      if (fresh.length > 0) nextExpected.set(key, BigInt(fresh[fresh.length - 1].offset) + 1n);
      return fresh;
    };

    /**
     * The source waits for each fetch until the chain starts processing it, so the next fetch is on
     * its way while this one is processed (one fetch ahead, at most). Once the source completes, it
     * waits for the whole chain, the last checkpoint included, so the consumer is still a member
     * when an at-least-once checkpoint commits its offsets.
     */
    const fetchesWaiting: Array<() => void> = [];
    let lastTurn = performance.now();
    let chainDone!: () => void;
    const chainFinished = new Promise<void>((resolve) => (chainDone = resolve));
    // The checkpoint failures join the stream, which ends with the source.
    const batches$ = merge(
      source.batches$.pipe(
        tap({
          next: () => {
            warmUpOver = true;
            void source.track(new Promise<void>((resolve) => fetchesWaiting.push(resolve)));
          },
          complete: () => {
            void source.track(chainFinished);
            checkpointFailed$.complete();
          },
        }),
      ),
      checkpointFailed$,
    );
    const records$ = batches$.pipe(
      concatMap((batch) => {
        fetchesWaiting.shift()?.();
        // A fetch arrives on a fresh turn of the event loop.
        lastTurn = performance.now();
        const slices = chunksOf(freshRecords(batch), adaptive ? SLICE_MESSAGES : config.checkpointMessages);
        // Each slice runs through the synchronous chain, after it a checkpoint may be taken or waited
        // for (see afterSlice), and every few ms the event loop turns so Kafka's replies are handled.
        return from(slices).pipe(
          concatMap((slice) => {
            if (stopping) return EMPTY;
            const turn = performance.now() - lastTurn >= YIELD_AFTER_MS ? eventLoopTurn.pipe(finalize(() => (lastTurn = performance.now()))) : EMPTY;
            return concat(turn, from(slice), defer(() => afterSlice() ?? EMPTY).pipe(ignoreElements()));
          }),
        );
      }),
    );
    const decode = decodeRecord(config.nFeatures);
    // The counts are kept inside the decode step: an operator of their own costs more per message than the counting.
    const decodeCounted = (record: KafkaRecord): LabeledMessage => {
      messages += 1;
      const message = decode(record);
      rowsDecoded += message.batch.x.rows;
      return message;
    };
    const messages$ = records$.pipe(
      deserialize(decodeCounted),
      routeFailures((failure) => {
        const reason = failure.error instanceof DeadLetter ? failure.error.code : 'OTHER';
        heldDeadLetters.push({ record: deadLetterRecord(failure.raw, reason, failure.reason, config.deadLetterTopic), position: recordPosition(failure.raw) });
        deadLettered += 1;
      }),
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
        covered.add(step.positions);
      }),
      // The last checkpoint is tracked by the source while it completes, so the consumer is still a
      // member when an at-least-once checkpoint commits its offsets.
      concatWith(defer(() => source.track(checkpointAll())).pipe(ignoreElements())),
      writeLocalArtifacts(config.outDir, { chartTitle: `Training ${config.modelId} (${model.kind})` }),
      reduce(countDecisions, undefined),
      finalize(() => {
        // Fetches still queued when the chain ends (an error) are not waited for.
        for (const release of fetchesWaiting.splice(0)) release();
        chainDone();
      }),
    );
    if (!stopping) counts = await lastValueFrom(steps$, { defaultValue: undefined });
  } finally {
    warmUpOver = true;
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
  --checkpoint-messages N  one checkpoint every N messages (default 0: one whenever the last has committed)
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
