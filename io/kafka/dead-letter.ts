/**
 * Dead letters: a record the pipeline could not use, kept whole (key, value bytes, headers) with
 * headers that say why and where it came from, so it can be inspected or replayed.
 */
import type { KafkaHeaders, KafkaRecord, OutgoingRecord } from './records';

export const DEAD_LETTER_HEADERS = Object.freeze({
  reason: 'dlq.reason',
  message: 'dlq.message',
  sourceTopic: 'dlq.source.topic',
  sourcePartition: 'dlq.source.partition',
  sourceOffset: 'dlq.source.offset',
});

export interface DeadLetterInfo {
  readonly reason: string;
  readonly message: string;
  readonly sourceTopic: string;
  readonly sourcePartition: number;
  readonly sourceOffset: string;
}

/**
 * The dead-letter copy of `raw`: same key and value bytes, its headers plus the `dlq.*` ones.
 * `reason` is a short machine-readable code (e.g. `UNKNOWN_FINGERPRINT`), `message` the detail.
 * Leave `topic` out to use the sink's default topic.
 */
export function deadLetterRecord(raw: KafkaRecord, reason: string, message: string, topic?: string): OutgoingRecord {
  const headers: KafkaHeaders = {
    ...raw.headers,
    [DEAD_LETTER_HEADERS.reason]: reason,
    [DEAD_LETTER_HEADERS.message]: message,
    [DEAD_LETTER_HEADERS.sourceTopic]: raw.topic,
    [DEAD_LETTER_HEADERS.sourcePartition]: String(raw.partition),
    [DEAD_LETTER_HEADERS.sourceOffset]: raw.offset,
  };
  return topic === undefined ? { key: raw.key, value: raw.value, headers } : { topic, key: raw.key, value: raw.value, headers };
}

/** Reads the `dlq.*` headers back (they arrive as Buffers); throws if one is missing. */
export function readDeadLetterHeaders(headers: KafkaHeaders): DeadLetterInfo {
  const text = (name: string): string => {
    const value = headers[name];
    if (value === undefined || Array.isArray(value)) {
      throw new Error(`readDeadLetterHeaders: header ${name} is ${value === undefined ? 'missing' : 'repeated'}`);
    }
    return value.toString();
  };
  return {
    reason: text(DEAD_LETTER_HEADERS.reason),
    message: text(DEAD_LETTER_HEADERS.message),
    sourceTopic: text(DEAD_LETTER_HEADERS.sourceTopic),
    sourcePartition: Number(text(DEAD_LETTER_HEADERS.sourcePartition)),
    sourceOffset: text(DEAD_LETTER_HEADERS.sourceOffset),
  };
}
