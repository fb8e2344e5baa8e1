import assert from 'node:assert/strict';
import avro, { type Schema } from 'avsc';
import { Random } from '../models/random';
import { matrix } from '../models/types';
import { writeLong } from '../io/avro/binary';
import { checkBody } from '../io/avro/body-guard';
import { CLICKSTREAM_FINGERPRINT, decodeClickstream, encodeClickstream } from '../io/avro/clickstream-codec';
import { DEAD_LETTER_REASONS, type DecodeResult } from '../io/avro/decode-result';
import { SchemaRegistry } from '../io/avro/schema-registry';
import { projectSchemaRegistry, recordCodecs } from '../io/avro/schemas';
import { frameSingleObject, singleObjectCodec } from '../io/avro/single-object';

const OPTIONS = { nFeatures: 10 } as const;

function varints(...values: number[]): number[] {
  const out = new Uint8Array(10 * values.length);
  let pos = 0;
  for (const value of values) pos = writeLong(out, pos, value);
  return [...out.subarray(0, pos)];
}

function randomBytes(random: Random, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = random.int(0, 255);
  return bytes;
}

/** A result value with a known reason code, never an exception: the property every case below checks. */
function assertResult(decode: () => DecodeResult<unknown>, what: string): DecodeResult<unknown> {
  let result: DecodeResult<unknown>;
  try {
    result = decode();
  } catch (error) {
    assert.fail(`${what}: threw ${String(error)}`);
  }
  assert.equal(typeof result.ok, 'boolean', what);
  if (!result.ok) {
    assert.ok((DEAD_LETTER_REASONS as readonly string[]).includes(result.reason), `${what}: unknown reason ${result.reason}`);
    assert.ok(result.message.length > 0, `${what}: empty message`);
  }
  return result;
}

/** Runs `decode` and checks it finished fast and allocated little, i.e. never trusted a huge length. */
function assertCheap(decode: () => DecodeResult<unknown>, what: string): DecodeResult<unknown> {
  const before = process.memoryUsage().arrayBuffers;
  const start = performance.now();
  const result = assertResult(decode, what);
  const ms = performance.now() - start;
  assert.ok(ms < 200, `${what}: took ${ms.toFixed(0)} ms`);
  assert.ok(process.memoryUsage().arrayBuffers - before < 16 << 20, `${what}: allocated more than 16 MB`);
  return result;
}

const message = {
  id: 12,
  eventTime: 1_700_000_000_000,
  batch: { x: matrix(4, 10, Float64Array.from({ length: 40 }, (_, i) => i / 40)), y: Int32Array.of(0, 1, 1, 0) },
};
const valid = encodeClickstream(message);

