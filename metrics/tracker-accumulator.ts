/**
 * A tracker for one owner that updates in place, for the per-window hot path of `trackMetrics`.
 * Its results equal `updateTracker` / `readMetrics` bit for bit; it differs in cost:
 *
 * - Cumulative tracking (the pipelines' default) mutates private copies of the counts instead of
 *   copying the 4096-bin AUC histogram per batch (~64 kB and 10–70 µs each), and keeps the binned
 *   ROC AUC's pair counts up to date with Fenwick trees, so reading the metrics is O(classes), not
 *   O(bins). Counts are whole numbers under cumulative tracking, so every sum involved is exact and
 *   the order of additions cannot change a result.
 * - `snapshot()` hands out the state of the moment as a thunk that materialises it (frozen, plain,
 *   as `updateTracker` would have returned it) only when called, now or much later: histogram
 *   updates go to an append-only log over an immutable base, and a snapshot remembers how much of
 *   the log it covers. A snapshot nobody reads costs a few small allocations.
 * - Other modes (window, rolling, fading), and cumulative states whose counts are not whole numbers,
 *   fall back to the pure functions of `tracker.ts`.
 *
 * The seed state is never mutated, and neither is a state handed out.
 */
import type { Scored } from './types';
import { type TrackedMetrics, type TrackerState, type AccumulatingTracker, readMetrics, updateTracker } from './tracker';
import { accuracyOf, precisionRecallF1Of } from './confusion';
import { sampleLogLoss } from './log-loss';
import { aucBinEdges, binnedRocAuc, scanColumn, scoreBin } from './auc-histogram';
import { allFinite } from '../models/all-finite';
import { rejectScored, requireClasses, wellShaped } from './validate-scored';

export interface TrackerAccumulator {
  /** Adds the rows of `scored`; on malformed rows it throws as `updateTracker` does, before changing anything. */
  add(scored: Scored): void;
  /** `readMetrics` of the state after every row added so far. */
  metrics(): TrackedMetrics;
  /** The state after every row added so far, materialised (once, then cached) when the thunk is called. */
  snapshot(): () => TrackerState;
}

export function trackerAccumulator(seed: TrackerState): TrackerAccumulator {
  if ('auc' in seed && seed.mode.kind === 'cumulative' && wholeCounts(seed)) return new CumulativeAccumulator(seed);
  return new PureAccumulator(seed);
}

class PureAccumulator implements TrackerAccumulator {
  constructor(private state: TrackerState) {}

  add(scored: Scored): void {
    this.state = updateTracker(this.state, scored);
  }

  metrics(): TrackedMetrics {
    return readMetrics(this.state);
  }

  snapshot(): () => TrackerState {
    const state = this.state;
    return () => state;
  }
}

/** Above this, pair counts might no longer be exact in a double; `binnedRocAuc` then decides. */
const EXACT_PAIRS = 2 ** 52;
/** Histogram increments a log holds before the next snapshot base is taken (256 kB of Int32). */
export const LOG_CAPACITY = 1 << 16;

/** An immutable histogram `base` plus the flat indexes incremented since, in order. */
interface HistogramLog {
  readonly base: Float64Array;
  readonly increments: Int32Array;
  length: number;
}

class CumulativeAccumulator implements TrackerAccumulator {
  private readonly mode: AccumulatingTracker['mode'];
  private readonly k: number;
  private readonly bins: number;
  private readonly columns: number;
  private readonly edges: Float64Array;
  private seen: number;
  private readonly confusion: Float64Array;
  private lossSum: number;
  private lossWeight: number;
  /** Same layout as `AucHistogramState.counts`: `((column * 2) + isPositive) * bins + bin`. */
  private readonly counts: Float64Array;
  /** Per column and side, a Fenwick tree over the bins (1-based, `bins + 1` slots each). */
  private readonly trees: Float64Array;
  /** Per column: Σ over (positive, negative) pairs of [negative's bin < positive's] + ½ [same bin]. */
  private readonly wins: Float64Array;
  /** Per column: Σ_b positives_b · negatives_b. */
  private readonly sameBin: Float64Array;
  private readonly positives: Float64Array;
  private readonly negatives: Float64Array;
  private log: HistogramLog;
  /** Counts `add` calls that changed something, so a snapshot can tell whether `counts` is still its state. */
  private changes = 0;

