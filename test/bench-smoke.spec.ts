// `make bench` in miniature (a few thousand records, no Python, no installs) so that the harness cannot
// rot: every section runs on the real broker and the results object and files must be well formed.
// Nothing here checks a timing: rates are only required to be positive numbers.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMOKE_BENCH } from '../bench/harness/context';
import { runBench, writeResults } from '../bench/harness/run-bench';
import { judgeTargets, percentile, SYSTEM, type BenchResults, type SystemRow } from '../bench/harness/results';

const TARGET_IDS = ['learner-core-rate', 'learner-core-vs-sklearn', 'e2e-rate', 'e2e-vs-seed', 'e2e-vs-fetch-limit', 'peak-rss', 'rss-growth', 'latency-p99'];

function assertRan(row: SystemRow | undefined, system: string): asserts row is SystemRow {
  assert.ok(row, `no row for ${system}`);
  assert.equal(row.status, 'ok', `${system}: ${row.status}: ${row.reason}`);
  assert.ok(Number.isFinite(row.recordsPerSecond) && (row.recordsPerSecond ?? 0) > 0, `${system}: records/s ${row.recordsPerSecond}`);
  assert.ok((row.peakRssBytes ?? 0) > 10e6, `${system}: peak RSS ${row.peakRssBytes}`);
}

const find = (rows: readonly SystemRow[], system: string): SystemRow | undefined => rows.find((row) => row.system === system);

describe('bench harness: smoke run of make bench', function () {
  // The first run may have to start the broker; the run itself takes ~15-30 s on a busy 2-core machine.
  this.timeout(120_000);
  let results: BenchResults;
  let outDir: string;

  before(async function () {
    outDir = mkdtempSync(join(tmpdir(), 'bench-smoke-spec-'));
    results = await runBench({ ...SMOKE_BENCH, outDir }, () => undefined);
  });

  after(() => rmSync(outDir, { recursive: true, force: true }));

  it('runs every section without errors', () => {
    assert.deepEqual(results.errors, []);
    assert.equal(results.format, 'streamlearn-bench/1');
    assert.equal(results.mode, 'smoke');
    assert.ok(Array.isArray(results.environment.loadAverageAtStart));
  });

  it('learner core: ours measured with holdout quality, the Python rows skipped with a reason', () => {
    const rows = results.learnerCore.rows;
    assert.deepEqual(rows.map((row) => row.system), [SYSTEM.oursCore, SYSTEM.sklearn, SYSTEM.riverMany, SYSTEM.riverOne]);
    const ours = find(rows, SYSTEM.oursCore);
    assertRan(ours, SYSTEM.oursCore);
    assert.equal(ours.records, SMOKE_BENCH.learnerRows);
    assert.equal(ours.oursOverThis, 1);
    assert.ok(ours.accuracy !== null && ours.accuracy > 0.6 && ours.accuracy <= 1, `holdout accuracy ${ours.accuracy}`);
    for (const row of rows.slice(1)) {
      assert.equal(row.status, 'skipped');
      assert.match(row.reason ?? '', /Python/);
      assert.equal(row.recordsPerSecond, null);
    }
  });

  it('end to end: our train pipeline read every produced record and reports prequential quality', () => {
    const ours = find(results.endToEnd.rows, SYSTEM.oursEndToEnd);
    assertRan(ours, SYSTEM.oursEndToEnd);
    assert.equal(ours.records, results.config.endToEndRecords);
    assert.ok((ours.records ?? 0) > 100 * SMOKE_BENCH.endToEndMessages - 1);
    assert.match(ours.quality, /prequential/);
    assert.ok(ours.accuracy !== null && ours.accuracy > 0.5 && ours.accuracy <= 1, `accuracy ${ours.accuracy}`);
    assert.equal(find(results.endToEnd.rows, SYSTEM.seed)?.status, 'skipped');
  });

  it('transport: the KafkaJS fetch-only row ran, and our share of it is its rate ratio', () => {
    const kafkaJs = find(results.transport.rows, SYSTEM.kafkaJsFetch);
    assertRan(kafkaJs, SYSTEM.kafkaJsFetch);
    const ours = find(results.endToEnd.rows, SYSTEM.oursEndToEnd);
    assert.ok(results.transport.oursFractionOfKafkaJs !== null);
    assert.ok(Math.abs(results.transport.oursFractionOfKafkaJs - (ours?.recordsPerSecond ?? NaN) / (kafkaJs.recordsPerSecond ?? NaN)) < 1e-9);
    const kcat = find(results.transport.rows, SYSTEM.kcatFetch);
    assert.ok(kcat?.status === 'ok' || (kcat?.status === 'skipped' && /kcat/.test(kcat.reason ?? '')), `kcat row: ${kcat?.status} ${kcat?.reason}`);
  });

  it('memory: two train runs, the second over 5× the messages, and the growth between their peaks', () => {
    const [small, large] = results.memory.runs;
    assert.equal(small.status, 'ok', small.reason);
    assert.equal(large.status, 'ok', large.reason);
    assert.equal(large.messages, 5 * small.messages);
    assert.ok(large.records > 4 * small.records);
    assert.ok(Math.abs((results.memory.growth ?? NaN) - ((large.peakRssBytes ?? NaN) / (small.peakRssBytes ?? NaN) - 1)) < 1e-12);
  });

  it('latency: one committed metrics record per produced message, percentiles in order', () => {
    const { latency } = results;
    assert.equal(latency.status, 'ok', latency.reason);
    assert.equal(latency.messagesProduced, SMOKE_BENCH.latency.messagesPerSecond * SMOKE_BENCH.latency.seconds);
    assert.equal(latency.committed.samples, latency.messagesProduced);
    assert.equal(latency.acknowledged.samples, latency.messagesProduced);
    assert.equal(latency.floor.samples, latency.messagesProduced);
    assert.equal(latency.atLeastOnce.samples, latency.messagesProduced);
    for (const summary of [latency.committed, latency.written, latency.acknowledged, latency.floor, latency.atLeastOnce]) {
      assert.ok(summary.p50Ms !== null && summary.p99Ms !== null && summary.maxMs !== null);
      assert.ok(summary.p50Ms >= 0 && summary.p50Ms <= summary.p99Ms && summary.p99Ms <= summary.maxMs);
    }
  });

  it("targets: all of issue 5's, unknown exactly where a needed row did not run", () => {
    assert.deepEqual(results.targets.map((t) => t.id), TARGET_IDS);
    for (const target of results.targets) {
      assert.equal(target.status === 'unknown', target.measured === 'not measured', target.id);
    }
    const byId = new Map(results.targets.map((t) => [t.id, t]));
    assert.equal(byId.get('learner-core-vs-sklearn')?.status, 'unknown');
    assert.equal(byId.get('e2e-vs-seed')?.status, 'unknown');
    assert.notEqual(byId.get('e2e-rate')?.status, 'unknown');
  });

  it('writes results.json that reads back equal and results.md with a row per system and per target', () => {
    const written = writeResults(results, outDir);
    assert.deepEqual(JSON.parse(readFileSync(written.json, 'utf8')), JSON.parse(JSON.stringify(results)));
    const markdown = readFileSync(written.markdown, 'utf8');
    for (const section of [results.learnerCore, results.endToEnd, results.transport]) {
      for (const row of section.rows) assert.ok(markdown.includes(`| ${section.title} | ${row.system} |`), `no table row for ${row.system}`);
    }
    for (const target of results.targets) assert.ok(markdown.includes(`| ${target.description} |`), `no row for target ${target.id}`);
    assert.match(markdown, /Load average at start: [\d.]+, [\d.]+, [\d.]+/);
  });
});

