/**
 * 4×4 transforms for building clip-space positions: row-major arrays of 16 numbers acting on
 * column vectors (clip = M·[x, y, z, 1]ᵀ), OpenGL conventions (camera looks down −z).
 */
import * as tf from '@tensorflow/tfjs-core';

import {TransformPos, TransformPosGrad} from '../kernels/names';
import {checkShape, fail, shapeStr} from '../ops/checks';

/** A 4×4 matrix: 16 numbers, row-major, acting on column vectors. */
export type Mat4 = number[];

/**
 * The identity matrix.
 * @returns The matrix (16 numbers, row-major).
 */
export function identity(): Mat4 {
  return [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
}

/**
 * The product a·b (b applies first).
 * @param a - the left factor.
 * @param b - the right factor.
 * @returns a·b.
 * @example
 * ```ts
 * const m = mat4.multiply(mat4.translate(0, 0, -3), mat4.rotateY(0.5)); // rotate, then move
 * ```
 */
export function multiply(a: Mat4, b: Mat4): Mat4 {
  const out = new Array(16).fill(0);
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      for (let k = 0; k < 4; k++) out[4 * i + j] += a[4 * i + k] * b[4 * k + j];
    }
  }
  return out;
}

/**
 * The product of the matrices from left to right (the rightmost applies first).
 * @param ms - The matrices.
 * @returns The matrix (16 numbers, row-major).
 * @example
 * ```ts
 * const model = mat4.compose(mat4.translate(0, 0, -3), mat4.rotateY(0.5), mat4.scale(2));
 * ```
 */
export function compose(...ms: Mat4[]): Mat4 {
  return ms.reduce(multiply, identity());
}

/**
 * A translation by (x, y, z).
 * @param x - Offset along x.
 * @param y - Offset along y.
 * @param z - Offset along z.
 * @returns The matrix (16 numbers, row-major).
 */
export function translate(x: number, y: number, z: number): Mat4 {
  return [1, 0, 0, x, 0, 1, 0, y, 0, 0, 1, z, 0, 0, 0, 1];
}

/**
 * A scaling by (x, y, z).
 * @defaultValue y and z default to x (uniform scaling)
 * @param x - Factor along x.
 * @param y - Factor along y.
 * @param z - Factor along z.
 * @returns The matrix (16 numbers, row-major).
 */
export function scale(x: number, y = x, z = x): Mat4 {
  return [x, 0, 0, 0, 0, y, 0, 0, 0, 0, z, 0, 0, 0, 0, 1];
}

/**
 * A rotation by `angle` radians about the x axis (y towards z).
 * @param angle - In radians.
 * @returns The matrix (16 numbers, row-major).
 */
export function rotateX(angle: number): Mat4 {
  const c = Math.cos(angle),
    s = Math.sin(angle);
  return [1, 0, 0, 0, 0, c, -s, 0, 0, s, c, 0, 0, 0, 0, 1];
}

/**
 * A rotation by `angle` radians about the y axis (z towards x).
 * @param angle - In radians.
 * @returns The matrix (16 numbers, row-major).
 */
export function rotateY(angle: number): Mat4 {
  const c = Math.cos(angle),
    s = Math.sin(angle);
  return [c, 0, s, 0, 0, 1, 0, 0, -s, 0, c, 0, 0, 0, 0, 1];
}

/**
 * Rotation by a unit quaternion (w, x, y, z).
 * @param q - The quaternion [w, x, y, z], of norm 1.
 * @returns The matrix (16 numbers, row-major).
 */
export function fromQuaternion([w, x, y, z]: number[]): Mat4 {
  return [
    1 - 2 * (y * y + z * z),
    2 * (x * y - w * z),
    2 * (x * z + w * y),
    0,
    2 * (x * y + w * z),
    1 - 2 * (x * x + z * z),
    2 * (y * z - w * x),
    0,
    2 * (x * z - w * y),
    2 * (y * z + w * x),
    1 - 2 * (x * x + y * y),
    0,
    0,
    0,
    0,
    1,
  ];
}

/**
 * A rotation drawn uniformly from SO(3), from three uniform numbers in [0, 1) (Shoemake's
 * method): pass `Math.random` or a seeded source.
 * @param random - A source of uniform numbers in [0, 1).
 * @returns The matrix (16 numbers, row-major).
 * @example
 * ```ts
 * const r = mat4.randomRotation(Math.random);
 * ```
 */
export function randomRotation(random: () => number): Mat4 {
  const [u1, u2, u3] = [random(), random(), random()];
  const a = Math.sqrt(1 - u1),
    b = Math.sqrt(u1);
  return fromQuaternion([
    a * Math.sin(2 * Math.PI * u2),
    a * Math.cos(2 * Math.PI * u2),
    b * Math.sin(2 * Math.PI * u3),
    b * Math.cos(2 * Math.PI * u3),
  ]);
}

/**
 * OpenGL perspective projection. `x` is the half-width of the view at distance `near` divided by
 * `near` (tan of half the horizontal field of view); the aspect ratio is width/height.
 * @param x - tan of half the horizontal field of view.
 * @param near - Distance of the near clipping plane (> 0).
 * @param far - Distance of the far clipping plane (> near).
 * @param aspect - Width / height of the image.
 * @returns The matrix (16 numbers, row-major).
 */
