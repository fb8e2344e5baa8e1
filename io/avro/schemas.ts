/**
 * The project's Avro schemas (schemas/*.avsc) as avsc types, the TypeScript shapes of their
 * records, and single-object codecs for the records the pipelines write.
 *
 * Logical types are left unregistered, so timestamp-millis fields read and write plain epoch
 * milliseconds (numbers), not Dates. Longs are JS numbers, exact within ±2^52 (Kafka offsets and
 * millisecond times are far below that).
 */
import { readFileSync } from 'node:fs';
import avro, { type Schema, type Type } from 'avsc';
import type { DeadLetterReason } from './decode-result';
import { SchemaRegistry } from './schema-registry';
import { singleObjectCodec, type SingleObjectCodec } from './single-object';

function loadSchema(file: string): Type {
  const text = readFileSync(new URL(`../../schemas/${file}`, import.meta.url), 'utf8');
  return avro.Type.forSchema(JSON.parse(text) as Schema);
}

export const CLICKSTREAM_BATCH_TYPE = loadSchema('clickstream-batch.avsc');
export const STEP_METRICS_TYPE = loadSchema('step-metrics.avsc');
export const MODEL_SNAPSHOT_TYPE = loadSchema('model-snapshot.avsc');
export const DEAD_LETTER_TYPE = loadSchema('dead-letter.avsc');

/** A new registry holding the current version of every project schema. */
export function projectSchemaRegistry(): SchemaRegistry {
  const registry = new SchemaRegistry();
  for (const type of [CLICKSTREAM_BATCH_TYPE, STEP_METRICS_TYPE, MODEL_SNAPSHOT_TYPE, DEAD_LETTER_TYPE]) registry.register(type);
  return registry;
}

/** streamlearn.ClickstreamBatch as avsc reads it (the hot path uses clickstream-codec instead). */
export interface ClickstreamBatchRecord {
  id: number;
  eventTime: number;
  nFeatures: number;
  features: number[];
  labels: number[];
}

export interface SourceRangeRecord {
  topic: string;
  partition: number;
  firstOffset: number;
  lastOffset: number;
}

export interface StepMetricsRecord {
  batchIndex: number;
  sources: SourceRangeRecord[];
  rows: number;
  evaluatedRows: number;
  logLoss: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  rocAuc: number;
  accepted: boolean | null;
  reason: string;
  modelVersion: number;
  recordsPerSecond: number;
  eventTime: number;
  modelId: string;
  modelKind: string;
  drift: boolean;
}

export interface SourceOffsetRecord {
  topic: string;
  partition: number;
  nextOffset: number;
}

export interface ModelSnapshotRecord {
  modelId: string;
  modelKind: string;
  hyperparameters: string;
  nFeatures: number;
  nClasses: number;
  /** UTF-8 bytes of `encodeState(state)`. */
  state: Buffer;
  version: number;
  trainer: { windows: number; rowsSeen: number };
  sources: SourceOffsetRecord[];
  time: number;
}

export interface DeadLetterRecord {
  original: Buffer;
  topic: string;
  partition: number;
  offset: number;
  reason: DeadLetterReason;
  message: string;
  time: number;
}

/** Codecs over one shared registry of the project schemas; pass your own registry to add older writers. */
export function recordCodecs(registry: SchemaRegistry = projectSchemaRegistry()): {
  readonly stepMetrics: SingleObjectCodec<StepMetricsRecord>;
  readonly modelSnapshot: SingleObjectCodec<ModelSnapshotRecord>;
  readonly deadLetter: SingleObjectCodec<DeadLetterRecord>;
} {
  return {
    stepMetrics: singleObjectCodec<StepMetricsRecord>(STEP_METRICS_TYPE, registry),
    modelSnapshot: singleObjectCodec<ModelSnapshotRecord>(MODEL_SNAPSHOT_TYPE, registry),
    deadLetter: singleObjectCodec<DeadLetterRecord>(DEAD_LETTER_TYPE, registry),
  };
}
