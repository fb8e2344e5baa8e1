/**
 * In-memory profile harness of the Kafka train pipeline's chain (pipelines/train.ts) without the
 * broker: the messages are generated and Avro-encoded BEFORE the clock starts, wrapped as
 * KafkaRecords and grouped into fetch-sized batches, then pushed through the same operators as the
 * pipeline: decode → dead letters → messageWindow → partialFit (seed model and gate, prequential)
 * → trackMetrics (cumulative) → step-metrics Avro record → metrics.csv and chart → summary, with a
 * snapshot record encoded per fetch, as the pipeline's checkpoints do. Produced records are encoded
 * and dropped, so what is timed is the chain's CPU, not the broker.
 *
 * The chain is wired as train.ts wires it (tracker state read only when a checkpoint is written,
 * no object spread per message); `--eager` wires it the older way (tracker state read on every
 * step, the decoded message copied with a spread) to show what that costs. The slicing, prefetch
 * and adaptive checkpoints of train.ts are about Kafka's round trips and are left out here.
 * `--no-artifacts` / `--no-metrics-records` leave those sinks out, and `--components` times each
 * stage alone afterwards.
 *
 * Run:   npx tsx bench/train-profile.ts [--messages 10000] [--rounds 5] [--fetch 490] [--components] [--eager]
 * CPU:   node --cpu-prof --cpu-prof-dir .cache/prof --import tsx bench/train-profile.ts --rounds 3
 *
 * Each round is a fresh subscription (fresh trainer and tracker state) over the same encoded
 * messages; the first round includes JIT warm-up, as a real run does. Prints wall and process CPU
 * time per window (CPU time is the steadier figure on a shared machine), records/s and peak RSS
 * (which includes the ~85 MB of pre-encoded messages).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { identity, lastValueFrom, mergeMap, Observable, reduce, tap } from 'rxjs';
import { clickstream } from '../generators/clickstream';
import { decodeClickstream, encodeClickstream } from '../io/avro/clickstream-codec';
import { localArtifactPaths, writeLocalArtifacts } from '../io/artifacts/local-artifacts';
import { deadLetterRecord } from '../io/kafka/dead-letter';
import { recordPosition, type KafkaBatch, type KafkaRecord, type OutgoingRecord } from '../io/kafka/records';
import {
  metricsOutgoing,
  nextOffsets,
  snapshotOutgoing,
  snapshotRecord,
  stepMetricsRecord,
  type CheckpointState,
  type NextOffset,
} from '../io/kafka/training-records';
import { tracker } from '../metrics/tracker';
import { sgdClassifier } from '../models/sgd-classifier';
import { countDecisions, type RunSummary } from '../pipelines/run-summary';
import { prequential } from '../training/evaluation';
import { seedGate, type GatePolicy } from '../training/gate-policies';
import { initialTrainerState, trainStep, type Step } from '../training/train-step';
import { predictScored } from '../training/evaluation';
import { scoreBatch } from '../metrics/score-batch';
import { trackerAccumulator } from '../metrics/tracker-accumulator';
import { csvLine } from '../io/artifacts/csv-format';
import { metricsCsvColumns } from '../io/artifacts/metrics-csv';
import { TrainingTrace } from '../io/artifacts/training-chart';
import type { SgdState } from '../models/sgd-classifier';
import { deserialize } from '../transforms/deserialize';
import { messageWindow } from '../transforms/message-window';
import { partialFit } from '../transforms/partial-fit';
import { routeFailures } from '../transforms/route-failures';
import { trackMetrics } from '../transforms/track-metrics';
import type { LabeledMessage } from '../transforms/types';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '5' },
    // 4 MiB per partition (DEFAULT_FETCH) over ~8.5 KB messages.
    fetch: { type: 'string', default: '490' },
    seed: { type: 'string', default: '42' },
    // The older wiring: step.trackerState read on every step (instead of at checkpoints) and the
    // decoded message copied with a spread.
    eager: { type: 'boolean', default: false },
    // Leave sinks out, to see what they cost: metrics.csv and the chart, or the step-metrics Avro records.
    'no-artifacts': { type: 'boolean', default: false },
    'no-metrics-records': { type: 'boolean', default: false },
    // After the rounds, time each stage alone over every window (µs per window, best of 3 passes).
    components: { type: 'boolean', default: false },
  },
});
const MESSAGES = Number(values.messages);
const ROUNDS = Number(values.rounds);
const FETCH = Number(values.fetch);
const N_FEATURES = 10;
const TOPIC = 'clickstream.bench';

function encodedBatches(): { batches: KafkaBatch[]; records: number } {
  const all: KafkaRecord[] = [];
  let records = 0;
  for (const message of clickstream({ messages: MESSAGES, seed: Number(values.seed) })) {
    records += message.batch.x.rows;
    const offset = String(all.length);
    all.push({ topic: TOPIC, partition: 0, offset, key: null, value: encodeClickstream(message), headers: {}, timestamp: message.eventTime });
  }
  const batches: KafkaBatch[] = [];
  for (let i = 0; i < all.length; i += FETCH) {
    batches.push({ topic: TOPIC, partition: 0, records: all.slice(i, i + FETCH), highWatermark: String(all.length) });
  }
  return { batches, records };
}

class DeadLetter extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

const DECODE_OPTIONS = { nFeatures: N_FEATURES };

function decodeRecord(record: KafkaRecord): LabeledMessage {
  if (record.value === null) throw new DeadLetter('NOT_AVRO', 'the record has no value (a tombstone)');
  const decoded = decodeClickstream(record.value, DECODE_OPTIONS);
  if (!decoded.ok) throw new DeadLetter(decoded.reason, decoded.message);
  // `{ ...decoded.value, position }` (as train.ts once did) costs ~0.7 µs in V8: a spread followed by more properties is a slow path.
  if (values.eager) return { ...decoded.value, position: recordPosition(record) };
  const { id, eventTime, batch } = decoded.value;
  return { id, eventTime, batch, position: recordPosition(record) };
}

/**
 * The fetched batches as kafkaSource delivers them: one at a time, the next only after the chain has
 * processed this one synchronously and its checkpoint (here: encoding, then a turn of the event loop
 * standing in for the transaction's I/O) has completed. Asynchronous sinks (metrics.csv) drain then.
 */
