/**
 * Cameras as 4×4 tensors in mat4's layout (row-major, acting on column vectors: clip = M·[x, y, z, 1]ᵀ),
 * ready for `mat4.transformPos`. Every parameter may be a number or a scalar tensor (vectors: arrays or
 * `[3]` tensors); the matrices are built from tensor ops, so they are differentiable with respect to
 * every tensor given. See docs/cameras.md.
 */
import * as tf from '@tensorflow/tfjs-core';

import type {Mat4} from './matrix';

export type Scalar = number | tf.Scalar;
export type Vec3 = [number, number, number] | tf.Tensor1D;

const OP = 'cameras';

function scalar(x: Scalar, arg: string, op: string): tf.Scalar {
  if (x instanceof tf.Tensor) {
    if (x.size !== 1)
      throw new Error(`${OP}.${op}: ${arg} must be a number or a scalar tensor, got shape [${x.shape}]`);
    return tf.reshape(x, []) as tf.Scalar;
  }
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw new Error(`${OP}.${op}: ${arg} must be a finite number or a scalar tensor, got ${JSON.stringify(x)}`);
  }
  return tf.scalar(x);
}

function vec3(v: Vec3, arg: string, op: string): tf.Tensor1D {
  if (v instanceof tf.Tensor) {
    if (v.size !== 3) throw new Error(`${OP}.${op}: ${arg} must have 3 elements, got shape [${v.shape}]`);
    return tf.reshape(v, [3]) as tf.Tensor1D;
  }
  if (!Array.isArray(v) || v.length !== 3 || !v.every(x => typeof x === 'number' && Number.isFinite(x))) {
    throw new Error(`${OP}.${op}: ${arg} must be 3 finite numbers or a [3] tensor, got ${JSON.stringify(v)}`);
  }
  return tf.tensor1d(v);
}

/** A [4,4] tensor from 16 entries, row by row; numbers become constants. */
function matrix(entries: (tf.Scalar | number)[]): tf.Tensor2D {
  return tf.reshape(tf.stack(entries.map(e => (typeof e === 'number' ? tf.scalar(e) : e))), [4, 4]) as tf.Tensor2D;
}

/** The rows of the depth mapping shared by the projections: camera depth d ∈ [near, far] ↦ NDC z ∈ [−1, 1]. */
function depthRow(near: tf.Scalar, far: tf.Scalar): [tf.Scalar, tf.Scalar] {
  const range = tf.sub(far, near);
  return [tf.div(tf.add(far, near), range), tf.div(tf.mul(-2, tf.mul(far, near)), range)];
}

export interface PerspectiveOptions {
  /** Vertical field of view in radians. */
  fovy: Scalar;
  /** Width / height of the image. */
  aspect: Scalar;
  near: Scalar;
  far: Scalar;
}

/**
 * OpenGL perspective projection from a vertical field of view: camera space (x right, y up, looking
 * down −z) to clip space; depths near..far map to NDC z −1..1.
 */
export function perspective({fovy, aspect, near, far}: PerspectiveOptions): tf.Tensor2D {
  return tf.tidy(() => {
    const f = tf.div(1, tf.tan(tf.div(scalar(fovy, 'fovy', 'perspective'), 2))) as tf.Scalar;
    const n = scalar(near, 'near', 'perspective'),
      fa = scalar(far, 'far', 'perspective');
    const [a, b] = depthRow(n, fa);
    const fx = tf.div(f, scalar(aspect, 'aspect', 'perspective')) as tf.Scalar;
    return matrix([fx, 0, 0, 0, 0, f, 0, 0, 0, 0, tf.neg(a), b, 0, 0, -1, 0]);
  });
}

/**
 * The view matrix of a camera at `eye` looking at `target`, with `up` pointing up in the image: world
 * space to OpenGL camera space (x right, y up, looking down −z). A rigid transform.
 */
export function lookAt(eye: Vec3, target: Vec3, up: Vec3 = [0, 1, 0]): tf.Tensor2D {
  return tf.tidy(() => {
    const e = vec3(eye, 'eye', 'lookAt'),
      t = vec3(target, 'target', 'lookAt'),
      u = vec3(up, 'up', 'lookAt');
    const z = normalize(tf.sub(e, t));
    const x = normalize(cross(u, z));
    const y = cross(z, x);
    const row = (axis: tf.Tensor1D) => tf.concat([axis, tf.reshape(tf.neg(tf.sum(tf.mul(axis, e))), [1])]);
    return tf.stack([row(x), row(y), row(z), tf.tensor1d([0, 0, 0, 1])]) as tf.Tensor2D;
  });
}

export interface OrbitOptions {
  /** Angle around the up axis (y) in radians; 0 puts the camera on +z of the target. */
  azimuth: Scalar;
  /** Angle above the xz plane in radians (keep it inside (−π/2, π/2)). */
  elevation: Scalar;
  distance: Scalar;
  target?: Vec3;
}

