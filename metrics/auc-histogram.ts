/**
 * Approximate ROC AUC over unbounded streams (cumulative and fading tracking) in bounded memory: per
 * class, two weighted histograms of its score, one over the rows of that class (positives) and one
 * over the others (negatives). Binary problems keep one pair, for the class-1 probability.
 *
 * Bins are equally wide in logit space over logit(p) ∈ [−16, 16] (p from 1.1e-7 to 1 − 1.1e-7;
 * scores beyond fall into the end bins), because sigmoid and softmax outputs crowd towards 0 and 1.
 * With the default 4096 bins a bin spans 0.0078 in logit, i.e. at most 0.002 in probability (at
 * p = 0.5; much less near 0 and 1).
 *
 * Error bound. Binning is monotone, so every (positive, negative) pair in different bins is ordered
 * as the exact AUC orders it; pairs sharing a bin are counted as ties (½) while the exact value
 * counts 0, ½ or 1. Hence, per class,
 *     |binned AUC − exact AUC| ≤ ½ · Σ_b P_b·N_b / (P·N)  ≤  ½ · max_b N_b / N,
 * with P_b, N_b the positive and negative weight in bin b. `binnedRocAuc` returns this bound (for the
 * macro average, the mean of the per-class bounds) next to the value; it is conservative, as
 * exactly tied scores, which both methods count as ½, also add to it.
 * The "exact" value being approximated is the (fading-)weighted AUC, i.e. scikit-learn's
 * `roc_auc_score` with `sample_weight` set to the rows' weights.
 */
import type { Scored } from './types';
import { validateScored, requireClasses } from './validate-scored';
import { fadingFactor, scaledCopy } from './fading';
import { positiveInteger } from '../models/validate';

export const DEFAULT_AUC_BINS = 4096;
/** Half-width of the binned logit range. */
export const AUC_LOGIT_RANGE = 16;

/**
 * `counts[((column * 2) + isPositive) * bins + bin]`: weight of rows whose score for `column` falls in
 * `bin`, split by whether the row belongs to that column's class. One column for binary problems.
 */
export interface AucHistogramState {
  readonly nClasses: number;
  readonly bins: number;
  readonly counts: Float64Array;
}

export interface BinnedRocAuc {
  readonly rocAuc: number;
  readonly errorBound: number;
}

const edgesByBins = new Map<number, Float64Array>();

/** The `bins - 1` ascending inner bin edges, in probability. */
export function aucBinEdges(bins: number): Float64Array {
  let edges = edgesByBins.get(bins);
  if (!edges) {
    edges = new Float64Array(bins - 1);
    for (let i = 1; i < bins; i++) {
      const logit = -AUC_LOGIT_RANGE + (2 * AUC_LOGIT_RANGE * i) / bins;
      edges[i - 1] = 1 / (1 + Math.exp(-logit));
    }
    edgesByBins.set(bins, edges);
  }
  return edges;
}

/**
 * Bin of `score`: how many edges are ≤ it. Estimated from the score's logit, then moved against the
 * edges until exact, so binning is exactly monotone; a binary search would take ~12 unpredictable
 * branches per score (~100+ ns), the estimate is right or one bin off.
 */
export function scoreBin(score: number, edges: Float64Array): number {
  const last = edges.length;
  let bin = 0;
  if (score > 0 && score < 1) {
    bin = Math.floor(((Math.log(score / (1 - score)) + AUC_LOGIT_RANGE) * (last + 1)) / (2 * AUC_LOGIT_RANGE));
    if (!(bin >= 0)) bin = 0;
    else if (bin > last) bin = last;
  } else if (score >= 1) {
    bin = last;
  }
  while (bin < last && edges[bin] <= score) bin++;
  while (bin > 0 && edges[bin - 1] > score) bin--;
  return bin;
}

const histogramColumns = (nClasses: number): number => (nClasses === 2 ? 1 : nClasses);

export function aucHistogramInit(nClasses: number, bins: number = DEFAULT_AUC_BINS): AucHistogramState {
  positiveInteger('aucHistogramInit', 'nClasses', nClasses, 2);
  positiveInteger('aucHistogramInit', 'bins', bins, 2);
  return Object.freeze({ nClasses, bins, counts: new Float64Array(histogramColumns(nClasses) * 2 * bins) });
}

/** Adds the rows of `scored`; with `alpha` < 1 older rows fade as described in `fading.ts`. */
export function updateAucHistogram(state: AucHistogramState, scored: Scored, alpha = 1): AucHistogramState {
  const rows = validateScored('updateAucHistogram', scored);
  requireClasses('updateAucHistogram', scored, state.nClasses);
  fadingFactor('updateAucHistogram', alpha);
  if (rows === 0) return state;
  const { nClasses: k, bins } = state;
  const edges = aucBinEdges(bins);
  const counts = scaledCopy(state.counts, alpha ** rows);
  const { y, proba } = scored;
  let weight = 1;
  for (let r = rows - 1; r >= 0; r--) {
    if (k === 2) {
      const positive = y[r] === 1 ? 1 : 0;
      counts[positive * bins + scoreBin(proba[r * 2 + 1], edges)] += weight;
    } else {
      for (let c = 0; c < k; c++) {
        const positive = y[r] === c ? 1 : 0;
        counts[(c * 2 + positive) * bins + scoreBin(proba[r * k + c], edges)] += weight;
      }
    }
    weight *= alpha;
  }
  return Object.freeze({ nClasses: k, bins, counts });
}

/** Trapezoid AUC of the binned ROC curve and its error bound; both NaN while undefined. */
export function binnedRocAuc(state: AucHistogramState): BinnedRocAuc {
  const { bins, counts } = state;
  const columns = histogramColumns(state.nClasses);
  let aucSum = 0;
  let boundSum = 0;
  let defined = 0;
  for (let c = 0; c < columns; c++) {
    const negativeOffset = c * 2 * bins;
    const positiveOffset = negativeOffset + bins;
    const { wins, sameBin, positives, negatives } = scanColumn(counts, negativeOffset, positiveOffset, bins);
    const pairs = positives * negatives;
    if (!(pairs > 0)) continue;
    aucSum += wins / pairs;
    boundSum += (0.5 * sameBin) / pairs;
    defined++;
  }
  if (defined === 0) return { rocAuc: NaN, errorBound: NaN };
  return { rocAuc: aucSum / defined, errorBound: boundSum / defined };
}

/**
 * One class column of the histogram, scanned from the lowest bin up: positive-over-negative wins
 * (ties within a bin count half), positive × negative pairs that share a bin (the error bound's
 * source) and the totals.
 */
export function scanColumn(counts: ArrayLike<number>, negativeOffset: number, positiveOffset: number, bins: number): { wins: number; sameBin: number; positives: number; negatives: number } {
  let below = 0;
  let wins = 0;
  let sameBin = 0;
  let positives = 0;
  for (let b = 0; b < bins; b++) {
    const pos = counts[positiveOffset + b];
    const neg = counts[negativeOffset + b];
    wins += pos * (below + 0.5 * neg);
    sameBin += pos * neg;
    below += neg;
    positives += pos;
  }
  return { wins, sameBin, positives, negatives: below };
}
