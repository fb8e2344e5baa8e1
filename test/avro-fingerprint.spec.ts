import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import avro, { type Schema } from 'avsc';
import { parsingCanonicalForm, schemaFingerprint } from '../io/avro/canonical-form';
import { DEAD_LETTER_REASONS } from '../io/avro/decode-result';
import { CRC64_AVRO_EMPTY, formatFingerprint, rabinFingerprint64 } from '../io/avro/rabin-fingerprint';
import { CLICKSTREAM_BATCH_TYPE, DEAD_LETTER_TYPE } from '../io/avro/schemas';

/**
 * Apache Avro's cross-language canonical-form vectors: share/test/data/schema-tests.txt in
 * github.com/apache/avro (read at commit 0ea74a36cebb2e5fbc37e599814a05c33cb7d424). Each entry is
 * [input schema, Parsing Canonical Form, CRC-64-AVRO fingerprint as a signed 64-bit decimal, as
 * Java prints it, or null where the file gives none]. The Java implementation cross-checks these
 * fingerprints with a slow direct implementation of the algorithm (see the file's header).
 *
 * Two entries are adapted: 016, the empty union `[]`, is left out because avsc refuses to parse
 * an empty union; 026 declares the boolean default as the string "true", which avsc rejects as
 * invalid, so it is given as `true` here (defaults are stripped from the canonical form anyway).
 */
const APACHE_VECTORS: ReadonlyArray<readonly [string, string, string | null]> = [
  ['"null"', '"null"', '7195948357588979594'],
  ['{"type":"null"}', '"null"', null],
  ['"boolean"', '"boolean"', '-6970731678124411036'],
  ['{"type":"boolean"}', '"boolean"', null],
  ['"int"', '"int"', '8247732601305521295'],
  ['{"type":"int"}', '"int"', null],
  ['"long"', '"long"', '-3434872931120570953'],
  ['{"type":"long"}', '"long"', null],
  ['"float"', '"float"', '5583340709985441680'],
  ['{"type":"float"}', '"float"', null],
  ['"double"', '"double"', '-8181574048448539266'],
  ['{"type":"double"}', '"double"', null],
  ['"bytes"', '"bytes"', '5746618253357095269'],
  ['{"type":"bytes"}', '"bytes"', null],
  ['"string"', '"string"', '-8142146995180207161'],
  ['{"type":"string"}', '"string"', null],
  ['[ "int"  ]', '["int"]', '-5232228896498058493'],
  ['[ "int" , {"type":"boolean"} ]', '["int","boolean"]', '5392556393470105090'],
  ['{"fields":[], "type":"record", "name":"foo"}', '{"name":"foo","type":"record","fields":[]}', '-4824392279771201922'],
  ['{"fields":[], "type":"record", "name":"foo", "namespace":"x.y"}', '{"name":"x.y.foo","type":"record","fields":[]}', '5916914534497305771'],
  ['{"fields":[], "type":"record", "name":"a.b.foo", "namespace":"x.y"}', '{"name":"a.b.foo","type":"record","fields":[]}', '-4616218487480524110'],
  ['{"fields":[], "type":"record", "name":"foo", "doc":"Useful info"}', '{"name":"foo","type":"record","fields":[]}', '-4824392279771201922'],
  ['{"fields":[], "type":"record", "name":"foo", "aliases":["foo","bar"]}', '{"name":"foo","type":"record","fields":[]}', '-4824392279771201922'],
  ['{"fields":[], "type":"record", "name":"foo", "doc":"foo", "aliases":["foo","bar"]}', '{"name":"foo","type":"record","fields":[]}', '-4824392279771201922'],
  [
    '{"fields":[{"type":{"type":"boolean"}, "name":"f1"}], "type":"record", "name":"foo"}',
    '{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"}]}',
    '7843277075252814651',
  ],
  [
    '{ "fields":[{"type":"boolean", "aliases":[], "name":"f1", "default":true}, {"order":"descending","name":"f2","doc":"Hello","type":"int"}], "type":"record", "name":"foo" }',
    '{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"},{"name":"f2","type":"int"}]}',
    '-4860222112080293046',
  ],
  ['{"type":"enum", "name":"foo", "symbols":["A1"]}', '{"name":"foo","type":"enum","symbols":["A1"]}', '-6342190197741309591'],
  [
    '{"namespace":"x.y.z", "type":"enum", "name":"foo", "doc":"foo bar", "symbols":["A1", "A2"]}',
    '{"name":"x.y.z.foo","type":"enum","symbols":["A1","A2"]}',
    '-4448647247586288245',
  ],
  ['{"name":"foo","type":"fixed","size":15}', '{"name":"foo","type":"fixed","size":15}', '1756455273707447556'],
  [
    '{"namespace":"x.y.z", "type":"fixed", "name":"foo", "doc":"foo bar", "size":32}',
    '{"name":"x.y.z.foo","type":"fixed","size":32}',
    '-3064184465700546786',
  ],
  ['{ "items":{"type":"null"}, "type":"array"}', '{"type":"array","items":"null"}', '-589620603366471059'],
  ['{ "values":"string", "type":"map"}', '{"type":"map","values":"string"}', '-8732877298790414990'],
  [
    '{"name":"PigValue","type":"record", "fields":[{"name":"value", "type":["null", "int", "long", "PigValue"]}]}',
    '{"name":"PigValue","type":"record","fields":[{"name":"value","type":["null","int","long","PigValue"]}]}',
    '-1759257747318642341',
  ],
];

