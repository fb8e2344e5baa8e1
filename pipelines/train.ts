/**
 * The seed's consumer rebuilt from transforms, on Kafka:
 *
 *   Kafka source → Avro decode → dead letters → messageWindow → partialFit (evaluate, learn, gate)
 *     → trackMetrics → Kafka sinks (metrics, snapshot, dead letters; per fetch, with the offsets) → out/
 *
 * Each fetched batch is processed synchronously through the chain; then everything it produced is
 * written with the offsets it covers, in one transaction (default) or produce-then-commit, before
 * the next fetch (backpressure). Every checkpoint carries a snapshot of the trainer state, so a
 * restart resumes from the last committed snapshot exactly.
 *
 * Run: `npx tsx pipelines/train.ts --help`
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { lastValueFrom, mergeMap, reduce, tap } from 'rxjs';
import type { Classifier } from '../models/types';
import { tracker } from '../metrics/tracker';
import type { GatePolicy } from '../training/gate-policies';
import { initialTrainerState } from '../training/train-step';
import { deserialize } from '../transforms/deserialize';
import { messageWindow } from '../transforms/message-window';
import { partialFit } from '../transforms/partial-fit';
import { routeFailures } from '../transforms/route-failures';
import { trackMetrics } from '../transforms/track-metrics';
import type { LabeledMessage } from '../transforms/types';
import { decodeClickstream } from '../io/avro/clickstream-codec';
import type { KafkaConnection } from '../io/kafka/client';
import { atLeastOnceWriter, transactionalId, transactionalWriter } from '../io/kafka/checkpoint-writer';
import { deadLetterRecord } from '../io/kafka/dead-letter';
import { kafkaSource, type UntilMode } from '../io/kafka/kafka-source';
import { recordPosition, type KafkaRecord, type OutgoingRecord } from '../io/kafka/records';
import { latestSnapshot, setGroupOffsets } from '../io/kafka/snapshot-store';
import { deadLetterTopic, ensureTopics, metricsTopic, snapshotTopic } from '../io/kafka/topics';
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

export interface TrainConfig {
  readonly input: string;
  readonly metricsTopic: string;
  readonly snapshotTopic: string;
  readonly deadLetterTopic: string;
  readonly groupId: string;
  readonly modelId: string;
  readonly until: UntilMode;
  readonly windowMessages: number;
  readonly transactions: boolean;
  readonly nFeatures: number;
  readonly outDir: string;
  /** Messages expected, for the progress bar only (0: no bar). */
  readonly expectedMessages: number;
  readonly log: (line: string) => void;
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
  transactions: true,
  nFeatures: 10,
  outDir: 'out',
  expectedMessages: 0,
});

export interface TrainResult {
  readonly summary: RunSummaryFile;
  /** The snapshot version training resumed from, or null for a fresh model. */
  readonly resumedFromVersion: number | null;
  readonly writer: 'transactional' | 'at-least-once';
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
    return { ...decoded.value, position: recordPosition(record) };
  };
}

