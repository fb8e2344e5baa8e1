/**
 * A port of scikit-learn's `make_classification` (sklearn/datasets/_samples_generator.py), split
 * into drawing a concept once and sampling it many times, so a stream can keep one concept
 * (stationary) or redraw it per message (the seed's flaw). Same procedure as sklearn; values differ
 * because our PRNG is not numpy's.
 */
import type { Random } from '../models/random';
import type { LabeledBatch } from '../models/types';
import { matrix } from '../models/types';
import { booleanOption, fail, positiveInteger } from '../models/validate';
import { hypercubeVertices } from './hypercube';

export interface ConceptOptions {
  /** Total columns; default 10 (the seed's, where sklearn's default is 20). */
  readonly nFeatures?: number;
  /** Columns that carry the clusters; default 6. */
  readonly nInformative?: number;
  /** Random linear combinations of the informative columns; default 2. */
  readonly nRedundant?: number;
  /** Copies of informative or redundant columns; default 0. */
  readonly nRepeated?: number;
  readonly nClasses?: number;
  readonly nClustersPerClass?: number;
  /**
   * Class proportions, `nClasses` of them or `nClasses - 1` (the last is `1 - sum`); default balanced.
   * Rows always number `nSamples`: if the weights sum to more than 1 the last clusters are cut short.
   */
  readonly weights?: readonly number[] | null;
  /** Fraction of rows whose label is replaced by a uniformly random class (possibly the same one). */
  readonly flipY?: number;
  /** Half the hypercube's side. */
  readonly classSep?: number;
  /** False: centroids on a random polytope (vertices scaled by random factors). */
  readonly hypercube?: boolean;
  /** Added to every feature before scaling: a number, one per feature, or null for U(−classSep, classSep). */
  readonly shift?: number | readonly number[] | null;
  /** Multiplies every feature after shifting: a number > 0, one per feature, or null for U(1, 101). */
  readonly scale?: number | readonly number[] | null;
  /** Shuffle rows (every sample) and columns (once per concept). */
  readonly shuffle?: boolean;
}

export interface MakeClassificationOptions extends ConceptOptions {
  readonly nSamples: number;
}

/**
 * One classification problem, ready to be sampled. Matrices are row-major. Columns are indexed in
 * generation order (informative, redundant, repeated, noise) except `featureOrder`, which maps an
 * output column to the generated column it shows. Frozen at the top level; typed arrays cannot be
 * frozen, so treat them as read-only.
 */
export interface Concept {
  readonly nFeatures: number;
  readonly nInformative: number;
  readonly nRedundant: number;
  readonly nRepeated: number;
  readonly nClasses: number;
  readonly nClustersPerClass: number;
  /** One weight per class, after completing an `nClasses - 1` list. */
  readonly classWeights: Float64Array;
  readonly flipY: number;
  /** `nClusters × nInformative`; cluster k has label `k mod nClasses`. */
  readonly centroids: Float64Array;
  /** `nClusters × nInformative × nInformative`: cluster k's informative rows are `z · A_k + centroid_k`. */
  readonly clusterCovariances: Float64Array;
  /** `nInformative × nRedundant`: redundant columns are `informative · B`. */
  readonly redundantWeights: Float64Array;
  /** For each repeated column, the generated column it copies. */
  readonly repeatedSources: Int32Array;
  /** Per generated column. */
  readonly shift: Float64Array;
  /** Per generated column. */
  readonly scale: Float64Array;
  readonly shuffleRows: boolean;
  /** Output column j shows generated column `featureOrder[j]`. */
  readonly featureOrder: Int32Array;
}

interface ValidatedOptions {
  readonly nFeatures: number;
  readonly nInformative: number;
  readonly nRedundant: number;
  readonly nRepeated: number;
  readonly nClasses: number;
  readonly nClustersPerClass: number;
  readonly classWeights: Float64Array;
  readonly flipY: number;
  readonly classSep: number;
  readonly hypercube: boolean;
  readonly shift: Float64Array | null;
  readonly scale: Float64Array | null;
  readonly shuffle: boolean;
}

