/**
 * Learning for one Hoeffding tree, after River's `HoeffdingTreeClassifier.learn_one`: route the row
 * to its leaf, update the leaf's class weights (and, for adaptive naive Bayes, which of majority
 * class and naive Bayes would have been right), update its Gaussian estimators if it is active,
 * and every `gracePeriod` of weight try to split it.
 *
 * A `TreeWriter` is opened on a state, learns any number of rows in place on copy-on-write pages,
 * and `close()` returns the new state; the state it was opened on is never modified.
 */
import type { Random } from '../random';
import * as gaussianCells from './gaussian-cells';
import { SplitSearch } from './gaussian-splitter';
import { CopyOnWritePages } from './paged-table';
import { partitionSmallest } from './partition';
import { meritRange } from './split-criteria';
import * as treeParams from './tree-params';
import type { TreeLayout } from './tree-params';
import * as treeState from './tree-state';
import type { TreeState } from './tree-state';

// tsx compiles each use of an imported binding into getter calls; the per-row loops read these
// module-level copies instead.
const { CELL_SIZE, updateCell } = gaussianCells;
const { N_CLASSES, N_DEPTH, N_FEATURE, N_LAST_ATTEMPT, N_LEFT, N_MC_CORRECT, N_NB_CORRECT, N_SLOT, N_THRESHOLD } = treeParams;
const { classesRecorded, leafOf, leafWeight, majorityClass, monitoredFeature, naiveBayesScores, recordBase, recordPage } = treeState;

/** A tree with a single active root leaf. `random` picks the root's features when leaves monitor a subset. */
export function initTree(layout: TreeLayout, random: Random | null): TreeState {
  const writer = new TreeWriter(layout, EMPTY_TREE, random);
  writer.addLeaf(0, null);
  return writer.close();
}

const EMPTY_TREE: TreeState = {
  nodeCount: 0, slotCount: 0, activeLeaves: 0, inactiveLeaves: 0, nodePages: [], slotPages: [], freeSlots: new Int32Array(0),
};

export class TreeWriter {
  readonly nodes: CopyOnWritePages;
  readonly slots: CopyOnWritePages;
  private nodeCount: number;
  private slotCount: number;
  private activeLeaves: number;
  private inactiveLeaves: number;
  private freeSlots: number[];
  private readonly search: SplitSearch;
  private readonly votes: Float64Array;

  constructor(private readonly layout: TreeLayout, state: TreeState, private readonly random: Random | null) {
    const { nodeStride, nodesPerPage, slotStride, slotsPerPage, params } = layout;
    this.nodes = new CopyOnWritePages(state.nodePages, nodeStride * nodesPerPage);
    this.slots = new CopyOnWritePages(state.slotPages, slotStride * slotsPerPage);
    this.nodeCount = state.nodeCount;
    this.slotCount = state.slotCount;
    this.activeLeaves = state.activeLeaves;
    this.inactiveLeaves = state.inactiveLeaves;
    this.freeSlots = Array.from(state.freeSlots);
    this.search = new SplitSearch(params.nClasses, params.nSplits, params.splitCriterion, params.minBranchFraction);
    this.votes = new Float64Array(params.nClasses);
  }

  /** Pages to read predictions from while writing. */
  get nodePages(): readonly Float64Array[] {
    return this.nodes.pages;
  }

  get slotPages(): readonly Float64Array[] {
    return this.slots.pages;
  }

  close(): TreeState {
    return {
      nodeCount: this.nodeCount,
      slotCount: this.slotCount,
      activeLeaves: this.activeLeaves,
      inactiveLeaves: this.inactiveLeaves,
      nodePages: this.nodes.close(),
      slotPages: this.slots.close(),
      freeSlots: Int32Array.from(this.freeSlots),
    };
  }