const SCHEMA_FILES = ['clickstream-batch.avsc', 'step-metrics.avsc', 'model-snapshot.avsc', 'dead-letter.avsc'];

function readSchemaFile(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../schemas/${file}`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

function asSigned(fingerprint: bigint): string {
  return BigInt.asIntN(64, fingerprint).toString();
}

describe('CRC-64-AVRO fingerprint', () => {
  it('gives the spec value 0xc15d213aa4d7a795 for empty input', () => {
    assert.equal(rabinFingerprint64(new Uint8Array(0)), 0xc15d213aa4d7a795n);
    assert.equal(CRC64_AVRO_EMPTY, 0xc15d213aa4d7a795n);
  });

  it("matches Apache Avro's fingerprints of the canonical texts, byte for byte", () => {
    for (const [, canonical, expected] of APACHE_VECTORS) {
      if (expected === null) continue;
      assert.equal(asSigned(rabinFingerprint64(Buffer.from(canonical, 'utf8'))), expected, canonical);
    }
  });

  it('formats as 0x and 16 hex digits, keeping leading zeros', () => {
    assert.equal(formatFingerprint(0xc15d213aa4d7a795n), '0xc15d213aa4d7a795');
    assert.equal(formatFingerprint(0x1fn), '0x000000000000001f');
  });
});

describe('Parsing Canonical Form', () => {
  it("matches Apache Avro's canonical forms and fingerprints for every vector avsc parses", () => {
    for (const [input, canonical, expected] of APACHE_VECTORS) {
      const type = avro.Type.forSchema(JSON.parse(input) as Schema);
      assert.equal(parsingCanonicalForm(type), canonical, input);
      const fingerprintOfCanonical = APACHE_VECTORS.find(([, c, fp]) => c === canonical && fp !== null)?.[2];
      if (fingerprintOfCanonical !== undefined) assert.equal(asSigned(schemaFingerprint(type)), fingerprintOfCanonical, input);
      if (expected !== null) assert.equal(fingerprintOfCanonical, expected);
    }
  });

  it("is avsc's default schema(), not its noDeref or exportAttrs forms", () => {
    const pcf = parsingCanonicalForm(CLICKSTREAM_BATCH_TYPE);
    assert.equal(JSON.stringify(CLICKSTREAM_BATCH_TYPE.schema({ noDeref: true })), '"streamlearn.ClickstreamBatch"');
    assert.notEqual(JSON.stringify(CLICKSTREAM_BATCH_TYPE.schema({ exportAttrs: true })), pcf);
    assert.ok(pcf.startsWith('{"name":"streamlearn.ClickstreamBatch","type":"record","fields":[{"name":"id","type":"long"}'), pcf);
  });

  it('strips docs, defaults and logical types from the project schemas and names types in full', () => {
    for (const file of SCHEMA_FILES) {
      const text = parsingCanonicalForm(avro.Type.forSchema(readSchemaFile(file) as Schema));
      for (const attribute of ['"doc"', '"default"', '"logicalType"', '"namespace"', ' ']) {
        assert.ok(!text.includes(attribute), `${file}: ${attribute} in ${text}`);
      }
      assert.match(text, /^\{"name":"streamlearn\.[A-Za-z]+","type":"record","fields":\[/);
    }
  });
});

describe('project schemas', () => {
  it('have a doc string on every record and every field', () => {
    const visit = (schema: unknown, where: string): void => {
      if (Array.isArray(schema)) return schema.forEach((branch, i) => visit(branch, `${where}[${i}]`));
      if (schema === null || typeof schema !== 'object') return;
      const record = schema as { type?: unknown; doc?: unknown; fields?: Array<{ name: string; doc?: unknown; type: unknown }>; items?: unknown; values?: unknown };
      if (record.type === 'record') {
        assert.equal(typeof record.doc, 'string', `${where} has no doc`);
        for (const field of record.fields ?? []) {
          assert.equal(typeof field.doc, 'string', `${where}.${field.name} has no doc`);
          assert.ok((field.doc as string).length > 10, `${where}.${field.name} has a trivial doc`);
          visit(field.type, `${where}.${field.name}`);
        }
      }
      visit(record.type, where);
      visit(record.items, where);
      visit(record.values, where);
    };
    for (const file of SCHEMA_FILES) visit(readSchemaFile(file), file);
  });

  it('have distinct fingerprints', () => {
    const fingerprints = SCHEMA_FILES.map((file) => schemaFingerprint(avro.Type.forSchema(readSchemaFile(file) as Schema)));
    assert.equal(new Set(fingerprints).size, SCHEMA_FILES.length);
  });

  it('list the same dead-letter reasons as the TypeScript code, in the same order', () => {
    const reasonField = (DEAD_LETTER_TYPE as unknown as { fields: Array<{ name: string; type: { symbols: string[] } }> }).fields.find(
      (field) => field.name === 'reason',
    );
    assert.deepEqual(reasonField?.type.symbols, [...DEAD_LETTER_REASONS]);
  });
});
