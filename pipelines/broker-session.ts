/**
 * Runs a pipeline's main function against a broker: the cluster named by KAFKA_BROKERS, or the
 * project's local broker, started for the run and stopped afterwards (unless it was already running).
 * Errors print as one line and exit with status 1.
 */
import type { KafkaConnection } from '../io/kafka/client';
import { ensureBroker } from '../io/kafka/local-broker';

export async function withBroker<T>(main: (connection: KafkaConnection) => Promise<T>): Promise<T> {
  const configured = Boolean(process.env.KAFKA_BROKERS?.trim());
  if (!configured) console.error('starting the local Kafka broker (set KAFKA_BROKERS to use an existing cluster)…');
  const broker = await ensureBroker();
  try {
    return await main({ brokers: broker.brokers });
  } finally {
    await broker.stop();
  }
}

export function runWithBroker(main: (connection: KafkaConnection) => Promise<void>): void {
  withBroker(main).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
