/**
 * Walks an Avro binary body under its writer schema without building values, and says whether
 * avsc can then read it safely. avsc trusts declared lengths: an array block claiming 2^60 items
 * makes it loop (and allocate) until memory runs out, and it notices truncation only after
 * reading. The guard checks every length against the bytes that remain before stepping over it,
 * and bounds the total work by the body size, so hostile input costs O(bytes).
 */
import type { Type, types } from 'avsc';
import { AvroReader } from './binary';

/** Deeper nesting than this (only possible with recursive schemas) is refused, to keep the stack safe. */
const MAX_DEPTH = 256;

class Walk extends AvroReader {
  /** Array and map items still allowed: one per body byte, so zero-byte items cannot loop forever. */
  itemBudget = this.end - this.pos;
}

/**
 * Undefined when `buf[start … end)` is exactly one value of `writerType`; otherwise a message that
 * says what is wrong and at which byte (counted from `start`). Arrays and maps of zero-byte items
 * (e.g. `array<null>`) with more items than the body has bytes are refused; none of the project's
 * schemas has such items.
 */
export function checkBody(writerType: Type, buf: Uint8Array, start = 0, end = buf.length): string | undefined {
  // A view of the body alone, so the byte positions in messages count from the body's start.
  const body = buf.subarray(start, end);
  const walk = new Walk(body, 0, body.length);
  const problem = skipValue(writerType, walk, 0);
  if (problem !== undefined) return problem;
  if (walk.pos !== body.length) return `${body.length - walk.pos} bytes left over after the value ended at byte ${walk.pos}`;
  return undefined;
}

function skipValue(type: Type, walk: Walk, depth: number): string | undefined {
  if (depth > MAX_DEPTH) return `values nested deeper than ${MAX_DEPTH} levels`;
  const at = walk.pos;
  switch (type.typeName) {
    case 'null':
      return undefined;
    case 'boolean': {
      if (walk.pos >= walk.end) return `truncated boolean at byte ${at}`;
      const byte = walk.buf[walk.pos++];
      return byte <= 1 ? undefined : `boolean byte ${byte} at byte ${at} is neither 0 nor 1`;
    }
    case 'int':
      return Number.isNaN(walk.readInt()) ? `malformed or truncated int at byte ${at}` : undefined;
    case 'long':
      return Number.isNaN(walk.readLong()) ? `malformed or truncated long at byte ${at}` : undefined;
    case 'float':
      return skipBytes(walk, 4, 'float');
    case 'double':
      return skipBytes(walk, 8, 'double');
    case 'bytes':
    case 'string': {
      const length = walk.readLong();
      if (!(length >= 0)) return `malformed ${type.typeName} length at byte ${at}`;
      return skipBytes(walk, length, type.typeName);
    }
    case 'fixed':
      return skipBytes(walk, (type as types.FixedType).size, 'fixed');
    case 'enum': {
      const index = walk.readInt();
      const symbols = (type as types.EnumType).symbols.length;
      return index >= 0 && index < symbols ? undefined : `enum index at byte ${at} is not in 0 … ${symbols - 1}`;
    }
    case 'array':
      return skipBlocks(walk, depth, (w, d) => skipValue((type as types.ArrayType).itemsType, w, d), minSize((type as types.ArrayType).itemsType));
    case 'map': {
      const valuesType = (type as types.MapType).valuesType as Type;
      const skipEntry = (w: Walk, d: number) => skipValue(STRING_KEY, w, d) ?? skipValue(valuesType, w, d);
      return skipBlocks(walk, depth, skipEntry, 1 + minSize(valuesType));
    }
    case 'union:unwrapped':
    case 'union:wrapped': {
      const branches = (type as types.UnwrappedUnionType).types;
      const index = walk.readLong();
      if (!(index >= 0 && index < branches.length)) return `union branch index at byte ${at} is not in 0 … ${branches.length - 1}`;
      return skipValue(branches[index], walk, depth + 1);
    }
    case 'record':
    case 'error':
      for (const field of (type as types.RecordType).fields) {
        const problem = skipValue(field.type, walk, depth + 1);
        if (problem !== undefined) return `field ${field.name}: ${problem}`;
      }
      return undefined;
    default:
      if (type.typeName.startsWith('logical:')) return skipValue((type as types.LogicalType).underlyingType, walk, depth);
      return `no rule for the Avro type ${type.typeName}`;
  }
}

/** Map keys are strings; the guard only needs the type's name, so a stand-in object suffices. */
const STRING_KEY = { typeName: 'string' } as Type;

function skipBytes(walk: Walk, length: number, what: string): string | undefined {
  if (length > walk.end - walk.pos) return `${what} of ${length} bytes at byte ${walk.pos} runs past the end (${walk.end - walk.pos} left)`;
  walk.pos += length;
  return undefined;
}

/**
 * Array and map blocks: a count, negated when a byte size follows, then the items, until a zero
 * count. A count is checked against the bytes left before any item is visited.
 */
function skipBlocks(walk: Walk, depth: number, skipItem: (walk: Walk, depth: number) => string | undefined, itemMinBytes: number): string | undefined {
  for (;;) {
    const at = walk.pos;
    let count = walk.readLong();
    if (Number.isNaN(count)) return `malformed block count at byte ${at}`;
    if (count === 0) return undefined;
    if (count < 0) {
      count = -count;
      const byteSize = walk.readLong();
      if (!(byteSize >= 0 && byteSize <= walk.end - walk.pos)) return `block byte size at byte ${at} is negative or runs past the end`;
    }
    const left = walk.end - walk.pos;
    if (count * itemMinBytes > left) return `block at byte ${at} declares ${count} items, more than the ${left} bytes left can hold`;
    walk.itemBudget -= count;
    if (walk.itemBudget < 0) return `block at byte ${at} declares ${count} items, more items in all than the body has bytes`;
    for (let i = 0; i < count; i++) {
      const problem = skipItem(walk, depth + 1);
      if (problem !== undefined) return `item ${i} of the block at byte ${at}: ${problem}`;
    }
  }
}

const minSizes = new WeakMap<Type, number>();

/** Fewest bytes a value of `type` can take; lets a block count be checked before its items are walked. */
function minSize(type: Type, visiting = new Set<Type>()): number {
  const known = minSizes.get(type);
  if (known !== undefined) return known;
  if (visiting.has(type)) return 0;
  visiting.add(type);
  let size: number;
  switch (type.typeName) {
    case 'null':
      size = 0;
      break;
    case 'float':
      size = 4;
      break;
    case 'double':
      size = 8;
      break;
    case 'fixed':
      size = (type as types.FixedType).size;
      break;
    case 'record':
    case 'error':
      size = (type as types.RecordType).fields.reduce((sum, field) => sum + minSize(field.type, visiting), 0);
      break;
    default:
      size = type.typeName.startsWith('logical:') ? minSize((type as types.LogicalType).underlyingType, visiting) : 1;
  }
  visiting.delete(type);
  minSizes.set(type, size);
  return size;
}