export async function train(connection: KafkaConnection, config: TrainConfig, choices: TrainingChoices): Promise<TrainResult> {
  const { model, gate, evaluation } = choices;
  const started = performance.now();
  await ensureTopics(connection, [metricsTopic(config.metricsTopic), snapshotTopic(config.snapshotTopic), deadLetterTopic(config.deadLetterTopic)]);

  const checkpoint = await resume(connection, config, model);
  const run = { modelId: config.modelId, modelKind: model.kind };
  const source = kafkaSource({ connection, topics: [config.input], groupId: config.groupId, until: config.until });
  const writer = config.transactions
    ? transactionalWriter(connection, { groupId: config.groupId, transactionalId: transactionalId(config.groupId, [config.input]) })
    : atLeastOnceWriter(connection, source);

  const startState = checkpoint?.trainer ?? initialTrainerState(model, gate as GatePolicy<unknown>);
  let latest: CheckpointState<unknown, unknown> = { trainer: startState, metrics: checkpoint?.metrics ?? tracker({ kind: 'cumulative' }, model.nClasses) };
  let outbox: OutgoingRecord[] = [];
  let covered = new Map<string, NextOffset>();
  let deferredDeadLetters = new Map<string, NextOffset>();
  let stepsSinceCheckpoint = 0;
  let rowsDecoded = 0;
  let rowsTrained = 0;
  let messages = 0;
  let deadLettered = 0;
  const bar = config.expectedMessages > 0 ? progressBar('train', config.expectedMessages) : undefined;

  /** Writes the outbox, a snapshot of the latest state and the covered offsets as one checkpoint. */
  const checkpointNow = async (): Promise<void> => {
    // Dead letters are committed once no window is open, so a crash cannot skip rows of an open window.
    if (rowsDecoded === rowsTrained) for (const o of deferredDeadLetters.values()) nextOffsets([{ topic: o.topic, partition: o.partition, firstOffset: o.nextOffset, lastOffset: String(BigInt(o.nextOffset) - 1n) }], covered);
    if (outbox.length === 0 && covered.size === 0) return;
    const records = outbox;
    if (stepsSinceCheckpoint > 0) records.push(snapshotOutgoing(config.snapshotTopic, snapshotRecord(model, run, latest, covered.values(), Date.now())));
    const offsets = [...covered.values()];
    if (rowsDecoded === rowsTrained) deferredDeadLetters = new Map();
    outbox = [];
    covered = new Map();
    stepsSinceCheckpoint = 0;
    await writer.write(records, offsets);
    bar?.update(messages);
  };

  const messages$ = source.batches$.pipe(
    // Runs once the synchronous chain has processed this fetch, before the source fetches again.
    tap(() => void source.track(Promise.resolve().then(checkpointNow))),
    mergeMap((batch) => batch.records),
    tap(() => (messages += 1)),
    deserialize(decodeRecord(config.nFeatures)),
    routeFailures((failure) => {
      const reason = failure.error instanceof DeadLetter ? failure.error.code : 'OTHER';
      outbox.push(deadLetterRecord(failure.raw, reason, failure.reason, config.deadLetterTopic));
      nextOffsets([recordPosition(failure.raw)], deferredDeadLetters);
      deadLettered += 1;
    }),
    tap((message) => (rowsDecoded += message.batch.x.rows)),
  );
  const steps$ = messages$.pipe(
    messageWindow(config.windowMessages),
    partialFit(model, { evaluation, gate: gate as GatePolicy<unknown>, initial: startState }),
    trackMetrics({ kind: 'cumulative' }, model.nClasses, { initial: latest.metrics }),
    tap((step) => {
      rowsTrained += step.rows;
      latest = { trainer: step.state, metrics: step.trackerState };
      const seconds = (performance.now() - started) / 1000;
      outbox.push(metricsOutgoing(config.metricsTopic, stepMetricsRecord(step, run, step.state.rowsSeen / seconds, Date.now())));
      nextOffsets(step.positions, covered);
      stepsSinceCheckpoint += 1;
    }),
    writeLocalArtifacts(config.outDir, { chartTitle: `Training ${config.modelId} (${model.kind})` }),
    reduce(countDecisions, undefined),
  );

  let counts: RunSummary | undefined;
  try {
    counts = await lastValueFrom(steps$, { defaultValue: undefined });
    await checkpointNow();
  } finally {
    bar?.finish();
    await source.close();
    await writer.close();
  }
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
  return { summary, resumedFromVersion: checkpoint?.trainer.version ?? null, writer: writer.kind };
}

/** Restores the model's last committed snapshot and points the group at the offsets it reflects. */
async function resume(connection: KafkaConnection, config: TrainConfig, model: Classifier<unknown>): Promise<CheckpointState<unknown, unknown> | null> {
  const snapshot = await latestSnapshot(connection, config.snapshotTopic, config.modelId);
  if (snapshot === null) {
    config.log(`model ${config.modelId}: no snapshot on ${config.snapshotTopic}; starting a fresh ${model.kind} from the group's committed offsets`);
    return null;
  }
  const checkpoint = restoreCheckpoint<unknown, unknown>(model, snapshot);
  const offsets = snapshot.sources.map((s) => ({ topic: s.topic, partition: s.partition, nextOffset: String(s.nextOffset) }));
  await setGroupOffsets(connection, config.groupId, offsets.filter((o) => o.topic === config.input));
  config.log(
    `model ${config.modelId}: resumed version ${snapshot.version} (${snapshot.trainer.windows} windows, ${snapshot.trainer.rowsSeen} rows) at ` +
      offsets.map((o) => `${o.topic}[${o.partition}]@${o.nextOffset}`).join(', '),
  );
  return checkpoint;
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
  --no-transactions      produce then commit (at-least-once) instead of one transaction per checkpoint
  --out DIR              metrics.csv, chart and run-summary.json (default out)${TRAINING_USAGE}
Brokers: KAFKA_BROKERS=host:port[,…], or the project's local broker is started and stopped.`;

export function parseTrainArgs(argv: string[]): { config: Omit<TrainConfig, 'log'>; values: Record<string, string> } | null {
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
      'no-transactions': { type: 'boolean', default: false },
      out: { type: 'string', default: 'out' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return null;
  const windowMessages = Number(values['window-messages']);
  if (!Number.isSafeInteger(windowMessages) || windowMessages < 1) throw new RangeError(`--window-messages: must be an integer ≥ 1, got ${values['window-messages']}`);
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
      windowMessages,
      transactions: !values['no-transactions'],
      outDir: values.out,
    },
    values: { model: values.model, 'model-options': values['model-options'], gate: values.gate, evaluation: values.evaluation },
  };
}

export function parseTrainChoices(values: Record<string, string>, nFeatures: number): TrainingChoices {
  return parseTrainingChoices(values as { model: string; 'model-options': string; gate: string; evaluation: string }, nFeatures);
}

if (require.main === module) {
  runWithBroker(async (connection) => {
    const parsed = parseTrainArgs(process.argv.slice(2));
    if (parsed === null) {
      console.log(USAGE);
      return;
    }
    const result = await train(connection, { ...parsed.config, log: (line) => console.error(line) }, parseTrainChoices(parsed.values, parsed.config.nFeatures));
    console.log(JSON.stringify(result.summary, null, 2));
  });
}