describe('bench harness: judging targets', () => {
  it('percentile is nearest-rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    assert.equal(percentile(values, 50), 50);
    assert.equal(percentile(values, 99), 99);
    assert.equal(percentile([7], 99), 7);
    assert.equal(percentile([], 50), null);
  });

  it('a target is met at its threshold and not met just past it', () => {
    const row = (system: string, recordsPerSecond: number): SystemRow => ({
      system, status: 'ok', records: 1, seconds: 1, recordsPerSecond, oursOverThis: null, peakRssBytes: null, accuracy: null, f1: null, quality: 'none', details: {},
    });
    const judged = (coreRate: number, sklearnRate: number, p99: number) =>
      new Map(
        judgeTargets({
          learnerCore: { title: '', timing: '', ours: SYSTEM.oursCore, rows: [row(SYSTEM.oursCore, coreRate), row(SYSTEM.sklearn, sklearnRate)] },
          endToEnd: { title: '', timing: '', ours: SYSTEM.oursEndToEnd, rows: [] },
          transport: { title: '', timing: '', ours: SYSTEM.oursEndToEnd, rows: [], oursFractionOfKafkaJs: null },
          memory: { runs: [], growth: null },
          latency: { status: 'ok', messagesPerSecond: 20, seconds: 30, messagesProduced: 600, committed: { samples: 600, p50Ms: 1, p99Ms: p99, maxMs: p99 }, written: { samples: 0, p50Ms: null, p99Ms: null, maxMs: null }, acknowledged: { samples: 0, p50Ms: null, p99Ms: null, maxMs: null }, floor: { samples: 0, p50Ms: null, p99Ms: null, maxMs: null }, atLeastOnce: { samples: 0, p50Ms: null, p99Ms: null, maxMs: null } },
        } as unknown as Omit<BenchResults, 'targets'>).map((t) => [t.id, t.status]),
      );
    const atThreshold = judged(20e6, 20e6 / 50, 10);
    assert.equal(atThreshold.get('learner-core-rate'), 'met');
    assert.equal(atThreshold.get('learner-core-vs-sklearn'), 'met');
    assert.equal(atThreshold.get('latency-p99'), 'met');
    assert.equal(atThreshold.get('e2e-rate'), 'unknown');
    const justPast = judged(19.9e6, 19.9e6 / 49.9, 10.5);
    assert.equal(justPast.get('learner-core-rate'), 'not met');
    assert.equal(justPast.get('learner-core-vs-sklearn'), 'not met');
    assert.equal(justPast.get('latency-p99'), 'not met');
  });
});
