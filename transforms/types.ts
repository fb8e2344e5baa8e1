import type { LabeledBatch } from '../models/types';

/** Where a window's rows came from, so sinks can commit offsets and snapshots can say what they reflect. */
export interface SourcePosition {
  readonly topic: string;
  readonly partition: number;
  /** Offset of the first message in the window. */
  readonly firstOffset: string;
  /** Offset of the last message in the window; a commit stores `lastOffset + 1`. */
  readonly lastOffset: string;
}

/** A labelled message as it leaves decoding: one upstream message's rows. */
export interface LabeledMessage {
  readonly id: number;
  /** Event time in epoch milliseconds, as stamped by the producer. */
  readonly eventTime: number;
  readonly batch: LabeledBatch;
  readonly position?: SourcePosition;
}

/** A batch of rows cut from the stream by a window operator; `index` counts windows from 0. */
export interface Window {
  readonly index: number;
  readonly batch: LabeledBatch;
  /** How many upstream messages contributed rows. */
  readonly messages: number;
  /** Positions of the upstream messages, per topic-partition (empty for in-memory sources). */
  readonly positions: readonly SourcePosition[];
}