const WHO = 'makeClassification';

/** A scalar or per-feature array as one value per feature, or null when sklearn would draw it. */
function perFeature(
  name: string,
  value: number | readonly number[] | null,
  nFeatures: number,
  valid: (v: number) => boolean,
  allowed: string,
): Float64Array | null {
  if (value === null) return null;
  if (typeof value === 'number') {
    if (!valid(value)) fail(WHO, name, allowed, value);
    return new Float64Array(nFeatures).fill(value);
  }
  if (!Array.isArray(value) || value.length !== nFeatures) {
    fail(WHO, name, `a number, null, or an array of nFeatures (${nFeatures}) numbers`, value);
  }
  value.forEach((v, i) => {
    if (!valid(v)) fail(WHO, `${name}[${i}]`, allowed, v);
  });
  return Float64Array.from(value);
}

function completeWeights(weights: readonly number[] | null, nClasses: number): Float64Array {
  if (weights === null) return new Float64Array(nClasses).fill(1 / nClasses);
  if (!Array.isArray(weights) || (weights.length !== nClasses && weights.length !== nClasses - 1)) {
    fail(WHO, 'weights', `null or an array of nClasses (${nClasses}) or nClasses - 1 numbers`, weights);
  }
  weights.forEach((w, i) => {
    if (!(Number.isFinite(w) && w >= 0)) fail(WHO, `weights[${i}]`, 'a finite number ≥ 0', w);
  });
  if (weights.length === nClasses) return Float64Array.from(weights);
  let sum = 0;
  for (const w of weights) sum += w;
  if (sum > 1) fail(WHO, 'the sum of weights (the last class being inferred)', '≤ 1', sum);
  return Float64Array.from([...weights, 1 - sum]);
}

function validate(options: ConceptOptions): ValidatedOptions {
  const nFeatures = positiveInteger(WHO, 'nFeatures', options.nFeatures ?? 10, 1);
  const nInformative = positiveInteger(WHO, 'nInformative', options.nInformative ?? 6, 1);
  const nRedundant = positiveInteger(WHO, 'nRedundant', options.nRedundant ?? 2, 0);
  const nRepeated = positiveInteger(WHO, 'nRepeated', options.nRepeated ?? 0, 0);
  const nClasses = positiveInteger(WHO, 'nClasses', options.nClasses ?? 2, 1);
  const nClustersPerClass = positiveInteger(WHO, 'nClustersPerClass', options.nClustersPerClass ?? 2, 1);
  if (nInformative + nRedundant + nRepeated > nFeatures) {
    throw new RangeError(
      `${WHO}: nInformative + nRedundant + nRepeated must be ≤ nFeatures (${nFeatures}), ` +
        `got ${nInformative} + ${nRedundant} + ${nRepeated} = ${nInformative + nRedundant + nRepeated}`,
    );
  }
  // log2 like sklearn, so a large nInformative cannot overflow the comparison.
  if (nInformative < Math.log2(nClasses * nClustersPerClass)) {
    throw new RangeError(
      `${WHO}: nClasses × nClustersPerClass must be ≤ 2^nInformative, ` +
        `got ${nClasses} × ${nClustersPerClass} = ${nClasses * nClustersPerClass} > 2^${nInformative}`,
    );
  }
  const flipY = options.flipY ?? 0.01;
  if (!(typeof flipY === 'number' && flipY >= 0 && flipY <= 1)) fail(WHO, 'flipY', 'a number in [0, 1]', flipY);
  const classSep = options.classSep ?? 1;
  if (!(Number.isFinite(classSep) && classSep > 0)) fail(WHO, 'classSep', 'a finite number > 0', classSep);
  return {
    nFeatures,
    nInformative,
    nRedundant,
    nRepeated,
    nClasses,
    nClustersPerClass,
    classWeights: completeWeights(options.weights ?? null, nClasses),
    flipY,
    classSep,
    hypercube: booleanOption(WHO, 'hypercube', options.hypercube ?? true),
    shift: perFeature('shift', options.shift === undefined ? 0 : options.shift, nFeatures, Number.isFinite, 'a finite number'),
    scale: perFeature(
      'scale',
      options.scale === undefined ? 1 : options.scale,
      nFeatures,
      (v) => Number.isFinite(v) && v > 0,
      'a finite number > 0',
    ),
    shuffle: booleanOption(WHO, 'shuffle', options.shuffle ?? true),
  };
}

