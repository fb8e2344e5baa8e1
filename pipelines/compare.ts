/**
 * The leaderboard: several models (each with its own gate) trained side by side on one stream in a
 * single pass, with one generation/decode and shared windows, like River's benchmark pages.
 *
 *   stream → messageWindow → share ─┬─ partialFit(model A, gate A) ─┐
 *                                    ├─ partialFit(model B, gate B) ─┼─ per-model accuracy → table, chart
 *                                    └─ …                            ┘
 *
 * Run: `npx tsx pipelines/compare.ts --stream sea --entries sgd:seed,sgd:drift,hoeffding-tree:always`
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { from, lastValueFrom, map, merge, share } from 'rxjs';
import type { Classifier, LabeledBatch, Matrix } from '../models/types';
import { createClassifier } from '../models/catalog';
import { driftStream, DRIFT_STREAM_NAMES, type DriftStreamOptions } from '../generators/drift-stream';
import { messageWindow } from '../transforms/message-window';
import { partialFit } from '../transforms/partial-fit';
import type { GatePolicy } from '../training/gate-policies';
import { parseDrift, parseEvaluation, parseGate } from './training-options';
import type { DriftOptions } from '../training/drift-response';
import { BoundedSeries } from '../io/artifacts/bounded-series';
import { leaderboardChartSvg } from '../io/artifacts/leaderboard-chart';
import { writeFileAtomic } from '../io/artifacts/atomic-write';

export interface LeaderboardEntry {
  readonly label: string;
  readonly model: Classifier<unknown>;
  readonly gate: GatePolicy<unknown>;
  readonly drift?: DriftOptions<unknown>;
}

/** Model time spent inside learn and predict, measured at the edge so the models stay pure. */
function timed<S>(model: Classifier<S>, clock: { ms: number }): Classifier<S> {
  const time = <A extends unknown[], R>(fn: (...args: A) => R) => (...args: A): R => {
    const started = performance.now();
    try {
      return fn(...args);
    } finally {
      clock.ms += performance.now() - started;
    }
  };
  return { ...model, learn: time((s: S, b: LabeledBatch) => model.learn(s, b)), predictProba: time((s: S, x: Matrix) => model.predictProba(s, x)) };
}

/** Recovery after a known drift: accuracy over the 20k rows before it against rows 2.5k–5k after it. */
const PRE_DRIFT_ROWS = 20_000;
const RECOVERY_ROWS = 5_000;
const RECOVERY_FROM = 2_500;

export interface DriftRecovery {
  readonly at: number;
  readonly before: number;
  readonly after: number;
}

function recoveries(near: readonly { at: number; correct: number; rows: number }[], driftsAt: readonly number[]): DriftRecovery[] {
  return driftsAt.map((d) => {
    const accuracy = (from: number, to: number) => {
      let correct = 0;
      let rows = 0;
      for (const w of near) if (w.at >= from && w.at + w.rows <= to) { correct += w.correct; rows += w.rows; }
      return correct / rows;
    };
    return { at: d, before: accuracy(d - PRE_DRIFT_ROWS, d), after: accuracy(d + RECOVERY_FROM, d + RECOVERY_ROWS) };
  });
}

export interface EntryResult {
  readonly label: string;
  readonly records: number;
  readonly accuracy: number;
  /** Accuracy over the last `tailRows` rows (window granularity). */
  readonly tailAccuracy: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly modelSeconds: number;
  readonly recordsPerSecond: number;
  readonly series: BoundedSeries;
  /** Records seen when this entry's drift detector fired. */
  readonly drifts: readonly number[];
  readonly recoveries: readonly DriftRecovery[];
}

/** Per-entry bookkeeping: cumulative accuracy, tumbling-window accuracy for the chart, and a tail. */
class EntryStats {
  correct = 0;
  rows = 0;
  accepted = 0;
  rejected = 0;
  private bucketCorrect = 0;
  private bucketRows = 0;
  private readonly tail: { correct: number; rows: number }[] = [];
  private tailRows = 0;
  readonly series = new BoundedSeries();

  readonly drifts: number[] = [];
  /** Per-window (records before, correct, rows) kept only near the stream's true drift positions. */
  readonly nearDrifts: { at: number; correct: number; rows: number }[] = [];

  constructor(private readonly bucket: number, private readonly tailSize: number, private readonly driftsAt: readonly number[] = []) {}

