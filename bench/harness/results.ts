/**
 * The shape of bench/results.json, and the targets of issue 5 judged against a finished run.
 *
 * Every system is a row with a status: 'ok' rows carry figures, 'skipped' and 'failed' rows carry
 * the reason instead, so a run that could not measure something still says why.
 */

/** Row names; the ratios and targets find their rows by these. */
export const SYSTEM = Object.freeze({
  oursCore: 'ours: SGD partialFit (TypeScript)',
  sklearn: 'scikit-learn SGDClassifier.partial_fit',
  riverMany: 'River LogisticRegression.learn_many',
  riverOne: 'River LogisticRegression.learn_one',
  oursEndToEnd: 'ours: train pipeline (Avro in, seed model + gate, sinks on)',
  seed: "seed's consumer in Python (kafka-python, JSON, scikit-learn)",
  kafkaJsFetch: 'KafkaJS fetch-only (kafkaSource, drop)',
  kcatFetch: 'kcat fetch-only (librdkafka, drop)',
});

export type RowStatus = 'ok' | 'skipped' | 'failed';

/** How a row's accuracy and F1 were measured; the sections differ, so every row says which. */
export type QualityMeasure =
  | 'holdout: first 80% trained, last 20% tested'
  | 'cumulative prequential (every record scored before it is learned)'
  | 'cumulative over the 20% test splits of every message'
  | 'none';

export interface SystemRow {
  readonly system: string;
  readonly status: RowStatus;
  /** Why the row has no figures ('skipped' or 'failed'). */
  readonly reason?: string;
  readonly records: number | null;
  /** The timed span (see the section's `timing`). */
  readonly seconds: number | null;
  readonly recordsPerSecond: number | null;
  /** Ours ÷ this row's records/s: above 1, ours is faster. Filled in by `withRatios`. */
  readonly oursOverThis: number | null;
  readonly peakRssBytes: number | null;
  readonly accuracy: number | null;
  readonly f1: number | null;
  readonly quality: QualityMeasure;
  /** Whatever else the system reported (repeats, rejected updates, parity checks …). */
  readonly details: Readonly<Record<string, unknown>>;
}

export interface ThroughputSection {
  readonly title: string;
  /** What the records/s were timed over. */
  readonly timing: string;
  /** The row the ratios are taken against. */
  readonly ours: string;
  readonly rows: readonly SystemRow[];
}

export interface MemoryRun {
  readonly records: number;
  readonly messages: number;
  readonly status: RowStatus;
  readonly reason?: string;
  readonly peakRssBytes: number | null;
  readonly recordsPerSecond: number | null;
}

export interface LatencySummary {
  readonly samples: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
}

export interface LatencySection {
  readonly status: RowStatus;
  readonly reason?: string;
  readonly messagesPerSecond: number;
  readonly seconds: number;
  readonly messagesProduced: number;
  /** Producer send (the message's eventTime) → the metrics record is readable by a read-committed consumer. */
  readonly committed: LatencySummary;
  /** Producer send → the train producer stamps the metrics record (its Kafka timestamp), before the commit. */
  readonly written: LatencySummary;
  /** Producer send → EndTxn of the checkpoint holding the message returned to train (commit markers may still be on their way). */
  readonly acknowledged: LatencySummary;
  /** The same span as `committed` for a bare KafkaJS transaction per message, no pipeline: the floor on this broker (latency-floor.ts). */
  readonly floor: LatencySummary;
  /** The same span as `committed` with at-least-once checkpoints (`--no-transactions`): no transaction to wait for. */
  readonly atLeastOnce: LatencySummary;
}

export type TargetStatus = 'met' | 'not met' | 'unknown';

export interface TargetResult {
  readonly id: string;
  readonly description: string;
  readonly target: string;
  readonly measured: string;
  readonly status: TargetStatus;
}

export interface BenchResults {
  readonly format: 'streamlearn-bench/1';
  readonly mode: 'full' | 'smoke';
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly wallSeconds: number;
  readonly environment: Readonly<Record<string, unknown>>;
  readonly config: Readonly<Record<string, unknown>>;
  readonly learnerCore: ThroughputSection;
  readonly endToEnd: ThroughputSection;
  readonly transport: ThroughputSection & { readonly oursFractionOfKafkaJs: number | null };
  readonly memory: { readonly runs: readonly MemoryRun[]; readonly growth: number | null };
  readonly latency: LatencySection;
  readonly targets: readonly TargetResult[];
  /** Sections that threw, with the error; the others still ran. */
  readonly errors: readonly string[];
}

export const EMPTY_LATENCY: LatencySummary = Object.freeze({ samples: 0, p50Ms: null, p99Ms: null, maxMs: null });

