/**
 * The pipeline's topics, created or brought up to date at start so that nothing fails later at
 * run time (a too-large snapshot, an uncompacted snapshot topic, a missing dead-letter topic).
 */
import { ConfigResourceTypes, ConfigSource, type Admin } from 'kafkajs';
import { connectionError, createKafka, type KafkaConnection } from './client';

export interface TopicSpec {
  readonly topic: string;
  /** Default 1. An existing topic with fewer partitions gets more; Kafka cannot take partitions away. */
  readonly numPartitions?: number;
  /** Topic-level settings, e.g. `{ 'cleanup.policy': 'compact' }`. */
  readonly configs?: Readonly<Record<string, string>>;
}

export interface EnsureTopicsResult {
  readonly created: string[];
  readonly partitionsAdded: string[];
  readonly reconfigured: string[];
}

/** Kafka's default max.message.bytes is about 1 MiB; a model snapshot may be far larger. */
export const SNAPSHOT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** Compacted: only the latest snapshot per model id (the record key) is kept. */
export function snapshotTopic(topic: string, numPartitions = 1): TopicSpec {
  return {
    topic,
    numPartitions,
    configs: { 'cleanup.policy': 'compact', 'max.message.bytes': String(SNAPSHOT_MAX_MESSAGE_BYTES) },
  };
}

export function metricsTopic(topic: string, numPartitions = 1): TopicSpec {
  return { topic, numPartitions, configs: { 'cleanup.policy': 'delete' } };
}

/** Dead letters are input records copied whole; they fit wherever the input fitted. */
export function deadLetterTopic(topic: string, numPartitions = 1): TopicSpec {
  return { topic, numPartitions, configs: { 'cleanup.policy': 'delete' } };
}

/**
 * Creates missing topics and brings existing ones up to `specs`: more partitions when there are
 * fewer, and the given configs where they differ (other settings already made on the topic are
 * kept). Running it again changes nothing.
 */
export async function ensureTopics(connection: KafkaConnection, specs: readonly TopicSpec[]): Promise<EnsureTopicsResult> {
  for (const spec of specs) checkSpec(spec);
  const startedAt = Date.now();
  const admin = createKafka(connection, 'ensure-topics').admin();
  try {
    await admin.connect();
  } catch (error) {
    throw connectionError('ensureTopics', connection, startedAt, error);
  }
  try {
    return await ensureWithAdmin(admin, specs);
  } finally {
    await admin.disconnect();
  }
}

async function ensureWithAdmin(admin: Admin, specs: readonly TopicSpec[]): Promise<EnsureTopicsResult> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((spec) => !existing.has(spec.topic));
  const present = specs.filter((spec) => existing.has(spec.topic));
  const result: EnsureTopicsResult = { created: [], partitionsAdded: [], reconfigured: [] };

  if (missing.length > 0) {
    // KafkaJS's own waitForLeaders gives up on the UNKNOWN_TOPIC_OR_PARTITION a just-started KRaft
    // broker answers while the new topic's metadata propagates; waitUntilLed retries that.
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((spec) => ({
        topic: spec.topic,
        numPartitions: spec.numPartitions ?? 1,
        configEntries: Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value })),
      })),
    });
    await waitUntilLed(admin, missing);
    result.created.push(...missing.map((spec) => spec.topic));
  }
  if (present.length === 0) return result;

  const { topics: metadata } = await admin.fetchTopicMetadata({ topics: present.map((spec) => spec.topic) });
  const growing = present.filter((spec) => {
    const partitions = metadata.find((entry) => entry.name === spec.topic)?.partitions.length ?? 0;
    return partitions < (spec.numPartitions ?? 1);
  });
  if (growing.length > 0) {
    await admin.createPartitions({ topicPartitions: growing.map((spec) => ({ topic: spec.topic, count: spec.numPartitions ?? 1 })) });
    result.partitionsAdded.push(...growing.map((spec) => spec.topic));
  }

  const configured = present.filter((spec) => Object.keys(spec.configs ?? {}).length > 0);
  if (configured.length === 0) return result;
  const current = await topicOverrides(admin, configured.map((spec) => spec.topic));
  const outdated = configured.filter((spec) => {
    const overrides = current.get(spec.topic) ?? {};
    return Object.entries(spec.configs ?? {}).some(([name, value]) => overrides[name] !== value);
  });
  if (outdated.length > 0) {
    // AlterConfigs replaces a topic's whole set of overrides, so the ones already there go in again.
    await admin.alterConfigs({
      validateOnly: false,
      resources: outdated.map((spec) => ({
        type: ConfigResourceTypes.TOPIC,
        name: spec.topic,
        configEntries: Object.entries({ ...current.get(spec.topic), ...spec.configs }).map(([name, value]) => ({ name, value })),
      })),
    });
    result.reconfigured.push(...outdated.map((spec) => spec.topic));
  }
  return result;
}

const LEADER_WAIT_MS = 15_000;
const LEADER_POLL_MS = 100;

/** Waits until every partition of `specs` has a leader, so producing and consuming can start at once. */
async function waitUntilLed(admin: Admin, specs: readonly TopicSpec[]): Promise<void> {
  const deadline = Date.now() + LEADER_WAIT_MS;
  let lastProblem = 'no metadata yet';
  for (;;) {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: specs.map((spec) => spec.topic) });
      const leaderless = specs.filter((spec) => {
        const partitions = topics.find((entry) => entry.name === spec.topic)?.partitions ?? [];
        return partitions.length < (spec.numPartitions ?? 1) || partitions.some((partition) => partition.leader < 0);
      });
      if (leaderless.length === 0) return;
      lastProblem = `no leader yet for ${leaderless.map((spec) => spec.topic).join(', ')}`;
    } catch (error) {
      if ((error as { retriable?: unknown } | null)?.retriable !== true) throw error;
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) {
      throw new Error(`ensureTopics: created topics did not get partition leaders within ${LEADER_WAIT_MS} ms (${lastProblem})`);
    }
    await new Promise((resolve) => setTimeout(resolve, LEADER_POLL_MS));
  }
}

/** Settings made on each topic itself (not inherited from broker defaults), by topic. */
export async function topicOverrides(admin: Admin, topics: readonly string[]): Promise<Map<string, Record<string, string>>> {
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
  });
  const overrides = new Map<string, Record<string, string>>();
  for (const resource of resources) {
    const own: Record<string, string> = {};
    for (const entry of resource.configEntries) {
      if (entry.configSource === ConfigSource.TOPIC_CONFIG) own[entry.configName] = entry.configValue;
    }
    overrides.set(resource.resourceName, own);
  }
  return overrides;
}

function checkSpec(spec: TopicSpec): void {
  if (typeof spec.topic !== 'string' || !/^[A-Za-z0-9._-]{1,249}$/.test(spec.topic)) {
    throw new Error(`ensureTopics: topic must be 1-249 characters of letters, digits, '.', '_' or '-', got ${JSON.stringify(spec.topic)}`);
  }
  const partitions = spec.numPartitions ?? 1;
  if (!Number.isSafeInteger(partitions) || partitions < 1) {
    throw new Error(`ensureTopics: numPartitions of ${spec.topic} must be a positive integer, got ${spec.numPartitions}`);
  }
}
