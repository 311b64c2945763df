/**
 * Gradients against central finite differences (docs/testing.md#finite-differences), on whatever backend is active.
 *
 * The loss is Σ w·f(x) with seeded random weights w over the output elements chosen by
 * `include`. For every checked coordinate of x, f is evaluated at x ± h and x ± h/2. An output
 * element whose differences do not scale as a smooth function's would (first differences with
 * the step, second differences with its square) is not smooth there: a coverage change, a texel-cell or mip-level crossing, an antialias item switching on.
 * Such elements leave the loss for every coordinate (at most `maxNonSmooth` of them may, so the
 * check keeps its teeth), and the analytic gradient of the same masked loss is compared with
 * the finite differences: max |analytic − fd| / max |analytic| ≤ tol.
 */
import * as tf from '@tensorflow/tfjs';

import {Rng} from './random';

export interface GradCheck {
  /** The function under test; its output may have any shape. */
  f: (x: tf.Tensor) => tf.Tensor;
  x: tf.Tensor;
  /** Step (in x's units). */
  h: number;
  /** Output elements that enter the loss (default: all). */
  include?: (index: number) => boolean;
  /** Coordinates of x to check (default: all). */
  coords?: number[];
  tol?: number;
  maxNonSmooth?: number;
  /** Float noise of one output value, relative to 1 + |value| (default 1e-6). */
  noise?: number;
  seed?: number;
}

export interface GradCheckResult {
  error: number;
  maxGrad: number;
  checked: number;
  nonSmooth: number;
  included: number;
  /** The coordinate with the largest disagreement. */
  worst: {coord: number; analytic: number; fd: number};
}

/**
 * Reads back asynchronously: a synchronous read on webgpu goes through a canvas and loses the
 * device under SwiftShader.
 */
async function read(make: () => tf.Tensor): Promise<Float32Array> {
  const t = tf.tidy(make);
  const values = (await t.data()) as Float32Array;
  t.dispose();
  return values;
}

function evaluate(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, values: Float32Array): Promise<Float32Array> {
  return read(() => f(tf.tensor(values, x.shape, 'float32')));
}

export async function checkGradient(spec: GradCheck): Promise<GradCheckResult> {
  const {f, x, h} = spec;
  const tol = spec.tol ?? 1e-3;
  const x0 = (await x.data()) as Float32Array;
  const out0 = await evaluate(f, x, x0);
  const rng = new Rng(spec.seed ?? 1234);
  const weights = new Float64Array(out0.length);
  let included = 0;
  for (let i = 0; i < out0.length; i++) {
    if (!spec.include || spec.include(i)) {
      weights[i] = rng.uniform(-1, 1);
      included++;
    }
  }
  const coords = spec.coords ?? Array.from({length: x0.length}, (_, i) => i);
  const smooth = new Uint8Array(out0.length).fill(1);
  const diffs: Array<{d: Float32Array; step: number}> = [];
  const shifted = async (j: number, delta: number) => {
    const v = x0.slice();
    v[j] = Math.fround(x0[j] + delta);
    return {out: await evaluate(f, x, v), at: v[j]};
  };
  for (const j of coords) {
    const p = await shifted(j, h),
      m = await shifted(j, -h),
      ph = await shifted(j, h / 2),
      mh = await shifted(j, -h / 2);
    const d = new Float32Array(out0.length);
    for (let i = 0; i < out0.length; i++) {
      if (weights[i] === 0) continue;
      const full = p.out[i] - m.out[i],
        half = ph.out[i] - mh.out[i];
      const halfRatio = (ph.at - mh.at) / (p.at - m.at);
      const noise = (spec.noise ?? 1e-6) * (1 + Math.abs(out0[i]));
      const allowed = 1e-3 * Math.abs(full) + noise;
      // Smooth: first differences halve with the step and second differences quarter. A jump
      // breaks the first rule; a kink breaks the second even when it sits right at x.
      const second = p.out[i] - 2 * out0[i] + m.out[i],
        secondHalf = ph.out[i] - 2 * out0[i] + mh.out[i];
      if (Math.abs(full * halfRatio - half) > allowed || Math.abs(second - 4 * secondHalf) > allowed) smooth[i] = 0;
      d[i] = full;
    }
    diffs.push({d, step: p.at - m.at});
  }
  let nonSmooth = 0;
  for (let i = 0; i < out0.length; i++) {
    if (weights[i] !== 0 && !smooth[i]) {
      weights[i] = 0;
      nonSmooth++;
    }
  }
  const maxNonSmooth = spec.maxNonSmooth ?? 0.3;
  if (nonSmooth > maxNonSmooth * included) {
    throw new Error(
      `gradient check: ${nonSmooth} of ${included} output elements are not smooth under the ` +
        `perturbation (more than ${maxNonSmooth * 100}%): step too large or scene degenerate`,
    );
  }
  const w = tf.tensor(Float32Array.from(weights), [out0.length]);
  const analytic = await read(() => tf.grad(v => tf.sum(tf.mul(tf.reshape(f(v), [-1]), w)))(x));
  w.dispose();
  let maxGrad = 0,
    maxDiff = 0,
    worst = {coord: -1, analytic: 0, fd: 0};
  coords.forEach((j, k) => {
    const {d, step} = diffs[k];
    let fd = 0;
    for (let i = 0; i < out0.length; i++) fd += weights[i] * d[i];
    fd /= step;
    maxGrad = Math.max(maxGrad, Math.abs(analytic[j]), Math.abs(fd));
    if (Math.abs(analytic[j] - fd) > maxDiff) {
      maxDiff = Math.abs(analytic[j] - fd);
      worst = {coord: j, analytic: analytic[j], fd};
    }
  });
  const error = maxDiff / Math.max(maxGrad, 1e-12);
  const result = {error, maxGrad, checked: coords.length, nonSmooth, included, worst};
  if (!(error <= tol) || !(maxGrad > 0)) {
    throw new Error(`gradient check failed: ${JSON.stringify(result)} (tol ${tol})`);
  }
  return result;
}
