/**
 * Peak RSS of the train pipeline (bench/children/train-child.ts, the bench's section 4 child) at
 * several input sizes, without the rest of the bench: produces one input topic per size, then runs
 * the child over each, round after round, and prints every peak and the median per launch and size.
 *
 * Launches: `compiled`, as `make run` and the bench start the pipelines (.cache/build/node, see
 * bench/harness/pipeline-launch.ts); with --compare also `tsx` (`node --import tsx` on the sources,
 * how they ran before); and one per --try 'label=[VAR=value …] node-flags …', which runs the
 * compiled child with `node <flags>` and those variables instead of the launcher, to weigh a setting.
 * Launches alternate within each round, so machine load spreads over all of them alike.
 *
 * Run: node --import tsx bench/train-memory.ts [--messages 10000,50000] [--rounds 3] [--compare]
 *        [--try 'semi2=MALLOC_ARENA_MAX=2 --max-semi-space-size=2'] [--breakdown]
 * --breakdown preloads bench/children/memory-sampler.cjs: heap, external memory and RSS parts at the peak.
 * Uses KAFKA_BROKERS if set, else the project's local broker; deletes its topics and groups at the end.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureBroker } from '../io/kafka/local-broker';
import { produce, PRODUCE_DEFAULTS } from '../pipelines/produce';
import { deleteRunArtifacts } from './harness/cleanup';
import { nodeChildArgs, ROOT } from './harness/context';
import { createInputTopic } from './harness/input-topic';
import { BUILD_DIR, compiledChild } from './harness/pipeline-launch';
import { runForResult } from './harness/processes';
import type { TrainChildArgument } from './harness/train-run';

interface Launch {
  readonly label: string;
  start(argument: TrainChildArgument): { command: string; args: string[]; env: NodeJS.ProcessEnv };
}

interface ChildReport {
  readonly peakRssBytes: number;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly summary: { readonly records: number };
}

const SAMPLER = join(ROOT, 'bench', 'children', 'memory-sampler.cjs');
/** The children's metrics.csv, chart and run summary; removed at the end. */
const OUT_DIR = join(ROOT, '.cache', 'train-memory');
const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '10000,50000' },
    rounds: { type: 'string', default: '3' },
    compare: { type: 'boolean', default: false },
    try: { type: 'string', multiple: true, default: [] },
    breakdown: { type: 'boolean', default: false },
  },
});
const sizes = values.messages.split(',').map(Number);
const rounds = Number(values.rounds);
const preload = values.breakdown ? ['--require', SAMPLER] : [];

function launches(brokers: string): Launch[] {
  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ ...process.env, ...extra, KAFKA_BROKERS: brokers });
  const compiled: Launch = {
    label: 'compiled',
    start: (argument) => {
      const { command, args } = compiledChild('train-child.ts', argument);
      // The launcher execs node; NODE_OPTIONS reaches it like a command-line flag.
      return { command, args, env: env(values.breakdown ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${SAMPLER}` } : {}) };
    },
  };
  const tsx: Launch = {
    label: 'tsx',
    start: (argument) => ({ command: process.execPath, args: [...preload, ...nodeChildArgs('train-child.ts', argument)], env: env() }),
  };
  const tried = values.try.map((spec): Launch => {
    const [label, rest = ''] = spec.split(/=(.*)/s);
    const words = rest.split(/\s+/).filter((word) => word !== '');
    const variables = Object.fromEntries(words.filter((word) => /^[A-Z_][A-Z0-9_]*=/.test(word)).map((word) => word.split(/=(.*)/s).slice(0, 2)));
    const flags = words.filter((word) => !/^[A-Z_][A-Z0-9_]*=/.test(word));
    return {
      label,
      start: (argument) => {
        const [file, json] = compiledChild('train-child.ts', argument).args;
        return { command: process.execPath, args: [...flags, ...preload, file, json], env: env(variables) };
      },
    };
  });
  return [compiled, ...(values.compare ? [tsx] : []), ...tried];
}

async function main(): Promise<void> {
  const broker = await ensureBroker();
  const connection = { brokers: broker.brokers };
  const runId = `train-memory-${Date.now().toString(36)}`;
  const peaks = new Map<string, number[]>();
  try {
    const runs = launches(broker.brokers.join(','));
    console.log(`compiled build: ${BUILD_DIR}; launches: ${runs.map((launch) => launch.label).join(', ')}`);
    for (const messages of sizes) {
      const topic = `${runId}.input-${messages}`;
      await createInputTopic(connection, topic);
      const produced = await produce(connection, { ...PRODUCE_DEFAULTS, topic, messages, progress: false });
      console.log(`${topic}: ${produced.messages} messages, ${produced.records} records in ${produced.seconds.toFixed(1)} s`);
    }
    let runNumber = 0;
    for (let round = 1; round <= rounds; round++) {
      for (const messages of sizes) {
        for (const launch of runs) {
          const name = `r${++runNumber}`;
          const argument: TrainChildArgument = {
            input: `${runId}.input-${messages}`,
            topicPrefix: `${runId}.${name}`,
            groupId: `${runId}.${name}.train`,
            modelId: `${runId}.${name}`,
            outDir: join(OUT_DIR, name),
            follow: false,
          };
          const { command, args, env } = launch.start(argument);
          const report = await runForResult<ChildReport>(command, args, { cwd: ROOT, env, timeoutMs: 10 * 60_000, echo: values.breakdown ? '' : undefined });
          const key = `${launch.label} ${messages}`;
          peaks.set(key, [...(peaks.get(key) ?? []), report.peakRssBytes]);
          const seconds = (report.finishedAt - report.startedAt) / 1000;
          console.log(
            `round ${round} ${launch.label.padEnd(12)} ${String(messages).padStart(6)} messages: peak RSS ${mb(report.peakRssBytes)}, ` +
              `${report.summary.records} records in ${seconds.toFixed(2)} s (train call)`,
          );
        }
      }
    }
    console.log('\nmedian peak RSS (all rounds):');
    for (const launch of runs) {
      const medians = sizes.map((messages) => median(peaks.get(`${launch.label} ${messages}`) ?? []));
      const growth = medians.length > 1 ? `, growth ${(100 * (medians[medians.length - 1] / medians[0] - 1)).toFixed(1)}%` : '';
      console.log(`  ${launch.label.padEnd(12)} ${sizes.map((messages, i) => `${messages} messages ${mb(medians[i])}`).join(', ')}${growth}`);
    }
  } finally {
    await deleteRunArtifacts(connection, runId).catch((error: unknown) => console.error(`cleanup: ${(error as Error).message}`));
    await broker.stop();
    rmSync(OUT_DIR, { recursive: true, force: true });
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(0)} MB`;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
