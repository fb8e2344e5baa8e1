/**
 * The seed's consumer as an in-memory pipeline composed only from transforms:
 *
 *   clickstream generator → messageWindow → partialFit(model, evaluation, gate) → trackMetrics → console
 *
 * Run: `npx tsx pipelines/train-in-memory.ts --messages 2000 --concept per-message --gate seed`
 */
import { parseArgs } from 'node:util';
import { from, lastValueFrom, reduce, tap } from 'rxjs';
import { clickstream } from '../generators/clickstream';
import { messageWindow } from '../transforms/message-window';
import { partialFit } from '../transforms/partial-fit';
import { trackMetrics } from '../transforms/track-metrics';
import { parseTrainingChoices, TRAINING_OPTION_SPECS, TRAINING_USAGE } from './training-options';
import { countDecisions, formatSummary } from './run-summary';
import { runSummaryFile } from '../io/artifacts/run-summary-json';

const USAGE = `usage: npx tsx pipelines/train-in-memory.ts [options]
  --messages N          messages to generate (default 10000, each 100–109 rows)
  --concept MODE        stationary | per-message (default stationary; per-message reproduces the seed)
  --seed N              generator seed (default 42)${TRAINING_USAGE}`;

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...TRAINING_OPTION_SPECS,
      messages: { type: 'string', default: '10000' },
      concept: { type: 'string', default: 'stationary' },
      seed: { type: 'string', default: '42' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const { model, gate, evaluation } = parseTrainingChoices(values, 10);
  const messages = clickstream({ messages: Number(values.messages), seed: Number(values.seed), concept: values.concept as 'stationary' });
  const started = performance.now();
  const summary = await lastValueFrom(
    from(messages).pipe(
      messageWindow(),
      partialFit(model, { evaluation, gate }),
      trackMetrics({ kind: 'cumulative' }, model.nClasses),
      tap((step) => {
        if (step.index % 1000 === 999) {
          console.log(`window ${step.index + 1}: rows ${step.state.rowsSeen}, cumulative accuracy ${step.tracked.accuracy.toFixed(4)}, version ${step.version}`);
        }
      }),
      reduce(countDecisions, undefined),
    ),
  );
  const file = runSummaryFile(summary, {
    messages: summary?.windows ?? 0,
    deadLettered: 0,
    wallSeconds: (performance.now() - started) / 1000,
    model: model.kind,
    gate: gate.name,
    evaluation: evaluation.mode,
  });
  console.log(formatSummary(file));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
