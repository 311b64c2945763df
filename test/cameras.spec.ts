import * as tf from '@tensorflow/tfjs';

import * as dr from '../src/index';

import {describeEachBackend} from './util/backends';
import {expectError} from './util/errors';
import {checkGradient} from './util/fd';

/** M·[p, 1] for a row-major 4×4 array. */
function apply(m: ArrayLike<number>, p: number[]): number[] {
  const q = [...p, 1];
  return [0, 1, 2, 3].map(i => q.reduce((s, x, k) => s + m[4 * i + k] * x, 0));
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, digits = 5) =>
  Array.from(a).forEach((x, i) => expect(x).toBeCloseTo(b[i], digits));

describeEachBackend('cameras', () => {
  it('perspective: focal terms from the field of view, near → −1 and far → +1 in NDC', async () => {
    const fovy = 0.9,
      aspect = 1.5,
      near = 0.5,
      far = 20;
    const m = await dr.cameras.perspective({fovy, aspect, near, far}).data();
    const t = Math.tan(fovy / 2);
    close([m[0], m[5], m[14]], [1 / (t * aspect), 1 / t, -1]);
    for (const [d, ndc] of [
      [near, -1],
      [far, 1],
    ]) {
      const c = apply(m, [0.1, -0.2, -d]);
      expect(c[2] / c[3]).toBeCloseTo(ndc, 5);
    }
    // A point on the top edge of the view cone lands on NDC y = 1; on the right edge, x = 1.
    const top = apply(m, [0, 3 * t, -3]),
      right = apply(m, [3 * t * aspect, 0, -3]);
    expect(top[1] / top[3]).toBeCloseTo(1, 5);
    expect(right[0] / right[3]).toBeCloseTo(1, 5);
  });

  it('lookAt: eye to the origin, target onto −z, up into the y half-plane, rigid', async () => {
    const eye = [1, 2, 3],
      target = [-1, 0.5, -2],
      up = [0.2, 1, 0.1];
    const m = await dr.cameras
      .lookAt(eye as [number, number, number], target as [number, number, number], up as [number, number, number])
      .data();
    close(apply(m, eye), [0, 0, 0, 1]);
    const dist = Math.hypot(...eye.map((e, i) => e - target[i]));
    close(apply(m, target), [0, 0, -dist, 1]);
    const u = apply(
      m,
      eye.map((e, i) => e + up[i]),
    );
    expect(u[0]).toBeCloseTo(0, 5);
    expect(u[1]).toBeGreaterThan(0);
    // Rows of the rotation are orthonormal.
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const dot = [0, 1, 2].reduce((s, k) => s + m[4 * i + k] * m[4 * j + k], 0);
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 5);
      }
    }
  });

  it('orbit: the camera sits at the spherical position and looks at the target', async () => {
    const az = 0.7,
      el = 0.3,
      d = 4,
      target: [number, number, number] = [0.5, -0.2, 0.1];
    const m = await dr.cameras.orbit({azimuth: az, elevation: el, distance: d, target}).data();
    const eye = [Math.cos(el) * Math.sin(az), Math.sin(el), Math.cos(el) * Math.cos(az)].map(
      (x, i) => target[i] + d * x,
    );
    close(apply(m, eye), [0, 0, 0, 1]);
    close(apply(m, target), [0, 0, -d, 1]);
  });

  it('intrinsics: a point OpenCV projects to pixel (u, v) lands on column u and displayed row v', async () => {
    const [width, height] = [40, 30];
    const K = {fx: 35, fy: 38, cx: 19.2, cy: 14.1};
    const m = await dr.cameras.intrinsics({...K, width, height, near: 0.1, far: 100}).data();
    for (const p of [
      [0.3, -0.2, 2],
      [-0.5, 0.4, 3.5],
      [0, 0, 1],
    ]) {
      const u = (K.fx * p[0]) / p[2] + K.cx,
        v = (K.fy * p[1]) / p[2] + K.cy;
      const c = apply(m, p);
      expect(c[3]).toBeCloseTo(p[2], 5);
      // Pixel coordinates of our convention (centers at half-integers, row 0 at the bottom).
      const col = ((c[0] / c[3] + 1) * width) / 2 - 0.5;
      const rowFromBottom = ((c[1] / c[3] + 1) * height) / 2 - 0.5;
      expect(col).toBeCloseTo(u, 4);
      expect(height - 1 - rowFromBottom).toBeCloseTo(v, 4);
    }
    close([apply(m, [0, 0, 0.1])[2] / 0.1, apply(m, [0, 0, 100])[2] / 100], [-1, 1], 4);
  });

  it('intrinsics: a small triangle around the ray of pixel (5, 2) covers exactly that pixel after the flip', async () => {
    const [width, height] = [16, 12];
    const K = {fx: 20, fy: 20, cx: 7.5, cy: 5.5};
    const [u, v, z] = [5, 2, 2];
    const c = [((u - K.cx) * z) / K.fx, ((v - K.cy) * z) / K.fy, z];
    const r = 0.3 / K.fx; // a third of a pixel at depth 2
    const pos = tf.tensor2d([
      [c[0] - r, c[1] - r, z],
      [c[0] + r, c[1] - r, z],
      [c[0], c[1] + r, z],
    ]);
    const proj = dr.cameras.intrinsics({...K, width, height, near: 0.5, far: 10});
    const {rast} = dr.rasterize(dr.mat4.transformPos(proj, pos), [[0, 1, 2]], [height, width]);
    const ids = await tf.reverse(tf.slice(rast, [0, 0, 0, 3], [1, -1, -1, 1]), 1).data();
    const covered = [...ids].flatMap((id, i) => (id > 0 ? [[Math.floor(i / width), i % width]] : []));
    expect(covered).toEqual([[v, u]]);
  });

  it('transformPos and its gradients (positions, per-image matrices) agree with the cpu backend', async () => {
    const pos = Array.from({length: 7 * 3}, (_, i) => Math.sin(1.7 * i + 0.3));
    const mats = Array.from({length: 2 * 16}, (_, i) => Math.cos(0.9 * i + 0.2));
    const weights = Array.from({length: 2 * 7 * 4}, (_, i) => Math.sin(0.7 * i + 1.1));
    // Each backend's clip positions and its gradients of Σ w·clip with respect to matrices and positions.
    const run = async () => {
      const [m, p, w] = [tf.tensor3d(mats, [2, 4, 4]), tf.tensor2d(pos, [7, 3]), tf.tensor3d(weights, [2, 7, 4])];
      const f = (a: tf.Tensor, b: tf.Tensor) => dr.mat4.transformPos(a, b as tf.Tensor2D);
      const outs = [f(m, p), ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, b), w)))([m, p])];
      const values = await Promise.all(outs.map(o => o.data()));
      tf.dispose([m, p, w, ...outs]);
      return values;
    };
    const here = await run();
    const backend = tf.getBackend();
    await tf.setBackend('cpu');
    const reference = await run().finally(() => tf.setBackend(backend));
    here.forEach((values, k) => close(values, reference[k]));
  });

  it('compose multiplies tensors and arrays left to right', async () => {
    const a = dr.mat4.rotateX(0.3),
      b = dr.mat4.translate(1, 2, 3);
    close(await dr.cameras.compose(tf.tensor2d(a, [4, 4]), b).data(), dr.mat4.compose(a, b));
  });

  it("tensor parameters give the number path's matrices, to the backend's float32 trig accuracy", async () => {
    const numbers = dr.cameras.compose(
      dr.cameras.perspective({fovy: 0.8, aspect: 1.2, near: 0.5, far: 10}),
      dr.cameras.orbit({azimuth: 0.4, elevation: 0.3, distance: 3, target: [0.1, 0, 0]}),
    );
    const tensors = dr.cameras.compose(
      dr.cameras.perspective({fovy: tf.scalar(0.8), aspect: 1.2, near: 0.5, far: 10}),
      dr.cameras.orbit({azimuth: tf.scalar(0.4), elevation: 0.3, distance: 3, target: tf.tensor1d([0.1, 0, 0])}),
    );
    // SwiftShader's sin/cos/tan are off by up to ~1e-4 relative; the cpu backend's agree to float32.
    const a = await numbers.data(),
      b = await tensors.data();
    a.forEach((x, i) => expect(Math.abs(b[i] - x)).toBeLessThan(1e-3 * (1 + Math.abs(x))));
  });

  it('reject bad parameters with errors naming them', () => {
    expectError(
      () => dr.cameras.perspective({fovy: NaN, aspect: 1, near: 1, far: 2}),
      'cameras.perspective: fovy must be a finite number',
    );
    expectError(() => dr.cameras.lookAt([0, 0] as never, [0, 0, 0]), 'cameras.lookAt: eye must be 3 finite numbers');
    expectError(
      () => dr.cameras.intrinsics({fx: 1, fy: 1, cx: 0, cy: 0, width: 0, height: 4, near: 1, far: 2}),
      'cameras.intrinsics: width must be a positive integer, got 0',
    );
    expectError(() => dr.cameras.compose([1, 2, 3]), 'cameras.compose: matrix 0 must be 4×4');
    const [matrix, pos] = [tf.zeros([3, 4]), tf.zeros([2, 3]) as tf.Tensor2D];
    expectError(
      () => dr.mat4.transformPos(matrix, pos),
      'mat4.transformPos: matrix must have shape [4,4] or [N,4,4] (or be 16 numbers), got [3,4]',
    );
    expectError(
      () => dr.mat4.transformPos(dr.mat4.identity(), matrix as tf.Tensor2D),
      'mat4.transformPos: pos must have shape [V,3], got [3,4]',
    );
    tf.dispose([matrix, pos]);
  });
});

