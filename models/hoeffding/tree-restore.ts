/**
 * Checks a decoded plain value against the tree layout: page shapes, and a structure every reader
 * can trust (children after their parent, so routing ends; slots either owned by one active leaf
 * or free; leaf counts as declared).
 */
import { stateNumber, stateRecord } from '../validate';
import { N_DEPTH, N_FEATURE, N_LEFT, N_SLOT, N_THRESHOLD, type TreeLayout } from './tree-params';
import { recordBase, recordPage, type TreeState } from './tree-state';

function pages(owner: string, where: string, value: unknown, count: number, length: number): Float64Array[] {
  if (!Array.isArray(value) || value.length !== count) {
    throw new TypeError(`${owner}.restore: ${where} must be an array of ${count} pages, got ${Array.isArray(value) ? `${value.length}` : typeof value}`);
  }
  value.forEach((page, i) => {
    if (!(page instanceof Float64Array) || page.length !== length) {
      throw new TypeError(`${owner}.restore: ${where}[${i}] must be a Float64Array of ${length} values`);
    }
  });
  return value as Float64Array[];
}

export function restoreTree(owner: string, layout: TreeLayout, plain: unknown, where = 'state'): TreeState {
  const s = stateRecord(owner, plain);
  const count = (key: string, min: number) => stateNumber(owner, s, key, `a whole number ≥ ${min}`, (n) => Number.isInteger(n) && n >= min);
  const nodeCount = count('nodeCount', 1);
  const slotCount = count('slotCount', 0);
  const activeLeaves = count('activeLeaves', 0);
  const inactiveLeaves = count('inactiveLeaves', 0);
  const nodePages = pages(owner, `${where}.nodePages`, s.nodePages, Math.ceil(nodeCount / layout.nodesPerPage), layout.nodesPerPage * layout.nodeStride);
  const slotPages = pages(owner, `${where}.slotPages`, s.slotPages, Math.ceil(slotCount / layout.slotsPerPage), layout.slotsPerPage * layout.slotStride);
  const freeSlots = s.freeSlots;
  if (!(freeSlots instanceof Int32Array)) throw new TypeError(`${owner}.restore: ${where}.freeSlots must be an Int32Array`);

  const bad = (what: string): never => {
    throw new TypeError(`${owner}.restore: ${where} ${what}`);
  };
  const slotOwner = new Int32Array(slotCount).fill(-1);
  for (const slot of freeSlots) {
    if (!(slot >= 0 && slot < slotCount) || slotOwner[slot] !== -1) bad(`lists free slot ${slot} twice or out of 0 … ${slotCount - 1}`);
    slotOwner[slot] = -2;
  }
  const { nFeatures } = layout.params;
  let active = 0;
  let inactive = 0;
  for (let node = 0; node < nodeCount; node++) {
    const record = nodePages[recordPage(layout, node)];
    const base = recordBase(layout, node);
    const feature = record[base + N_FEATURE];
    const depth = record[base + N_DEPTH];
    if (!(Number.isInteger(depth) && depth >= 0)) bad(`node ${node} has depth ${depth}`);
    if (feature >= 0) {
      const left = record[base + N_LEFT];
      if (!Number.isInteger(feature) || feature >= nFeatures) bad(`node ${node} splits on feature ${feature}, outside 0 … ${nFeatures - 1}`);
      if (!(Number.isInteger(left) && left > node && left + 1 < nodeCount)) bad(`node ${node} has children ${left}, ${left + 1}`);
      if (Number.isNaN(record[base + N_THRESHOLD])) bad(`node ${node} has a NaN threshold`);
      continue;
    }
    if (feature !== -1) bad(`node ${node} has feature ${feature}`);
    const slot = record[base + N_SLOT];
    if (slot === -1) {
      inactive++;
    } else {
      if (!(Number.isInteger(slot) && slot >= 0 && slot < slotCount) || slotOwner[slot] !== -1) bad(`leaf ${node} has slot ${slot}, free, shared or out of range`);
      slotOwner[slot] = node;
      active++;
    }
    if (!validOrder(record, base + layout.classOrder, layout.params.nClasses)) bad(`leaf ${node} has a malformed class order`);
    if (layout.featureIds >= 0) {
      for (let p = 0; p < layout.params.featuresPerLeaf; p++) {
        const f = record[base + layout.featureIds + p];
        if (!(Number.isInteger(f) && f >= 0 && f < nFeatures)) bad(`leaf ${node} monitors feature ${f}`);
      }
    }
  }
  if (active !== activeLeaves || inactive !== inactiveLeaves) {
    bad(`declares ${activeLeaves} active and ${inactiveLeaves} inactive leaves, but holds ${active} and ${inactive}`);
  }
  if (active + freeSlots.length !== slotCount) bad(`has ${slotCount} slots but ${active} in use and ${freeSlots.length} free`);
  for (let slot = 0; slot < slotCount; slot++) {
    if (slotOwner[slot] < 0) continue;
    const at = (slot % layout.slotsPerPage) * layout.slotStride;
    if (!validOrder(slotPages[(slot / layout.slotsPerPage) | 0], at, layout.params.nClasses)) bad(`slot ${slot} has a malformed class order`);
  }
  return { nodeCount, slotCount, activeLeaves, inactiveLeaves, nodePages, slotPages, freeSlots };
}

/** A class insertion order: distinct class ids, then -1 to the end. */
function validOrder(array: Float64Array, at: number, nClasses: number): boolean {
  const seen = new Uint8Array(nClasses);
  let ended = false;
  for (let i = 0; i < nClasses; i++) {
    const c = array[at + i];
    if (c === -1) {
      ended = true;
    } else if (ended || !Number.isInteger(c) || c < 0 || c >= nClasses || seen[c]) {
      return false;
    } else {
      seen[c] = 1;
    }
  }
  return true;
}