  /** Learns row `x[offset … offset + nFeatures)` with label `y` and weight `w` > 0. */
  learnRow(x: Float64Array, offset: number, y: number, w: number): void {
    const { layout } = this;
    const { nClasses, featuresPerLeaf, leafPrediction } = layout.params;
    const leaf = leafOf(layout, this.nodes.pages, x, offset);
    const record = this.nodes.writable(recordPage(layout, leaf));
    const base = recordBase(layout, leaf);
    const slot = record[base + N_SLOT];

    if (slot >= 0 && leafPrediction === 'nba') {
      // Score both predictors on the row before learning it, as River's adaptive leaf does.
      const majority = majorityClass(layout, record, base);
      if (majority < 0 || majority === y) record[base + N_MC_CORRECT] += w;
      const slotPage = this.slots.pages[(slot / layout.slotsPerPage) | 0];
      if (naiveBayesScores(layout, record, base, slotPage, this.slotBase(slot), x, offset, this.votes) === y) record[base + N_NB_CORRECT] += w;
    }
    recordClass(record, base + layout.classOrder, nClasses, y);
    record[base + N_CLASSES + y] += w;
    if (slot < 0) return;

    const slotPage = this.slots.writable((slot / layout.slotsPerPage) | 0);
    const slotBase = this.slotBase(slot);
    recordClass(slotPage, slotBase, nClasses, y);
    const cells = slotBase + layout.cells + y * CELL_SIZE;
    for (let p = 0; p < featuresPerLeaf; p++) {
      updateCell(slotPage, cells + p * nClasses * CELL_SIZE, x[offset + monitoredFeature(layout, record, base, p)], w);
    }

    if (record[base + N_DEPTH] >= layout.params.maxDepth) {
      this.deactivate(leaf);
      return;
    }
    const weight = leafWeight(layout, record, base);
    if (weight - record[base + N_LAST_ATTEMPT] >= layout.params.gracePeriod) {
      this.attemptSplit(leaf, weight);
      this.nodes.writable(recordPage(layout, leaf))[base + N_LAST_ATTEMPT] = weight;
    }
  }

  private slotBase(slot: number): number {
    return (slot % this.layout.slotsPerPage) * this.layout.slotStride;
  }

  /**
   * River's `_attempt_to_split`: among the best split of each monitored feature and "no split"
   * (merit −∞), split on the best when it beats the runner-up by more than the Hoeffding bound, or
   * when the bound has shrunk below `tau`. A winner of merit −∞ (no valid split) deactivates the leaf.
   */
  private attemptSplit(leaf: number, weight: number): void {
    const { layout, search } = this;
    const { pre } = search;
    const { params } = layout;
    const { nClasses, featuresPerLeaf } = params;
    const record = this.nodes.pages[recordPage(layout, leaf)];
    const base = recordBase(layout, leaf);
    search.preCount = classesRecorded(layout, record, base);
    let positive = 0;
    for (let i = 0; i < search.preCount; i++) {
      pre[i] = record[base + N_CLASSES + record[base + layout.classOrder + i]];
      if (pre[i] !== 0) positive++;
    }
    if (positive < 2) return;

    if (record[base + N_CLASSES + majorityClass(layout, record, base)] / weight > params.maxShareToSplit) {
      this.withdraw(leaf);
      return;
    }

    // Candidates in River's order (the null split, then the features); the last of equal merits wins.
    let bestMerit = -Infinity;
    let bestFeature = -1;
    let bestThreshold = 0;
    let secondMerit = -Infinity;
    const slot = record[base + N_SLOT];
    const slotPage = this.slots.pages[(slot / layout.slotsPerPage) | 0];
    const slotBase = this.slotBase(slot);
    for (let p = 0; p < featuresPerLeaf; p++) {
      const merit = search.bestSplitOf(slotPage, slotBase, slotBase + layout.cells + p * nClasses * CELL_SIZE);
      if (merit >= bestMerit) {
        secondMerit = bestMerit;
        bestMerit = merit;
        bestFeature = p;
        bestThreshold = search.threshold;
      } else if (merit >= secondMerit) {
        secondMerit = merit;
      }
    }
    const range = meritRange(params.splitCriterion, search.preCount);
    const bound = Math.sqrt((range * range * Math.log(1 / params.delta)) / (2 * weight));
    if (!(bestMerit - secondMerit > bound || bound < params.tau)) return;
    if (bestMerit === -Infinity) {
      this.withdraw(leaf);
    } else {
      this.split(leaf, bestFeature, bestThreshold);
      this.enforceSizeLimit();
    }
  }

  /**
   * River's "null split wins": deactivate the leaf, then enforce the size limit. When every leaf
   * fits the budget and no other leaf is waiting to be reactivated, that reactivates just this leaf
   * with empty estimators, which is done directly here. When the tree is over its budget the leaf
   * is only deactivated, which can only free memory; the leaves are ranked again at the next split
   * (River ranks them here too, but that costs a pass over every leaf at every pure leaf's attempt).
   */
  private withdraw(leaf: number): void {
    if (this.bytes(this.activeLeaves + this.inactiveLeaves) > this.layout.params.maxBytes) {
      this.deactivate(leaf);
    } else if (this.dormantLeaves() === 0) {
      this.clearSlot(this.nodes.pages[recordPage(this.layout, leaf)][recordBase(this.layout, leaf) + N_SLOT]);
    } else {
      this.deactivate(leaf);
      this.enforceSizeLimit();
    }
  }