export function perspective(x = 0.4, near = 1, far = 50, aspect = 1): Mat4 {
  const y = x / aspect;
  return [
    1 / x,
    0,
    0,
    0,
    0,
    1 / y,
    0,
    0,
    0,
    0,
    -(far + near) / (far - near),
    -(2 * far * near) / (far - near),
    0,
    0,
    -1,
    0,
  ];
}

/**
 * Transforms `[V,3]` positions by a 4×4 matrix (or `[N,4,4]` matrices, one per image) into
 * clip space: `[1,V,4]` (or `[N,V,4]`). Differentiable with respect to both.
 * @param matrix - A 4×4 matrix (16 numbers or a `[4,4]` tensor), or `[N,4,4]` matrices.
 * @param pos - `[V,3]` positions.
 * @returns `[1,V,4]` (or `[N,V,4]`) clip-space positions, ready for {@link rasterize}.
 * @example
 * ```ts
 * const clip = mat4.transformPos(mat4.compose(mat4.perspective(), mat4.translate(0, 0, -3)), pos);
 * const {rast} = rasterize(clip, tri, [256, 256]);
 * ```
 */
export function transformPos(matrix: Mat4 | tf.Tensor, pos: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const m = matrix instanceof tf.Tensor ? matrix : tf.tensor2d(matrix, [4, 4]);
    if (!(m.rank === 2 || m.rank === 3) || m.shape[m.rank - 1] !== 4 || m.shape[m.rank - 2] !== 4) {
      fail(OP, `matrix must have shape [4,4] or [N,4,4] (or be 16 numbers), got ${shapeStr(m.shape)}`);
    }
    checkShape(OP, 'pos', pos, [2], 3, '[V,3]');
    const mats = (m.rank === 2 ? tf.expandDims(m, 0) : m) as tf.Tensor3D;
    return backendProduct()(mats, pos);
  });
}

const OP = 'mat4.transformPos';

/** The one backend switch of the utilities: webgpu's matMul is slow on 4-wide outputs (see TransformPos). */
function backendProduct(): (mats: tf.Tensor3D, pos: tf.Tensor2D) => tf.Tensor3D {
  return tf.getBackend() === 'webgpu' ? productKernel : productMatMul;
}

/**
 * clip[n, v, :] = M[n] · (p[v], 1) = p[v] · M[n][:, :3]ᵀ + 1 · M[n][:, 3]ᵀ, both products with matMul broadcasting
 * the batch: no homogeneous copy of the positions (its gradient would be split again) and no tiling or broadcast
 * add (slow paths of the cpu backend).
 */
function productMatMul(mats: tf.Tensor3D, pos: tf.Tensor2D): tf.Tensor3D {
  const n = mats.shape[0];
  // (Positions shared by several images are broadcast first: tfjs's matMul gradient gives a broadcast factor
  // the batch's shape, not its own.)
  const p = n > 1 ? tf.broadcastTo(tf.expandDims(pos, 0), [n, pos.shape[0], 3]) : tf.expandDims(pos, 0);
  const linear = tf.matMul(p, tf.slice(mats, [0, 0, 0], [n, 4, 3]), false, true);
  // tf.fill, not tf.ones: a Fill kernel on the backend (a pass on webgl), where tf.ones uploads V floats per call.
  const translation = tf.matMul(tf.fill([1, pos.shape[0], 1], 1), tf.slice(mats, [0, 0, 3], [n, 4, 1]), false, true);
  return tf.add(linear, translation) as tf.Tensor3D;
}

/**
 * The same product as one webgpu kernel (src/kernels/webgpu/transform_pos_program.ts says why), its position
 * gradient another; results may differ from the other backends' in the last bit.
 */
function productKernel(mats: tf.Tensor3D, pos: tf.Tensor2D): tf.Tensor3D {
  return tf.engine().runKernel(TransformPos, {mats, pos}) as tf.Tensor3D;
}

tf.registerGradient({
  kernelName: TransformPos,
  inputsToSave: ['mats', 'pos'],
  gradFunc: (dy, saved) => {
    const [mats, pos] = saved;
    return {
      mats: () => matrixGradient(dy as tf.Tensor3D, pos as tf.Tensor2D),
      pos: () => tf.engine().runKernel(TransformPosGrad, {mats, dy: dy as tf.Tensor}) as tf.Tensor,
    };
  },
});

/** d M[n] = Σ_v dclip[n, v] ⊗ (p[v], 1): tfjs's ops (a camera's few parameters, not the fit's many vertices). */
function matrixGradient(dy: tf.Tensor3D, pos: tf.Tensor2D): tf.Tensor3D {
  const [n, v] = dy.shape;
  const p = tf.broadcastTo(tf.expandDims(pos, 0), [n, v, 3]);
  const linear = tf.matMul(dy, p, true, false);
  const translation = tf.reshape(tf.sum(dy, 1), [n, 4, 1]);
  return tf.concat([linear, translation], 2) as tf.Tensor3D;
}
