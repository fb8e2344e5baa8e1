import type { OperatorFunction } from 'rxjs';
import { bufferCount, map, pipe } from 'rxjs';
import { withContext } from '../training/errors';
import { checkBatchShape, concatMessages } from './shared/concat-messages';
import type { LabeledMessage, Window } from './types';

/**
 * One window per `messagesPerWindow` upstream messages; the last window may hold fewer messages
 * and is emitted when the source completes.
 *
 * With the default of 1 (the seed's behaviour: one training step per Kafka message) a window
 * shares its message's batch, without copying. Larger groups are concatenated into fresh buffers.
 *
 * @example
 * from(messages).pipe(messageWindow()).subscribe((w) => console.log(w.index, w.batch.x.rows));
 *
 * Marble (`messageWindow(2)`):
 *
 *     messages:  --a--b--c--|
 *     windows:   -----A-----(B|)      A = a + b, B = c
 *
 * Messages whose column counts differ inside one window surface as an error notification.
 */
export function messageWindow(messagesPerWindow = 1): OperatorFunction<LabeledMessage, Window> {
  if (!Number.isSafeInteger(messagesPerWindow) || messagesPerWindow < 1) {
    throw new RangeError(`messageWindow: messagesPerWindow must be a positive integer, got ${messagesPerWindow}`);
  }
  if (messagesPerWindow === 1) {
    return map((message, index) => {
      checkBatchShape(message.batch, `messageWindow: message ${message.id}`);
      return {
        index,
        batch: message.batch,
        messages: message.batch.x.rows > 0 ? 1 : 0,
        positions: message.position === undefined ? [] : [message.position],
      };
    });
  }
  return pipe(
    bufferCount(messagesPerWindow),
    map((messages, index) => {
      try {
        return { index, ...concatMessages(messages) };
      } catch (error) {
        throw withContext(`messageWindow: window ${index}`, error);
      }
    }),
  );
}