  private split(leaf: number, p: number, threshold: number): void {
    const { layout } = this;
    const { nClasses } = layout.params;
    const record = this.nodes.writable(recordPage(layout, leaf));
    const base = recordBase(layout, leaf);
    const slot = record[base + N_SLOT];
    const slotBase = this.slotBase(slot);
    const slotPage = this.slots.pages[(slot / layout.slotsPerPage) | 0];
    this.search.distribute(slotPage, slotBase, slotBase + layout.cells + p * nClasses * CELL_SIZE, threshold);
    const feature = monitoredFeature(layout, record, base, p);
    const depth = record[base + N_DEPTH] + 1;

    this.freeSlots.push(slot);
    record[base + N_SLOT] = -1;
    this.activeLeaves -= 1;
    const left = this.addLeaf(depth, this.search.left);
    this.addLeaf(depth, this.search.right);
    const parent = this.nodes.writable(recordPage(layout, leaf));
    parent[base + N_FEATURE] = feature;
    parent[base + N_THRESHOLD] = threshold;
    parent[base + N_LEFT] = left;
  }

  /**
   * Appends an active leaf; returns its node id. `inherited` (a side of the last split distribution,
   * in the search's `postOrder`) gives its initial class weights, as River seeds a new leaf with its share of the
   * parent's estimated class distribution.
   */
  addLeaf(depth: number, inherited: Float64Array | null): number {
    const { layout } = this;
    const { nFeatures, featuresPerLeaf } = layout.params;
    const node = this.nodeCount++;
    if (recordPage(layout, node) === this.nodes.pages.length) this.nodes.append();
    const record = this.nodes.writable(recordPage(layout, node));
    const base = recordBase(layout, node);
    record.fill(0, base, base + layout.nodeStride);
    record.fill(-1, base + layout.classOrder, base + layout.classOrder + layout.params.nClasses);
    record[base + N_FEATURE] = -1;
    record[base + N_DEPTH] = depth;
    if (inherited) {
      let n = 0;
      for (let i = 0; i < this.search.postCount; i++) {
        if (Object.is(inherited[i], -0)) continue;
        const c = this.search.postOrder[i];
        record[base + layout.classOrder + n++] = c;
        record[base + N_CLASSES + c] = inherited[i];
      }
      record[base + N_LAST_ATTEMPT] = leafWeight(layout, record, base);
    }
    if (layout.featureIds >= 0) {
      if (!this.random) throw new Error('hoeffding tree: leaves that monitor a feature subset need a random source');
      sampleFeatures(this.random, nFeatures, featuresPerLeaf, record, base + layout.featureIds);
    }
    record[base + N_SLOT] = this.allocateSlot();
    this.activeLeaves += 1;
    return node;
  }

  private allocateSlot(): number {
    const slot = this.freeSlots.length > 0 ? this.freeSlots.pop()! : this.slotCount++;
    if (((slot / this.layout.slotsPerPage) | 0) === this.slots.pages.length) this.slots.append();
    this.clearSlot(slot);
    return slot;
  }

  /** Empty estimators: no class recorded, every cell zero. */
  private clearSlot(slot: number): void {
    const { layout } = this;
    const start = this.slotBase(slot);
    const slotPage = this.slots.writable((slot / layout.slotsPerPage) | 0);
    slotPage.fill(-1, start, start + layout.cells);
    slotPage.fill(0, start + layout.cells, start + layout.slotStride);
  }

  private deactivate(leaf: number): void {
    const record = this.nodes.writable(recordPage(this.layout, leaf));
    const base = recordBase(this.layout, leaf);
    if (this.dormant >= 0 && record[base + N_DEPTH] < this.layout.params.maxDepth) this.dormant += 1;
    this.freeSlots.push(record[base + N_SLOT]);
    record[base + N_SLOT] = -1;
    this.activeLeaves -= 1;
    this.inactiveLeaves += 1;
  }

  /** Inactive leaves that could be reactivated (above `maxDepth`); counted on first use, then kept up to date. */
  private dormant = -1;

  private dormantLeaves(): number {
    if (this.dormant < 0) {
      let n = 0;
      if (this.inactiveLeaves > 0) {
        for (let node = 0; node < this.nodeCount; node++) {
          const record = this.nodes.pages[recordPage(this.layout, node)];
          const base = recordBase(this.layout, node);
          if (record[base + N_FEATURE] < 0 && record[base + N_SLOT] < 0 && record[base + N_DEPTH] < this.layout.params.maxDepth) n++;
        }
      }
      this.dormant = n;
    }
    return this.dormant;
  }