function uniformMatrix(length: number, random: Random): Float64Array {
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = 2 * random.next() - 1;
  return out;
}

/** Draws everything sklearn draws that does not depend on the samples, in sklearn's order. */
export function drawConcept(options: ConceptOptions, random: Random): Concept {
  const o = validate(options);
  const nClusters = o.nClasses * o.nClustersPerClass;
  const nInf = o.nInformative;

  const centroids = hypercubeVertices(nClusters, nInf, random);
  for (let i = 0; i < centroids.length; i++) centroids[i] = centroids[i] * 2 * o.classSep - o.classSep;
  if (!o.hypercube) {
    const perCluster = Float64Array.from({ length: nClusters }, () => random.next());
    const perDimension = Float64Array.from({ length: nInf }, () => random.next());
    for (let k = 0; k < nClusters; k++) {
      for (let j = 0; j < nInf; j++) centroids[k * nInf + j] *= perCluster[k] * perDimension[j];
    }
  }

  const clusterCovariances = uniformMatrix(nClusters * nInf * nInf, random);
  const redundantWeights = uniformMatrix(nInf * o.nRedundant, random);
  const copyable = nInf + o.nRedundant;
  const repeatedSources = Int32Array.from({ length: o.nRepeated }, () => Math.floor((copyable - 1) * random.next() + 0.5));
  const shift = o.shift ?? Float64Array.from({ length: o.nFeatures }, () => (2 * random.next() - 1) * o.classSep);
  const scale = o.scale ?? Float64Array.from({ length: o.nFeatures }, () => 1 + 100 * random.next());
  const featureOrder = Int32Array.from({ length: o.nFeatures }, (_, i) => i);
  if (o.shuffle) random.shuffle(featureOrder);

  return Object.freeze({
    nFeatures: o.nFeatures,
    nInformative: nInf,
    nRedundant: o.nRedundant,
    nRepeated: o.nRepeated,
    nClasses: o.nClasses,
    nClustersPerClass: o.nClustersPerClass,
    classWeights: o.classWeights,
    flipY: o.flipY,
    centroids,
    clusterCovariances,
    redundantWeights,
    repeatedSources,
    shift,
    scale,
    shuffleRows: o.shuffle,
    featureOrder,
  });
}

/**
 * Rows per cluster for `nSamples`, exactly as sklearn splits them: by weight, the remainder
 * round-robin. When the weights sum to more than 1, sklearn's slices run past the end of its
 * `nSamples` rows and numpy clips them, so the last clusters come out short; so do they here.
 */
export function clusterSizes(concept: Concept, nSamples: number): Int32Array {
  const nClusters = concept.nClasses * concept.nClustersPerClass;
  const sizes = new Int32Array(nClusters);
  let total = 0;
  for (let k = 0; k < nClusters; k++) {
    sizes[k] = Math.trunc((nSamples * concept.classWeights[k % concept.nClasses]) / concept.nClustersPerClass);
    total += sizes[k];
  }
  for (let i = 0; i < nSamples - total; i++) sizes[i % nClusters] += 1;
  let room = nSamples;
  for (let k = 0; k < nClusters; k++) {
    sizes[k] = Math.min(sizes[k], room);
    room -= sizes[k];
  }
  return sizes;
}