function pacedSource(batches: readonly KafkaBatch[], checkpoint: () => void): Observable<KafkaBatch> {
  return new Observable<KafkaBatch>((subscriber) => {
    let stopped = false;
    void (async () => {
      for (const batch of batches) {
        if (stopped) return;
        subscriber.next(batch);
        await Promise.resolve();
        checkpoint();
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      subscriber.complete();
    })().catch((error: unknown) => subscriber.error(error));
    return () => {
      stopped = true;
    };
  });
}

interface RoundResult {
  readonly seconds: number;
  /** Process CPU time (user + system, all threads): steadier than wall time on a shared machine. */
  readonly cpuSeconds: number;
  readonly windows: number;
  readonly records: number;
  readonly producedBytes: number;
  readonly summary: RunSummary | undefined;
}

/** One run of the chain as pipelines/train.ts wires it, the checkpoint writer replaced by a byte count. */
async function round(batches: readonly KafkaBatch[], outDir: string): Promise<RoundResult> {
  const model = sgdClassifier({ nFeatures: N_FEATURES });
  const gate = seedGate() as GatePolicy<unknown>;
  const run = { modelId: 'bench-sgd', modelKind: model.kind };
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const startState = initialTrainerState(model, gate);
  const startMetrics = tracker({ kind: 'cumulative' }, model.nClasses);
  let latest: CheckpointState<unknown, unknown> = { trainer: startState, metrics: startMetrics };
  // The last step; its tracker state is materialised only when a checkpoint needs it.
  let latestStep: { readonly state: CheckpointState<unknown, unknown>['trainer']; readonly trackerState: CheckpointState<unknown, unknown>['metrics'] } | undefined;
  const eager = values.eager;
  let outbox: OutgoingRecord[] = [];
  let covered = new Map<string, NextOffset>();
  let stepsSinceCheckpoint = 0;
  let producedBytes = 0;
  const checkpointNow = (): void => {
    if (outbox.length === 0 && covered.size === 0) return;
    const records = outbox;
    if (latestStep !== undefined && !eager) latest = { trainer: latestStep.state, metrics: latestStep.trackerState };
    if (stepsSinceCheckpoint > 0) records.push(snapshotOutgoing(TOPIC, snapshotRecord(model, run, latest, covered.values(), Date.now())));
    for (const record of records) producedBytes += record.value?.length ?? 0;
    outbox = [];
    covered = new Map();
    stepsSinceCheckpoint = 0;
  };
  const summary = await lastValueFrom(
    pacedSource(batches, checkpointNow).pipe(
      mergeMap((batch) => batch.records),
      deserialize(decodeRecord),
      routeFailures((failure) => {
        const reason = failure.error instanceof DeadLetter ? failure.error.code : 'OTHER';
        outbox.push(deadLetterRecord(failure.raw, reason, failure.reason, `${TOPIC}.dead-letter`));
      }),
      messageWindow(1),
      partialFit(model, { evaluation: prequential(), gate, initial: startState }),
      trackMetrics({ kind: 'cumulative' }, model.nClasses, { initial: startMetrics }),
      tap((step) => {
        if (eager) latest = { trainer: step.state, metrics: step.trackerState };
        else latestStep = step;
        const seconds = (performance.now() - started) / 1000;
        if (!values['no-metrics-records']) outbox.push(metricsOutgoing(`${TOPIC}.metrics`, stepMetricsRecord(step, run, step.state.rowsSeen / seconds, Date.now())));
        nextOffsets(step.positions, covered);
        stepsSinceCheckpoint += 1;
      }),
      values['no-artifacts'] ? identity : writeLocalArtifacts(outDir, { chartTitle: 'bench' }),
      reduce(countDecisions, undefined as RunSummary | undefined),
    ),
    { defaultValue: undefined },
  );
  checkpointNow();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, windows: summary?.windows ?? 0, records: summary?.records ?? 0, producedBytes, summary };
}