  /** Reactivated leaves start with empty estimators, as River's `activate` gives them new splitters. */
  private activate(leaf: number): void {
    const slot = this.allocateSlot();
    const record = this.nodes.writable(recordPage(this.layout, leaf));
    const base = recordBase(this.layout, leaf);
    record[base + N_SLOT] = slot;
    if (this.dormant >= 0 && record[base + N_DEPTH] < this.layout.params.maxDepth) this.dormant -= 1;
    this.activeLeaves += 1;
    this.inactiveLeaves -= 1;
  }

  /** Bytes the budget counts: every node record plus the estimators of the active leaves. */
  private bytes(activeLeaves: number): number {
    return this.nodeCount * this.layout.nodeBytes + activeLeaves * this.layout.slotBytes;
  }

  /**
   * River's `_enforce_size_limit` with exact sizes: keep active as many of the most promising
   * leaves (largest weight × error of the majority class) as the budget allows, deactivate the
   * rest, and reactivate inactive leaves that now fit (except those at `maxDepth`).
   */
  private enforceSizeLimit(): void {
    const { layout } = this;
    const { maxBytes, maxDepth } = layout.params;
    const leafCount = this.activeLeaves + this.inactiveLeaves;
    if (this.bytes(leafCount) <= maxBytes) {
      // Every leaf fits: nothing to deactivate, and every dormant leaf comes back.
      if (this.dormantLeaves() === 0) return;
      for (let node = 0; node < this.nodeCount; node++) {
        const record = this.nodes.pages[recordPage(layout, node)];
        const base = recordBase(layout, node);
        if (record[base + N_FEATURE] < 0 && record[base + N_SLOT] < 0 && record[base + N_DEPTH] < maxDepth) this.activate(node);
      }
      return;
    }
    const leaves = new Int32Array(leafCount);
    const promise = new Float64Array(this.nodeCount);
    let n = 0;
    for (let node = 0; node < this.nodeCount; node++) {
      const record = this.nodes.pages[recordPage(layout, node)];
      const base = recordBase(layout, node);
      if (record[base + N_FEATURE] >= 0) continue;
      leaves[n++] = node;
      const majority = majorityClass(layout, record, base);
      promise[node] = majority < 0 ? 0 : leafWeight(layout, record, base) - record[base + N_CLASSES + majority];
    }
    const room = Math.floor((maxBytes - this.nodeCount * layout.nodeBytes) / layout.slotBytes);
    const cutoff = leafCount - Math.max(0, Math.min(leafCount, room));
    // The `cutoff` least promising leaves (ties: lower node id) go inactive, the others active.
    partitionSmallest(leaves, leafCount, promise, cutoff);
    for (let i = 0; i < cutoff; i++) if (this.isActive(leaves[i])) this.deactivate(leaves[i]);
    for (let i = cutoff; i < leafCount; i++) {
      const leaf = leaves[i];
      if (!this.isActive(leaf) && this.depthOf(leaf) < maxDepth) this.activate(leaf);
    }
  }

  private isActive(node: number): boolean {
    return this.nodes.pages[recordPage(this.layout, node)][recordBase(this.layout, node) + N_SLOT] >= 0;
  }

  private depthOf(node: number): number {
    return this.nodes.pages[recordPage(this.layout, node)][recordBase(this.layout, node) + N_DEPTH];
  }
}

/** Appends class `y` to the insertion-order list at `array[at …]` unless it is listed already. */
function recordClass(array: Float64Array, at: number, nClasses: number, y: number): void {
  for (let i = 0; i < nClasses; i++) {
    const c = array[at + i];
    if (c === y) return;
    if (c < 0) {
      array[at + i] = y;
      return;
    }
  }
}

/** `count` distinct features out of `nFeatures` (partial Fisher–Yates), written ascending at `record[at …]`. */
function sampleFeatures(random: Random, nFeatures: number, count: number, record: Float64Array, at: number): void {
  const pool = Array.from({ length: nFeatures }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = random.int(i, nFeatures - 1);
    const tmp = pool[i];
    pool[i] = pool[j];
    pool[j] = tmp;
  }
  const chosen = pool.slice(0, count).sort((a, b) => a - b);
  for (let i = 0; i < count; i++) record[at + i] = chosen[i];
}
