/**
 * The Avro spec's Parsing Canonical Form (PCF) and the schema fingerprint built on it.
 *
 * avsc's default `Type.schema()` (no options) already is the PCF: it keeps only name, type,
 * fields, symbols, items, values and size, in that order, writes full names, turns
 * `{"type":"int"}` into `"int"`, drops logical-type attributes, and writes each named type out in
 * full where it first occurs and by full name after that. test/avro-fingerprint.spec.ts pins this
 * against Apache Avro's own canonical-form vectors, so an avsc upgrade that changes it fails there.
 * `schema({ noDeref: true })` is NOT the PCF (a top-level record becomes just its name), nor is
 * `schema({ exportAttrs: true })` (it keeps doc, aliases, defaults and logical types).
 */
import type { Type } from 'avsc';
import { rabinFingerprint64 } from './rabin-fingerprint';

export function parsingCanonicalForm(type: Type): string {
  return JSON.stringify(type.schema());
}

/** CRC-64-AVRO of the UTF-8 bytes of the Parsing Canonical Form, as the spec defines it. */
export function schemaFingerprint(type: Type): bigint {
  return rabinFingerprint64(Buffer.from(parsingCanonicalForm(type), 'utf8'));
}
