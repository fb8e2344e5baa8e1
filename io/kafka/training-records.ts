/**
 * What a training run writes back to Kafka: one step-metrics record per window (accepted or not),
 * and model snapshots keyed by model id. Both are Avro single-object records.
 */
import type { Classifier } from '../../models/types';
import { decodeState, encodeState } from '../../models/state-codec';
import type { TrackerState } from '../../metrics/tracker';
import { restoreTracker } from '../../metrics/tracker-restore';
import type { Step, TrainerState } from '../../training/train-step';
import { initialDriftState, type DriftOptions, type DriftState } from '../../training/drift-response';
import type { SourcePosition } from '../../transforms/types';
import { recordCodecs, type ModelSnapshotRecord, type StepMetricsRecord } from '../avro/schemas';
import { encodeStepMetrics } from '../avro/step-metrics-codec';
import type { OutgoingRecord } from './records';

const CODECS = recordCodecs();

export interface RunIdentity {
  readonly modelId: string;
  readonly modelKind: string;
}

function offsetNumber(offset: string): number {
  const value = Number(offset);
  if (!Number.isSafeInteger(value)) throw new RangeError(`offset ${offset} does not fit the Avro long range used here (±2^53)`);
  return value;
}

export function stepMetricsRecord(step: Step<unknown, unknown>, run: RunIdentity, recordsPerSecond: number, now: number): StepMetricsRecord {
  return {
    batchIndex: step.index,
    sources: step.positions.map((p) => ({ topic: p.topic, partition: p.partition, firstOffset: offsetNumber(p.firstOffset), lastOffset: offsetNumber(p.lastOffset) })),
    rows: step.rows,
    evaluatedRows: step.evaluatedRows,
    logLoss: step.metrics.logLoss,
    accuracy: step.metrics.accuracy,
    precision: step.metrics.precision,
    recall: step.metrics.recall,
    f1: step.metrics.f1,
    rocAuc: step.metrics.rocAuc,
    accepted: step.accepted,
    reason: step.reason,
    modelVersion: step.version,
    recordsPerSecond,
    eventTime: now,
    modelId: run.modelId,
    modelKind: run.modelKind,
    drift: step.drift,
  };
}

/** The key of a model's metrics records, as one Buffer: KafkaJS would encode a string key again for every record. */
let metricsKey: { readonly modelId: string; readonly bytes: Buffer } | undefined;

export function metricsOutgoing(topic: string, record: StepMetricsRecord): OutgoingRecord {
  if (metricsKey?.modelId !== record.modelId) metricsKey = { modelId: record.modelId, bytes: Buffer.from(record.modelId, 'utf8') };
  return { topic, key: metricsKey.bytes, value: encodeStepMetrics(record) };
}

/** The state a snapshot carries: everything needed to resume training and its running metrics exactly. */
export interface CheckpointState<S, H> {
  readonly trainer: TrainerState<S, H>;
  readonly metrics: TrackerState;
}

/** Per topic-partition, the offset the next run starts from (last processed + 1). */
export interface NextOffset {
  readonly topic: string;
  readonly partition: number;
  readonly nextOffset: string;
}

export function nextOffsets(positions: Iterable<SourcePosition>, into: Map<string, NextOffset> = new Map()): Map<string, NextOffset> {
  for (const p of positions) {
    const key = `${p.topic}\u0000${p.partition}`;
    const next = BigInt(p.lastOffset) + 1n;
    const before = into.get(key);
    if (before === undefined || BigInt(before.nextOffset) < next) into.set(key, { topic: p.topic, partition: p.partition, nextOffset: String(next) });
  }
  return into;
}

/** Whether decimal offset `a` is below `b` (Kafka offsets: non-negative, no leading zeros). */
function offsetBelow(a: string, b: string): boolean {
  return a.length !== b.length ? a.length < b.length : a < b;
}

/**
 * The last position trained per topic-partition since the last checkpoint: what `nextOffsets` folds
 * in, kept per window without building a key string or parsing BigInts (a checkpoint converts the
 * few it holds with {@link TrainedPositions.nextOffsets}).
 */
export class TrainedPositions {
  readonly #byTopic = new Map<string, Map<number, SourcePosition>>();
  #size = 0;

  /** Topic-partitions held. */
  get size(): number {
    return this.#size;
  }

  add(positions: Iterable<SourcePosition>): void {
    for (const position of positions) {
      let partitions = this.#byTopic.get(position.topic);
      if (partitions === undefined) this.#byTopic.set(position.topic, (partitions = new Map()));
      const before = partitions.get(position.partition);
      if (before === undefined) this.#size += 1;
      if (before === undefined || offsetBelow(before.lastOffset, position.lastOffset)) partitions.set(position.partition, position);
    }
  }

  /** Whether the offsets to commit pass `offset` of `topic`[`partition`], i.e. a position at or beyond it is held. */
  passes(topic: string, partition: number, offset: string): boolean {
    const last = this.#byTopic.get(topic)?.get(partition);
    return last !== undefined && !offsetBelow(last.lastOffset, offset);
  }

