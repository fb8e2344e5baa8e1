/**
 * Quickselect: reorders `ids[0 … n)` so that the `k` smallest by (`key[id]`, then `id`) come first,
 * in linear expected time. Deterministic (median-of-three pivots), so equal inputs give equal orders.
 * The size limit needs only which leaves fall below the cut, not a full sort of them.
 */
export function partitionSmallest(ids: Int32Array, n: number, key: Float64Array, k: number): void {
  const less = (a: number, b: number): boolean => key[a] < key[b] || (key[a] === key[b] && a < b);
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (less(ids[mid], ids[lo])) swap(ids, mid, lo);
    if (less(ids[hi], ids[lo])) swap(ids, hi, lo);
    if (less(ids[hi], ids[mid])) swap(ids, hi, mid);
    const pivot = ids[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (less(ids[i], pivot)) i++;
      while (less(pivot, ids[j])) j--;
      if (i <= j) swap(ids, i++, j--);
    }
    if (k - 1 <= j) hi = j;
    else if (k - 1 >= i) lo = i;
    else return;
  }
}

function swap(ids: Int32Array, a: number, b: number): void {
  const t = ids[a];
  ids[a] = ids[b];
  ids[b] = t;
}
