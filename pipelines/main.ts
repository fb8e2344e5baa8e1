/**
 * `make run`: the seed's job end to end on a real broker. Starts the local Kafka broker (unless
 * KAFKA_BROKERS names a cluster), produces the clickstream, trains on it with the seed's model and
 * gate, writes metrics and snapshots back to Kafka and artifacts to out/, prints a summary and stops
 * the broker it started. Each run uses its own topics (suffixed with a run id), so runs never mix.
 *
 * Options: those of pipelines/produce.ts (--messages, --concept, --seed, --rate, --partitions)
 * and of pipelines/train.ts (--model, --gate, --evaluation, --no-transactions, …), plus --run-id.
 */
import { parseArgs } from 'node:util';
import { PRODUCE_DEFAULTS, produce } from './produce';
import { TRAIN_DEFAULTS, train } from './train';
import { parseTrainingChoices, TRAINING_OPTION_SPECS } from './training-options';
import { formatSummary } from './run-summary';
import { runWithBroker } from './broker-session';

runWithBroker(async (connection) => {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      ...TRAINING_OPTION_SPECS,
      messages: { type: 'string', default: String(PRODUCE_DEFAULTS.messages) },
      concept: { type: 'string', default: PRODUCE_DEFAULTS.concept },
      seed: { type: 'string', default: String(PRODUCE_DEFAULTS.seed) },
      rate: { type: 'string', default: '0' },
      'run-id': { type: 'string', default: `run-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}` },
      'no-transactions': { type: 'boolean', default: false },
      out: { type: 'string', default: 'out' },
    },
  });
  const runId = values['run-id'];
  const choices = parseTrainingChoices(values, TRAIN_DEFAULTS.nFeatures);
  const topic = `clickstream.${runId}`;
  const messages = Number(values.messages);
  if (values.concept !== 'stationary' && values.concept !== 'per-message') throw new RangeError(`--concept: use stationary or per-message, got ${values.concept}`);

  console.log(`run ${runId}: ${connection.brokers.join(',')}, input topic ${topic}`);
  const produced = await produce(connection, { ...PRODUCE_DEFAULTS, topic, messages, concept: values.concept, seed: Number(values.seed), rate: Number(values.rate) });
  console.log(`produced ${produced.messages} messages (${produced.records} records) in ${produced.seconds.toFixed(2)} s: ${Math.round(produced.records / produced.seconds).toLocaleString('en-US')} records/s`);

  const result = await train(
    connection,
    {
      ...TRAIN_DEFAULTS,
      input: topic,
      metricsTopic: `${topic}.metrics`,
      snapshotTopic: `${topic}.snapshots`,
      deadLetterTopic: `${topic}.dead-letter`,
      groupId: `streamlearn.train.${runId}`,
      modelId: `${runId}.${values.model}`,
      transactions: !values['no-transactions'],
      outDir: values.out,
      expectedMessages: produced.messages,
      log: (line) => console.log(line),
    },
    choices,
  );
  console.log('');
  console.log(formatSummary(result.summary));
  console.log('');
  console.log(`metrics: one Avro record per window on ${topic}.metrics; snapshots on ${topic}.snapshots (${result.writer} checkpoints)`);
  console.log(`summary: ${values.out}/run-summary.json`);
});
