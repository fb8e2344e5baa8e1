/**
 * Command-line options shared by the training pipelines: which model, gate and evaluation to use.
 * Each bad value fails at start-up with a message naming the option and the allowed values.
 */
import type { Classifier } from '../models/types';
import { CLASSIFIER_NAMES, createClassifier } from '../models/catalog';
import type { Evaluation } from '../training/evaluation';
import { holdout, prequential } from '../training/evaluation';
import type { GatePolicy } from '../training/gate-policies';
import { alwaysAccept, neverAccept, relativeToAcceptedMean, thresholdGate } from '../training/gate-policies';
import type { MetricName } from '../metrics/types';
import { createDetector } from '../drift/catalog';
import type { DriftOptions, DriftResponseKind } from '../training/drift-response';

export const TRAINING_USAGE = `
  --model NAME          ${CLASSIFIER_NAMES.join(' | ')}           (default sgd: the seed's SGD log_loss, eta0 0.001)
  --model-options JSON  hyperparameters, e.g. '{"learningRate":"optimal","alpha":1e-5,"average":true}'
  --gate RULE           seed | always | never | METRIC>=VALUE | METRIC<=VALUE | METRIC>FACTORxMEAN
                        (default seed: f1 > 0.95 × mean of accepted f1)
  --evaluation MODE     prequential | holdout               (default prequential; holdout = the seed's 80/20)
  --drift SPEC          none | DETECTOR:RESPONSE, e.g. adwin:reset-model (default none)
                        detectors adwin | page-hinkley | ddm | eddm; responses reset-gate | reset-model | background`;

export const TRAINING_OPTION_SPECS = {
  model: { type: 'string', default: 'sgd' },
  'model-options': { type: 'string', default: '{}' },
  gate: { type: 'string', default: 'seed' },
  evaluation: { type: 'string', default: 'prequential' },
  drift: { type: 'string', default: 'none' },
} as const;

export interface TrainingChoices {
  readonly model: Classifier<unknown>;
  readonly gate: GatePolicy<unknown>;
  readonly evaluation: Evaluation;
  readonly drift?: DriftOptions<unknown>;
}

export function parseGate(rule: string): GatePolicy<unknown> {
  if (rule === 'seed') return relativeToAcceptedMean({ metric: 'f1', factor: 0.95 }) as GatePolicy<unknown>;
  if (rule === 'always') return alwaysAccept() as GatePolicy<unknown>;
  if (rule === 'never') return neverAccept() as GatePolicy<unknown>;
  const bound = /^(\w+)(>=|<=)([-+0-9.eE]+)$/.exec(rule);
  if (bound) {
    const value = Number(bound[3]);
    const metric = bound[1] as MetricName;
    return thresholdGate(bound[2] === '>=' ? { metric, atLeast: value } : { metric, atMost: value }) as GatePolicy<unknown>;
  }
  const relative = /^(\w+)>([0-9.eE]+)xMEAN$/.exec(rule);
  if (relative) return relativeToAcceptedMean({ metric: relative[1] as MetricName, factor: Number(relative[2]) }) as GatePolicy<unknown>;
  throw new RangeError(`--gate: unknown rule ${JSON.stringify(rule)}; use seed, always, never, f1>=0.8, logLoss<=0.5 or f1>0.95xMEAN`);
}

export function parseEvaluation(mode: string): Evaluation {
  if (mode === 'prequential') return prequential();
  if (mode === 'holdout') return holdout();
  throw new RangeError(`--evaluation: unknown mode ${JSON.stringify(mode)}; use prequential or holdout`);
}

const DRIFT_RESPONSES: readonly DriftResponseKind[] = ['reset-gate', 'reset-model', 'background'];

/** `none` or `detector:response`; `background` gets a twin detector with a 5× larger delta as its warning. */
export function parseDrift(spec: string): DriftOptions<unknown> | undefined {
  if (spec === 'none') return undefined;
  const [name, response] = spec.split(':');
  if (!DRIFT_RESPONSES.includes(response as DriftResponseKind)) {
    throw new RangeError(`--drift: use none or DETECTOR:RESPONSE with RESPONSE one of ${DRIFT_RESPONSES.join(', ')}, got ${JSON.stringify(spec)}`);
  }
  const detector = createDetector(name);
  const warningDetector = response === 'background' ? createDetector(name, name === 'adwin' ? { delta: 0.01 } : {}) : undefined;
  return { detector, response: response as DriftResponseKind, warningDetector };
}

export function parseTrainingChoices(values: { model: string; 'model-options': string; gate: string; evaluation: string; drift?: string }, nFeatures: number, nClasses = 2): TrainingChoices {
  let extra: unknown;
  try {
    extra = JSON.parse(values['model-options']);
  } catch (error) {
    throw new SyntaxError(`--model-options: not JSON (${(error as Error).message}); e.g. '{"alpha":1e-5}'`);
  }
  if (extra === null || typeof extra !== 'object' || Array.isArray(extra)) throw new TypeError('--model-options: must be a JSON object');
  return {
    model: createClassifier(values.model, { nFeatures, nClasses, ...(extra as Record<string, unknown>) }),
    gate: parseGate(values.gate),
    evaluation: parseEvaluation(values.evaluation),
    drift: parseDrift(values.drift ?? 'none'),
  };
}