describe('hostile input to the clickstream decoder', function () {
  this.timeout(5000);

  it('turns random bytes into failure values', () => {
    const random = new Random(20240611);
    for (let i = 0; i < 2000; i++) {
      const bytes = randomBytes(random, random.int(0, 64));
      const result = assertResult(() => decodeClickstream(bytes, OPTIONS), `random ${bytes.toString('hex')}`);
      assert.equal(result.ok, false);
    }
  });

  it('turns random bodies behind a valid header into failure values (or valid messages)', () => {
    const random = new Random(7);
    const header = valid.subarray(0, 10);
    let failures = 0;
    for (let i = 0; i < 3000; i++) {
      const bytes = Buffer.concat([header, randomBytes(random, random.int(0, 200))]);
      if (!assertResult(() => decodeClickstream(bytes, OPTIONS), `body ${bytes.toString('hex')}`).ok) failures++;
    }
    assert.ok(failures > 2900, `only ${failures} of 3000 random bodies failed`);
  });

  it('fails on every truncation of a valid message', () => {
    for (let length = 0; length < valid.length; length++) {
      const result = assertResult(() => decodeClickstream(valid.subarray(0, length), OPTIONS), `first ${length} bytes`);
      assert.equal(result.ok, false, `first ${length} bytes decoded`);
      if (!result.ok) assert.equal(result.reason, length < 10 ? 'NOT_AVRO' : 'MALFORMED_BODY', `first ${length} bytes`);
    }
  });

  it('survives every single-byte corruption of a valid message', () => {
    const random = new Random(99);
    for (let pos = 0; pos < valid.length; pos++) {
      for (let k = 0; k < 4; k++) {
        const bytes = Buffer.from(valid);
        bytes[pos] = random.int(0, 255);
        assertResult(() => decodeClickstream(bytes, OPTIONS), `byte ${pos} = ${bytes[pos]}`);
      }
    }
  });

  it('refuses huge declared array lengths without allocating them', () => {
    const head = varints(1, 0, 10);
    const cases: Array<[string, number[]]> = [
      ['features count 2^50', [...head, ...varints(2 ** 50), 0, 0, 0, 0]],
      ['features count 2^31 - 1', [...head, ...varints(2 ** 31 - 1), 1, 2, 3]],
      ['features count with a huge byte size', [...head, ...varints(-(2 ** 40), 2 ** 43), 0]],
      ['features byte size that disagrees with the count', [...head, ...varints(-1, 4), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
      ['labels count 2^50', [...head, 0, ...varints(2 ** 50), 0, 0]],
      ['labels count 2^20 with 3 bytes left', [...head, 0, ...varints(2 ** 20), 2, 0, 0]],
      ['a varint of 11 bytes', [...head, ...Array.from({ length: 11 }, () => 0xff), 0]],
      ['a count beyond 2^53', [...head, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]],
      ['a negative nFeatures', [...varints(1, 0, -10), 0, 0]],
    ];
    for (const [what, body] of cases) {
      const bytes = frameSingleObject(CLICKSTREAM_FINGERPRINT, Uint8Array.from(body));
      const result = assertCheap(() => decodeClickstream(bytes, OPTIONS), what);
      assert.equal(result.ok, false, what);
      if (!result.ok) assert.ok(['MALFORMED_BODY', 'WRONG_FEATURE_COUNT'].includes(result.reason), `${what}: ${result.reason}`);
    }
  });

  it('guards the avsc path too: an older writer with a huge array length', () => {
    const olderType = avro.Type.forSchema({
      type: 'record',
      name: 'streamlearn.ClickstreamBatch',
      fields: [
        { name: 'id', type: 'long' },
        { name: 'eventTime', type: 'long' },
        { name: 'features', type: { type: 'array', items: 'double' } },
        { name: 'labels', type: { type: 'array', items: 'int' } },
      ],
    });
    const registry = projectSchemaRegistry();
    const older = registry.register(olderType);
    // Left to avsc alone, this would loop 2^50 times pushing zeros.
    const bytes = frameSingleObject(older.fingerprint, Uint8Array.from([...varints(1, 0), ...varints(2 ** 50), 0, 0]));
    const result = assertCheap(() => decodeClickstream(bytes, { nFeatures: 10, registry }), 'older writer');
    assert.equal(!result.ok && result.reason, 'MALFORMED_BODY');
    assert.match(!result.ok ? result.message : '', /field features: block at byte 2 declares 1125899906842624 items/);
  });
});

describe('hostile input to the record codecs', function () {
  this.timeout(5000);
  const codecs = recordCodecs();

  it('turns random bodies behind each valid header into failure values', () => {
    const random = new Random(3);
    for (const codec of [codecs.stepMetrics, codecs.modelSnapshot, codecs.deadLetter]) {
      const header = Buffer.alloc(10);
      header[0] = 0xc3;
      header[1] = 0x01;
      header.writeBigUInt64LE(codec.fingerprint, 2);
      for (let i = 0; i < 1000; i++) {
        const bytes = Buffer.concat([header, randomBytes(random, random.int(0, 120))]);
        assertResult(() => codec.decode(bytes), `${codec.type.name} body ${bytes.toString('hex')}`);
      }
    }
  });

  it('refuses a huge bytes length in a dead-letter record', () => {
    const bytes = frameSingleObject(codecs.deadLetter.fingerprint, Uint8Array.from([...varints(2 ** 45), 1, 2, 3]));
    const result = assertCheap(() => codecs.deadLetter.decode(bytes), 'bytes length 2^45');
    assert.equal(!result.ok && result.reason, 'MALFORMED_BODY');
    assert.match(!result.ok ? result.message : '', /field original: bytes of 35184372088832 bytes at byte/);
  });
});

describe('body guard', () => {
  it('refuses arrays of zero-byte items longer than the body instead of looping', () => {
    const type = avro.Type.forSchema({ type: 'array', items: 'null' });
    assert.equal(checkBody(type, Uint8Array.from([...varints(2), 0])), undefined);
    assert.match(checkBody(type, Uint8Array.from([...varints(3), 0])) ?? '', /more items in all than the body has bytes/);
    const huge = Uint8Array.from([...varints(2 ** 50), 0]);
    assert.match(checkBody(type, huge) ?? '', /more items in all than the body has bytes/);
    const codec = singleObjectCodec<null[]>(type, new SchemaRegistry());
    assert.equal(assertCheap(() => codec.decode(frameSingleObject(codec.fingerprint, huge)), 'array<null>').ok, false);
  });

  it('refuses deeply nested values of a recursive schema instead of overflowing the stack', () => {
    const type = avro.Type.forSchema({ type: 'record', name: 'Node', fields: [{ name: 'next', type: ['null', 'Node'] }] } as Schema);
    const nested = (depth: number) => Uint8Array.from([...Array.from({ length: depth }, () => 2), 0]);
    assert.equal(checkBody(type, nested(100)), undefined);
    assert.match(checkBody(type, nested(100_000)) ?? '', /nested deeper than/);
  });

  it('checks maps, unions, enums, fixed and booleans', () => {
    const type = avro.Type.forSchema({
      type: 'record',
      name: 'Mixed',
      fields: [
        { name: 'm', type: { type: 'map', values: 'double' } },
        { name: 'u', type: ['null', 'string'] },
        { name: 'e', type: { type: 'enum', name: 'E', symbols: ['A', 'B'] } },
        { name: 'f', type: { type: 'fixed', name: 'F', size: 2 } },
        { name: 'b', type: 'boolean' },
      ],
    } as Schema);
    const value = { m: { k: 1.5 }, u: 'hi', e: 'B', f: Buffer.of(1, 2), b: true };
    const good = type.toBuffer(value);
    assert.equal(checkBody(type, good), undefined);
    assert.match(checkBody(type, good.subarray(0, good.length - 1)) ?? '', /field b: truncated boolean/);
    const badEnum = Buffer.from(good);
    badEnum[good.length - 4] = 4; // enum index 2 of 2 symbols
    assert.match(checkBody(type, badEnum) ?? '', /field e: enum index at byte \d+ is not in 0 … 1/);
    const badBoolean = Buffer.from(good);
    badBoolean[good.length - 1] = 7;
    assert.match(checkBody(type, badBoolean) ?? '', /boolean byte 7/);
    const badUnion = Buffer.from(good);
    badUnion[1 + 1 + 1 + 8 + 1] = 6; // union branch 3 of 2
    assert.match(checkBody(type, badUnion) ?? '', /field u: union branch index/);
  });
});
