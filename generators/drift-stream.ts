/**
 * Message streams over any of the generators, selectable by name (for the producer): the
 * clickstream's 'stationary' and 'per-message' `make_classification` streams, 'sea' (abrupt drift),
 * 'hyperplane' (gradual drift) and 'concept-switch' (a sigmoid switch between two
 * `make_classification` concepts). Messages of 100–109 rows, MinMax-scaled on message 0 by
 * default, seeded by stream coordinates like the clickstream: the same options give the same bytes.
 *
 * @example
 * for (const message of driftStream({ generator: 'sea', driftsAt: [50_000], noise: 0.1, messages: 1000 })) { … }
 */
import { requireKnownKeys, requireOptions, oneOf } from '../models/validate';
import type { LabeledMessage } from '../transforms/types';
import type { ClickstreamOptions, StreamConceptOptions } from './clickstream';
import { clickstream, conceptOptions, STREAM_CONCEPT_OPTION_NAMES } from './clickstream';
import type { ConceptSwitchOptions } from './concept-switch';
import { CONCEPT_SWITCH_OPTION_NAMES, conceptSwitch } from './concept-switch';
import type { MessageOptions } from './message-stream';
import { MESSAGE_OPTION_NAMES, messageStream } from './message-stream';
import type { HyperplaneOptions } from './rotating-hyperplane';
import { HYPERPLANE_OPTION_NAMES, rotatingHyperplane } from './rotating-hyperplane';
import type { SeaOptions } from './sea';
import { sea, SEA_OPTION_NAMES } from './sea';

const OWNER = 'driftStream';

export const DRIFT_STREAM_NAMES = ['stationary', 'per-message', 'sea', 'hyperplane', 'concept-switch'] as const;
export type DriftStreamName = (typeof DRIFT_STREAM_NAMES)[number];

/** Each generator's own option names, besides the message options. */
const GENERATOR_OPTION_NAMES: Record<DriftStreamName, readonly string[]> = {
  stationary: STREAM_CONCEPT_OPTION_NAMES,
  'per-message': STREAM_CONCEPT_OPTION_NAMES,
  sea: SEA_OPTION_NAMES,
  hyperplane: HYPERPLANE_OPTION_NAMES,
  'concept-switch': [...STREAM_CONCEPT_OPTION_NAMES, ...CONCEPT_SWITCH_OPTION_NAMES],
};

export type DriftStreamOptions =
  | (MessageOptions & StreamConceptOptions & { readonly generator?: 'stationary' | 'per-message' })
  | (MessageOptions & SeaOptions & { readonly generator: 'sea' })
  | (MessageOptions & HyperplaneOptions & { readonly generator: 'hyperplane' })
  | (MessageOptions & StreamConceptOptions & Pick<ConceptSwitchOptions, 'position' | 'width'> & { readonly generator: 'concept-switch' });

function pick<T>(options: Record<string, unknown>, names: readonly string[]): T {
  const out: Record<string, unknown> = {};
  for (const name of names) if (options[name] !== undefined) out[name] = options[name];
  return out as T;
}

/**
 * The named stream as a lazy iterable (see the module comment). Options other than the message
 * options and the chosen generator's own are rejected, so a misspelt option fails here.
 */
export function driftStream(options: DriftStreamOptions = {}): Iterable<LabeledMessage> {
  const o = requireOptions(OWNER, options);
  const name = oneOf(OWNER, 'generator', o.generator ?? 'stationary', DRIFT_STREAM_NAMES);
  const own = GENERATOR_OPTION_NAMES[name];
  requireKnownKeys(OWNER, o, ['generator', ...MESSAGE_OPTION_NAMES, ...own]);
  const message = pick<MessageOptions>(o, MESSAGE_OPTION_NAMES);
  switch (name) {
    case 'stationary':
    case 'per-message':
      return clickstream({ ...message, ...pick<StreamConceptOptions>(o, own), concept: name } satisfies ClickstreamOptions);
    case 'sea':
      return messageStream(OWNER, message, () => sea(pick<SeaOptions>(o, own)));
    case 'hyperplane':
      return messageStream(OWNER, message, () => rotatingHyperplane(pick<HyperplaneOptions>(o, own)));
    case 'concept-switch': {
      const switchOptions = pick<StreamConceptOptions & Pick<ConceptSwitchOptions, 'position' | 'width'>>(o, own);
      return messageStream(OWNER, message, (random) =>
        conceptSwitch({ ...conceptOptions(switchOptions), position: switchOptions.position, width: switchOptions.width }, random));
    }
  }
}