  add(correct: number, rows: number, accepted: boolean | null, drift: boolean): void {
    if (drift) this.drifts.push(this.rows);
    if (this.driftsAt.some((d) => this.rows >= d - PRE_DRIFT_ROWS && this.rows < d + RECOVERY_ROWS)) this.nearDrifts.push({ at: this.rows, correct, rows });
    this.correct += correct;
    this.rows += rows;
    if (accepted === true) this.accepted += 1;
    if (accepted === false) this.rejected += 1;
    this.bucketCorrect += correct;
    this.bucketRows += rows;
    if (this.bucketRows >= this.bucket) {
      this.series.add(this.rows, this.bucketCorrect / this.bucketRows);
      this.bucketCorrect = 0;
      this.bucketRows = 0;
    }
    this.tail.push({ correct, rows });
    this.tailRows += rows;
    while (this.tail.length > 1 && this.tailRows - this.tail[0].rows >= this.tailSize) this.tailRows -= this.tail.shift()!.rows;
  }

  tailAccuracy(): number {
    let correct = 0;
    for (const t of this.tail) correct += t.correct;
    return correct / this.tailRows;
  }
}

export async function compare(
  messages: Iterable<import('../transforms/types').LabeledMessage>,
  entries: readonly LeaderboardEntry[],
  options: { readonly evaluation: ReturnType<typeof parseEvaluation>; readonly bucketRows: number; readonly tailRows: number; readonly driftsAt?: readonly number[] },
): Promise<EntryResult[]> {
  const clocks = entries.map(() => ({ ms: 0 }));
  const driftsAt = options.driftsAt ?? [];
  const stats = entries.map(() => new EntryStats(options.bucketRows, options.tailRows, driftsAt));
  const windows$ = from(messages).pipe(messageWindow(), share());
  const branches = entries.map((entry, i) =>
    windows$.pipe(
      partialFit(timed(entry.model, clocks[i]), { gate: entry.gate, evaluation: options.evaluation, drift: entry.drift }),
      map((step) => stats[i].add(step.metrics.accuracy * step.evaluatedRows, step.evaluatedRows, step.accepted, step.drift)),
    ),
  );
  await lastValueFrom(merge(...branches), { defaultValue: undefined });
  return entries.map((entry, i) => ({
    label: entry.label,
    records: stats[i].rows,
    accuracy: stats[i].correct / stats[i].rows,
    tailAccuracy: stats[i].tailAccuracy(),
    accepted: stats[i].accepted,
    rejected: stats[i].rejected,
    modelSeconds: clocks[i].ms / 1000,
    recordsPerSecond: stats[i].rows / (clocks[i].ms / 1000),
    series: stats[i].series,
    drifts: stats[i].drifts,
    recoveries: recoveries(stats[i].nearDrifts, driftsAt),
  }));
}

export function formatLeaderboard(results: readonly EntryResult[], tailRows: number): string {
  const header = ['entry', 'accuracy', `last ${tailRows / 1000}k`, 'accepted', 'rejected', 'drifts detected', 'model records/s'];
  const rows = [...results]
    .sort((a, b) => b.tailAccuracy - a.tailAccuracy)
    .map((r) => [r.label, r.accuracy.toFixed(4), r.tailAccuracy.toFixed(4), String(r.accepted), String(r.rejected), String(r.drifts.length), Math.round(r.recordsPerSecond).toLocaleString('en-US')]);
  const table = markdownTable(header, rows);
  const withDrifts = results.filter((r) => r.recoveries.length > 0);
  if (withDrifts.length === 0) return table;
  const recoveryHeader = ['entry', ...withDrifts[0].recoveries.map((r) => `drift at ${r.at / 1000}k: before → 2.5–5k after`)];
  const recoveryRows = withDrifts.map((r) => [r.label, ...r.recoveries.map((x) => `${x.before.toFixed(3)} → ${x.after.toFixed(3)}${x.after >= x.before - 0.02 ? ' ✓' : ' ✗'}`)]);
  return `${table}\n\nRecovery (✓: within 2 points of the 20k rows before the drift, 2.5k–5k rows after it)\n\n${markdownTable(recoveryHeader, recoveryRows)}`;
}

function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/**
 * `model[:gate[:drift]]`: gate seed | always | never | a rule `parseGate` takes; drift none or an
 * ADWIN response (reset-gate | reset-model | background). Options per model name as JSON.
 */