/**
 * Each stage of a window's work timed alone over all windows, on the states a real run goes through
 * (the steps of one run are recorded first). Best of 3 passes, so JIT and GC noise count least.
 */
function componentBreakdown(batches: readonly KafkaBatch[]): void {
  const records = batches.flatMap((b) => b.records);
  const model = sgdClassifier({ nFeatures: N_FEATURES });
  const gate = seedGate() as GatePolicy<unknown>;
  const options = { evaluation: prequential(), gate };
  const run = { modelId: 'bench-sgd', modelKind: model.kind };
  const messages = records.map(decodeRecord).map((m) => ({ ...m, batch: { x: { ...m.batch.x, data: m.batch.x.data.slice() }, y: m.batch.y.slice() } }));
  const windows = messages.map((m, index) => ({ index, batch: m.batch, messages: 1, positions: m.position ? [m.position] : [] }));
  const steps: Step<SgdState, unknown>[] = [];
  let state = initialTrainerState(model, gate);
  for (const window of windows) {
    const step = trainStep(model, options, state, window);
    steps.push(step);
    state = step.state;
  }
  const accumulator = trackerAccumulator(tracker({ kind: 'cumulative' }, 2));
  const tracked = steps.map((step) => {
    accumulator.add(step.scored);
    const snapshot = accumulator.snapshot();
    return { ...step, tracked: accumulator.metrics(), get trackerState() { return snapshot(); } };
  });
  const columns = metricsCsvColumns(tracked[0]);
  let sink = 0;
  const stages: [string, () => void][] = [
    ['decode (decodeRecord)', () => { for (const r of records) sink += decodeRecord(r).batch.y.length; }],
    ['trainStep (all)', () => {
      let s = initialTrainerState(model, gate);
      for (const w of windows) s = trainStep(model, options, s, w).state;
      sink += s.version;
    }],
    ['  predictScored', () => { for (const st of steps) sink += predictScored(model, st.state.kept, windows[st.index].batch).proba.length; }],
    ['  scoreBatch', () => { for (const st of steps) sink += scoreBatch(st.scored).rows; }],
    ['  learn', () => { for (const st of steps) sink += model.learn(st.state.kept, windows[st.index].batch).t; }],
    ['tracker (add + metrics + snapshot)', () => {
      const a = trackerAccumulator(tracker({ kind: 'cumulative' }, 2));
      for (const st of steps) {
        a.add(st.scored);
        a.snapshot();
        sink += a.metrics().rows;
      }
    }],
    ['step-metrics Avro record', () => { for (const st of steps) sink += metricsOutgoing('m', stepMetricsRecord(st, run, 1, 0)).value?.length ?? 0; }],
    ['metrics.csv line', () => { for (const st of tracked) sink += csvLine(columns.map((c) => c.value(st))).length; }],
    ['chart trace', () => {
      const trace = new TrainingTrace();
      for (const st of tracked) trace.add(st);
      sink += trace.data().windows;
    }],
    ['offsets (nextOffsets)', () => {
      const covered = new Map<string, NextOffset>();
      for (const st of steps) nextOffsets(st.positions, covered);
      sink += covered.size;
    }],
  ];
  console.log('component breakdown (µs per window, best of 3):');
  for (const [name, work] of stages) {
    let best = Infinity;
    for (let pass = 0; pass < 3; pass++) {
      const start = performance.now();
      work();
      best = Math.min(best, performance.now() - start);
    }
    console.log(`  ${name.padEnd(36)} ${((best * 1000) / windows.length).toFixed(2).padStart(7)}`);
  }
  if (sink === -1) console.log(sink);
}

