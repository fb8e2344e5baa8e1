/** Deletes what a bench run left on the broker: every topic and consumer group named with its run id. */
import { createKafka, type KafkaConnection } from '../../io/kafka/client';

export async function deleteRunArtifacts(connection: KafkaConnection, runId: string): Promise<{ topics: string[]; groups: string[] }> {
  const admin = createKafka(connection, 'bench-cleanup').admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${runId}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
    const groups = (await admin.listGroups()).groups.map((group) => group.groupId).filter((id) => id.startsWith(`${runId}.`));
    // A group whose member is still leaving cannot be deleted yet; the broker expires it later.
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    return { topics, groups };
  } finally {
    await admin.disconnect();
  }
}
