import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { EMPTY, Subject, concat, from, lastValueFrom, take, tap, throwError, toArray } from 'rxjs';
import { csvField, csvLine } from '../io/artifacts/csv-format';
import type { MetricsCsvStep } from '../io/artifacts/metrics-csv';
import { writeMetricsCsv } from '../io/artifacts/metrics-csv';
import { writeCsv } from '../io/artifacts/write-csv';
import { readMetrics, tracker, updateTracker } from '../metrics/tracker';
import type { BatchMetrics } from '../metrics/types';

const metrics = (accuracy: number, f1 = 0.5, logLoss = 0.25): BatchMetrics => ({ rows: 4, accuracy, precision: 0.5, recall: 0.75, f1, logLoss, rocAuc: 0.625 });

const step = (index: number, extra: Partial<MetricsCsvStep> = {}): MetricsCsvStep => ({
  index,
  rows: 4,
  evaluatedRows: 4,
  metrics: metrics(0.75),
  accepted: true,
  reason: 'ok',
  version: index,
  state: { rowsSeen: 4 * (index + 1) },
  ...extra,
});

const BASE_HEADER = 'index,rows,rowsSeen,evaluatedRows,accuracy,precision,recall,f1,logLoss,rocAuc,accepted,reason,version';

describe('CSV artifacts', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'artifacts-csv-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('csvField', () => {
    it('quotes commas, quotes and line breaks, doubling quotes', () => {
      assert.equal(csvField('plain'), 'plain');
      assert.equal(csvField('a,b'), '"a,b"');
      assert.equal(csvField('say "hi"'), '"say ""hi"""');
      assert.equal(csvField('two\nlines'), '"two\nlines"');
      assert.equal(csvField('cr\r'), '"cr\r"');
    });

    it('writes NaN and infinities by name, null as empty, numbers exactly', () => {
      assert.equal(csvLine([NaN, Infinity, -Infinity, null, undefined, true, false, 0.1 + 0.2]), 'NaN,Infinity,-Infinity,,,true,false,0.30000000000000004\n');
    });
  });

  describe('writeMetricsCsv', () => {
    it('writes the header first, then one row per step, and passes every step on', async () => {
      const path = join(dir, 'nested', 'metrics.csv');
      const steps = [
        step(0, { accepted: null, reason: 'initial model: nothing to decide', metrics: metrics(NaN, NaN, 0.5) }),
        step(1, { accepted: false, reason: 'f1 0.4 < 0.95 × mean, "low"' }),
      ];
      const passed = await lastValueFrom(from(steps).pipe(writeMetricsCsv(path), toArray()));
      assert.deepEqual(passed, steps);
      assert.equal(
        readFileSync(path, 'utf8'),
        `${BASE_HEADER}\n` +
          '0,4,4,4,NaN,0.5,0.75,NaN,0.5,0.625,,initial model: nothing to decide,0\n' +
          '1,4,8,4,0.75,0.5,0.75,0.5,0.25,0.625,false,"f1 0.4 < 0.95 × mean, ""low""",1\n',
      );
    });

    it('adds the tracked metrics, named by mode, and the drift flag when the steps carry them', async () => {
      const path = join(dir, 'metrics.csv');
      const scored = { nClasses: 2, y: Int32Array.of(1, 0), predicted: Int32Array.of(1, 1), proba: Float64Array.of(0.2, 0.8, 0.4, 0.6) };
      const tracked = readMetrics(updateTracker(tracker({ kind: 'rolling', size: 10 }, 2), scored));
      assert.equal(tracked.accuracy, 0.5);
      await lastValueFrom(from([step(0, { tracked, drift: false }), step(1, { tracked, drift: true })]).pipe(writeMetricsCsv(path)));
      const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
      assert.equal(lines[0], `${BASE_HEADER},rollingAccuracy,rollingF1,rollingLogLoss,drift`);
      const logLoss = (-Math.log(0.8) - Math.log(0.4)) / 2;
      assert.equal(lines[1], `0,4,4,4,0.75,0.5,0.75,0.5,0.25,0.625,true,ok,0,0.5,${2 / 3},${logLoss},false`);
      assert.ok(lines[2].endsWith(',true'));
    });

    it('fails when a later step lacks the tracked metrics the header promised', async () => {
      const tracked = readMetrics(tracker({ kind: 'cumulative' }, 2));
      await assert.rejects(lastValueFrom(from([step(0, { tracked }), step(1)]).pipe(writeMetricsCsv(join(dir, 'm.csv')))), /step 1 has no tracked metrics/);
    });

    it('writes extra columns after the standard ones', async () => {
      const path = join(dir, 'metrics.csv');
      await lastValueFrom(from([step(0)]).pipe(writeMetricsCsv(path, { extraColumns: [{ name: 'partition', value: () => 3 }] })));
      assert.equal(readFileSync(path, 'utf8').split('\n')[0], `${BASE_HEADER},partition`);
    });

    it('writes just the header for an empty stream', async () => {
      const path = join(dir, 'metrics.csv');
      await lastValueFrom(EMPTY.pipe(writeMetricsCsv<MetricsCsvStep>(path)), { defaultValue: null });
      assert.equal(readFileSync(path, 'utf8'), `${BASE_HEADER}\n`);
    });
  });

  describe('writeCsv', () => {
    const columns = () => [{ name: 'n', value: (n: number) => n }];

    it('waits for drain on a slow stream and never writes into a full buffer', async () => {
      const written: string[] = [];
      let writesIntoFullBuffer = 0;
      let fullBufferSeen = 0;
      const slow = new Writable({
        highWaterMark: 8,
        write(chunk: Buffer, _encoding, done) {
          written.push(chunk.toString());
          setTimeout(done, 1);
        },
      });
      const write = slow.write.bind(slow);
      slow.write = ((chunk: string) => {
        if (slow.writableNeedDrain) writesIntoFullBuffer += 1;
        const roomLeft = write(chunk);
        if (!roomLeft) fullBufferSeen += 1;
        return roomLeft;
      }) as typeof slow.write;

      const values = Array.from({ length: 20 }, (_, i) => 1_000_000 + i);
      const emitted: number[] = [];
      const done = lastValueFrom(from(values).pipe(writeCsv(() => slow, columns), tap((n) => emitted.push(n)), toArray()));
      const passedSynchronously = emitted.length;
      const passed = await done;
      assert.ok(passedSynchronously < values.length, 'steps were held back');
      assert.deepEqual(passed, values);
      assert.ok(fullBufferSeen >= 10, `the buffer filled ${fullBufferSeen} times`);
      assert.equal(writesIntoFullBuffer, 0);
      assert.equal(written.join(''), `n\n${values.join('\n')}\n`);
      assert.equal(slow.closed, true, 'closed before completion was passed on');
    });

    it('holds steps back while the stream drains (the chain is paced by the disk)', () => {
      const slow = new Writable({ highWaterMark: 4, write: (_chunk, _encoding, done) => setTimeout(done, 1) });
      const seen: number[] = [];
      const subscription = from([1, 2, 3, 4, 5]).pipe(writeCsv(() => slow, columns)).subscribe((n) => seen.push(n));
      assert.ok(seen.length < 5, `all ${seen.length} steps passed before any write finished`);
      subscription.unsubscribe();
    });

    it('flushes and closes the file before passing an upstream error on', async () => {
      const path = join(dir, 'partial.csv');
      let file: WriteStream | undefined;
      const open = () => (file = createWriteStream(path));
      const failing = concat(from([1, 2]), throwError(() => new Error('upstream broke')));
      await assert.rejects(
        lastValueFrom(failing.pipe(writeCsv(open, columns))).catch((error: Error) => {
          assert.equal(file?.closed, true);
          assert.equal(readFileSync(path, 'utf8'), 'n\n1\n2\n');
          throw error;
        }),
        /upstream broke/,
      );
    });

    it('passes a stream error on and stops taking from upstream', async () => {
      const broken = new Writable({ write: (_chunk, _encoding, done) => done(new Error('disk full')) });
      const source = new Subject<number>();
      const result = lastValueFrom(source.pipe(writeCsv(() => broken, columns)));
      source.next(1);
      await assert.rejects(result, /disk full/);
      assert.equal(source.observed, false, 'upstream was unsubscribed');
    });

    it('reports a path it cannot create as an error, not a throw', async () => {
      const blocker = join(dir, 'a-file');
      writeFileSync(blocker, '');
      await assert.rejects(lastValueFrom(from([1]).pipe(writeCsv(join(blocker, 'x.csv'), columns))), /ENOTDIR|EEXIST/);
    });

    it('ends and flushes the file when the consumer unsubscribes early', async () => {
      const path = join(dir, 'early.csv');
      let file: WriteStream | undefined;
      const taken = await lastValueFrom(from([1, 2, 3, 4]).pipe(writeCsv(() => (file = createWriteStream(path)), columns), take(2), toArray()));
      assert.deepEqual(taken, [1, 2]);
      await new Promise<void>((resolve) => (file!.closed ? resolve() : file!.once('close', () => resolve())));
      assert.equal(readFileSync(path, 'utf8'), 'n\n1\n2\n');
    });
  });
});
