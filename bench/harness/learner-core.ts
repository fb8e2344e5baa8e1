/**
 * Section 1, learner core: our SGD `learn` against scikit-learn's `partial_fit` and River's
 * LogisticRegression (`learn_many`, `learn_one`) on the same rows in the same batches, each in its
 * own process (so each peak RSS is that learner's). Holdout accuracy and F1: trained on the first
 * 80% of rows, tested on the last 20%.
 */
import { join } from 'node:path';
import { ROOT, MINUTE_MS, type BenchContext } from './context';
import { stationaryRows, writeLearnerData } from './learner-data';
import { runCompiledChild } from './pipeline-launch';
import { runForResult } from './processes';
import { notRunRow, okRow, rateOf, SYSTEM, withRatios, type SystemRow, type ThroughputSection } from './results';

const QUALITY = 'holdout: first 80% trained, last 20% tested' as const;

interface LearnerReport {
  readonly records: number;
  readonly batches: number;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  readonly repeats: number;
  readonly accuracy: number | null;
  readonly f1: number | null;
  readonly peakRssBytes: number;
  readonly coef?: number[];
  readonly intercept?: number[];
}

const PYTHON_SYSTEMS = [
  { system: SYSTEM.sklearn, argument: 'sklearn', repeats: 'sklearn', timeoutMs: 10 * MINUTE_MS },
  { system: SYSTEM.riverMany, argument: 'river-many', repeats: 'riverMany', timeoutMs: 10 * MINUTE_MS },
  { system: SYSTEM.riverOne, argument: 'river-one', repeats: 'riverOne', timeoutMs: 20 * MINUTE_MS },
] as const;

export async function learnerCoreSection(context: BenchContext): Promise<ThroughputSection> {
  const { options, log } = context;
  const data = stationaryRows(options.learnerRows, options.seed);
  const file = join(context.tmp, 'learner-core.bin');
  writeLearnerData(data, file);
  log(`learner core: ${data.x.rows} rows in ${data.sizes.length} batches, holdout split at row ${data.trainRows}`);

  const rows: SystemRow[] = [];
  let ours: LearnerReport | undefined;
  try {
    // Compiled and launched as the pipelines are (pipeline-launch.ts), i.e. as users run it. Under
    // `node --import tsx` the loader's thread detaches ArrayBuffers, after which V8 guards every
    // typed-array access in the process, about a tenth of this loop's time.
    ours = await runCompiledChild<LearnerReport>(context, 'learner-ours.ts', { file, repeats: options.repeats.ours }, options.childTimeoutMs);
    rows.push(learnerRow(SYSTEM.oursCore, ours, {}));
  } catch (error) {
    rows.push(notRunRow(SYSTEM.oursCore, 'failed', (error as Error).message, QUALITY));
  }
  log(`  ${describe(rows[rows.length - 1])}`);

  for (const spec of PYTHON_SYSTEMS) {
    if ('skipped' in context.python) {
      rows.push(notRunRow(spec.system, 'skipped', context.python.skipped, QUALITY));
    } else {
      try {
        const report = await runForResult<LearnerReport>(
          context.python.python,
          [join(ROOT, 'bench', 'learner_core.py'), spec.argument, file, String(options.repeats[spec.repeats])],
          { cwd: ROOT, timeoutMs: spec.timeoutMs },
        );
        const parity = spec.argument === 'sklearn' && ours?.coef && report.coef ? { maxRelativeWeightDifferenceToOurs: weightDifference(ours, report) } : {};
        rows.push(learnerRow(spec.system, report, parity));
      } catch (error) {
        rows.push(notRunRow(spec.system, 'failed', (error as Error).message, QUALITY));
      }
    }
    log(`  ${describe(rows[rows.length - 1])}`);
  }
  return {
    title: 'Learner core',
    timing: `the learner's own calls over ${data.x.rows.toLocaleString('en-US')} stationary rows in ${data.sizes.length} batches of 100–109 rows, best of the repeats; one process each`,
    ours: SYSTEM.oursCore,
    rows: withRatios(rows, rateOf(rows, SYSTEM.oursCore)),
  };
}

function learnerRow(system: string, report: LearnerReport, extra: Record<string, unknown>): SystemRow {
  return okRow(system, {
    records: report.records,
    seconds: report.seconds,
    recordsPerSecond: report.recordsPerSecond,
    peakRssBytes: report.peakRssBytes,
    accuracy: report.accuracy,
    f1: report.f1,
    quality: QUALITY,
    details: { repeats: report.repeats, batches: report.batches, ...extra },
  });
}

/** How far scikit-learn's final weights are from ours (both shuffle-free, so they should agree closely). */
function weightDifference(ours: LearnerReport, theirs: LearnerReport): number {
  const a = [...(ours.coef ?? []), ...(ours.intercept ?? [])];
  const b = [...(theirs.coef ?? []), ...(theirs.intercept ?? [])];
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-300));
  return worst;
}

export function describe(row: SystemRow): string {
  if (row.status !== 'ok') return `${row.system}: ${row.status}: ${row.reason}`;
  const rate = row.recordsPerSecond === null ? 'n/a' : `${Math.round(row.recordsPerSecond).toLocaleString('en-US')} records/s`;
  const rss = row.peakRssBytes === null ? '' : `, peak RSS ${(row.peakRssBytes / 1e6).toFixed(0)} MB`;
  const quality = row.accuracy === null ? '' : `, accuracy ${row.accuracy.toFixed(4)}, F1 ${row.f1?.toFixed(4)}`;
  return `${row.system}: ${rate}${rss}${quality}`;
}
