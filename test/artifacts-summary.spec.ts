import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { from, lastValueFrom, reduce } from 'rxjs';
import { runSummaryFile, writeRunSummaryJson } from '../io/artifacts/run-summary-json';
import { writeFileAtomic } from '../io/artifacts/atomic-write';
import { localArtifactPaths, writeLocalArtifacts } from '../io/artifacts/local-artifacts';
import { countDecisions } from '../pipelines/run-summary';
import { messageWindow } from '../transforms/message-window';
import { partialFit } from '../transforms/partial-fit';
import { trackMetrics } from '../transforms/track-metrics';
import { readMetrics, tracker, updateTracker } from '../metrics/tracker';
import { alwaysAccept } from '../training/gate-policies';
import { prequential } from '../training/evaluation';
import { toyClassifier } from './support/toy-classifier';
import { labeledMessage } from './support/marbles';

const REQUIRED = ['messages', 'records', 'batches', 'accepted', 'rejected', 'deadLettered', 'finalAccuracy', 'finalF1', 'finalLogLoss', 'recordsPerSecond', 'wallSeconds'];

const scored = { nClasses: 2, y: Int32Array.of(1, 0, 1, 1), predicted: Int32Array.of(1, 0, 0, 1), proba: Float64Array.of(0.3, 0.7, 0.9, 0.1, 0.6, 0.4, 0.2, 0.8) };
const cumulative = readMetrics(updateTracker(tracker({ kind: 'cumulative' }, 2), scored));
const counts = { windows: 3, records: 4, accepted: 1, rejected: 1, undecided: 1, version: 1, cumulative };

describe('run summary artifacts', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'artifacts-summary-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('runSummaryFile', () => {
    it('has the issue’s fields first, with final metrics over every evaluated row', () => {
      const summary = runSummaryFile(counts, { messages: 2, deadLettered: 1, wallSeconds: 0.5, model: 'sgd' });
      assert.deepEqual(Object.keys(summary).slice(0, REQUIRED.length), REQUIRED);
      const logLoss = -(Math.log(0.7) + Math.log(0.9) + Math.log(0.4) + Math.log(0.8)) / 4;
      assert.ok(Math.abs(summary.finalLogLoss! - logLoss) < 1e-15);
      assert.equal(summary.finalRocAuc, cumulative.rocAuc);
      assert.equal(summary.finalRocAucErrorBound, cumulative.rocAucErrorBound);
      assert.deepEqual(
        { ...summary, finalLogLoss: 'checked', finalRocAuc: 'checked', finalRocAucErrorBound: 'checked' },
        {
          messages: 2,
          records: 4,
          batches: 3,
          accepted: 1,
          rejected: 1,
          deadLettered: 1,
          finalAccuracy: 0.75,
          finalF1: 0.8,
          finalLogLoss: 'checked',
          recordsPerSecond: 8,
          wallSeconds: 0.5,
          undecided: 1,
          modelVersion: 1,
          finalRocAuc: 'checked',
          finalRocAucErrorBound: 'checked',
          evaluatedRows: 4,
          model: 'sgd',
        },
      );
    });

    it('writes undefined figures as null and an empty run as zeros', () => {
      const summary = runSummaryFile(undefined, { messages: 0, deadLettered: 0, wallSeconds: 0 });
      assert.equal(summary.records, 0);
      assert.equal(summary.batches, 0);
      assert.equal(summary.finalAccuracy, null);
      assert.equal(summary.finalLogLoss, null);
      assert.equal(summary.recordsPerSecond, null);
    });

    it('refuses running metrics that are not cumulative, and bad run facts', () => {
      const rolling = readMetrics(updateTracker(tracker({ kind: 'rolling', size: 2 }, 2), scored));
      assert.throws(() => runSummaryFile({ ...counts, cumulative: rolling }, { messages: 1, deadLettered: 0, wallSeconds: 1 }), /cumulative\.mode must be "cumulative".*got "rolling"/);
      assert.throws(() => runSummaryFile(counts, { messages: 1, deadLettered: -1, wallSeconds: 1 }), /deadLettered must be a finite number ≥ 0, got -1/);
      assert.throws(() => runSummaryFile(counts, { messages: 1, deadLettered: 0, wallSeconds: NaN }), /wallSeconds must be/);
    });
  });

  describe('writeRunSummaryJson', () => {
    it('writes parseable JSON, creating the folder and leaving no temporary file', async () => {
      const path = join(dir, 'out', 'run-summary.json');
      const summary = runSummaryFile(counts, { messages: 2, deadLettered: 0, wallSeconds: 2 });
      await writeRunSummaryJson(path, summary);
      assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), summary);
      assert.deepEqual(readdirSync(join(dir, 'out')), ['run-summary.json']);
    });

    it('replaces an existing file whole', async () => {
      const path = join(dir, 'run-summary.json');
      writeFileSync(path, 'x'.repeat(10_000));
      await writeRunSummaryJson(path, runSummaryFile(undefined, { messages: 0, deadLettered: 0, wallSeconds: 0 }));
      assert.equal(JSON.parse(readFileSync(path, 'utf8')).messages, 0);
    });
  });

  describe('writeFileAtomic', () => {
    it('leaves the target and the folder as they were when the rename fails', async () => {
      const target = join(dir, 'occupied');
      mkdirSync(target);
      writeFileSync(join(target, 'inside'), 'keep');
      await assert.rejects(writeFileAtomic(target, 'new'), /EISDIR|ENOTEMPTY|EEXIST|EPERM/);
      assert.deepEqual(readdirSync(dir), ['occupied']);
      assert.equal(readFileSync(join(target, 'inside'), 'utf8'), 'keep');
    });
  });

  describe('writeLocalArtifacts', () => {
    it('writes metrics.csv and the chart before the run completes, and the counts feed the summary', async () => {
      const messages = Array.from({ length: 12 }, (_, m) => labeledMessage(m, [[0], [1], [2]], [m % 2, 1, 0]));
      const model = toyClassifier();
      const out = join(dir, 'out');
      const summary = await lastValueFrom(
        from(messages).pipe(
          messageWindow(),
          partialFit(model, { evaluation: prequential(), gate: alwaysAccept() }),
          trackMetrics({ kind: 'cumulative' }, 2),
          writeLocalArtifacts(out),
          reduce(countDecisions, undefined),
        ),
      );
      const paths = localArtifactPaths(out);
      const csv = readFileSync(paths.metricsCsv, 'utf8').trimEnd().split('\n');
      assert.equal(csv.length, 1 + 12);
      assert.ok(csv[0].startsWith('index,rows,rowsSeen,'));
      assert.ok(csv[12].startsWith('11,3,36,3,'));
      const chart = readFileSync(paths.chart, 'utf8');
      assert.ok(chart.startsWith('<svg') && chart.trimEnd().endsWith('</svg>'));
      assert.match(chart, /12 windows · 36 records/);

      const file = runSummaryFile(summary, { messages: 12, deadLettered: 0, wallSeconds: 1 });
      assert.equal(file.records, 36);
      assert.equal(file.batches, 12);
      assert.equal(file.accepted, 11);
      assert.equal(file.undecided, 1);
      assert.equal(file.finalAccuracy, summary!.cumulative.accuracy);
    });
  });
});
