/**
 * The arithmetic of a small fully connected network on one flat parameter vector: layout, seeded
 * initialisation, forward pass and back-propagation. Kept apart from the classifier so that the
 * loss and its gradient can be computed (and finite-difference checked) without an optimizer.
 *
 * Layout of the parameter vector, layer by layer: the weights of layer l as `fanOut × fanIn`
 * row-major (one output unit's incoming weights are contiguous), then its `fanOut` biases.
 * Activations and deltas live in a reusable workspace, so a pass allocates nothing per row.
 */
import { Random } from './random';

export type MlpActivation = 'relu' | 'tanh';

export interface MlpLayout {
  /** Units per layer: `[nFeatures, ...hidden, outputs]`; outputs is 1 for two classes (a sigmoid), else nClasses (a softmax). */
  readonly sizes: readonly number[];
  readonly weightOffsets: readonly number[];
  readonly biasOffsets: readonly number[];
  readonly parameterCount: number;
}

export function mlpLayout(sizes: readonly number[]): MlpLayout {
  const weightOffsets: number[] = [];
  const biasOffsets: number[] = [];
  let offset = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    weightOffsets.push(offset);
    offset += sizes[l] * sizes[l + 1];
    biasOffsets.push(offset);
    offset += sizes[l + 1];
  }
  return Object.freeze({ sizes: Object.freeze(sizes.slice()), weightOffsets: Object.freeze(weightOffsets), biasOffsets: Object.freeze(biasOffsets), parameterCount: offset });
}

/**
 * Uniform weights in ±limit and zero biases: He (limit √(6 / fanIn)) before a ReLU, Glorot
 * (√(6 / (fanIn + fanOut))) before a tanh and into the output layer, whose sigmoid/softmax is tanh-like.
 */
export function initialParameters(layout: MlpLayout, activation: MlpActivation, seed: number): Float64Array {
  const random = new Random(seed);
  const parameters = new Float64Array(layout.parameterCount);
  const { sizes } = layout;
  const layers = sizes.length - 1;
  for (let l = 0; l < layers; l++) {
    const fanIn = sizes[l];
    const fanOut = sizes[l + 1];
    const beforeRelu = activation === 'relu' && l < layers - 1;
    const limit = beforeRelu ? Math.sqrt(6 / fanIn) : Math.sqrt(6 / (fanIn + fanOut));
    const start = layout.weightOffsets[l];
    for (let k = start; k < start + fanIn * fanOut; k++) parameters[k] = random.uniform(-limit, limit);
  }
  return parameters;
}

/** Scratch for passes over at most `capacity` rows: post-activations and deltas of every non-input layer. */
export interface MlpWorkspace {
  readonly capacity: number;
  /** Index l - 1 holds layer l's outputs (`rows × sizes[l]`); the last holds the output probabilities. */
  readonly outputs: Float64Array[];
  /** d loss / d (pre-activation) of layer l at index l - 1. */
  readonly deltas: Float64Array[];
  /** One gradient in the parameters' layout. */
  readonly gradient: Float64Array;
}

const workspaces = new WeakMap<MlpLayout, MlpWorkspace>();

/**
 * A workspace for `layout` holding at least `rows` rows, reused across calls (and grown when needed).
 * Safe because passes are synchronous and never re-entered; callers must not keep views of it.
 */
export function workspaceFor(layout: MlpLayout, rows: number): MlpWorkspace {
  let ws = workspaces.get(layout);
  if (ws === undefined || ws.capacity < rows) {
    const capacity = Math.max(rows, ws === undefined ? 0 : ws.capacity * 2, 16);
    const widths = layout.sizes.slice(1);
    ws = {
      capacity,
      outputs: widths.map((w) => new Float64Array(capacity * w)),
      deltas: widths.map((w) => new Float64Array(capacity * w)),
      gradient: new Float64Array(layout.parameterCount),
    };
    workspaces.set(layout, ws);
  }
  return ws;
}

/**
 * Forward pass of `rows` rows starting at row `firstRow` of `x` (row-major, `sizes[0]` columns).
 * Leaves hidden post-activations and the output probabilities (sigmoid of the single logit, or the
 * softmax) in `ws.outputs`.
 */
