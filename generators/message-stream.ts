/**
 * What every generated message stream shares (the clickstream and the drifting streams): a row
 * generator with plain state, messages of `minRows … maxRows` rows stamped with computed event
 * times, an optional MinMax scaler fitted on message 0, and seeding by stream coordinates so that
 * the same options always give the same bytes. Pure and lazy: no clock, no I/O.
 */
import { deriveSeed, Random } from '../models/random';
import { minMaxScaler } from '../models/min-max-scaler';
import type { LabeledBatch } from '../models/types';
import { fail, nonNegativeNumber, oneOf, positiveInteger } from '../models/validate';
import type { LabeledMessage } from '../transforms/types';

const SCALE_MODES = ['first-message', 'none'] as const;
/** Coordinates for `deriveSeed`: the generator's one-off draws, each message, the initial state. */
const SETUP_STREAM = 0;
const MESSAGE_STREAM = 1;
const STATE_STREAM = 2;

export type ScaleMode = (typeof SCALE_MODES)[number];

export const MESSAGE_OPTION_NAMES = ['seed', 'messages', 'minRows', 'maxRows', 'scale', 'startTime', 'intervalMs'] as const;

export interface MessageOptions {
  /** Default 42. */
  readonly seed?: number;
  /** How many messages; default 10 000, `Infinity` for an endless stream. */
  readonly messages?: number;
  /** Rows per message are uniform in `minRows … maxRows` (inclusive); default 100 … 109. */
  readonly minRows?: number;
  readonly maxRows?: number;
  /** 'first-message' (default): MinMax fitted on message 0 and applied to every message. */
  readonly scale?: ScaleMode;
  /** Event time of message 0 in epoch ms; default 0. */
  readonly startTime?: number;
  /** Event-time step between messages in ms; default 50, the seed's sleep. */
  readonly intervalMs?: number;
}

export interface GeneratedRows<S> {
  readonly state: S;
  readonly batch: LabeledBatch;
  /** For generators with discrete concepts: the concept each row was drawn from (0 = the first). */
  readonly concepts?: Int32Array;
}

/**
 * A source of labelled rows whose distribution may depend on how many rows came before (drift).
 * Everything it draws comes from the `Random` it is handed, so the stream decides the seeding.
 */
export interface RowGenerator<S> {
  readonly kind: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly nFeatures: number;
  readonly nClasses: number;
  init(random: Random): S;
  /** The `rows` rows that follow `state`; never mutates `state`. */
  sample(state: S, rows: number, random: Random): GeneratedRows<S>;
}

/**
 * Messages over `generator` as a lazy iterable; each iteration replays the stream from message 0,
 * identically. The generator is built from a generator seeded by `(seed, 0)` (eagerly, so bad
 * options throw here rather than at the first `next()`), its state from `(seed, 2)`, and message
 * `i`'s row count and rows from `(seed, 1, i)`.
 */
export function messageStream<S>(
  owner: string, options: MessageOptions, makeGenerator: (random: Random) => RowGenerator<S>,
): Iterable<LabeledMessage> {
  const seed = options.seed ?? 42;
  if (!Number.isSafeInteger(seed)) fail(owner, 'seed', 'an integer', seed);
  const messages = options.messages ?? 10_000;
  if (messages !== Infinity) positiveInteger(owner, 'messages', messages, 0);
  const minRows = positiveInteger(owner, 'minRows', options.minRows ?? 100, 1);
  const maxRows = positiveInteger(owner, 'maxRows', options.maxRows ?? 109, minRows);
  const scaleMode = oneOf(owner, 'scale', options.scale ?? 'first-message', SCALE_MODES);
  const startTime = options.startTime ?? 0;
  if (!Number.isFinite(startTime)) fail(owner, 'startTime', 'a finite number of epoch milliseconds', startTime);
  const intervalMs = nonNegativeNumber(owner, 'intervalMs', options.intervalMs ?? 50);
  const generator = makeGenerator(new Random(deriveSeed(seed, SETUP_STREAM)));

  return {
    *[Symbol.iterator](): Iterator<LabeledMessage> {
      const scaler = minMaxScaler({ nFeatures: generator.nFeatures, fit: 'first' });
      let scalerState = scaler.init();
      let state = generator.init(new Random(deriveSeed(seed, STATE_STREAM)));
      for (let id = 0; id < messages; id++) {
        const random = new Random(deriveSeed(seed, MESSAGE_STREAM, id));
        const rows = random.int(minRows, maxRows);
        const generated = generator.sample(state, rows, random);
        state = generated.state;
        let batch = generated.batch;
        if (scaleMode === 'first-message') {
          if (id === 0) scalerState = scaler.learn(scalerState, batch.x);
          batch = { x: scaler.transform(scalerState, batch.x), y: batch.y };
        }
        yield { id, eventTime: startTime + id * intervalMs, batch };
      }
    },
  };
}
