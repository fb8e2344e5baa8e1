/**
 * Seeded pseudo-random numbers (xoshiro128** seeded through splitmix32). Deterministic across
 * platforms: the same seed gives the same sequence, which the generator, holdout splits and model
 * initialisation rely on. A `Random` is a local, mutable helper: create it inside a pure function
 * from a seed, never keep it in model state (keep `Random.state()` instead).
 */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | null = null;

  constructor(seed: number | readonly number[]) {
    if (typeof seed === 'number') {
      if (!Number.isFinite(seed)) throw new RangeError(`Random: seed must be a finite number, got ${seed}`);
      let x = (Math.trunc(seed) ^ Math.trunc(seed / 0x100000000)) >>> 0;
      const next = (): number => {
        x = (x + 0x9e3779b9) >>> 0;
        let z = x;
        z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
        z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
        return (z ^ (z >>> 16)) >>> 0;
      };
      this.s0 = next() | 0; this.s1 = next() | 0; this.s2 = next() | 0; this.s3 = next() | 0;
    } else {
      if (seed.length !== 4) throw new RangeError('Random: a state must have 4 words');
      [this.s0, this.s1, this.s2, this.s3] = seed.map((v) => v | 0) as [number, number, number, number];
    }
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** The 4 words that `new Random(words)` resumes from (the cached spare normal is not kept). */
  state(): number[] {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  /**
   * A uniform 32-bit unsigned integer. The state words are kept as signed int32 (`| 0`), which the
   * engine holds as small integers; unsigned words above 2³¹ would be boxed doubles, ~10× slower.
   */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 bits of precision. */
  next(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Uniform integer in [low, high] (both inclusive), without modulo bias. */
  int(low: number, high: number): number {
    const span = high - low + 1;
    if (!(span >= 1) || span > 0x100000000) throw new RangeError(`Random.int: bad range [${low}, ${high}]`);
    const limit = 0x100000000 - (0x100000000 % span);
    let v: number;
    do v = this.nextUint32(); while (v >= limit);
    return low + (v % span);
  }

  /** Standard normal N(0, 1) by the polar Box–Muller method. */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u: number, v: number, s: number;
    do {
      u = this.next() * 2 - 1;
      v = this.next() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return u * f;
  }

  /** Poisson(λ) by inversion; fine for the small λ (≤ 30) online bagging uses. */
  poisson(lambda: number): number {
    const l = Math.exp(-lambda);
    let k = 0;
    let p = 1;
    do { k++; p *= this.next(); } while (p > l);
    return k - 1;
  }

  /** Fisher–Yates shuffle of `items` in place; returns it. */
  shuffle<T extends { length: number; [i: number]: any }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** A new generator whose stream is independent of this one's continuation. */
  fork(): Random {
    return new Random([this.nextUint32(), this.nextUint32(), this.nextUint32(), this.nextUint32()]);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Combines a base seed with stream coordinates (e.g. a batch index) into one 32-bit seed. */
export function deriveSeed(seed: number, ...parts: number[]): number {
  let h = (seed >>> 0) ^ 0x811c9dc5;
  for (const p of [Math.trunc(seed / 0x100000000), ...parts]) {
    h = Math.imul(h ^ (p >>> 0), 0x01000193) >>> 0;
    h = Math.imul(h ^ Math.trunc(p / 0x100000000), 0x01000193) >>> 0;
    h ^= h >>> 15;
  }
  return h >>> 0;
}
