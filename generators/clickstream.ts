/**
 * The seed producer's message stream, generated in-process: messages of 100–109 labelled rows from
 * `make_classification` (10 features, 6 informative, 2 redundant), MinMax-scaled with a scaler fitted
 * on the first message. Pure and lazy: no clock (event times are computed), no I/O.
 */
import type { Random } from '../models/random';
import { oneOf } from '../models/validate';
import type { LabeledMessage } from '../transforms/types';
import type { Concept, ConceptOptions } from './make-classification';
import { drawConcept, sampleConcept } from './make-classification';
import type { MessageOptions, RowGenerator } from './message-stream';
import { messageStream } from './message-stream';

export type { ScaleMode } from './message-stream';

const OWNER = 'clickstream';
const CONCEPT_MODES = ['stationary', 'per-message'] as const;

export type ConceptMode = (typeof CONCEPT_MODES)[number];

/** `make_classification` options as a stream takes them: `scale` names the stream's scaling, so theirs is `featureScale`. */
export interface StreamConceptOptions extends Omit<ConceptOptions, 'scale'> {
  /** `make_classification`'s own `scale` option (per-feature factors; null draws U(1, 101)); default 1. */
  readonly featureScale?: ConceptOptions['scale'];
}

export const STREAM_CONCEPT_OPTION_NAMES = [
  'nFeatures', 'nInformative', 'nRedundant', 'nRepeated', 'nClasses', 'nClustersPerClass', 'weights', 'flipY', 'classSep',
  'hypercube', 'shift', 'featureScale', 'shuffle',
] as const;

export interface ClickstreamOptions extends MessageOptions, StreamConceptOptions {
  /**
   * 'stationary' (default): one concept drawn once and sampled for every message.
   * 'per-message': a fresh `make_classification` draw per message, as the seed did (its flaw 1).
   */
  readonly concept?: ConceptMode;
}

export function conceptOptions(options: StreamConceptOptions): ConceptOptions {
  return {
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
}

/**
 * `make_classification` rows as a row generator: one concept drawn from `random` at construction
 * ('stationary'), or a fresh concept per `sample` call drawn from that call's generator ('per-message').
 */
export function makeClassificationRows(options: ConceptOptions, mode: ConceptMode, random: Random): RowGenerator<null> {
  const stationary = drawConcept(options, random);
  return Object.freeze({
    kind: mode === 'stationary' ? 'make-classification' : 'make-classification-per-message',
    params: Object.freeze({ ...options, mode }),
    nFeatures: stationary.nFeatures,
    nClasses: stationary.nClasses,
    init: () => null,
    sample: (state: null, rows: number, rowRandom: Random) => {
      const concept: Concept = mode === 'stationary' ? stationary : drawConcept(options, rowRandom);
      return { state, batch: sampleConcept(concept, rows, rowRandom) };
    },
  });
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
  const mode = oneOf(OWNER, 'concept', options.concept ?? 'stationary', CONCEPT_MODES);
  return messageStream(OWNER, options, (random) => makeClassificationRows(conceptOptions(options), mode, random));
}