export function parseEntries(spec: string, modelOptions: Record<string, Record<string, unknown>>, nFeatures: number): LeaderboardEntry[] {
  return spec.split(',').map((part) => {
    const [name, gateRule = 'always', response = 'none'] = part.trim().split(':');
    return {
      label: `${name} (${gateRule} gate${response === 'none' ? '' : `, ADWIN ${response}`})`,
      model: createClassifier(name, { nFeatures, nClasses: 2, ...(modelOptions[name] ?? {}) }),
      gate: parseGate(gateRule),
      drift: parseDrift(response === 'none' ? 'none' : `adwin:${response}`),
    };
  });
}

const USAGE = `usage: npx tsx pipelines/compare.ts [options]
  --stream NAME        ${DRIFT_STREAM_NAMES.join(' | ')} (default stationary)
  --messages N         messages of 100–109 rows (default 10000)
  --seed N             stream seed (default 42)
  --entries LIST       comma-separated model[:gate[:drift]], e.g. sgd:seed,sgd:seed:reset-model,hoeffding-tree
                       (gate default always; drift none | reset-gate | reset-model | background, with ADWIN)
  --model-options JSON options per model name, e.g. '{"sgd":{"eta0":0.05}}'
  --evaluation MODE    prequential | holdout (default prequential)
  --bucket-rows N      rows per chart point (default 10000)
  --tail-rows N        the "last N rows" column (default 100000)
  --out DIR            leaderboard.md and leaderboard.svg (default out)`;

if (require.main === module) {
  (async () => {
    const { values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        stream: { type: 'string', default: 'stationary' },
        messages: { type: 'string', default: '10000' },
        seed: { type: 'string', default: '42' },
        entries: { type: 'string', default: 'sgd:seed,sgd:always,gaussian-nb:always,hoeffding-tree:always' },
        'model-options': { type: 'string', default: '{}' },
        evaluation: { type: 'string', default: 'prequential' },
        'bucket-rows': { type: 'string', default: '10000' },
        'tail-rows': { type: 'string', default: '100000' },
        out: { type: 'string', default: 'out' },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      console.log(USAGE);
      return;
    }
    const streamOptions = { generator: values.stream, messages: Number(values.messages), seed: Number(values.seed) } as DriftStreamOptions;
    const messages = driftStream(streamOptions);
    const first = messages[Symbol.iterator]().next();
    const nFeatures = first.done ? 10 : first.value.batch.x.cols;
    const entries = parseEntries(values.entries, JSON.parse(values['model-options']) as Record<string, Record<string, unknown>>, nFeatures);
    const tailRows = Number(values['tail-rows']);
    const started = performance.now();
    const markers = driftMarkers(streamOptions);
    const results = await compare(messages, entries, { evaluation: parseEvaluation(values.evaluation), bucketRows: Number(values['bucket-rows']), tailRows, driftsAt: markers.map((m) => m.x) });
    const table = formatLeaderboard(results, tailRows);
    const title = `Leaderboard on the ${values.stream} stream (${results[0]?.records.toLocaleString('en-US') ?? 0} records)`;
    mkdirSync(values.out, { recursive: true });
    await writeFileAtomic(join(values.out, 'leaderboard.md'), `# ${title}\n\n${table}\n`);
    const svg = leaderboardChartSvg({
      title,
      subtitle: `prequential accuracy per ${Number(values['bucket-rows']).toLocaleString('en-US')} rows`,
      models: results.map((r) => ({ name: r.label, points: r.series.points() })),
      markers,
    });
    await writeFileAtomic(join(values.out, 'leaderboard.svg'), svg);
    console.log(`${title}\n\n${table}\n\nwall ${((performance.now() - started) / 1000).toFixed(1)} s; chart ${join(values.out, 'leaderboard.svg')}`);
  })().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}

/** The stream's true drift positions, drawn on the chart (SEA's driftsAt, the concept switch's centre). */
function driftMarkers(options: DriftStreamOptions): { x: number; label: string }[] {
  const o = options as { generator?: string; driftsAt?: readonly number[]; position?: number };
  if (o.generator === 'sea') return (o.driftsAt ?? [250_000, 500_000, 750_000]).map((x) => ({ x, label: 'drift' }));
  if (o.generator === 'concept-switch') return [{ x: o.position ?? 5000, label: 'switch' }];
  return [];
}