export function forward(
  layout: MlpLayout, activation: MlpActivation, parameters: Float64Array, x: Float64Array, firstRow: number, rows: number, ws: MlpWorkspace,
): void {
  const { sizes, weightOffsets, biasOffsets } = layout;
  const layers = sizes.length - 1;
  const relu = activation === 'relu';
  let input = x;
  let inputBase = firstRow * sizes[0];
  for (let l = 0; l < layers; l++) {
    const fanIn = sizes[l];
    const fanOut = sizes[l + 1];
    const w0 = weightOffsets[l];
    const b0 = biasOffsets[l];
    const out = ws.outputs[l];
    const mode = l === layers - 1 ? LINEAR : relu ? RELU : TANH;
    // Four rows at a time share each weight load and give four independent sums; every row still
    // adds its terms in the same order, so results do not depend on how rows are grouped.
    let r = 0;
    for (; r + 4 <= rows; r += 4) {
      const in0 = inputBase + r * fanIn;
      const in1 = in0 + fanIn;
      const in2 = in1 + fanIn;
      const in3 = in2 + fanIn;
      const outRow = r * fanOut;
      let o = 0;
      // Two output units at a time as well: eight sums from six loads per input.
      for (; o + 2 <= fanOut; o += 2) {
        const wRow = w0 + o * fanIn;
        const wNext = wRow + fanIn;
        const bias = parameters[b0 + o];
        const biasNext = parameters[b0 + o + 1];
        let z0 = bias, z1 = bias, z2 = bias, z3 = bias;
        let y0 = biasNext, y1 = biasNext, y2 = biasNext, y3 = biasNext;
        for (let i = 0; i < fanIn; i++) {
          const w = parameters[wRow + i];
          const v = parameters[wNext + i];
          const a0 = input[in0 + i], a1 = input[in1 + i], a2 = input[in2 + i], a3 = input[in3 + i];
          z0 += w * a0;
          z1 += w * a1;
          z2 += w * a2;
          z3 += w * a3;
          y0 += v * a0;
          y1 += v * a1;
          y2 += v * a2;
          y3 += v * a3;
        }
        out[outRow + o] = activate(mode, z0);
        out[outRow + fanOut + o] = activate(mode, z1);
        out[outRow + 2 * fanOut + o] = activate(mode, z2);
        out[outRow + 3 * fanOut + o] = activate(mode, z3);
        out[outRow + o + 1] = activate(mode, y0);
        out[outRow + fanOut + o + 1] = activate(mode, y1);
        out[outRow + 2 * fanOut + o + 1] = activate(mode, y2);
        out[outRow + 3 * fanOut + o + 1] = activate(mode, y3);
      }
      for (; o < fanOut; o++) {
        const wRow = w0 + o * fanIn;
        const bias = parameters[b0 + o];
        let z0 = bias, z1 = bias, z2 = bias, z3 = bias;
        for (let i = 0; i < fanIn; i++) {
          const w = parameters[wRow + i];
          z0 += w * input[in0 + i];
          z1 += w * input[in1 + i];
          z2 += w * input[in2 + i];
          z3 += w * input[in3 + i];
        }
        out[outRow + o] = activate(mode, z0);
        out[outRow + fanOut + o] = activate(mode, z1);
        out[outRow + 2 * fanOut + o] = activate(mode, z2);
        out[outRow + 3 * fanOut + o] = activate(mode, z3);
      }
    }
    for (; r < rows; r++) {
      const inRow = inputBase + r * fanIn;
      const outRow = r * fanOut;
      for (let o = 0; o < fanOut; o++) {
        const wRow = w0 + o * fanIn;
        let z = parameters[b0 + o];
        for (let i = 0; i < fanIn; i++) z += parameters[wRow + i] * input[inRow + i];
        out[outRow + o] = activate(mode, z);
      }
    }
    input = out;
    inputBase = 0;
  }
  squashOutputs(ws.outputs[layers - 1], rows, sizes[layers]);
}

const LINEAR = 0;
const RELU = 1;
const TANH = 2;

function activate(mode: number, z: number): number {
  return mode === RELU ? (z > 0 ? z : 0) : mode === TANH ? Math.tanh(z) : z;
}

/** Logits → probabilities in place: the sigmoid of a single output, else a stable softmax per row. */
function squashOutputs(out: Float64Array, rows: number, width: number): void {
  if (width === 1) {
    for (let r = 0; r < rows; r++) out[r] = 1 / (1 + Math.exp(-out[r]));
    return;
  }
  for (let r = 0; r < rows; r++) {
    const base = r * width;
    let max = -Infinity;
    for (let c = 0; c < width; c++) if (out[base + c] > max) max = out[base + c];
    let sum = 0;
    for (let c = 0; c < width; c++) sum += out[base + c] = Math.exp(out[base + c] - max);
    for (let c = 0; c < width; c++) out[base + c] /= sum;
  }
}

/**
 * Mean cross-entropy of the rows a `forward` pass left in `ws`. A probability that rounded to 0
 * counts as the smallest positive double, so the loss stays finite (about 744.4 per such row).
 */
