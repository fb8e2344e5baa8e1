import type { DetectorKind, DriftDetector } from './types';
import { adwin } from './adwin';
import { pageHinkley } from './page-hinkley';
import { ddm } from './ddm';
import { eddm } from './eddm';

/**
 * The drift detectors selectable by name (e.g. from a gate's policy options). Unknown options are
 * rejected by the factories, so a typo fails at start-up.
 */
export const DETECTORS = {
  adwin: (options: Record<string, unknown>) => adwin(options as never),
  'page-hinkley': (options: Record<string, unknown>) => pageHinkley(options as never),
  ddm: (options: Record<string, unknown>) => ddm(options as never),
  eddm: (options: Record<string, unknown>) => eddm(options as never),
} as const satisfies Record<DetectorKind, (options: Record<string, unknown>) => DriftDetector<any>>;

export const DETECTOR_NAMES = Object.keys(DETECTORS) as DetectorKind[];

export function createDetector(name: string, options: Record<string, unknown> = {}): DriftDetector<unknown> {
  const factory = (DETECTORS as Record<string, (o: Record<string, unknown>) => DriftDetector<unknown>>)[name];
  if (factory === undefined) {
    throw new RangeError(`unknown drift detector ${JSON.stringify(name)}; choose one of ${DETECTOR_NAMES.join(', ')}`);
  }
  return factory(options);
}
