/**
 * Tree benchmark on the stationary clickstream (10 features, windows of one message, 100–109 rows):
 * - Hoeffding tree learning throughput (best of 3), the cost of copy-on-write per window (one learn
 *   call per window against one call for the whole stream), and test-then-train accuracy;
 * - `--river`: River 0.23's HoeffdingTreeClassifier on the same rows, both tested then trained row
 *   by row (test/fixtures/hoeffding_river.py --stream, in the fixtures venv);
 * - `--forest`: adaptive random forest throughput and accuracy on the first `--forest-rows` rows;
 * - `--memory-rows N`: only the forest, over an N-row stream generated on the fly, reporting peak RSS
 *   (run it on its own so that no other data set inflates the figure); with `--no-detectors` its
 *   trees are never replaced, so they grow until their `maxBytes` budget stops them.
 *
 * Run: node --import tsx bench/tree-throughput.ts [--rows 1000000] [--river] [--forest] [--forest-rows 200000]
 *      node --import tsx bench/tree-throughput.ts --memory-rows 5000000 [--no-detectors]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clickstream } from '../generators/clickstream';
import { adaptiveRandomForest, type AdaptiveRandomForestParams, type AdaptiveRandomForestState } from '../models/adaptive-random-forest';
import { hoeffdingTree, summarizeTree, type HoeffdingTreeParams, type HoeffdingTreeState } from '../models/hoeffding-tree';
import { concatBatches } from '../transforms/shared/concat-messages';
import type { Classifier, LabeledBatch } from '../models/types';
import { sliceRows } from '../models/types';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PYTHON = join(ROOT, '.cache', 'fixtures-venv', 'bin', 'python');
const RIVER_SCRIPT = join(ROOT, 'test', 'fixtures', 'hoeffding_river.py');
const LAST = 100_000;

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

function windowsOf(rows: number): LabeledBatch[] {
  const out: LabeledBatch[] = [];
  let total = 0;
  for (const message of clickstream({ messages: Infinity })) {
    const take = Math.min(message.batch.x.rows, rows - total);
    out.push(take === message.batch.x.rows ? message.batch : { x: sliceRows(message.batch.x, 0, take), y: message.batch.y.subarray(0, take) });
    total += take;
    if (total >= rows) break;
  }
  return out;
}

const rate = (rows: number, ms: number) => `${Math.round((rows / ms) * 1000).toLocaleString('en-US')} records/s`;
const rowsOf = (windows: readonly LabeledBatch[]) => windows.reduce((a, w) => a + w.x.rows, 0);

function timeLearning<S>(model: Classifier<S>, windows: readonly LabeledBatch[], repeats: number): { ms: number; state: S } {
  let best = Infinity;
  let state = model.init();
  for (let i = 0; i < repeats; i++) {
    state = model.init();
    const start = performance.now();
    for (const w of windows) state = model.learn(state, w);
    best = Math.min(best, performance.now() - start);
  }
  return { ms: best, state };
}

/** Predict each window, then learn it. */
function prequential<S>(model: Classifier<S>, windows: readonly LabeledBatch[]) {
  const rows = rowsOf(windows);
  let state = model.init();
  let correct = 0;
  let correctLast = 0;
  let seen = 0;
  const start = performance.now();
  for (const w of windows) {
    const predicted = model.predict(state, w.x);
    for (let i = 0; i < predicted.length; i++) {
      const hit = predicted[i] === w.y[i] ? 1 : 0;
      correct += hit;
      if (seen + i >= rows - LAST) correctLast += hit;
    }
    seen += predicted.length;
    state = model.learn(state, w);
  }
  return { state, ms: performance.now() - start, accuracy: correct / rows, accuracyLast: correctLast / Math.min(LAST, rows) };
}

