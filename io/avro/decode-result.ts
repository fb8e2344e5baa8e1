/**
 * What decoding a record off the wire yields: a value, or a reason code that a dead-letter sink
 * can store. Decoders never throw on bad input, so one hostile record cannot stop a pipeline.
 */

/**
 * The reason codes, in the order of the `DeadLetterReason` enum in schemas/dead-letter.avsc
 * (a test checks that the two agree).
 */
export const DEAD_LETTER_REASONS = [
  /** Shorter than a single-object header, or not starting with the marker bytes C3 01. */
  'NOT_AVRO',
  /** A single-object header whose schema fingerprint no known schema has. */
  'UNKNOWN_FINGERPRINT',
  /** A known writer schema that the reader schema cannot resolve (e.g. a metrics record on the clickstream topic). */
  'INCOMPATIBLE_SCHEMA',
  /** The body does not parse under the writer schema: truncated, trailing bytes, impossible lengths. */
  'MALFORMED_BODY',
  /** `nFeatures` differs from what the consumer expects, or is not positive. */
  'WRONG_FEATURE_COUNT',
  /** The feature array does not hold `nFeatures` values for each label. */
  'SHAPE_MISMATCH',
  /** A feature is NaN or ±Infinity. */
  'NON_FINITE_FEATURE',
  /** A label outside {0, 1}. */
  'BAD_LABEL',
  /** A reason this version does not know (the enum's default, for readers older than the writer). */
  'OTHER',
] as const;

export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

export interface DecodeSuccess<T> {
  readonly ok: true;
  readonly value: T;
  /** CRC-64-AVRO fingerprint of the schema the record was written with. */
  readonly writerFingerprint: bigint;
}

export interface DecodeFailure {
  readonly ok: false;
  readonly reason: DeadLetterReason;
  /** Says what was wrong and where, fit for a log line or a dead-letter header. */
  readonly message: string;
}

export type DecodeResult<T> = DecodeSuccess<T> | DecodeFailure;

export function decodeFailure(reason: DeadLetterReason, message: string): DecodeFailure {
  return { ok: false, reason, message };
}
