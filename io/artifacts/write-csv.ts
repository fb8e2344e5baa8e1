import type { MonoTypeOperatorFunction } from 'rxjs';
import { Observable } from 'rxjs';
import type { CsvColumn } from './csv-format';
import * as csvFormat from './csv-format';
import type { TextTarget } from './text-sink';
import { openTextSink } from './text-sink';

const MAX_CHUNK_CHARS = 64 * 1024;
// Read once: under tsx every call of an imported function goes through a module getter (one per row here).
const { csvLine, csvRow } = csvFormat;

/**
 * Writes one CSV row per item to `target` (a path, created with its folder, or a stream factory) and
 * passes every item on once its row has been accepted. The header comes first, from
 * `columnsFor(first item)` (`undefined` for an empty stream), so optional columns can follow what the
 * items carry.
 *
 * Rows are coalesced: the rows of a synchronous burst (e.g. the windows of one Kafka fetch) go to
 * the stream together, at the end of the burst (a microtask) or whenever they reach the stream's
 * buffer size (`highWaterMark`, at most 64 k characters). A write per row costs more than formatting it.
 *
 * Backpressure: while the stream's buffer is full, items wait for 'drain' before they are emitted
 * (and nothing is written into the full buffer), so an upstream that paces itself on what reached
 * the end of the chain is paced by the disk. Rows held back besides the stream's own buffer stay
 * below one buffer size. With room in the buffer an item passes synchronously, so synchronous
 * chains stay synchronous.
 *
 * The file is flushed and closed before completion is passed on, and before an error (from upstream
 * or the stream) is passed on; on unsubscribe it is ended and flushed in the background.
 *
 * @example
 * steps$.pipe(writeCsv('out/steps.csv', () => [{ name: 'index', value: (s) => s.index }]))
 *
 * Marble (`|` is delayed until the file is closed):
 *
 *     source:  -a-b-|
 *     result:  -a-b--|
 */
export function writeCsv<T>(target: TextTarget, columnsFor: (first: T | undefined) => readonly CsvColumn<T>[]): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      const sink = openTextSink(target);
      // Rows wait as a string rope until written; past a few tens of kB a write costs little per row,
      // while a bigger rope outlives young-generation collections.
      const chunkSize = Math.max(1, Math.min(sink.highWaterMark, MAX_CHUNK_CHARS));
      let columns: readonly CsvColumn<T>[] | undefined;
      /** Rows of emitted items not yet handed to the stream. */
      let pending = '';
      let flushScheduled = false;
      /** Set while the stream's buffer is full, until 'drain'. */
      let draining = false;
      /** Items that arrived while draining, their rows not yet formatted. */
      const held: T[] = [];
      let upstreamDone = false;
      let finished = false;

      const header = (first: T | undefined): string => {
        columns = columnsFor(first);
        return csvLine(columns.map((column) => column.name));
      };
      /** Stops taking items, flushes what was accepted and closes the file, then passes `error` on. */
      const fail = (error: unknown): void => {
        if (finished) return;
        finished = true;
        upstream?.unsubscribe();
        flushRegardless();
        const passOn = (): void => subscriber.error(error);
        sink.close().then(passOn, passOn);
      };
      /** At the end only: the stream's buffer may be full, but nothing more follows. */
      const flushRegardless = (): void => {
        try {
          if (pending !== '') sink.write(pending);
        } catch {
          // the stream has failed; its error is reported instead
        }
        pending = '';
      };
      const closeThen = (passOn: () => void): void => {
        sink.close().then(passOn, (error: unknown) => subscriber.error(error));
      };
      /** Hands `pending` to the stream; true when the stream asked to wait, and `afterDrain` will run on 'drain'. */
      const writePending = (afterDrain: () => void): boolean => {
        const text = pending;
        pending = '';
        const drained = sink.write(text);
        if (drained === undefined) return false;
        draining = true;
        drained.then(() => {
          draining = false;
          if (!subscriber.closed) afterDrain();
        }, fail);
        return true;
      };
      const flushAtBurstEnd = (): void => {
        flushScheduled = false;
        if (draining || pending === '' || subscriber.closed) return;
        try {
          writePending(release);
        } catch (error) {
          fail(error);
        }
      };
      /** Formats `item`'s row and emits it, unless the stream's buffer filled: then it waits for 'drain'. */
      const accept = (item: T): void => {
        pending += (columns === undefined ? header(item) : '') + csvRow(columns!, item);
        if (pending.length >= chunkSize) {
          if (writePending(() => {
            subscriber.next(item);
            release();
          })) return;
        } else if (!flushScheduled) {
          flushScheduled = true;
          queueMicrotask(flushAtBurstEnd);
        }
        subscriber.next(item);
      };
      /** After 'drain': rows that waited, then the items held back, then completion if it came meanwhile. */
      const release = (): void => {
        try {
          if (pending !== '' && writePending(release)) return;
          while (held.length > 0 && !draining && !subscriber.closed) accept(held.shift() as T);
        } catch (error) {
          fail(error);
          return;
        }
        if (upstreamDone && held.length === 0 && !draining) finish();
      };
      const finish = (): void => {
        if (finished) return;
        finished = true;
        try {
          if (columns === undefined) pending = header(undefined) + pending;
          if (pending !== '') sink.write(pending);
          pending = '';
        } catch (error) {
          closeThen(() => subscriber.error(error));
          return;
        }
        closeThen(() => subscriber.complete());
      };

      let upstream: { unsubscribe(): void } | undefined;
      upstream = source.subscribe({
        next: (item) => {
          // A synchronous source keeps emitting after the consumer unsubscribed, until `subscribe`
          // returns and the teardown runs: its rows must not be written.
          if (subscriber.closed || finished) return;
          if (draining || held.length > 0) {
            held.push(item);
            return;
          }
          try {
            accept(item);
          } catch (error) {
            fail(error);
          }
        },
        // The rows already emitted are written; the upstream error is the one worth reporting, even if closing fails as well.
        error: fail,
        complete: () => {
          if (subscriber.closed) return;
          upstreamDone = true;
          if (held.length === 0 && !draining) finish();
        },
      });
      if (subscriber.closed) upstream.unsubscribe();
      sink.onError((error) => {
        finished = true;
        upstream?.unsubscribe();
        subscriber.error(error);
      });
      return () => {
        upstream?.unsubscribe();
        flushRegardless();
        sink.close().catch(() => undefined);
      };
    });
}