async function main(): Promise<void> {
  const generatedAt = performance.now();
  const { batches, records } = encodedBatches();
  console.log(
    `${MESSAGES} messages, ${records} records in ${batches.length} fetches of ≤ ${FETCH}; generated and encoded in ${((performance.now() - generatedAt) / 1000).toFixed(2)} s (not timed)`,
  );
  const outDir = mkdtempSync(join(tmpdir(), 'train-profile-'));
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const results: RoundResult[] = [];
  try {
    for (let i = 0; i < ROUNDS; i++) {
      const result = await round(batches, outDir);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      results.push(result);
      const us = (result.seconds * 1e6) / result.windows;
      const s = result.summary;
      console.log(
        `round ${i + 1}: ${result.seconds.toFixed(3)} s, ${us.toFixed(1).padStart(6)} µs/window, ${Math.round(result.records / result.seconds).toLocaleString('en-US').padStart(10)} records/s, ` +
          `CPU ${((result.cpuSeconds * 1e6) / result.windows).toFixed(1)} µs/window` +
          `  (accepted ${s?.accepted}, rejected ${s?.rejected}, accuracy ${s?.cumulative.accuracy.toFixed(4)}, f1 ${s?.cumulative.f1.toFixed(4)}, produced ${(result.producedBytes / 1e6).toFixed(1)} MB)`,
      );
    }
  } finally {
    clearInterval(sampler);
    rmSync(outDir, { recursive: true, force: true });
  }
  const warm = results.slice(1).map((r) => r.seconds).sort((a, b) => a - b);
  const warmCpu = results.slice(1).map((r) => r.cpuSeconds).sort((a, b) => a - b);
  if (warm.length > 0) {
    const median = warm[Math.floor(warm.length / 2)];
    const windows = results[0].windows;
    console.log(
      `warm rounds: median ${((median * 1e6) / windows).toFixed(1)} µs/window = ${Math.round(records / median).toLocaleString('en-US')} records/s, ` +
        `best ${((warm[0] * 1e6) / windows).toFixed(1)} µs/window = ${Math.round(records / warm[0]).toLocaleString('en-US')} records/s; ` +
        `CPU median ${((warmCpu[Math.floor(warmCpu.length / 2)] * 1e6) / windows).toFixed(1)} µs/window, best ${((warmCpu[0] * 1e6) / windows).toFixed(1)}`,
    );
  }
  if (values.components) componentBreakdown(batches);
  console.log(`peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB; artifacts as ${Object.values(localArtifactPaths('<tmp>')).join(', ')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