function benchTree(windows: readonly LabeledBatch[]): void {
  const rows = rowsOf(windows);
  const model = hoeffdingTree({ nFeatures: 10 });
  const params = model.params as HoeffdingTreeParams;
  console.log(`Hoeffding tree (River defaults), ${rows.toLocaleString('en-US')} rows in ${windows.length.toLocaleString('en-US')} windows`);
  const windowed = timeLearning(model, windows, 3);
  console.log(`  learn, one call per window: ${rate(rows, windowed.ms)}`);
  const whole = [concatBatches(windows)];
  const single = timeLearning(model, whole, 3);
  const perWindow = ((windowed.ms - single.ms) / windows.length) * 1000;
  console.log(`  learn, one call for all rows: ${rate(rows, single.ms)}; copy-on-write and call overhead ≈ ${perWindow.toFixed(1)} µs per window ` +
    `(${(((windowed.ms - single.ms) / windowed.ms) * 100).toFixed(1)} % of learning)`);
  const summary = summarizeTree(params, windowed.state);
  const state = windowed.state as HoeffdingTreeState;
  console.log(`  tree: ${summary.nodes} nodes, ${summary.leaves} leaves (${summary.inactiveLeaves} inactive), depth ${summary.depth}, ` +
    `${(summary.bytes / 1024).toFixed(0)} KiB counted, ${state.nodePages.length} node pages + ${state.slotPages.length} estimator pages`);
  const run = prequential(model, windows);
  console.log(`  test-then-train by window: accuracy ${run.accuracy.toFixed(4)}, last ${LAST.toLocaleString('en-US')} rows ${run.accuracyLast.toFixed(4)}, ${rate(rows, run.ms)}`);
}