/**
 * Draws rows of `concept`: cluster rows `N(0, I) · A_k + centroid_k`, redundant and repeated
 * columns, noise, label flips, shift and scale, then shuffles rows and orders columns.
 */
export function sampleConcept(concept: Concept, nSamples: number, random: Random): LabeledBatch {
  positiveInteger('sampleConcept', 'nSamples', nSamples, 0);
  const { nFeatures: nF, nInformative: nInf, nRedundant: nRed, nRepeated: nRep, nClasses } = concept;
  const sizes = clusterSizes(concept, nSamples);
  const n = nSamples;

  const generated = new Float64Array(n * nF);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < nInf; j++) generated[r * nF + j] = random.normal();
  }

  const labels = new Int32Array(n);
  const z = new Float64Array(nInf);
  const A = concept.clusterCovariances;
  let start = 0;
  for (let k = 0; k < sizes.length; k++) {
    const stop = start + sizes[k];
    const aOffset = k * nInf * nInf;
    const cOffset = k * nInf;
    for (let r = start; r < stop; r++) {
      labels[r] = k % nClasses;
      const row = r * nF;
      for (let i = 0; i < nInf; i++) z[i] = generated[row + i];
      for (let j = 0; j < nInf; j++) {
        let sum = 0;
        for (let i = 0; i < nInf; i++) sum += z[i] * A[aOffset + i * nInf + j];
        generated[row + j] = sum + concept.centroids[cOffset + j];
      }
    }
    start = stop;
  }

  const B = concept.redundantWeights;
  const repeatedStart = nInf + nRed;
  const noiseStart = repeatedStart + nRep;
  for (let r = 0; r < n; r++) {
    const row = r * nF;
    for (let j = 0; j < nRed; j++) {
      let sum = 0;
      for (let i = 0; i < nInf; i++) sum += generated[row + i] * B[i * nRed + j];
      generated[row + nInf + j] = sum;
    }
    for (let j = 0; j < nRep; j++) generated[row + repeatedStart + j] = generated[row + concept.repeatedSources[j]];
  }
  for (let r = 0; r < n; r++) {
    for (let j = noiseStart; j < nF; j++) generated[r * nF + j] = random.normal();
  }

  // sklearn draws every row's flip coin first, then the new classes for the flipped rows.
  if (concept.flipY > 0) {
    const flipped = new Uint8Array(n);
    for (let r = 0; r < n; r++) flipped[r] = random.next() < concept.flipY ? 1 : 0;
    for (let r = 0; r < n; r++) if (flipped[r] === 1) labels[r] = random.int(0, nClasses - 1);
  }

  const rowOrder = new Int32Array(n);
  for (let i = 0; i < n; i++) rowOrder[i] = i;
  if (concept.shuffleRows) random.shuffle(rowOrder);
  const x = new Float64Array(n * nF);
  const y = new Int32Array(n);
  const { featureOrder } = concept;
  const shift = new Float64Array(nF);
  const scale = new Float64Array(nF);
  for (let j = 0; j < nF; j++) {
    shift[j] = concept.shift[featureOrder[j]];
    scale[j] = concept.scale[featureOrder[j]];
  }
  for (let r = 0; r < n; r++) {
    const source = rowOrder[r] * nF;
    const target = r * nF;
    y[r] = labels[rowOrder[r]];
    for (let j = 0; j < nF; j++) x[target + j] = (generated[source + featureOrder[j]] + shift[j]) * scale[j];
  }
  return { x: matrix(n, nF, x), y };
}

/** One `make_classification` call: a fresh concept sampled once. */
export function makeClassification(options: MakeClassificationOptions, random: Random): LabeledBatch {
  const nSamples = positiveInteger(WHO, 'nSamples', options.nSamples, 1);
  return sampleConcept(drawConcept(options, random), nSamples, random);
}