  constructor(seed: AccumulatingTracker) {
    this.mode = seed.mode;
    this.k = seed.nClasses;
    this.bins = seed.auc.bins;
    this.columns = this.k === 2 ? 1 : this.k;
    this.edges = aucBinEdges(this.bins);
    this.seen = seed.seen;
    this.confusion = seed.confusion.counts.slice();
    this.lossSum = seed.logLoss.sum;
    this.lossWeight = seed.logLoss.weight;
    this.counts = seed.auc.counts.slice();
    const { bins, columns, counts } = this;
    this.trees = new Float64Array(columns * 2 * (bins + 1));
    this.wins = new Float64Array(columns);
    this.sameBin = new Float64Array(columns);
    this.positives = new Float64Array(columns);
    this.negatives = new Float64Array(columns);
    for (let c = 0; c < columns; c++) {
      const negativeOffset = c * 2 * bins;
      const positiveOffset = negativeOffset + bins;
      // The same scan as `binnedRocAuc`; exact on whole counts.
      const column = scanColumn(counts, negativeOffset, positiveOffset, bins);
      this.wins[c] = column.wins;
      this.sameBin[c] = column.sameBin;
      this.positives[c] = column.positives;
      this.negatives[c] = column.negatives;
      buildFenwick(this.trees, (c * 2) * (bins + 1), counts, negativeOffset, bins);
      buildFenwick(this.trees, (c * 2 + 1) * (bins + 1), counts, positiveOffset, bins);
    }
    this.log = { base: seed.auc.counts, increments: new Int32Array(LOG_CAPACITY), length: 0 };
  }

  add(scored: Scored): void {
    requireClasses('updateTracker', scored, this.k);
    if (!wellShaped(scored)) rejectScored('updateTracker', scored);
    const k = this.k;
    const { y, predicted, proba } = scored;
    const rows = y.length;
    if (rows === 0) return;
    // Checks and reads first, so malformed rows throw before anything changes. Descending, as
    // `updateLogLoss` sums, so the float sum is the same.
    let sum = 0;
    for (let r = rows - 1; r >= 0; r--) {
      const label = y[r];
      const guess = predicted[r];
      if (!(label >= 0 && label < k && guess >= 0 && guess < k)) rejectScored('updateTracker', scored);
      sum += sampleLogLoss(proba[r * k + label]);
    }
    if (!allFinite(proba)) rejectScored('updateTracker', scored);
    this.changes++;
    const confusion = this.confusion;
    for (let r = 0; r < rows; r++) confusion[y[r] * k + predicted[r]] += 1;
    this.lossSum += sum;
    this.lossWeight += rows;
    this.seen += rows;

    const needed = rows * this.columns;
    if (this.log.length + needed > this.log.increments.length) {
      this.log = { base: this.counts.slice(), increments: new Int32Array(Math.max(LOG_CAPACITY, needed)), length: 0 };
    }
    const log = this.log;
    const increments = log.increments;
    let logged = log.length;
    const { bins, edges, counts, trees, wins, sameBin, positives, negatives } = this;
    const span = bins + 1;
    const columns = this.columns;
    for (let c = 0; c < columns; c++) {
      // Binary problems keep one column, for the class-1 probability.
      const positiveClass = k === 2 ? 1 : c;
      const negativeOffset = c * 2 * bins;
      const negativeTree = c * 2 * span;
      let columnWins = wins[c];
      let columnSameBin = sameBin[c];
      let columnPositives = positives[c];
      let columnNegatives = negatives[c];
      for (let r = 0; r < rows; r++) {
        const bin = scoreBin(proba[r * k + positiveClass], edges);
        // Positives and negatives take one path, the side picked by arithmetic: a branch on the
        // label would be mispredicted about every other row. With `other` = the rows of the other
        // side strictly below this bin plus half of those in it, a positive adds `other`, and a
        // negative adds the positives above it plus half of those in its bin: positives − `other`.
        // Every term is a whole or half count, so the sums are exact and equal the pure path's.
        const isPositive = +(y[r] === positiveClass);
        const isNegative = 1 - isPositive;
        const otherTree = negativeTree + isNegative * span;
        let otherBelow = 0;
        for (let i = bin; i > 0; i &= i - 1) otherBelow += trees[otherTree + i];
        const otherSame = counts[negativeOffset + isNegative * bins + bin];
        columnWins += (isPositive - isNegative) * (otherBelow + 0.5 * otherSame) + isNegative * columnPositives;
        columnSameBin += otherSame;
        columnPositives += isPositive;
        columnNegatives += isNegative;
        const own = negativeOffset + isPositive * bins + bin;
        counts[own] += 1;
        const ownTree = negativeTree + isPositive * span;
        for (let i = bin + 1; i <= bins; i += i & -i) trees[ownTree + i] += 1;
        increments[logged++] = own;
      }
      wins[c] = columnWins;
      sameBin[c] = columnSameBin;
      positives[c] = columnPositives;
      negatives[c] = columnNegatives;
    }
    log.length = logged;
  }