/** Row-by-row test-then-train of ours and of River on the same rows. */
function benchRiver(windows: readonly LabeledBatch[]): void {
  if (!existsSync(PYTHON)) {
    console.log(`River: skipped (${PYTHON} missing; run bash test/fixtures/generate.sh first)`);
    return;
  }
  const all = concatBatches(windows);
  const rows = all.x.rows;
  const model = hoeffdingTree({ nFeatures: 10 });
  let state = model.init();
  let correct = 0;
  let correctLast = 0;
  const start = performance.now();
  for (let r = 0; r < rows; r++) {
    const row = { x: sliceRows(all.x, r, r + 1), y: all.y.subarray(r, r + 1) };
    const hit = model.predict(state, row.x)[0] === row.y[0] ? 1 : 0;
    correct += hit;
    if (r >= rows - LAST) correctLast += hit;
    state = model.learn(state, row);
  }
  const oursMs = performance.now() - start;

  const dir = mkdtempSync(join(tmpdir(), 'tree-bench-'));
  try {
    const file = join(dir, 'rows.bin');
    const values = new Float64Array(1 + rows * 11);
    values[0] = 10;
    for (let r = 0; r < rows; r++) {
      values[1 + r * 11] = all.y[r];
      values.set(all.x.data.subarray(r * 10, r * 10 + 10), 2 + r * 11);
    }
    writeFileSync(file, new Uint8Array(values.buffer));
    const out = join(dir, 'river.json');
    console.log(`River HoeffdingTreeClassifier on the same ${rows.toLocaleString('en-US')} rows (row by row; this takes a while) …`);
    const run = spawnSync(PYTHON, [RIVER_SCRIPT, '--stream', file, '--out', out], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'] });
    if (run.status !== 0) throw new Error(`River run failed with status ${run.status}`);
    const river = JSON.parse(readFileSync(out, 'utf8')) as { accuracy: number; accuracyLast100k: number; nodes: number; seconds: number };
    const ours = { accuracy: correct / rows, last: correctLast / Math.min(LAST, rows) };
    console.log(`  ours:  accuracy ${ours.accuracy.toFixed(4)}, last ${LAST.toLocaleString('en-US')} ${ours.last.toFixed(4)}, ${state.nodeCount} nodes, ${rate(rows, oursMs)} (predict + learn, one row per call)`);
    console.log(`  River: accuracy ${river.accuracy.toFixed(4)}, last ${LAST.toLocaleString('en-US')} ${river.accuracyLast100k.toFixed(4)}, ${river.nodes} nodes, ${rate(rows, river.seconds * 1000)}`);
    console.log(`  difference: ${((ours.accuracy - river.accuracy) * 100).toFixed(3)} points overall, ${((ours.last - river.accuracyLast100k) * 100).toFixed(3)} over the last ${LAST.toLocaleString('en-US')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function forestSummary(params: AdaptiveRandomForestParams, state: AdaptiveRandomForestState): string {
  const trees = [...state.trees, ...state.background.filter((t): t is HoeffdingTreeState => t !== null)];
  const bytes = trees.reduce((a, t) => a + summarizeTree(params.tree, t).bytes, 0);
  const nodes = trees.reduce((a, t) => a + t.nodeCount, 0);
  const sum = (v: Float64Array) => v.reduce((a, b) => a + b, 0);
  return `${trees.length} trees (${state.background.filter((t) => t !== null).length} in the background), ${nodes} nodes, ` +
    `${(bytes / 2 ** 20).toFixed(1)} MiB counted; ${sum(state.warnings)} warnings, ${sum(state.drifts)} drifts`;
}

function benchForest(windows: readonly LabeledBatch[]): void {
  const rows = rowsOf(windows);
  const model = adaptiveRandomForest({ nFeatures: 10 });
  const params = model.params as AdaptiveRandomForestParams;
  console.log(`Adaptive random forest (10 trees, River's ARF defaults), ${rows.toLocaleString('en-US')} rows`);
  const learned = timeLearning(model, windows, 1);
  console.log(`  learn: ${rate(rows, learned.ms)}`);
  const run = prequential(model, windows);
  console.log(`  test-then-train by window: accuracy ${run.accuracy.toFixed(4)}, last ${Math.min(LAST, rows).toLocaleString('en-US')} rows ${run.accuracyLast.toFixed(4)}, ${rate(rows, run.ms)}`);
  console.log(`  ${forestSummary(params, run.state)}`);
}

function benchForestMemory(rows: number, detectors: boolean): void {
  const model = adaptiveRandomForest({ nFeatures: 10, ...(detectors ? {} : { warningDelta: null, driftDelta: null }) });
  const params = model.params as AdaptiveRandomForestParams;
  console.log(`Adaptive random forest memory over ${rows.toLocaleString('en-US')} rows (per-tree budget ${(params.tree.maxBytes / 2 ** 20).toFixed(0)} MiB` +
    `${detectors ? '' : ', drift and warning detectors off'})`);
  let state = model.init();
  let seen = 0;
  let correctLast = 0;
  let peak = process.memoryUsage().rss;
  let windows = 0;
  const start = performance.now();
  for (const message of clickstream({ messages: Infinity })) {
    const w = message.batch;
    if (seen >= rows - LAST) {
      const predicted = model.predict(state, w.x);
      for (let i = 0; i < predicted.length; i++) correctLast += predicted[i] === w.y[i] ? 1 : 0;
    }
    state = model.learn(state, w);
    seen += w.x.rows;
    if (++windows % 200 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    if (windows % 5000 === 0) {
      console.log(`  ${seen.toLocaleString('en-US')} rows: RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB; ${forestSummary(params, state)}`);
    }
    if (seen >= rows) break;
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(`  peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB; ${rate(seen, performance.now() - start)}; ` +
    `accuracy over the last ${LAST.toLocaleString('en-US')} rows (test-then-train) ${(correctLast / LAST).toFixed(4)}`);
  console.log(`  ${forestSummary(params, state)}`);
}

const memoryRows = option('memory-rows', 0);
if (memoryRows > 0) {
  benchForestMemory(memoryRows, !flag('no-detectors'));
} else {
  const windows = windowsOf(option('rows', 1_000_000));
  benchTree(windows);
  if (flag('river')) benchRiver(windows);
  if (flag('forest')) benchForest(windows.slice(0, Math.ceil(option('forest-rows', 200_000) / 104.5)));
}
