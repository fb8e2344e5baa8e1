/**
 * Distinct hypercube vertices, drawn the way scikit-learn's `_generate_hypercube` and
 * `sample_without_replacement(method="auto")` draw them, with our PRNG instead of numpy's.
 */
import type { Random } from '../models/random';

/** sklearn enumerates at most 30 dimensions as integers; wider cubes get extra free bits in front. */
const MAX_ENUMERATED_DIMENSIONS = 30;

/**
 * `count` distinct integers from `[0, population)`, in the order sklearn's `auto` method returns
 * them: a permutation prefix for mid-range ratios, set-based rejection for tiny ones, and
 * reservoir sampling (whose order is not uniformly random) for the rest.
 */
export function sampleWithoutReplacement(population: number, count: number, random: Random): Float64Array {
  if (!(Number.isSafeInteger(population) && Number.isSafeInteger(count) && count >= 0 && count <= population)) {
    throw new RangeError(`sampleWithoutReplacement: need integers 0 ≤ count ≤ population, got count ${count} of ${population}`);
  }
  const out = new Float64Array(count);
  const ratio = population === 0 ? 1 : count / population;
  if (ratio > 0.01 && ratio < 0.99) {
    const permutation = new Float64Array(population);
    for (let i = 0; i < population; i++) permutation[i] = i;
    random.shuffle(permutation);
    out.set(permutation.subarray(0, count));
  } else if (ratio < 0.2) {
    const selected = new Set<number>();
    for (let i = 0; i < count; i++) {
      let j: number;
      do j = random.int(0, population - 1); while (selected.has(j));
      selected.add(j);
      out[i] = j;
    }
  } else {
    for (let i = 0; i < count; i++) out[i] = i;
    for (let i = count; i < population; i++) {
      const j = random.int(0, i);
      if (j < count) out[j] = i;
    }
  }
  return out;
}

/**
 * `count × dimensions` row-major 0/1 coordinates of distinct vertices. Column 0 is the most
 * significant bit of the sampled integer, as numpy's `unpackbits` lays it out.
 */
export function hypercubeVertices(count: number, dimensions: number, random: Random): Float64Array {
  const out = new Float64Array(count * dimensions);
  const freeBits = Math.max(0, dimensions - MAX_ENUMERATED_DIMENSIONS);
  for (let i = 0; i < count * freeBits; i++) {
    out[Math.floor(i / freeBits) * dimensions + (i % freeBits)] = random.int(0, 1);
  }
  const enumerated = dimensions - freeBits;
  const codes = sampleWithoutReplacement(2 ** enumerated, count, random);
  for (let r = 0; r < count; r++) {
    let code = codes[r];
    for (let c = dimensions - 1; c >= freeBits; c--) {
      out[r * dimensions + c] = code % 2;
      code = Math.floor(code / 2);
    }
  }
  return out;
}