  metrics(): TrackedMetrics {
    const { k, confusion } = this;
    const { precision, recall, f1 } = precisionRecallF1Of(confusion, k, k === 2 ? 'binary' : 'macro');
    let weight = 0;
    for (let i = 0; i < confusion.length; i++) weight += confusion[i];
    const { rocAuc, errorBound } = this.rocAuc();
    return {
      mode: this.mode.kind,
      rows: this.seen,
      seen: this.seen,
      weight,
      accuracy: accuracyOf(confusion, k),
      precision,
      recall,
      f1,
      logLoss: this.lossWeight > 0 ? this.lossSum / this.lossWeight : NaN,
      rocAuc,
      rocAucErrorBound: errorBound,
    };
  }

  /** `binnedRocAuc` of the current histogram, from the pair counts kept up to date. */
  private rocAuc(): { rocAuc: number; errorBound: number } {
    let aucSum = 0;
    let boundSum = 0;
    let defined = 0;
    for (let c = 0; c < this.columns; c++) {
      const pairs = this.positives[c] * this.negatives[c];
      if (!(pairs > 0)) continue;
      if (pairs >= EXACT_PAIRS) return binnedRocAuc({ nClasses: this.k, bins: this.bins, counts: this.counts });
      aucSum += this.wins[c] / pairs;
      boundSum += (0.5 * this.sameBin[c]) / pairs;
      defined++;
    }
    if (defined === 0) return { rocAuc: NaN, errorBound: NaN };
    return { rocAuc: aucSum / defined, errorBound: boundSum / defined };
  }

  snapshot(): () => TrackerState {
    const { mode, k, seen, lossSum, lossWeight, bins, log } = this;
    const confusion = this.confusion.slice();
    const covered = log.length;
    const changes = this.changes;
    let state: TrackerState | undefined;
    return () => {
      if (state === undefined) {
        let counts: Float64Array;
        if (changes === this.changes) {
          // Read before the next batch (as a per-step reader does): the live counts are this state.
          counts = this.counts.slice();
        } else {
          counts = log.base.slice();
          const increments = log.increments;
          for (let i = 0; i < covered; i++) counts[increments[i]] += 1;
        }
        state = Object.freeze({
          mode,
          nClasses: k,
          seen,
          confusion: Object.freeze({ nClasses: k, counts: confusion }),
          logLoss: Object.freeze({ nClasses: k, sum: lossSum, weight: lossWeight }),
          auc: Object.freeze({ nClasses: k, bins, counts }),
        });
      }
      return state;
    };
  }
}

function buildFenwick(tree: Float64Array, treeOffset: number, values: Float64Array, valuesOffset: number, n: number): void {
  for (let i = 1; i <= n; i++) {
    tree[treeOffset + i] += values[valuesOffset + i - 1];
    const parent = i + (i & -i);
    if (parent <= n) tree[treeOffset + parent] += tree[treeOffset + i];
  }
}

/** Whether every count is a whole number, so sums in any order are exact (always so unless restored from elsewhere). */
function wholeCounts(state: AccumulatingTracker): boolean {
  const whole = (values: Float64Array): boolean => {
    for (let i = 0; i < values.length; i++) if (!Number.isInteger(values[i]) || values[i] < 0) return false;
    return true;
  };
  return whole(state.confusion.counts) && whole(state.auc.counts) && Number.isInteger(state.logLoss.weight);
}
