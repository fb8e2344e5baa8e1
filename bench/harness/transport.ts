/**
 * Section 3, the transport limit: consumers that only fetch the Avro input topic and drop it.
 * KafkaJS through the project's kafkaSource (bench/children/fetch-only.ts, the same fetch settings
 * as the train pipeline) and kcat (librdkafka; Debian package `kcat`, installed with apt-get when
 * missing and allowed). Our end-to-end rate is reported as a fraction of the KafkaJS limit.
 */
import { spawnSync } from 'node:child_process';
import { connectionOf, MINUTE_MS, runNodeChild, type BenchContext } from './context';
import type { EndToEndInput } from './end-to-end';
import { lastLines, peakRssOfPid, startChild } from './processes';
import type { ReadTiming } from './read-topic';
import { notRunRow, okRow, SYSTEM, type SystemRow } from './results';

const NO_QUALITY = 'none' as const;

interface FetchRound {
  readonly seconds: number;
  readonly peakRssBytes: number | null;
}

/** The round with the median time, and every round's time; the peak RSS is the largest of the rounds. */
function medianRound(rounds: readonly FetchRound[]): { seconds: number; peakRssBytes: number | null; roundSeconds: number[] } {
  const sorted = [...rounds].sort((a, b) => a.seconds - b.seconds);
  const peaks = rounds.map((round) => round.peakRssBytes).filter((peak): peak is number => peak !== null);
  return {
    seconds: sorted[Math.floor((sorted.length - 1) / 2)].seconds,
    peakRssBytes: peaks.length > 0 ? Math.max(...peaks) : null,
    roundSeconds: rounds.map((round) => round.seconds),
  };
}

export async function kafkaJsFetchOnly(context: BenchContext, input: EndToEndInput): Promise<SystemRow> {
  try {
    const rounds: FetchRound[] = [];
    let batches = 0;
    for (let round = 0; round < context.options.transportRounds; round++) {
      const report = await runNodeChild<ReadTiming & { peakRssBytes: number }>(
        context,
        'fetch-only.ts',
        { topic: input.avroTopic, groupId: `${context.runId}.fetch-only.${round}` },
        context.options.childTimeoutMs,
      );
      if (report.records !== input.messages) throw new Error(`read ${report.records} of ${input.messages} messages`);
      rounds.push({ seconds: report.steadySeconds, peakRssBytes: report.peakRssBytes });
      batches = report.batches;
    }
    const median = medianRound(rounds);
    return okRow(SYSTEM.kafkaJsFetch, {
      records: input.records,
      seconds: median.seconds,
      recordsPerSecond: input.records / median.seconds,
      peakRssBytes: median.peakRssBytes,
      quality: NO_QUALITY,
      details: { timed: 'first fetched batch → last; median of the rounds', roundSeconds: median.roundSeconds, messages: input.messages, batchesPerRead: batches, fetch: 'kafkaSource defaults (as the train pipeline)' },
    });
  } catch (error) {
    return notRunRow(SYSTEM.kafkaJsFetch, 'failed', (error as Error).message);
  }
}

/** The kcat binary, installing the Debian package when allowed; a string says why there is none. */
export function ensureKcat(installTools: boolean, log: (line: string) => void): { path: string; version: string } | { skipped: string } {
  const found = (): string | null => {
    const which = spawnSync('sh', ['-c', 'command -v kcat'], { encoding: 'utf8' });
    return which.status === 0 ? which.stdout.trim() : null;
  };
  let path = found();
  if (path === null) {
    if (!installTools) return { skipped: 'kcat is not installed (this run installs nothing)' };
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const install = (): ReturnType<typeof spawnSync> => spawnSync('apt-get', ['install', '-y', '-q', 'kcat'], { encoding: 'utf8', env, timeout: 10 * MINUTE_MS });
    log('kcat missing: apt-get install -y kcat …');
    let result = install();
    if (result.status !== 0) {
      log('apt-get install failed; apt-get update, then once more …');
      spawnSync('apt-get', ['update', '-q'], { encoding: 'utf8', env, timeout: 10 * MINUTE_MS });
      result = install();
    }
    path = found();
    if (path === null) {
      const reason = result.error?.message ?? lastLines(String(result.stderr ?? ''), 1);
      return { skipped: `apt-get install kcat failed: ${reason}` };
    }
  }
  const about = spawnSync(path, ['-V'], { encoding: 'utf8' });
  const text = `${about.stdout}\n${about.stderr}`;
  const kcatVersion = /^Version (\S+)/m.exec(text)?.[1] ?? 'unknown';
  const librdkafka = /librdkafka (\S+)/.exec(text)?.[1] ?? 'unknown';
  return { path, version: `kcat ${kcatVersion} (librdkafka ${librdkafka})` };
}

export async function kcatFetchOnly(context: BenchContext, input: EndToEndInput): Promise<SystemRow> {
  const kcat = ensureKcat(context.options.installTools, context.log);
  if ('skipped' in kcat) return notRunRow(SYSTEM.kcatFetch, 'skipped', kcat.skipped);
  try {
    const broker = connectionOf(context).brokers[0];
    const rounds: FetchRound[] = [];
    for (let round = 0; round < context.options.transportRounds; round++) rounds.push(await kcatRound(kcat.path, broker, input));
    const median = medianRound(rounds);
    return okRow(SYSTEM.kcatFetch, {
      records: input.records,
      seconds: median.seconds,
      recordsPerSecond: input.records / median.seconds,
      peakRssBytes: median.peakRssBytes,
      quality: NO_QUALITY,
      details: { timed: 'first message printed → last; median of the rounds', roundSeconds: median.roundSeconds, messages: input.messages, version: kcat.version, peakRss: 'VmHWM polled every 10 ms' },
    });
  } catch (error) {
    return notRunRow(SYSTEM.kcatFetch, 'failed', (error as Error).message);
  }
}

async function kcatRound(kcat: string, broker: string, input: EndToEndInput): Promise<FetchRound> {
  // One unbuffered newline per message: the line times give first fetch and end, the count checks the read.
  const child = startChild(kcat, ['-C', '-b', broker, '-t', input.avroTopic, '-o', 'beginning', '-e', '-q', '-u', '-f', '\\n']);
  let lines = 0;
  let firstAt = 0;
  let lastAt = 0;
  child.onLine(() => {
    const now = performance.now();
    if (lines === 0) firstAt = now;
    lastAt = now;
    lines += 1;
  });
  let peakRssBytes: number | null = null;
  const poll = setInterval(() => {
    peakRssBytes = peakRssOfPid(child.pid) ?? peakRssBytes;
  }, 10);
  const timer = setTimeout(() => child.signal('SIGKILL'), 10 * MINUTE_MS);
  const exit = await child.exited.finally(() => {
    clearInterval(poll);
    clearTimeout(timer);
  });
  if (exit.code !== 0) throw new Error(`kcat exited ${exit.code ?? exit.signal}: ${lastLines(exit.stderr)}`);
  if (lines !== input.messages) throw new Error(`kcat read ${lines} of ${input.messages} messages`);
  return { seconds: (lastAt - firstAt) / 1000, peakRssBytes };
}