// The gradients are those of tfjs's own ops (the same graph on every backend). They are checked on cpu:
// the GPU backends' float32 sin/cos/tan (up to ~1e-4 off on SwiftShader) make finite differences at these
// steps measure the trig's noise, not the gradient.
describeEachBackend(
  'cameras: gradients',
  () => {
    it('gradients with respect to tensor parameters match finite differences', async () => {
      const pos = tf.tensor2d([
        [0.3, -0.2, 0.1],
        [-0.4, 0.5, -0.3],
        [0.2, 0.4, 0.6],
      ]);
      // x = (fovy, azimuth, elevation, distance, target x).
      const x = tf.tensor1d([0.8, 0.4, 0.3, 3, 0.1]);
      const part = (v: tf.Tensor, i: number) => tf.reshape(tf.slice(v, [i], [1]), []) as tf.Scalar;
      await checkGradient({
        f: v => {
          const target = tf.concat([tf.slice(v, [4], [1]), tf.tensor1d([0, 0])]) as tf.Tensor1D;
          const proj = dr.cameras.perspective({fovy: part(v, 0), aspect: 1.2, near: 0.5, far: 10});
          const view = dr.cameras.orbit({azimuth: part(v, 1), elevation: part(v, 2), distance: part(v, 3), target});
          return dr.mat4.transformPos(tf.matMul(proj, view), pos);
        },
        x,
        h: 1e-3,
      });
      // (fx, fy, cx, cy, near).
      const k = tf.tensor1d([30, 28, 15, 11, 0.5]);
      const cvPos = tf.tensor2d([
        [0.3, -0.2, 2],
        [-0.4, 0.5, 3],
      ]);
      await checkGradient({
        f: v =>
          dr.mat4.transformPos(
            dr.cameras.intrinsics({
              fx: part(v, 0),
              fy: part(v, 1),
              cx: part(v, 2),
              cy: part(v, 3),
              width: 32,
              height: 24,
              near: part(v, 4),
              far: 20,
            }),
            cvPos,
          ),
        x: k,
        h: 1e-2,
      });
      // lookAt with respect to the eye.
      await checkGradient({
        f: e => dr.mat4.transformPos(dr.cameras.lookAt(e as tf.Tensor1D, [0, 0, 0], [0, 1, 0]), pos),
        x: tf.tensor1d([0.5, 1, 3]),
        h: 1e-3,
      });
    });
  },
  ['webgl', 'webgpu'],
);