export function meanCrossEntropy(layout: MlpLayout, y: Int32Array, firstRow: number, rows: number, ws: MlpWorkspace): number {
  const width = layout.sizes[layout.sizes.length - 1];
  const out = ws.outputs[ws.outputs.length - 1];
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const label = y[firstRow + r];
    const p = width === 1 ? (label === 1 ? out[r] : 1 - out[r]) : out[r * width + label];
    total -= Math.log(Math.max(p, Number.MIN_VALUE));
  }
  return total / rows;
}

/**
 * Adds the gradient of the mean cross-entropy over the rows of the last `forward` pass to `gradient`
 * (same layout as the parameters). The output delta of cross-entropy on a sigmoid or softmax is
 * p − onehot(y); hidden deltas use the stored post-activations (ReLU: a > 0; tanh: 1 − a²).
 */
export function backward(
  layout: MlpLayout, activation: MlpActivation, parameters: Float64Array, x: Float64Array, y: Int32Array, firstRow: number, rows: number,
  ws: MlpWorkspace, gradient: Float64Array,
): void {
  const { sizes, weightOffsets, biasOffsets } = layout;
  const layers = sizes.length - 1;
  const width = sizes[layers];
  const scale = 1 / rows;
  const probabilities = ws.outputs[layers - 1];
  const outDelta = ws.deltas[layers - 1];
  for (let r = 0; r < rows; r++) {
    const label = y[firstRow + r];
    if (width === 1) {
      outDelta[r] = (probabilities[r] - label) * scale;
    } else {
      const base = r * width;
      for (let c = 0; c < width; c++) outDelta[base + c] = (probabilities[base + c] - (c === label ? 1 : 0)) * scale;
    }
  }
  const relu = activation === 'relu';
  for (let l = layers - 1; l >= 0; l--) {
    const input = l === 0 ? x : ws.outputs[l - 1];
    const inputBase = l === 0 ? firstRow * sizes[0] : 0;
    accumulateLayerGradient(sizes[l], sizes[l + 1], weightOffsets[l], biasOffsets[l], input, inputBase, ws.deltas[l], rows, gradient);
    if (l > 0) propagateDelta(sizes[l], sizes[l + 1], weightOffsets[l], parameters, ws.deltas[l], input, ws.deltas[l - 1], rows, relu);
  }
}

/**
 * gradient[W] += deltaᵀ · input and gradient[b] += Σ rows of delta, four rows at a time so that
 * each gradient entry is loaded and stored once per four rows.
 */
function accumulateLayerGradient(
  fanIn: number, fanOut: number, w0: number, b0: number, input: Float64Array, inputBase: number, delta: Float64Array, rows: number,
  gradient: Float64Array,
): void {
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const in0 = inputBase + r * fanIn;
    const in1 = in0 + fanIn;
    const in2 = in1 + fanIn;
    const in3 = in2 + fanIn;
    const d0Row = r * fanOut;
    for (let o = 0; o < fanOut; o++) {
      const d0 = delta[d0Row + o];
      const d1 = delta[d0Row + fanOut + o];
      const d2 = delta[d0Row + 2 * fanOut + o];
      const d3 = delta[d0Row + 3 * fanOut + o];
      // A ReLU unit that was off for all four rows contributes nothing.
      if (d0 === 0 && d1 === 0 && d2 === 0 && d3 === 0) continue;
      gradient[b0 + o] += d0 + d1 + d2 + d3;
      const wRow = w0 + o * fanIn;
      for (let i = 0; i < fanIn; i++) {
        gradient[wRow + i] += d0 * input[in0 + i] + d1 * input[in1 + i] + d2 * input[in2 + i] + d3 * input[in3 + i];
      }
    }
  }
  for (; r < rows; r++) {
    const inRow = inputBase + r * fanIn;
    for (let o = 0; o < fanOut; o++) {
      const d = delta[r * fanOut + o];
      if (d === 0) continue;
      gradient[b0 + o] += d;
      const wRow = w0 + o * fanIn;
      for (let i = 0; i < fanIn; i++) gradient[wRow + i] += d * input[inRow + i];
    }
  }
}

/**
 * The previous layer's delta: (delta · W) ⊙ activation′, where the derivative comes from the stored
 * post-activation a (ReLU: a > 0; tanh: 1 − a²). Four rows at a time share each weight load.
 */
