/**
 * Input topics of a bench run: the pipeline's input topic settings, plus no size-based retention.
 * The local broker keeps 256 MiB per partition (log.retention.bytes), less than the 5× memory run
 * writes, and a retention pass during a run would silently drop the records a consumer has not read yet.
 * produce() leaves these settings alone (it only adds what its own spec lacks).
 */
import type { KafkaConnection } from '../../io/kafka/client';
import { ensureTopics } from '../../io/kafka/topics';
import { inputTopicSpec } from '../../pipelines/produce';

export async function createInputTopic(connection: KafkaConnection, topic: string): Promise<void> {
  const spec = inputTopicSpec(topic, 1);
  await ensureTopics(connection, [{ ...spec, configs: { ...spec.configs, 'retention.bytes': '-1', 'retention.ms': '-1' } }]);
}
