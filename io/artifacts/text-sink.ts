/**
 * A text file (or any Writable) written with backpressure: `write` says when to wait, `close`
 * flushes and resolves once the stream is closed, and the stream's first error is never lost.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';

/** A file path, or a factory for the stream to write to (called once per subscription). */
export type TextTarget = string | (() => Writable);

export interface TextSink {
  /** The stream's buffer size: `write` asks to wait once this much is queued. */
  readonly highWaterMark: number;
  /**
   * Queues `text`. Returns undefined while the stream's buffer has room, else a promise that
   * resolves on 'drain' (and rejects if the stream fails first): await it before writing more.
   */
  write(text: string): Promise<void> | undefined;
  /** Ends the stream (flushing what was queued) and resolves once it is closed; idempotent. */
  close(): Promise<void>;
  /** Calls `listener` once with the stream's first error. */
  onError(listener: (error: Error) => void): void;
}

export function openTextSink(target: TextTarget): TextSink {
  const stream = typeof target === 'string' ? openFile(target) : target();
  let failure: Error | undefined;
  const listeners: ((error: Error) => void)[] = [];
  stream.on('error', (error: Error) => {
    if (failure !== undefined) return;
    failure = error;
    for (const listener of listeners.splice(0)) listener(error);
  });
  let closing: Promise<void> | undefined;
  return {
    highWaterMark: stream.writableHighWaterMark,
    write(text) {
      if (failure !== undefined) throw failure;
      return stream.write(text) ? undefined : once(stream, 'drain').then(() => undefined);
    },
    close() {
      if (closing === undefined) {
        if (failure === undefined && !stream.writableEnded) stream.end();
        // `finished` waits for 'close' on streams that emit it (file streams do), so the descriptor is released.
        closing = finished(stream).then(
          () => (failure === undefined ? undefined : Promise.reject(failure)),
          (error: unknown) => Promise.reject(failure ?? error),
        );
      }
      return closing;
    },
    onError(listener) {
      if (failure !== undefined) listener(failure);
      else listeners.push(listener);
    },
  };
}

/**
 * Room for what a training chain writes between two turns of the event loop (a Kafka fetch of ~500
 * windows makes ~80 kB of metrics.csv): with the default 16 kB, the chain waited for the disk
 * several times per fetch.
 */
const FILE_BUFFER_BYTES = 1 << 20;

function openFile(path: string): Writable {
  mkdirSync(dirname(path), { recursive: true });
  return createWriteStream(path, { encoding: 'utf8', highWaterMark: FILE_BUFFER_BYTES });
}