/**
 * The view matrix of a camera on a sphere around `target` (y up): at
 * target + distance·(cos(elevation)·sin(azimuth), sin(elevation), cos(elevation)·cos(azimuth)), looking at it.
 */
export function orbit({azimuth, elevation, distance, target = [0, 0, 0]}: OrbitOptions): tf.Tensor2D {
  return tf.tidy(() => {
    const az = scalar(azimuth, 'azimuth', 'orbit'),
      el = scalar(elevation, 'elevation', 'orbit'),
      d = scalar(distance, 'distance', 'orbit');
    const t = vec3(target, 'target', 'orbit');
    const ce = tf.cos(el);
    const dir = tf.stack([tf.mul(ce, tf.sin(az)), tf.sin(el), tf.mul(ce, tf.cos(az))]) as tf.Tensor1D;
    return lookAt(tf.add(t, tf.mul(d, dir)) as tf.Tensor1D, t, [0, 1, 0]);
  });
}

export interface IntrinsicsOptions {
  /** Focal lengths in pixels. */
  fx: Scalar;
  fy: Scalar;
  /** Principal point in pixels, OpenCV's convention: pixel (0, 0)'s center is at (0, 0), rows go down. */
  cx: Scalar;
  cy: Scalar;
  /** Image size in pixels: render at [height, width]. */
  width: number;
  height: number;
  near: Scalar;
  far: Scalar;
}

/**
 * The projection of an OpenCV camera matrix K = [[fx, 0, cx], [0, fy, cy], [0, 0, 1]]: OpenCV camera
 * space (x right, y down, looking down +z, as OpenCV's [R|t] produces) to clip space. A point that
 * OpenCV projects to pixel (u, v) lands on column u and, after the display flip
 * (`tf.reverse(image, 1)`), on row v of a `[height, width]` render; depths near..far map to NDC z −1..1.
 */
export function intrinsics({fx, fy, cx, cy, width, height, near, far}: IntrinsicsOptions): tf.Tensor2D {
  for (const [arg, v] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(v) || v <= 0) {
      throw new Error(`${OP}.intrinsics: ${arg} must be a positive integer, got ${JSON.stringify(v)}`);
    }
  }
  return tf.tidy(() => {
    const s = (x: Scalar, arg: string) => scalar(x, arg, 'intrinsics');
    // NDC x = (2u + 1)/W − 1 with u = fx·x/z + cx (pixel centers at half-integers, docs/conventions.md#pixels);
    // NDC y = 1 − (2v + 1)/H: OpenCV's row 0 is the top, ours the bottom. Both times w = z.
    const [a, b] = depthRow(s(near, 'near'), s(far, 'far'));
    return matrix([
      tf.div(tf.mul(2, s(fx, 'fx')), width) as tf.Scalar,
      0,
      tf.sub(tf.div(tf.add(tf.mul(2, s(cx, 'cx')), 1), width), 1) as tf.Scalar,
      0,
      0,
      tf.div(tf.mul(-2, s(fy, 'fy')), height) as tf.Scalar,
      tf.sub(1, tf.div(tf.add(tf.mul(2, s(cy, 'cy')), 1), height)) as tf.Scalar,
      0,
      0,
      0,
      a,
      b,
      0,
      0,
      1,
      0,
    ]);
  });
}

/** The product of the matrices from left to right (the rightmost applies first), as a tensor. */
export function compose(...ms: (Mat4 | tf.Tensor)[]): tf.Tensor2D {
  if (ms.length === 0) throw new Error(`${OP}.compose: needs at least one matrix`);
  return tf.tidy(() => {
    const tensors = ms.map((m, i) => {
      const t = m instanceof tf.Tensor ? m : Array.isArray(m) && m.length === 16 ? tf.tensor2d(m, [4, 4]) : null;
      if (t == null || t.shape.join() !== '4,4') throw new Error(`${OP}.compose: matrix ${i} must be 4×4 (16 numbers or a [4,4] tensor), got ${t ? `[${t.shape}]` : JSON.stringify(m)}`);
      return t as tf.Tensor2D;
    });
    return tensors.slice(1).reduce((acc, m) => tf.matMul(acc, m), tensors[0]);
  });
}

function cross(a: tf.Tensor1D, b: tf.Tensor1D): tf.Tensor1D {
  const [a0, a1, a2] = tf.unstack(a),
    [b0, b1, b2] = tf.unstack(b);
  return tf.stack([
    tf.sub(tf.mul(a1, b2), tf.mul(a2, b1)),
    tf.sub(tf.mul(a2, b0), tf.mul(a0, b2)),
    tf.sub(tf.mul(a0, b1), tf.mul(a1, b0)),
  ]) as tf.Tensor1D;
}

function normalize(v: tf.Tensor1D): tf.Tensor1D {
  return tf.div(v, tf.norm(v)) as tf.Tensor1D;
}
