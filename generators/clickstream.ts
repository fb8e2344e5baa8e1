/**
 * The seed producer's message stream, generated in-process: messages of 100–109 labelled rows from
 * `make_classification` (10 features, 6 informative, 2 redundant), MinMax-scaled with a scaler fitted
 * on the first message. Pure and lazy: no clock (event times are computed), no I/O.
 */
import { deriveSeed, Random } from '../models/random';
import { minMaxScaler } from '../models/min-max-scaler';
import { fail, nonNegativeNumber, oneOf, positiveInteger } from '../models/validate';
import type { LabeledMessage } from '../transforms/types';
import type { Concept, ConceptOptions } from './make-classification';
import { drawConcept, sampleConcept } from './make-classification';

const OWNER = 'clickstream';
const CONCEPT_MODES = ['stationary', 'per-message'] as const;
const SCALE_MODES = ['first-message', 'none'] as const;
/** Coordinates for `deriveSeed`, so the concept and each message get independent generators. */
const CONCEPT_STREAM = 0;
const MESSAGE_STREAM = 1;

export type ConceptMode = (typeof CONCEPT_MODES)[number];
export type ScaleMode = (typeof SCALE_MODES)[number];

export interface ClickstreamOptions extends Omit<ConceptOptions, 'scale'> {
  /** Default 42. */
  readonly seed?: number;
  /** How many messages; default 10 000, `Infinity` for an endless stream. */
  readonly messages?: number;
  /** Rows per message are uniform in `minRows … maxRows` (inclusive); default 100 … 109. */
  readonly minRows?: number;
  readonly maxRows?: number;
  /**
   * 'stationary' (default): one concept drawn once and sampled for every message.
   * 'per-message': a fresh `make_classification` draw per message, as the seed did (its flaw 1).
   */
  readonly concept?: ConceptMode;
  /** 'first-message' (default): MinMax fitted on message 0 and applied to every message. */
  readonly scale?: ScaleMode;
  /** `make_classification`'s own `scale` option (per-feature factors; null draws U(1, 101)); default 1. */
  readonly featureScale?: ConceptOptions['scale'];
  /** Event time of message 0 in epoch ms; default 0. */
  readonly startTime?: number;
  /** Event-time step between messages in ms; default 50, the seed's sleep. */
  readonly intervalMs?: number;
}

/**
 * The stream as a lazy iterable; each iteration replays it from message 0, identically. Message `i`
 * is drawn from its own generator seeded by `(seed, i)` (plus the shared concept and the scaler
 * fitted on message 0), so the same options always give the same bytes.
 *
 * @example
 * for (const message of clickstream({ messages: 3 })) console.log(message.id, message.batch.x.rows);
 */
export function clickstream(options: ClickstreamOptions = {}): Iterable<LabeledMessage> {
  const seed = options.seed ?? 42;
  if (!Number.isSafeInteger(seed)) fail(OWNER, 'seed', 'an integer', seed);
  const messages = options.messages ?? 10_000;
  if (messages !== Infinity) positiveInteger(OWNER, 'messages', messages, 0);
  const minRows = positiveInteger(OWNER, 'minRows', options.minRows ?? 100, 1);
  const maxRows = positiveInteger(OWNER, 'maxRows', options.maxRows ?? 109, minRows);
  const conceptMode = oneOf(OWNER, 'concept', options.concept ?? 'stationary', CONCEPT_MODES);
  const scaleMode = oneOf(OWNER, 'scale', options.scale ?? 'first-message', SCALE_MODES);
  const startTime = options.startTime ?? 0;
  if (!Number.isFinite(startTime)) fail(OWNER, 'startTime', 'a finite number of epoch milliseconds', startTime);
  const intervalMs = nonNegativeNumber(OWNER, 'intervalMs', options.intervalMs ?? 50);

  const conceptOptions: ConceptOptions = {
    nFeatures: options.nFeatures,
    nInformative: options.nInformative,
    nRedundant: options.nRedundant,
    nRepeated: options.nRepeated,
    nClasses: options.nClasses,
    nClustersPerClass: options.nClustersPerClass,
    weights: options.weights,
    flipY: options.flipY,
    classSep: options.classSep,
    hypercube: options.hypercube,
    shift: options.shift,
    scale: options.featureScale,
    shuffle: options.shuffle,
  };
  // Drawn eagerly so bad make_classification options throw here, not at the first `next()`.
  const stationary = drawConcept(conceptOptions, new Random(deriveSeed(seed, CONCEPT_STREAM)));

  return {
    *[Symbol.iterator](): Iterator<LabeledMessage> {
      const scaler = minMaxScaler({ nFeatures: stationary.nFeatures, fit: 'first' });
      let scalerState = scaler.init();
      for (let id = 0; id < messages; id++) {
        const random = new Random(deriveSeed(seed, MESSAGE_STREAM, id));
        const rows = random.int(minRows, maxRows);
        const concept: Concept = conceptMode === 'stationary' ? stationary : drawConcept(conceptOptions, random);
        const raw = sampleConcept(concept, rows, random);
        let batch = raw;
        if (scaleMode === 'first-message') {
          if (id === 0) scalerState = scaler.learn(scalerState, raw.x);
          batch = { x: scaler.transform(scalerState, raw.x), y: raw.y };
        }
        yield { id, eventTime: startTime + id * intervalMs, batch };
      }
    },
  };
}
