/**
 * The scoring wire formats, as Avro single-object records: requests (schemas/scoring-request.avsc,
 * unlabelled rows) and predictions (schemas/prediction.avsc, class probabilities with the model
 * version that computed them). Requests are validated at the edge like clickstream batches: a bad
 * one comes back as a failure value with a dead-letter reason, never as an exception.
 */
import { readFileSync } from 'node:fs';
import avro, { type Schema, type Type } from 'avsc';
import { matrix, type Matrix } from '../../models/types';
import { decodeFailure, type DecodeResult } from './decode-result';
import { projectSchemaRegistry } from './schemas';
import { singleObjectCodec } from './single-object';

function loadSchema(file: string): Type {
  return avro.Type.forSchema(JSON.parse(readFileSync(new URL(`../../schemas/${file}`, import.meta.url), 'utf8')) as Schema);
}

export const SCORING_REQUEST_TYPE = loadSchema('scoring-request.avsc');
export const PREDICTION_TYPE = loadSchema('prediction.avsc');

/** streamlearn.ScoringRequest as avsc reads it. */
interface ScoringRequestRecord {
  id: number;
  eventTime: number;
  nFeatures: number;
  features: number[];
}

export interface ScoringRequest {
  readonly id: number;
  readonly eventTime: number;
  readonly x: Matrix;
}

export interface PredictionRecord {
  requestId: number;
  modelId: string;
  modelVersion: number;
  modelWindows: number;
  nClasses: number;
  probabilities: number[];
  source: { topic: string; partition: number; offset: number };
  time: number;
}

const REGISTRY = projectSchemaRegistry();
const REQUESTS = singleObjectCodec<ScoringRequestRecord>(SCORING_REQUEST_TYPE, REGISTRY);
const PREDICTIONS = singleObjectCodec<PredictionRecord>(PREDICTION_TYPE, REGISTRY);

export function encodeScoringRequest(request: ScoringRequest): Buffer {
  return REQUESTS.encode({ id: request.id, eventTime: request.eventTime, nFeatures: request.x.cols, features: Array.from(request.x.data) });
}

/** The request's rows as a Matrix of `nFeatures` columns, or a failure with a dead-letter reason. */
export function decodeScoringRequest(bytes: Uint8Array, options: { readonly nFeatures: number }): DecodeResult<ScoringRequest> {
  const decoded = REQUESTS.decode(bytes);
  if (!decoded.ok) return decoded;
  const { id, eventTime, nFeatures, features } = decoded.value;
  if (nFeatures !== options.nFeatures) {
    return decodeFailure('WRONG_FEATURE_COUNT', `scoring request ${id} has ${nFeatures} features per row; the model takes ${options.nFeatures}`);
  }
  if (features.length % nFeatures !== 0) {
    return decodeFailure('SHAPE_MISMATCH', `scoring request ${id} has ${features.length} feature values, not a multiple of ${nFeatures}`);
  }
  const data = Float64Array.from(features);
  for (let i = 0; i < data.length; i++) {
    // x - x is 0 for every finite x and NaN for NaN and ±Infinity.
    if (data[i] - data[i] !== 0) {
      return decodeFailure('NON_FINITE_FEATURE', `scoring request ${id}: feature ${i % nFeatures} of row ${Math.floor(i / nFeatures)} is ${data[i]}`);
    }
  }
  return { ok: true, value: { id, eventTime, x: matrix(data.length / nFeatures, nFeatures, data) }, writerFingerprint: decoded.writerFingerprint };
}

export function encodePrediction(prediction: PredictionRecord): Buffer {
  return PREDICTIONS.encode(prediction);
}

export function decodePrediction(bytes: Uint8Array): PredictionRecord {
  const decoded = PREDICTIONS.decode(bytes);
  if (!decoded.ok) throw new Error(`prediction record: ${decoded.reason}: ${decoded.message}`);
  return decoded.value;
}