  /** Per topic-partition, the offset to commit: last trained + 1. */
  nextOffsets(): NextOffset[] {
    const all: SourcePosition[] = [];
    for (const partitions of this.#byTopic.values()) all.push(...partitions.values());
    return [...nextOffsets(all).values()];
  }
}

export function snapshotRecord<S, H>(model: Classifier<S>, run: RunIdentity, checkpoint: CheckpointState<S, H>, offsets: Iterable<NextOffset>, now: number): ModelSnapshotRecord {
  return {
    modelId: run.modelId,
    modelKind: model.kind,
    hyperparameters: JSON.stringify(model.params),
    nFeatures: model.nFeatures,
    nClasses: model.nClasses,
    state: Buffer.from(encodeState(checkpoint), 'utf8'),
    version: checkpoint.trainer.version,
    trainer: { windows: checkpoint.trainer.windows, rowsSeen: checkpoint.trainer.rowsSeen },
    sources: [...offsets].map((o) => ({ topic: o.topic, partition: o.partition, nextOffset: offsetNumber(o.nextOffset) })),
    time: now,
  };
}

export function snapshotOutgoing(topic: string, record: ModelSnapshotRecord): OutgoingRecord {
  return { topic, key: record.modelId, value: CODECS.modelSnapshot.encode(record) };
}

export function decodeStepMetrics(bytes: Uint8Array): StepMetricsRecord {
  const decoded = CODECS.stepMetrics.decode(bytes);
  if (!decoded.ok) throw new Error(`step-metrics record: ${decoded.reason}: ${decoded.message}`);
  return decoded.value;
}

export function decodeSnapshot(bytes: Uint8Array): ModelSnapshotRecord {
  const decoded = CODECS.modelSnapshot.decode(bytes);
  if (!decoded.ok) throw new Error(`model-snapshot record: ${decoded.reason}: ${decoded.message}`);
  return decoded.value;
}

/**
 * The checkpoint inside a snapshot, validated against `model`: a snapshot of another kind or shape
 * is refused with a message that says which.
 */
export function restoreCheckpoint<S, H>(model: Classifier<S>, snapshot: ModelSnapshotRecord, drift?: DriftOptions<unknown>): CheckpointState<S, H> {
  if (snapshot.modelKind !== model.kind || snapshot.nFeatures !== model.nFeatures || snapshot.nClasses !== model.nClasses) {
    throw new Error(
      `snapshot of model ${snapshot.modelId} is a ${snapshot.modelKind} with ${snapshot.nFeatures} features and ${snapshot.nClasses} classes; ` +
        `the configured model is a ${model.kind} with ${model.nFeatures} and ${model.nClasses}: use another --model-id or the same model`,
    );
  }
  if (snapshot.hyperparameters !== JSON.stringify(model.params)) {
    throw new Error(`snapshot of model ${snapshot.modelId} was trained with hyperparameters ${snapshot.hyperparameters}, not ${JSON.stringify(model.params)}: use another --model-id or the same options`);
  }
  const plain = decodeState(snapshot.state.toString('utf8')) as { trainer?: Record<string, unknown>; metrics?: unknown };
  const trainer = plain.trainer;
  if (trainer === undefined || typeof trainer !== 'object') throw new Error(`snapshot of model ${snapshot.modelId} holds no trainer state`);
  return {
    trainer: {
      kept: model.restore(trainer.kept),
      pending: trainer.pending === null ? null : model.restore(trainer.pending),
      gate: trainer.gate as H,
      version: trainer.version as number,
      windows: trainer.windows as number,
      rowsSeen: trainer.rowsSeen as number,
      drift: restoreDrift(model, trainer.drift, drift),
    },
    metrics: restoreTracker(plain.metrics),
  };
}

/** The drift state of a restored trainer: as saved when both sides are drift-aware, fresh when only the run is. */
function restoreDrift<S>(model: Classifier<S>, plain: unknown, options: DriftOptions<unknown> | undefined): DriftState<S, unknown> | null {
  if (options === undefined) return null;
  if (plain === null || plain === undefined || typeof plain !== 'object') return initialDriftState<S, unknown>(options);
  const saved = plain as { detector: unknown; warning: unknown; background: unknown; drifts: unknown; errors: unknown; rows: unknown };
  return {
    detector: options.detector.restore(saved.detector),
    warning: saved.warning === null || options.warningDetector === undefined ? (options.warningDetector?.init() ?? null) : options.warningDetector.restore(saved.warning),
    background: saved.background === null ? null : model.restore(saved.background),
    drifts: typeof saved.drifts === 'number' ? saved.drifts : 0,
    errors: typeof saved.errors === 'number' ? saved.errors : 0,
    rows: typeof saved.rows === 'number' ? saved.rows : 0,
  };
}
