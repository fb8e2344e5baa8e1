/**
 * Learner-core benchmark: SGD log_loss `learn` (one partial_fit per batch) over 1M rows × 10 features in
 * batches of 100–109 rows, through the public `Classifier` interface, best of a few repeats. Then the
 * same batches through scikit-learn's `SGDClassifier.partial_fit` (bench/sklearn_partial_fit.py, in the
 * venv .cache/bench-venv, created on first use) and the speed ratio, plus how far the final weights
 * of the two differ.
 *
 * Run: node --import tsx bench/learner-core.ts [rows]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random } from '../models/random';
import { matrix, sliceRows, type LabeledBatch, type Matrix } from '../models/types';
import { sgdClassifier, sgdCoefficients, type SgdParams } from '../models/sgd-classifier';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const FEATURES = 10;
const REPEATS = 5;
const SKLEARN_REPEATS = 3;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BENCH_VENV = join(ROOT, '.cache', 'bench-venv');

interface Data { x: Matrix; y: Int32Array; sizes: Int32Array; batches: LabeledBatch[] }

/** Uniform [0, 1) features (as after a MinMax scaler) and labels from a noisy linear rule. */
function makeData(rows: number, seed: number): Data {
  const random = new Random(seed);
  const x = matrix(rows, FEATURES);
  const y = new Int32Array(rows);
  const direction = Array.from({ length: FEATURES }, () => random.uniform(-1, 1));
  const offset = direction.reduce((a, b) => a + b, 0) / 2;
  for (let r = 0; r < rows; r++) {
    let score = -offset;
    for (let j = 0; j < FEATURES; j++) {
      const v = random.next();
      x.data[r * FEATURES + j] = v;
      score += direction[j] * v;
    }
    y[r] = score + 0.3 * (random.next() - 0.5) > 0 ? 1 : 0;
  }
  const sizes: number[] = [];
  const batches: LabeledBatch[] = [];
  for (let start = 0; start < rows;) {
    const end = Math.min(rows, start + random.int(100, 109));
    sizes.push(end - start);
    batches.push({ x: sliceRows(x, start, end), y: y.subarray(start, end) });
    start = end;
  }
  return { x, y, sizes: Int32Array.from(sizes), batches };
}

function benchOurs(data: Data): { recordsPerSecond: number; coef: Float64Array; intercept: Float64Array } {
  const model = sgdClassifier({ nFeatures: FEATURES });
  let best = Infinity;
  let state = model.init();
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    state = model.init();
    const start = process.hrtime.bigint();
    for (const batch of data.batches) state = model.learn(state, batch);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  const { coef, intercept } = sgdCoefficients(model.params as unknown as SgdParams, state);
  return { recordsPerSecond: data.x.rows / best, coef, intercept };
}

/** The bench venv's python, creating the venv on first use; a string says why it is unavailable. */
function benchPython(): string | { skipped: string } {
  const python = join(BENCH_VENV, 'bin', 'python');
  if (existsSync(python)) return python;
  console.log(`creating ${BENCH_VENV} (python3 -m venv, pip install scikit-learn==1.7.2 numpy==2.2.6) …`);
  const steps: [string, string[]][] = [
    ['python3', ['-m', 'venv', BENCH_VENV]],
    [join(BENCH_VENV, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', 'scikit-learn==1.7.2', 'numpy==2.2.6']],
  ];
  for (const [command, args] of steps) {
    const run = spawnSync(command, args, { encoding: 'utf8' });
    if (run.error || run.status !== 0) {
      rmSync(BENCH_VENV, { recursive: true, force: true });
      const reason = run.error?.message ?? (run.stderr.trim().split('\n').pop() || `exit status ${run.status}`);
      return { skipped: `${command} ${args.join(' ')} failed: ${reason}` };
    }
  }
  return python;
}

function writeBatches(data: Data, path: string): void {
  const header = Int32Array.of(data.x.rows, FEATURES, data.sizes.length);
  writeFileSync(path, Buffer.concat([header, data.sizes, data.x.data, data.y].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))));
}

function benchSklearn(data: Data): { recordsPerSecond: number; coef: number[]; intercept: number[] } | { skipped: string } {
  const python = benchPython();
  if (typeof python !== 'string') return python;
  const dir = mkdtempSync(join(tmpdir(), 'learner-core-'));
  try {
    const file = join(dir, 'batches.bin');
    writeBatches(data, file);
    const run = spawnSync(python, [join(ROOT, 'bench', 'sklearn_partial_fit.py'), file, String(SKLEARN_REPEATS)], { encoding: 'utf8' });
    if (run.error || run.status !== 0) return { skipped: `sklearn_partial_fit.py failed: ${run.error?.message ?? run.stderr.trim()}` };
    return JSON.parse(run.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function maxRelativeDifference(ours: ArrayLike<number>, theirs: readonly number[]): number {
  let worst = 0;
  for (let i = 0; i < theirs.length; i++) {
    worst = Math.max(worst, Math.abs(ours[i] - theirs[i]) / Math.max(Math.abs(theirs[i]), 1e-300));
  }
  return worst;
}

const format = (n: number): string => `${(n / 1e6).toFixed(2)}M`;

const data = makeData(ROWS, 2011);
console.log(`learner core: SGD log_loss, no penalty, constant 0.001; ${ROWS} rows × ${FEATURES} features in ${data.batches.length} batches of 100–109`);
const ours = benchOurs(data);
console.log(`ours: ${format(ours.recordsPerSecond)} records/s (best of ${REPEATS}, one core)`);
const theirs = benchSklearn(data);
if ('skipped' in theirs) {
  console.log(`scikit-learn: skipped: ${theirs.skipped}`);
} else {
  console.log(`scikit-learn 1.7.2 partial_fit: ${format(theirs.recordsPerSecond)} records/s (best of ${SKLEARN_REPEATS})`);
  console.log(`ratio: ${(ours.recordsPerSecond / theirs.recordsPerSecond).toFixed(1)}× faster`);
  const difference = Math.max(maxRelativeDifference(ours.coef, theirs.coef), maxRelativeDifference(ours.intercept, theirs.intercept));
  console.log(`final weights: max relative difference to scikit-learn ${difference.toExponential(2)}`);
}
