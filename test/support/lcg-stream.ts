/**
 * The stream of test/fixtures/hoeffding_river.py (`lcg_stream`), regenerated bit for bit so that
 * River's results on it can be compared with ours. See that script for the definition.
 */
import { matrix, type LabeledBatch } from '../../models/types';

export const LCG_FEATURES = 8;
export type LcgConcept = 'binary' | '3-class';

export function lcgStream(seed: number, rows: number, concept: LcgConcept): LabeledBatch {
  let state = seed >>> 0;
  const draw = (): number => {
    state = (Math.imul(1664525, state) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const nClasses = concept === 'binary' ? 2 : 3;
  const x = new Float64Array(rows * LCG_FEATURES);
  const y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const v = x.subarray(r * LCG_FEATURES, (r + 1) * LCG_FEATURES);
    for (let j = 0; j < LCG_FEATURES; j++) v[j] = draw();
    const noise = draw();
    const replacement = draw();
    let label: number;
    if (concept === 'binary') {
      label = (v[0] + v[1] > 1 && v[2] > 0.3) || v[3] < 0.2 || (v[4] - 0.5) * (v[4] - 0.5) + (v[5] - 0.5) * (v[5] - 0.5) < 0.05 ? 1 : 0;
    } else {
      const s = v[0] + 0.5 * v[1] * v[2];
      label = s < 0.5 ? 0 : s < 0.9 ? 1 : 2;
    }
    y[r] = noise < 0.05 ? Math.floor(replacement * nClasses) : label;
  }
  return { x: matrix(rows, LCG_FEATURES, x), y };
}
