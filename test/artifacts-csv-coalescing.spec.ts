/**
 * writeCsv coalesces the rows of a synchronous burst (one Kafka fetch's windows) into few stream
 * writes, flushes them at the end of the burst, and keeps every backpressure promise.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type Observable, Subject, from, lastValueFrom, toArray } from 'rxjs';
import { writeCsv } from '../io/artifacts/write-csv';

const columns = () => [
  { name: 'n', value: (n: number) => n },
  { name: 'label', value: (n: number) => `row ${n}, "quoted"` },
];
const line = (n: number) => `${n},"row ${n}, ""quoted"""\n`;

/** Subscribes; resolves with every item once complete, and says how many passed synchronously. */
function run<T>(items$: Observable<T>): { synchronously: number; all: Promise<T[]> } {
  const passed: T[] = [];
  const all = new Promise<T[]>((resolve, reject) => items$.subscribe({ next: (item) => passed.push(item), error: reject, complete: () => resolve(passed) }));
  return { synchronously: passed.length, all };
}

function recordingStream(highWaterMark: number): { stream: Writable; writes: string[] } {
  const writes: string[] = [];
  const stream = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, done) {
      writes.push(chunk.toString());
      setImmediate(done);
    },
  });
  return { stream, writes };
}

describe('writeCsv coalescing', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'csv-coalescing-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a synchronous burst that fits the buffer as one chunk, passing every item at once', async () => {
    const { stream, writes } = recordingStream(1 << 20);
    const values = Array.from({ length: 300 }, (_, i) => i);
    const { synchronously, all } = run(from(values).pipe(writeCsv(() => stream, columns)));
    assert.equal(synchronously, values.length);
    assert.deepEqual(await all, values);
    assert.equal(writes.length, 1, `${writes.length} writes`);
    assert.equal(writes.join(''), `n,label\n${values.map(line).join('')}`);
  });

  it('hands the rows of a burst to the stream at the end of the burst, before completion', async () => {
    const { stream, writes } = recordingStream(1 << 20);
    const source = new Subject<number>();
    const result = lastValueFrom(source.pipe(writeCsv(() => stream, columns), toArray()));
    source.next(1);
    source.next(2);
    assert.equal(writes.length, 0, 'nothing written inside the burst');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(writes.join(''), `n,label\n${line(1)}${line(2)}`);
    source.next(3);
    source.complete();
    assert.deepEqual(await result, [1, 2, 3]);
    assert.equal(writes.join(''), `n,label\n${line(1)}${line(2)}${line(3)}`);
  });

  it('splits a burst larger than the buffer into buffer-sized writes and holds items while the stream drains', async () => {
    const { stream, writes } = recordingStream(256);
    let writesIntoFullBuffer = 0;
    const write = stream.write.bind(stream);
    stream.write = ((chunk: string) => {
      if (stream.writableNeedDrain) writesIntoFullBuffer += 1;
      return write(chunk);
    }) as typeof stream.write;
    const values = Array.from({ length: 100 }, (_, i) => i);
    const { synchronously, all } = run(from(values).pipe(writeCsv(() => stream, columns)));
    assert.ok(synchronously < values.length, 'items were held back while the stream drained');
    assert.deepEqual(await all, values);
    assert.equal(writesIntoFullBuffer, 0);
    assert.ok(writes.length > 1 && writes.length < values.length, `${writes.length} writes for ${values.length} rows`);
    for (const chunk of writes.slice(0, -1)) assert.ok(chunk.length >= 256, `a chunk of ${chunk.length} characters`);
    assert.equal(writes.join(''), `n,label\n${values.map(line).join('')}`);
  });

  it("to a file, a fetch's worth of rows (~100 kB) passes without waiting for the disk", async () => {
    const path = join(dir, 'metrics.csv');
    const values = Array.from({ length: 600 }, (_, i) => i);
    const wide = () => [...columns(), { name: 'padding', value: () => 'x'.repeat(140) }];
    const { synchronously, all } = run(from(values).pipe(writeCsv(path, wide)));
    assert.equal(synchronously, values.length, 'every row passed synchronously');
    await all;
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, 1 + values.length);
    assert.equal(lines[600], `599,"row 599, ""quoted""",${'x'.repeat(140)}`);
  });
});
