/**
 * Section 1 of `make bench` on its own: our SGD `learn` against scikit-learn `partial_fit` and River
 * LogisticRegression (`learn_many`, `learn_one`) on the same stationary rows in batches of 100–109,
 * each learner in its own process, with holdout accuracy and F1 (see bench/harness/learner-core.ts).
 * Ours runs compiled by `make build`, as the pipelines do; the Python learners run in
 * .cache/bench-venv, created on first use. No broker needed.
 *
 * Run: node --import tsx bench/learner-core.ts [rows]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FULL_BENCH, type BenchContext } from './harness/context';
import { describe, learnerCoreSection } from './harness/learner-core';
import { stopAllChildren } from './harness/processes';
import { benchPython } from './harness/python-env';

const rows = Number(process.argv[2] ?? FULL_BENCH.learnerRows);
const log = (line: string): void => console.log(line);
const tmp = mkdtempSync(join(tmpdir(), 'learner-core-'));
const options = { ...FULL_BENCH, learnerRows: rows };
const context: BenchContext = { options, tmp, runId: 'learner-core', python: benchPython(options.venv, log), broker: { unavailable: 'not needed' }, log };

learnerCoreSection(context)
  .then((section) => {
    console.log(`\n${section.timing}`);
    for (const row of section.rows) console.log(`${describe(row)}${row.oursOverThis === null || row.system === section.ours ? '' : `; ours is ${row.oursOverThis.toFixed(1)}× this`}`);
  })
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    stopAllChildren();
    rmSync(tmp, { recursive: true, force: true });
  });
