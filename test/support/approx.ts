import assert from 'node:assert/strict';

/**
 * True when `a` and `b` agree to `rel` relative tolerance, or differ by at most `abs` (for values
 * that are zero up to cancellation, where no relative bound is meaningful). NaN matches only NaN.
 */
export function isClose(a: number, b: number, rel: number, abs = 0): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  const diff = Math.abs(a - b);
  return diff <= abs || diff <= rel * Math.max(Math.abs(a), Math.abs(b));
}

/** Asserts element-wise closeness and names the first differing index. */
export function assertAllClose(
  actual: ArrayLike<number>, expected: ArrayLike<number>, label: string, rel = 1e-9, abs = 0,
): void {
  assert.equal(actual.length, expected.length, `${label}: length ${actual.length}, expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    if (!isClose(actual[i], expected[i], rel, abs)) {
      assert.fail(`${label}[${i}]: got ${actual[i]}, expected ${expected[i]} (relative tolerance ${rel}, absolute ${abs})`);
    }
  }
}