function propagateDelta(
  fanIn: number, fanOut: number, w0: number, parameters: Float64Array, delta: Float64Array, activations: Float64Array, inDelta: Float64Array,
  rows: number, relu: boolean,
): void {
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const d0 = r * fanOut;
    const d1 = d0 + fanOut;
    const d2 = d1 + fanOut;
    const d3 = d2 + fanOut;
    const a0 = r * fanIn;
    let i = 0;
    // Two input units at a time share the delta loads: eight sums from six loads per output unit.
    for (; i + 2 <= fanIn; i += 2) {
      if (relu && !anyActive(activations, a0 + i, fanIn) && !anyActive(activations, a0 + i + 1, fanIn)) {
        // Both units were off for all four rows: their deltas are 0 whatever flows back.
        clearColumn(inDelta, a0 + i, fanIn);
        clearColumn(inDelta, a0 + i + 1, fanIn);
        continue;
      }
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let t0 = 0, t1 = 0, t2 = 0, t3 = 0;
      for (let o = 0, w = w0 + i; o < fanOut; o++, w += fanIn) {
        const weight = parameters[w];
        const next = parameters[w + 1];
        const e0 = delta[d0 + o], e1 = delta[d1 + o], e2 = delta[d2 + o], e3 = delta[d3 + o];
        s0 += e0 * weight;
        s1 += e1 * weight;
        s2 += e2 * weight;
        s3 += e3 * weight;
        t0 += e0 * next;
        t1 += e1 * next;
        t2 += e2 * next;
        t3 += e3 * next;
      }
      storeDeltas(inDelta, activations, a0 + i, fanIn, relu, s0, s1, s2, s3);
      storeDeltas(inDelta, activations, a0 + i + 1, fanIn, relu, t0, t1, t2, t3);
    }
    for (; i < fanIn; i++) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let o = 0, w = w0 + i; o < fanOut; o++, w += fanIn) {
        const weight = parameters[w];
        s0 += delta[d0 + o] * weight;
        s1 += delta[d1 + o] * weight;
        s2 += delta[d2 + o] * weight;
        s3 += delta[d3 + o] * weight;
      }
      storeDeltas(inDelta, activations, a0 + i, fanIn, relu, s0, s1, s2, s3);
    }
  }
  for (; r < rows; r++) {
    const dRow = r * fanOut;
    const aRow = r * fanIn;
    for (let i = 0; i < fanIn; i++) {
      if (relu && !(activations[aRow + i] > 0)) {
        inDelta[aRow + i] = 0;
        continue;
      }
      let s = 0;
      for (let o = 0, w = w0 + i; o < fanOut; o++, w += fanIn) s += delta[dRow + o] * parameters[w];
      inDelta[aRow + i] = s * derivative(relu, activations[aRow + i]);
    }
  }
}

/** True when the unit at `at` is on (a > 0) in any of four consecutive rows `stride` apart. */
function anyActive(activations: Float64Array, at: number, stride: number): boolean {
  return activations[at] > 0 || activations[at + stride] > 0 || activations[at + 2 * stride] > 0 || activations[at + 3 * stride] > 0;
}

function clearColumn(values: Float64Array, at: number, stride: number): void {
  values[at] = values[at + stride] = values[at + 2 * stride] = values[at + 3 * stride] = 0;
}

/** The four rows' back-propagated sums times the activation's derivative. */
function storeDeltas(
  inDelta: Float64Array, activations: Float64Array, at: number, stride: number, relu: boolean, s0: number, s1: number, s2: number, s3: number,
): void {
  inDelta[at] = s0 * derivative(relu, activations[at]);
  inDelta[at + stride] = s1 * derivative(relu, activations[at + stride]);
  inDelta[at + 2 * stride] = s2 * derivative(relu, activations[at + 2 * stride]);
  inDelta[at + 3 * stride] = s3 * derivative(relu, activations[at + 3 * stride]);
}

function derivative(relu: boolean, a: number): number {
  return relu ? (a > 0 ? 1 : 0) : 1 - a * a;
}

/** ½ · l2 · Σ w² over the weights (biases are not penalised). */
export function l2Penalty(layout: MlpLayout, parameters: Float64Array, l2: number): number {
  if (l2 === 0) return 0;
  let sum = 0;
  forEachWeightRange(layout, (start, end) => {
    for (let k = start; k < end; k++) sum += parameters[k] * parameters[k];
  });
  return 0.5 * l2 * sum;
}

/** Adds the penalty's gradient l2 · w to the weights' entries of `gradient`. */
export function addL2Gradient(layout: MlpLayout, parameters: Float64Array, l2: number, gradient: Float64Array): void {
  if (l2 === 0) return;
  forEachWeightRange(layout, (start, end) => {
    for (let k = start; k < end; k++) gradient[k] += l2 * parameters[k];
  });
}

function forEachWeightRange(layout: MlpLayout, visit: (start: number, end: number) => void): void {
  const { sizes, weightOffsets } = layout;
  for (let l = 0; l + 1 < sizes.length; l++) visit(weightOffsets[l], weightOffsets[l] + sizes[l] * sizes[l + 1]);
}
