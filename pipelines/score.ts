/**
 * Scoring as a separate process: loads the latest committed snapshot of a model, reads unlabelled
 * batches (schemas/scoring-request.avsc) and writes one prediction per request
 * (schemas/prediction.avsc): class probabilities per row, with the model id and the version that
 * computed them. With --follow it keeps running and switches to each newer snapshot as the trainer
 * commits it.
 *
 *   Kafka requests → Avro decode → dead letters → predictProba(latest snapshot) → predictions topic
 *
 * Each fetch's predictions and dead letters are written with the request offsets in one Kafka
 * transaction, so every request is answered exactly once (read-committed readers). The snapshot
 * used is the one committed last when the fetch is scored; the prediction says which.
 *
 * Run: `npx tsx pipelines/score.ts --help`
 */
import { parseArgs } from 'node:util';
import { concatMap, lastValueFrom, reduce } from 'rxjs';
import type { Classifier } from '../models/types';
import { decodeScoringRequest, encodePrediction } from '../io/avro/scoring-codec';
import type { ModelSnapshotRecord } from '../io/avro/schemas';
import { transactionalId, transactionalWriter } from '../io/kafka/checkpoint-writer';
import type { KafkaConnection } from '../io/kafka/client';
import { deadLetterRecord } from '../io/kafka/dead-letter';
import { kafkaSource, type UntilMode } from '../io/kafka/kafka-source';
import { recordPosition, type KafkaBatch, type OutgoingRecord } from '../io/kafka/records';
import { followSnapshots, latestSnapshot, type SnapshotFollower } from '../io/kafka/snapshot-store';
import { deadLetterTopic, ensureTopics } from '../io/kafka/topics';
import { nextOffsets, restoreCheckpoint } from '../io/kafka/training-records';
import { runWithBroker } from './broker-session';
import { parseTrainingChoices, TRAINING_OPTION_SPECS } from './training-options';

export interface ScoreConfig {
  /** Topic of scoring requests. */
  readonly input: string;
  readonly predictionsTopic: string;
  readonly deadLetterTopic: string;
  readonly snapshotTopic: string;
  readonly modelId: string;
  readonly groupId: string;
  /** 'follow' also follows newer snapshots. */
  readonly until: UntilMode;
  readonly log: (line: string) => void;
  /** Aborting it stops gracefully after the fetch being scored. */
  readonly signal?: AbortSignal;
  /** Called whenever a snapshot starts serving (the first, then each newer one with --follow). */
  readonly onModel?: (model: ServingModel) => void;
  /** Called after each fetch's predictions have committed, with the requests answered so far. */
  readonly onCommitted?: (requests: number) => void;
}

export interface ServingModel {
  readonly version: number;
  readonly windows: number;
}

export interface ScoreResult {
  readonly requests: number;
  readonly rows: number;
  readonly deadLettered: number;
  /** Model versions that scored at least one request, in order of first use. */
  readonly versionsUsed: readonly number[];
}

interface Serving extends ServingModel {
  readonly state: unknown;
}

