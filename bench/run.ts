/**
 * `make bench` (full) and `make bench-smoke`: runs bench/harness/run-bench.ts (issue 5's benchmarks)
 * and writes results.json and results.md, to bench/ for the full run and to .cache/bench-smoke/
 * for the smoke run unless --out says otherwise.
 *
 * Run: node --import tsx bench/run.ts [--smoke] [--out DIR]
 * Uses KAFKA_BROKERS if set, else starts (and stops) the project's local broker.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FULL_BENCH, ROOT, SMOKE_BENCH } from './harness/context';
import { stopAllChildren } from './harness/processes';
import { abortRunningBench, runBench, writeResults } from './harness/run-bench';

const { values } = parseArgs({ options: { smoke: { type: 'boolean', default: false }, out: { type: 'string' } } });
const preset = values.smoke ? SMOKE_BENCH : FULL_BENCH;
const options = { ...preset, outDir: values.out ?? (values.smoke ? join(ROOT, '.cache', 'bench-smoke') : preset.outDir) };

// Ctrl-C or a kill: end the children and delete the run's topics; the broker lease and the scratch folder go with the 'exit' handlers.
process.on('exit', stopAllChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`bench: ${signal}, stopping …`);
    void abortRunningBench().finally(() => process.exit(130));
  });
}

const log = (line: string): void => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
runBench(options, log)
  .then((results) => {
    const written = writeResults(results, options.outDir);
    console.log('');
    for (const target of results.targets) console.log(`${target.status.padEnd(8)} ${target.description}: ${target.measured} (target ${target.target})`);
    console.log(`\nwrote ${written.markdown} and ${written.json}`);
    process.exit(0);
  })
  .catch((error: unknown) => {
    stopAllChildren();
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  });
