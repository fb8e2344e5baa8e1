/**
 * CRC-64-AVRO, the 64-bit Rabin fingerprint the Avro specification defines for schemas
 * ("Schema Fingerprints"), used in the single-object encoding header. avsc has no such function:
 * its `Type.fingerprint()` is an MD5 of its own JSON.
 */

/** The fingerprint of empty input, which is also the polynomial the table is built from. */
export const CRC64_AVRO_EMPTY = 0xc15d213aa4d7a795n;

const MASK_64 = 0xffffffffffffffffn;

const TABLE: readonly bigint[] = (() => {
  const table: bigint[] = [];
  for (let i = 0; i < 256; i++) {
    let fp = BigInt(i);
    for (let bit = 0; bit < 8; bit++) {
      // `EMPTY & -(fp & 1)` of the spec: the polynomial when the low bit is set, else 0.
      fp = (fp >> 1n) ^ ((fp & 1n) === 1n ? CRC64_AVRO_EMPTY : 0n);
    }
    table.push(fp);
  }
  return table;
})();

/**
 * The unsigned 64-bit fingerprint of `bytes`. Schemas are fingerprinted once, when registered,
 * so BigInt arithmetic is fast enough and keeps the code a line-by-line match of the spec.
 */
export function rabinFingerprint64(bytes: Uint8Array): bigint {
  let fp = CRC64_AVRO_EMPTY;
  for (let i = 0; i < bytes.length; i++) {
    fp = (fp >> 8n) ^ TABLE[Number((fp ^ BigInt(bytes[i])) & 0xffn)];
  }
  return fp & MASK_64;
}

/** `0x` and 16 hex digits, for logs and error messages. */
export function formatFingerprint(fingerprint: bigint): string {
  return `0x${fingerprint.toString(16).padStart(16, '0')}`;
}