export async function score(connection: KafkaConnection, config: ScoreConfig, model: Classifier<unknown>): Promise<ScoreResult> {
  await ensureTopics(connection, [{ topic: config.predictionsTopic, configs: { 'cleanup.policy': 'delete' } }, deadLetterTopic(config.deadLetterTopic)]);
  const writer = transactionalWriter(connection, { groupId: config.groupId, transactionalId: transactionalId(config.groupId, [config.input]) });
  const source = kafkaSource({ connection, topics: [config.input], groupId: config.groupId, until: config.until });
  let follower: SnapshotFollower | undefined;
  let serving: Serving | undefined;
  const serve = (snapshot: ModelSnapshotRecord): void => {
    // Snapshots of one model only move forward; an older one (a reread of the history) is skipped.
    if (serving !== undefined && snapshot.trainer.windows < serving.windows) return;
    const state = restoreCheckpoint(model, snapshot).trainer.kept;
    const changed = serving === undefined || snapshot.trainer.windows !== serving.windows;
    serving = { version: snapshot.version, windows: snapshot.trainer.windows, state };
    if (changed) {
      config.log(`model ${config.modelId}: serving version ${serving.version} (${serving.windows} windows)`);
      config.onModel?.(serving);
    }
  };
  const stop = (): void => void source.close().catch(() => {});
  config.signal?.addEventListener('abort', stop, { once: true });
  const counts = { requests: 0, rows: 0, deadLettered: 0, versionsUsed: [] as number[] };
  try {
    await writer.connect();
    const latest = await latestSnapshot(connection, config.snapshotTopic, config.modelId);
    if (latest !== null) serve(latest);
    else if (config.until !== 'follow') throw new Error(`score: no snapshot of model ${config.modelId} on ${config.snapshotTopic}; train it first, or use --follow to wait for one`);
    else config.log(`model ${config.modelId}: no snapshot yet on ${config.snapshotTopic}; waiting for the first`);

    let followFailure: unknown;
    let firstSnapshot: Promise<void> = Promise.resolve();
    if (config.until === 'follow') {
      const following = followSnapshots(connection, config.snapshotTopic, config.modelId);
      follower = following;
      firstSnapshot = new Promise<void>((resolve, reject) => {
        following.snapshots$.subscribe({
          next: (snapshot) => {
            try {
              serve(snapshot);
              resolve();
            } catch (error) {
              followFailure = error;
              reject(error);
              stop();
            }
          },
          error: (error: unknown) => {
            followFailure = error;
            reject(error);
            stop();
          },
        });
      });
      firstSnapshot.catch(() => {}); // a failure of the follower surfaces through followFailure
      if (serving === undefined) await firstSnapshot;
    }
    if (config.signal?.aborted) return counts;

    const scoreBatch = (batch: KafkaBatch): OutgoingRecord[] => {
      const current = serving as Serving;
      const out: OutgoingRecord[] = [];
      for (const record of batch.records) {
        const decoded = record.value === null ? null : decodeScoringRequest(record.value, { nFeatures: model.nFeatures });
        if (decoded === null || !decoded.ok) {
          out.push(deadLetterRecord(record, decoded?.reason ?? 'NOT_AVRO', decoded?.message ?? 'the record has no value (a tombstone)', config.deadLetterTopic));
          counts.deadLettered += 1;
          continue;
        }
        const request = decoded.value;
        const probabilities = model.predictProba(current.state, request.x);
        out.push({
          topic: config.predictionsTopic,
          key: record.key,
          value: encodePrediction({
            requestId: request.id,
            modelId: config.modelId,
            modelVersion: current.version,
            modelWindows: current.windows,
            nClasses: model.nClasses,
            probabilities: Array.from(probabilities),
            source: { topic: record.topic, partition: record.partition, offset: Number(record.offset) },
            time: Date.now(),
          }),
        });
        counts.requests += 1;
        counts.rows += request.x.rows;
        if (!counts.versionsUsed.includes(current.version)) counts.versionsUsed.push(current.version);
      }
      return out;
    };

    await lastValueFrom(
      source.batches$.pipe(
        concatMap((batch) =>
          source.track(
            writer.write(scoreBatch(batch), [...nextOffsets(batch.records.map(recordPosition)).values()]).then(() => config.onCommitted?.(counts.requests)),
          ),
        ),
        reduce(() => undefined, undefined),
      ),
      { defaultValue: undefined },
    );
    if (followFailure !== undefined) throw followFailure;
    return counts;
  } finally {
    config.signal?.removeEventListener('abort', stop);
    await Promise.allSettled([source.close(), writer.close(), follower?.close()]);
  }
}

const USAGE = `usage: npx tsx pipelines/score.ts --input TOPIC --model-id ID [options]
  --input TOPIC           scoring requests (schemas/scoring-request.avsc)
  --predictions-topic T   predictions (schemas/prediction.avsc; default INPUT.predictions)
  --dead-letter-topic T   requests that could not be scored (default INPUT.dead-letter)
  --snapshot-topic TOPIC  the trainer's snapshot topic (default clickstream.snapshots)
  --model-id ID           the model to serve: the key of its snapshots
  --group ID              consumer group (default streamlearn.score.MODEL-ID)
  --follow                keep scoring until stopped, switching to each newer snapshot
  --n-features N          features per row (default 10)
  --model NAME, --model-options JSON  the model as it was trained (a snapshot of other hyperparameters is refused)
SIGINT or SIGTERM stops gracefully after the fetch being scored.
Brokers: KAFKA_BROKERS=host:port[,…], or the project's local broker is started and stopped.`;

if (require.main === module) {
  runWithBroker(async (connection) => {
    const { values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        model: TRAINING_OPTION_SPECS.model,
        'model-options': TRAINING_OPTION_SPECS['model-options'],
        input: { type: 'string' },
        'predictions-topic': { type: 'string' },
        'dead-letter-topic': { type: 'string' },
        'snapshot-topic': { type: 'string', default: 'clickstream.snapshots' },
        'model-id': { type: 'string' },
        group: { type: 'string' },
        follow: { type: 'boolean', default: false },
        'n-features': { type: 'string', default: '10' },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help || values.input === undefined || values['model-id'] === undefined) {
      console.log(USAGE);
      if (!values.help) process.exitCode = 2;
      return;
    }
    const nFeatures = Number(values['n-features']);
    if (!Number.isSafeInteger(nFeatures) || nFeatures < 1) throw new RangeError(`--n-features: must be an integer ≥ 1, got ${values['n-features']}`);
    const { model } = parseTrainingChoices({ model: values.model, 'model-options': values['model-options'], gate: 'always', evaluation: 'prequential' }, nFeatures);
    const stop = new AbortController();
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stop.signal.aborted) process.exit(130);
      console.error(`${signal}: stopping after the fetch being scored`);
      stop.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const result = await score(
      connection,
      {
        input: values.input,
        predictionsTopic: values['predictions-topic'] ?? `${values.input}.predictions`,
        deadLetterTopic: values['dead-letter-topic'] ?? `${values.input}.dead-letter`,
        snapshotTopic: values['snapshot-topic'],
        modelId: values['model-id'],
        groupId: values.group ?? `streamlearn.score.${values['model-id']}`,
        until: values.follow ? 'follow' : 'end-offsets-at-start',
        log: (line) => console.error(line),
        signal: stop.signal,
      },
      model,
    );
    console.log(JSON.stringify(result));
  });
}
