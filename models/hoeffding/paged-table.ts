/**
 * A table of fixed-width records kept in fixed-size pages (`Float64Array`s), copied on write page by
 * page. A learn call opens the pages of the state it was given, copies a page the first time it
 * writes to it, and hands back the page list: untouched pages are shared with the old state, which
 * is never modified. So the cost of one window is the pages its rows touch, not the whole tree.
 *
 * Copies are carved out of a few larger buffers per learn call (a fresh small typed array costs
 * about a microsecond to allocate, more than copying it), so pages are views into shared buffers.
 * A buffer stays alive while any of its pages does; when the buffers a table keeps alive grow to
 * more than twice its pages, `close` moves the pages of buffers that are less than half in use into
 * one new buffer, which frees those buffers once older states are gone. Counting buffers walks every
 * page, so it runs only once the bytes allocated since the last count could have crossed that line
 * (an upper bound kept beside the state, not in it: it only decides when to move pages, which
 * changes no value).
 */

const MIN_SLAB_PAGES = 2;
const SLACK_BYTES = 64 * 1024;

/** Beside each page list a writer returned: a bound on the bytes its buffers keep alive, and how many pages that writer copied. */
interface Bookkeeping {
  readonly retainedBound: number;
  readonly copied: number;
}
const bookkeeping = new WeakMap<readonly Float64Array[], Bookkeeping>();

export class CopyOnWritePages {
  readonly pages: Float64Array[];
  private owned: Uint8Array;
  private slab: Float64Array | null = null;
  private slabPages = 0;
  private slabUsed = 0;
  private allocatedBytes = 0;
  private copied = 0;
  private readonly source: Bookkeeping | undefined;

  constructor(source: readonly Float64Array[], readonly pageLength: number) {
    this.source = bookkeeping.get(source);
    this.pages = source.slice();
    this.owned = new Uint8Array(Math.max(8, source.length));
  }

  /** The page, copied first if this writer does not own it yet. */
  writable(page: number): Float64Array {
    if (this.owned[page] === 0) {
      const copy = this.allocate();
      copy.set(this.pages[page]);
      this.copied++;
      this.pages[page] = copy;
      this.owned[page] = 1;
    }
    return this.pages[page];
  }

  /** Appends a zeroed page (owned) and returns its index. */
  append(): number {
    const index = this.pages.length;
    this.pages.push(this.allocate());
    if (index >= this.owned.length) {
      const grown = new Uint8Array(this.owned.length * 2);
      grown.set(this.owned);
      this.owned = grown;
    }
    this.owned[index] = 1;
    return index;
  }

  /** The pages, after moving those of sparsely used buffers if the buffers kept alive may exceed twice the pages. */
  close(): Float64Array[] {
    const limit = 2 * this.pages.length * this.pageLength * 8 + SLACK_BYTES;
    let bound = this.source === undefined ? Infinity : this.source.retainedBound + this.allocatedBytes;
    if (bound > limit) bound = this.compact(limit);
    bookkeeping.set(this.pages, { retainedBound: bound, copied: this.copied });
    return this.pages;
  }

  /** Bytes the pages keep alive, after moving the pages of sparsely used buffers together if that exceeds `limit`. */
  private compact(limit: number): number {
    const inUse = new Map<ArrayBufferLike, number>();
    for (const page of this.pages) inUse.set(page.buffer, (inUse.get(page.buffer) ?? 0) + page.byteLength);
    let retained = 0;
    for (const buffer of inUse.keys()) retained += buffer.byteLength;
    if (retained <= limit) return retained;
    const sparse = (buffer: ArrayBufferLike) => 2 * inUse.get(buffer)! < buffer.byteLength;
    let moving = 0;
    for (const page of this.pages) if (sparse(page.buffer)) moving++;
    const target = new Float64Array(moving * this.pageLength);
    let next = 0;
    for (let i = 0; i < this.pages.length; i++) {
      if (!sparse(this.pages[i].buffer)) continue;
      const page = target.subarray(next * this.pageLength, (next + 1) * this.pageLength);
      page.set(this.pages[i]);
      this.pages[i] = page;
      next++;
    }
    for (const buffer of inUse.keys()) if (sparse(buffer)) retained -= buffer.byteLength;
    return retained + target.byteLength;
  }

  /**
   * A zeroed page-sized view. The first buffer holds as many pages as the previous writer copied
   * (windows touch much the same pages); each further one twice as many as the last.
   */
  private allocate(): Float64Array {
    if (this.slab === null || this.slabUsed === this.slabPages) {
      this.slabPages = this.slab === null ? Math.max(MIN_SLAB_PAGES, this.source?.copied ?? 0) : this.slabPages * 2;
      this.slab = new Float64Array(this.slabPages * this.pageLength);
      this.slabUsed = 0;
      this.allocatedBytes += this.slab.byteLength;
    }
    const start = this.slabUsed++ * this.pageLength;
    return this.slab.subarray(start, start + this.pageLength);
  }
}

/** Records per page for records of `stride` doubles: pages of about 2 KiB, at least one record. */
export function recordsPerPage(stride: number): number {
  return Math.max(1, Math.floor(256 / stride));
}
