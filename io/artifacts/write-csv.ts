import type { MonoTypeOperatorFunction } from 'rxjs';
import { Observable, concatMap, from, map, of, takeWhile } from 'rxjs';
import type { CsvColumn } from './csv-format';
import { csvLine } from './csv-format';
import type { TextTarget } from './text-sink';
import { openTextSink } from './text-sink';

/**
 * Writes one CSV row per item to `target` (a path, created with its folder, or a stream factory) and
 * passes every item on once its row has been accepted by the stream. The header comes first, from
 * `columnsFor(first item)` (`undefined` for an empty stream), so optional columns can follow what the
 * items carry.
 *
 * Backpressure: while the stream's buffer is full, the item waits for 'drain' before it is emitted,
 * so an upstream that paces itself on what reached the end of the chain is paced by the disk. With
 * room in the buffer an item passes synchronously, so synchronous chains stay synchronous.
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
      let columns: readonly CsvColumn<T>[] | undefined;
      const header = (first: T | undefined): string => {
        columns = columnsFor(first);
        return csvLine(columns.map((column) => column.name));
      };
      const closeThen = (passOn: () => void): void => {
        sink.close().then(passOn, (error: unknown) => subscriber.error(error));
      };
      const writeRow = (item: T): Observable<T> => {
        const text = (columns === undefined ? header(item) : '') + csvLine(columns!.map((column) => column.value(item)));
        const drained = sink.write(text);
        return drained === undefined ? of(item) : from(drained).pipe(map(() => item));
      };
      // A synchronous source keeps emitting after the consumer unsubscribed, until `subscribe` returns
      // and the teardown runs; `takeWhile` stops it at the next item, before its row is written.
      const upstream = source.pipe(takeWhile(() => !subscriber.closed), concatMap(writeRow)).subscribe({
        next: (item) => subscriber.next(item),
        error: (error: unknown) => {
          // The upstream error is the one worth reporting, even if closing fails as well.
          const passOn = (): void => subscriber.error(error);
          sink.close().then(passOn, passOn);
        },
        complete: () => {
          try {
            if (columns === undefined) sink.write(header(undefined));
          } catch (error) {
            closeThen(() => subscriber.error(error));
            return;
          }
          closeThen(() => subscriber.complete());
        },
      });
      sink.onError((error) => {
        upstream.unsubscribe();
        subscriber.error(error);
      });
      return () => {
        upstream.unsubscribe();
        sink.close().catch(() => undefined);
      };
    });
}