export function okRow(system: string, figures: Partial<SystemRow> & Pick<SystemRow, 'quality'>): SystemRow {
  return {
    records: null,
    seconds: null,
    recordsPerSecond: null,
    peakRssBytes: null,
    accuracy: null,
    f1: null,
    details: {},
    ...figures,
    system,
    status: 'ok',
    oursOverThis: null,
  };
}

export function notRunRow(system: string, status: 'skipped' | 'failed', reason: string, quality: QualityMeasure = 'none'): SystemRow {
  return {
    system,
    status,
    reason,
    records: null,
    seconds: null,
    recordsPerSecond: null,
    oursOverThis: null,
    peakRssBytes: null,
    accuracy: null,
    f1: null,
    quality,
    details: {},
  };
}

/** The rate of the row named `system`, when that row ran. */
export function rateOf(rows: readonly SystemRow[], system: string): number | null {
  const row = rows.find((r) => r.system === system);
  return row?.status === 'ok' ? row.recordsPerSecond : null;
}

/** Fills in every row's ours ÷ this ratio against our rate (null: no ratios). */
export function withRatios(rows: readonly SystemRow[], oursRate: number | null): SystemRow[] {
  return rows.map((row) => ({
    ...row,
    oursOverThis: oursRate !== null && row.recordsPerSecond !== null && row.recordsPerSecond > 0 ? oursRate / row.recordsPerSecond : null,
  }));
}

/** Nearest-rank percentile of `values` (need not be sorted); null when empty. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

export function summarizeLatency(values: readonly number[]): LatencySummary {
  if (values.length === 0) return EMPTY_LATENCY;
  return { samples: values.length, p50Ms: percentile(values, 50), p99Ms: percentile(values, 99), maxMs: Math.max(...values) };
}

const MB = 1e6;
export const formatRate = (perSecond: number): string =>
  perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(2)}M/s` : perSecond >= 1e3 ? `${(perSecond / 1e3).toFixed(1)}k/s` : `${perSecond.toFixed(0)}/s`;
export const formatMB = (bytes: number): string => `${(bytes / MB).toFixed(0)} MB`;

function judge(id: string, description: string, target: string, measured: number | null, holds: (value: number) => boolean, show: (value: number) => string): TargetResult {
  return {
    id,
    description,
    target,
    measured: measured === null ? 'not measured' : show(measured),
    status: measured === null ? 'unknown' : holds(measured) ? 'met' : 'not met',
  };
}

const times = (n: number): string => `${n.toFixed(1)}×`;

/** Issue 5's targets, judged on what the run measured ('unknown' where a needed row did not run). */
export function judgeTargets(results: Omit<BenchResults, 'targets'>): TargetResult[] {
  const core = results.learnerCore;
  const e2e = results.endToEnd;
  const coreOurs = rateOf(core.rows, core.ours);
  const sklearn = rateOf(core.rows, SYSTEM.sklearn);
  const e2eOurs = rateOf(e2e.rows, e2e.ours);
  const seed = rateOf(e2e.rows, SYSTEM.seed);
  const ratio = (a: number | null, b: number | null): number | null => (a !== null && b !== null && b > 0 ? a / b : null);
  const peaks = results.memory.runs.map((run) => run.peakRssBytes);
  const peakOfAll = peaks.length > 0 && peaks.every((p) => p !== null) ? Math.max(...(peaks as number[])) : null;
  return [
    judge('learner-core-rate', 'learner core: our SGD partialFit', '≥ 20M records/s', coreOurs, (v) => v >= 20e6, formatRate),
    judge('learner-core-vs-sklearn', 'learner core: ours ÷ scikit-learn partial_fit, same run', '≥ 50×', ratio(coreOurs, sklearn), (v) => v >= 50, times),
    judge('e2e-rate', 'end to end through Kafka: ours', '≥ 1M records/s', e2eOurs, (v) => v >= 1e6, formatRate),
    judge('e2e-vs-seed', "end to end: ours ÷ the seed's Python pipeline, same run", '≥ 20×', ratio(e2eOurs, seed), (v) => v >= 20, times),
    judge('e2e-vs-fetch-limit', 'end to end: ours as a share of the KafkaJS fetch-only limit', '≥ 70%', results.transport.oursFractionOfKafkaJs, (v) => v >= 0.7, (v) => `${(v * 100).toFixed(0)}%`),
    judge('peak-rss', 'train pipeline peak RSS (largest of the memory runs)', '≤ 150 MB', peakOfAll, (v) => v <= 150 * MB, formatMB),
    judge('rss-growth', 'peak RSS at 5× the records vs at 1×', 'within 10%', results.memory.growth, (v) => Math.abs(v) <= 0.1, (v) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`),
    judge('latency-p99', 'latency p99, producer send → metrics record committed', '≤ 10 ms', results.latency.committed.p99Ms, (v) => v <= 10, (v) => `${v.toFixed(1)} ms`),
  ];
}
