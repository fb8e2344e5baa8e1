/** bench/results.md: the results as tables, with what each figure means and how noisy the run was. */
import { formatMB, type BenchResults, type LatencySummary, type QualityMeasure, type SystemRow, type ThroughputSection } from './results';

const QUALITY_LABEL: Record<QualityMeasure, string> = {
  'holdout: first 80% trained, last 20% tested': 'holdout',
  'cumulative prequential (every record scored before it is learned)': 'prequential',
  'cumulative over the 20% test splits of every message': 'test splits',
  none: '',
};

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
const fixed = (value: number | null, digits: number): string => (value === null || Number.isNaN(value) ? '' : value.toFixed(digits));
const integer = (value: number): string => Math.round(value).toLocaleString('en-US');

function throughputRows(section: ThroughputSection): string[] {
  return section.rows.map((row: SystemRow) => {
    if (row.status !== 'ok') return `| ${section.title} | ${cell(row.system)} | **${row.status}**: ${cell(row.reason ?? '')} | | | | | |`;
    const ratio = row.oursOverThis === null ? '' : `${row.oursOverThis >= 10 ? row.oursOverThis.toFixed(0) : row.oursOverThis.toPrecision(2)}×`;
    return (
      `| ${section.title} | ${cell(row.system)} | ${row.recordsPerSecond === null ? '' : integer(row.recordsPerSecond)} | ${ratio} | ` +
      `${row.peakRssBytes === null ? '' : formatMB(row.peakRssBytes)} | ${fixed(row.accuracy, 4)} | ${fixed(row.f1, 4)} | ${QUALITY_LABEL[row.quality]} |`
    );
  });
}

function latencyRow(label: string, summary: LatencySummary): string {
  return `| ${label} | ${summary.samples} | ${fixed(summary.p50Ms, 1)} | ${fixed(summary.p99Ms, 1)} | ${fixed(summary.maxMs, 1)} |`;
}

export function renderMarkdown(results: BenchResults): string {
  const env = results.environment;
  const load = (env.loadAverageAtStart as number[] | undefined)?.map((v) => v.toFixed(2)).join(', ') ?? 'n/a';
  const lines: string[] = [
    `# Benchmark results (${results.mode} run)`,
    '',
    `Written by \`${results.mode === 'full' ? 'make bench' : 'make bench-smoke'}\` on ${results.finishedAt} (${results.wallSeconds.toFixed(0)} s). ` +
      `Node ${env.node}, ${env.cpus} × ${env.cpuModel}, Python ${env.python}, ${env.kcat}.`,
    '',
    `**Noise.** Load average at start: ${load} (1, 5, 15 min) on ${env.cpus} cores. The machine is shared with other work, ` +
      'so every rate here is noisy; compare rows of the same run, not runs.',
    '',
    '## Throughput, memory and quality',
    '',
    '| Section | System | Records/s | Ours ÷ this | Peak RSS | Accuracy | F1 | Measured as |',
    '|---|---|---:|---:|---:|---:|---:|---|',
    ...throughputRows(results.learnerCore),
    ...throughputRows(results.endToEnd),
    ...throughputRows(results.transport),
    '',
    `- **Learner core**: ${results.learnerCore.timing}.`,
    `- **End to end**: ${results.endToEnd.timing}.`,
    `- **Transport limit**: ${results.transport.timing}. Our end-to-end rate is ` +
      `${results.transport.oursFractionOfKafkaJs === null ? 'n/a' : `${(results.transport.oursFractionOfKafkaJs * 100).toFixed(0)}%`} of the KafkaJS fetch-only rate.`,
    '- **Ours ÷ this**: our rate in the same section divided by the row\'s; above 1 ours is faster.',
    '- **Peak RSS**: each system in its own process (getrusage maxrss; kcat: VmHWM polled).',
    '- **Measured as**: *holdout* = trained on the first 80% of the rows, scored on the last 20% (REFERENCE §2); ' +
      '*prequential* = final cumulative figures over every record, each scored before it was learned; ' +
      "*test splits* = cumulative over the 20% test split of every message, the seed's own evaluation (rejected updates included, as the seed keeps them).",
    '',
    '## Memory growth (train pipeline, own process)',
    '',
    '| Records | Messages | Peak RSS | Records/s |',
    '|---:|---:|---:|---:|',
    ...results.memory.runs.map((run) =>
      run.status === 'ok'
        ? `| ${integer(run.records)} | ${integer(run.messages)} | ${run.peakRssBytes === null ? '' : formatMB(run.peakRssBytes)} | ${run.recordsPerSecond === null ? '' : integer(run.recordsPerSecond)} |`
        : `| | ${integer(run.messages)} | **${run.status}**: ${cell(run.reason ?? '')} | |`,
    ),
    '',
    `Growth of the peak from the 1× run to the 5× run (the 5× run goes first, see run-bench.ts): ${results.memory.growth === null ? 'n/a' : `${(results.memory.growth * 100).toFixed(1)}%`}.`,
    '',
    `## Latency at ${results.latency.messagesPerSecond} messages/s for ${results.latency.seconds} s`,
    '',
    results.latency.status === 'ok'
      ? `${results.latency.messagesProduced} messages produced${results.latency.reason ? ` (${results.latency.reason})` : ''}.`
      : `**${results.latency.status}**: ${results.latency.reason}`,
    '',
    '| From the producer\'s send to … | Samples | p50 ms | p99 ms | max ms |',
    '|---|---:|---:|---:|---:|',
    latencyRow("the metrics record committed (read by a read-committed consumer)", results.latency.committed),
    latencyRow("the metrics record written (its Kafka timestamp, before the commit)", results.latency.written),
    latencyRow("the checkpoint's transaction acknowledged (EndTxn returned to train)", results.latency.acknowledged),
    latencyRow('the floor: a bare KafkaJS transaction per message, no pipeline, committed (read as above)', results.latency.floor),
    latencyRow('the metrics record committed, with at-least-once checkpoints (`--no-transactions`)', results.latency.atLeastOnce),
    '',
    '## Targets (issue 5)',
    '',
    '| Target | Required | Measured | Status |',
    '|---|---|---|---|',
    ...results.targets.map((t) => `| ${cell(t.description)} | ${t.target} | ${t.measured} | ${t.status === 'met' ? 'met' : `**${t.status}**`} |`),
  ];
  if (results.errors.length > 0) lines.push('', '## Errors', '', ...results.errors.map((e) => `- ${cell(e)}`));
  return `${lines.join('\n')}\n`;
}
