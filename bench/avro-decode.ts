/**
 * Decode throughput of the clickstream wire format: 10,000 messages of 100–109 rows (the seed
 * producer's stream), decoded by the hand-written path and, for comparison, by avsc's generic
 * reader plus a copy into typed arrays. Run: npx tsx bench/avro-decode.ts [messages] [rounds]
 */
import { clickstream } from '../generators/clickstream';
import { decodeClickstream, encodeClickstream } from '../io/avro/clickstream-codec';
import { CLICKSTREAM_BATCH_TYPE, type ClickstreamBatchRecord } from '../io/avro/schemas';
import { SINGLE_OBJECT_HEADER_BYTES } from '../io/avro/single-object';

const messages = Number(process.argv[2] ?? 10_000);
const rounds = Number(process.argv[3] ?? 7);

const encoded: Buffer[] = [];
let records = 0;
let encodeMs = 0;
for (const message of clickstream({ messages })) {
  const start = performance.now();
  encoded.push(encodeClickstream(message));
  encodeMs += performance.now() - start;
  records += message.batch.x.rows;
}
const bytes = encoded.reduce((sum, b) => sum + b.length, 0);

function timeRounds(label: string, decodeAll: () => number): void {
  const perRound: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const start = performance.now();
    const decodedRows = decodeAll();
    perRound.push(performance.now() - start);
    if (decodedRows !== records) throw new Error(`${label}: decoded ${decodedRows} rows, expected ${records}`);
  }
  // Rounds after the first, which warms the JIT up. The median includes GC pauses; the best is what the code can do.
  const warm = perRound.slice(1).sort((a, b) => a - b);
  const median = warm[Math.floor(warm.length / 2)];
  const rate = (ms: number) => `${(records / ms / 1000).toFixed(2).padStart(6)} M records/s`;
  console.log(
    `${label.padEnd(34)} median ${median.toFixed(1).padStart(6)} ms ${rate(median)}, best ${warm[0].toFixed(1).padStart(6)} ms ${rate(warm[0])}  ` +
      `(rounds: ${perRound.map((ms) => ms.toFixed(0)).join(', ')} ms)`,
  );
}

console.log(`${messages} messages, ${records} records, ${(bytes / 1e6).toFixed(1)} MB encoded; encode ${((records / encodeMs) * 1000 / 1e6).toFixed(2)} M records/s`);

timeRounds('decodeClickstream (hand-written)', () => {
  let rows = 0;
  for (const buf of encoded) {
    const outcome = decodeClickstream(buf, { nFeatures: 10 });
    if (!outcome.ok) throw new Error(outcome.message);
    rows += outcome.value.batch.y.length;
  }
  return rows;
});

timeRounds('avsc fromBuffer + typed arrays', () => {
  let rows = 0;
  for (const buf of encoded) {
    const record = CLICKSTREAM_BATCH_TYPE.fromBuffer(buf.subarray(SINGLE_OBJECT_HEADER_BYTES)) as ClickstreamBatchRecord;
    const features = Float64Array.from(record.features);
    const labels = Int32Array.from(record.labels);
    if (features.length !== labels.length * record.nFeatures) throw new Error(`message ${record.id} has a bad shape`);
    rows += labels.length;
  }
  return rows;
});
