/**
 * Our end-to-end system (a child of bench/run.ts, so that its peak RSS is the pipeline's own):
 * `train()` from pipelines/train.ts with the seed's model (SGD log_loss, constant 0.001) and gate
 * (F1 > 0.95 × mean of accepted F1), prequential evaluation, transactions and every sink on
 * (metrics, snapshots, dead letters to Kafka; metrics CSV, chart and run summary to `outDir`).
 *
 * Argument (JSON): { "input", "topicPrefix", "groupId", "modelId", "outDir", "follow", "reportCheckpoints"?, "transactions"? }.
 * Reaches the broker through KAFKA_BROKERS. With follow it runs until signalled.
 */
import { withBroker } from '../../pipelines/broker-session';
import { TRAIN_DEFAULTS, train } from '../../pipelines/train';
import { parseTrainingChoices } from '../../pipelines/training-options';
import { runChild } from '../harness/child-report';
import { CHECKPOINT_LINE_PREFIX, type CheckpointReport, type TrainChildArgument } from '../harness/train-run';

const SEED_CHOICES = { model: 'sgd', 'model-options': '{}', gate: 'seed', evaluation: 'prequential' } as const;

runChild(async (argument) => {
  const options = argument as TrainChildArgument;
  const startedAt = Date.now();
  const result = await withBroker((connection) =>
    train(
      connection,
      {
        ...TRAIN_DEFAULTS,
        input: options.input,
        metricsTopic: `${options.topicPrefix}.metrics`,
        snapshotTopic: `${options.topicPrefix}.snapshots`,
        deadLetterTopic: `${options.topicPrefix}.dead-letter`,
        groupId: options.groupId,
        modelId: options.modelId,
        until: options.follow ? 'follow' : 'end-offsets-at-start',
        outDir: options.outDir,
        transactions: options.transactions ?? true,
        expectedMessages: 0,
        log: (line) => console.error(line),
        events: options.reportCheckpoints
          ? {
              checkpoint: ({ offsets }) => {
                const report: CheckpointReport = { at: Date.now(), offsets };
                process.stdout.write(`${CHECKPOINT_LINE_PREFIX}${JSON.stringify(report)}\n`);
              },
            }
          : undefined,
      },
      parseTrainingChoices(SEED_CHOICES, TRAIN_DEFAULTS.nFeatures),
    ),
  );
  const cpu = process.cpuUsage();
  return { summary: result.summary, writer: result.writer, startedAt, finishedAt: Date.now(), cpuSeconds: (cpu.user + cpu.system) / 1e6 };
});
