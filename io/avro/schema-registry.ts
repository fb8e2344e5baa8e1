/**
 * A local, in-process registry of the schemas this process knows, keyed by their CRC-64-AVRO
 * fingerprint. It stands in for a schema registry service: the single-object header names the
 * writer schema by fingerprint, and the registry turns that into an avsc type and a resolver.
 */
import avro, { type Resolver, type Schema, type Type } from 'avsc';
import { parsingCanonicalForm } from './canonical-form';
import { decodeFailure, type DecodeFailure } from './decode-result';
import { formatFingerprint, rabinFingerprint64 } from './rabin-fingerprint';

export interface RegisteredSchema {
  readonly fingerprint: bigint;
  readonly type: Type;
  readonly canonicalForm: string;
}

/** How a reader type reads data of one writer fingerprint; `resolver` is undefined when the schemas are the same. */
export type Resolution =
  | { readonly ok: true; readonly writer: RegisteredSchema; readonly resolver: Resolver | undefined }
  | DecodeFailure;

export class SchemaRegistry {
  private readonly byFingerprint = new Map<bigint, RegisteredSchema>();
  /** Per reader type, per writer fingerprint; failures are cached too, so a flood of bad records stays cheap. */
  private readonly resolutions = new WeakMap<Type, Map<bigint, Resolution>>();

  /** Adds a schema (an avsc type, or a schema object or JSON text); registering the same schema again is a no-op. */
  register(schema: Type | Schema | string): RegisteredSchema {
    const type = schema instanceof avro.Type ? schema : avro.Type.forSchema(typeof schema === 'string' ? (JSON.parse(schema) as Schema) : schema);
    const canonicalForm = parsingCanonicalForm(type);
    const fingerprint = rabinFingerprint64(Buffer.from(canonicalForm, 'utf8'));
    const existing = this.byFingerprint.get(fingerprint);
    if (existing !== undefined) {
      if (existing.canonicalForm !== canonicalForm) {
        throw new Error(`SchemaRegistry: fingerprint ${formatFingerprint(fingerprint)} is shared by ${existing.canonicalForm} and ${canonicalForm}`);
      }
      return existing;
    }
    const entry: RegisteredSchema = Object.freeze({ fingerprint, type, canonicalForm });
    this.byFingerprint.set(fingerprint, entry);
    return entry;
  }

  lookup(fingerprint: bigint): RegisteredSchema | undefined {
    return this.byFingerprint.get(fingerprint);
  }

  get size(): number {
    return this.byFingerprint.size;
  }

  /**
   * How `reader` reads data written with the schema of `writerFingerprint`: UNKNOWN_FINGERPRINT
   * when no registered schema has it, INCOMPATIBLE_SCHEMA when avsc cannot resolve the writer into
   * the reader (e.g. a required reader field that the writer lacks and that has no default).
   */
  resolve(reader: Type, writerFingerprint: bigint): Resolution {
    let byWriter = this.resolutions.get(reader);
    if (byWriter === undefined) {
      byWriter = new Map();
      this.resolutions.set(reader, byWriter);
    }
    let resolution = byWriter.get(writerFingerprint);
    if (resolution === undefined) {
      resolution = this.computeResolution(reader, writerFingerprint);
      // Only known fingerprints are cached: random headers must not grow the cache without bound.
      if (resolution.ok || resolution.reason !== 'UNKNOWN_FINGERPRINT') byWriter.set(writerFingerprint, resolution);
    }
    return resolution;
  }

  private computeResolution(reader: Type, writerFingerprint: bigint): Resolution {
    const writer = this.byFingerprint.get(writerFingerprint);
    if (writer === undefined) {
      return decodeFailure('UNKNOWN_FINGERPRINT', `no known schema has the fingerprint ${formatFingerprint(writerFingerprint)}`);
    }
    if (parsingCanonicalForm(reader) === writer.canonicalForm) return { ok: true, writer, resolver: undefined };
    try {
      return { ok: true, writer, resolver: reader.createResolver(writer.type) };
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return decodeFailure('INCOMPATIBLE_SCHEMA', `the writer schema ${formatFingerprint(writerFingerprint)} (${describeType(writer.type)}) cannot be read as ${describeType(reader)}: ${why}`);
    }
  }
}

/** A type's full name, or its type name when it has none, for messages. */
export function describeType(type: Type): string {
  return type.name ?? type.typeName;
}
