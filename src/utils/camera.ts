/**
 * Cameras as 4×4 tensors in mat4's layout (row-major, acting on column vectors: clip = M·[x, y, z, 1]ᵀ),
 * ready for `mat4.transformPos`. Parameters may be numbers or scalar tensors (vectors: arrays or `[3]`
 * tensors). Each formula is written once over a small scalar algebra: with tensor arguments it runs as
 * tensor ops (differentiable with respect to every tensor given), with numbers only it runs in float64
 * JavaScript (exact to float32, whatever the backend's sin/cos/tan precision). See docs/cameras.md.
 */
import * as tf from '@tensorflow/tfjs-core';

import {checkOptions, optionNames} from '../ops/checks';
import type {Mat4} from './matrix';

/** A number, or a scalar tensor (to differentiate through the camera). */
export type Scalar = number | tf.Scalar;
/** Three numbers, or a `[3]` tensor. */
export type Vec3 = [number, number, number] | tf.Tensor1D;

/** The operations the camera formulas need, over numbers or over scalar tensors. */
interface Algebra<T> {
  c(x: number): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  div(a: T, b: T): T;
  sin(a: T): T;
  cos(a: T): T;
  tan(a: T): T;
  sqrt(a: T): T;
  matrix(entries: T[]): tf.Tensor2D;
}

const NUMBERS: Algebra<number> = {
  c: x => x,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  sqrt: Math.sqrt,
  matrix: e => tf.tensor2d(e, [4, 4]),
};

const TENSORS: Algebra<tf.Scalar> = {
  c: x => tf.scalar(x),
  add: (a, b) => tf.add(a, b),
  sub: (a, b) => tf.sub(a, b),
  mul: (a, b) => tf.mul(a, b),
  div: (a, b) => tf.div(a, b),
  sin: a => tf.sin(a),
  cos: a => tf.cos(a),
  tan: a => tf.tan(a),
  sqrt: a => tf.sqrt(a),
  matrix: e => tf.reshape(tf.stack(e), [4, 4]) as tf.Tensor2D,
};

/** Checks the arguments, picks the algebra (tensors if any argument is one) and converts them into it. */
class Args<T> {
  private constructor(
    readonly alg: Algebra<T>,
    private readonly op: string,
  ) {}

  /** Runs `build` in the tensor algebra if any of `values` is a tensor, else in plain numbers. */
  static run<R>(op: string, values: unknown[], build: <T>(a: Args<T>) => R): R {
    return values.some(v => v instanceof tf.Tensor) ? build(new Args(TENSORS, op)) : build(new Args(NUMBERS, op));
  }

  scalar(x: Scalar, arg: string): T {
    if (x instanceof tf.Tensor) {
      if (x.size !== 1) this.fail(`${arg} must be a number or a scalar tensor, got shape [${x.shape}]`);
      return tf.reshape(x, []) as unknown as T;
    }
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      this.fail(`${arg} must be a finite number or a scalar tensor, got ${JSON.stringify(x)}`);
    }
    return this.alg.c(x);
  }

  vec3(v: Vec3, arg: string): T[] {
    if (v instanceof tf.Tensor) {
      if (v.size !== 3) this.fail(`${arg} must have 3 elements, got shape [${v.shape}]`);
      return tf.unstack(tf.reshape(v, [3])) as unknown as T[];
    }
    if (!Array.isArray(v) || v.length !== 3 || !v.every(x => typeof x === 'number' && Number.isFinite(x))) {
      this.fail(`${arg} must be 3 finite numbers or a [3] tensor, got ${JSON.stringify(v)}`);
    }
    return v.map(x => this.alg.c(x));
  }

  fail(message: string): never {
    throw new Error(`cameras.${this.op}: ${message}`);
  }
}

/** The depth row shared by the projections: camera depth d ∈ [near, far] ↦ NDC z ∈ [−1, 1] as (a·d + b)/d. */
function depthTerms<T>(alg: Algebra<T>, near: T, far: T): [T, T] {
  const range = alg.sub(far, near);
  return [alg.div(alg.add(far, near), range), alg.div(alg.mul(alg.c(-2), alg.mul(far, near)), range)];
}

/** Options of {@link perspective}. */
export interface PerspectiveOptions {
  /** Vertical field of view in radians. */
  fovy: Scalar;
  /** Width / height of the image. */
  aspect: Scalar;
  /** Distance of the near clipping plane (> 0). */
  near: Scalar;
  /** Distance of the far clipping plane (> near). */
  far: Scalar;
}

const PERSPECTIVE_OPTIONS = optionNames<PerspectiveOptions>({fovy: true, aspect: true, near: true, far: true});

/**
 * OpenGL perspective projection from a vertical field of view: camera space (x right, y up, looking
 * down −z) to clip space; depths near..far map to NDC z −1..1.
 * @param options - Field of view, aspect ratio and clipping range; numbers or scalar tensors.
 * @returns The `[4,4]` projection (a tensor; differentiable with respect to every tensor option).
 * @example
 * ```ts
 * const proj = cameras.perspective({fovy: Math.PI / 3, aspect: 4 / 3, near: 0.1, far: 100});
 * ```
 */
export function perspective(options: PerspectiveOptions): tf.Tensor2D {
  checkOptions('cameras.perspective', options, PERSPECTIVE_OPTIONS);
  const {fovy, aspect, near, far} = options;
  return tf.tidy(() => Args.run('perspective', [fovy, aspect, near, far], build));
  function build<T>(a: Args<T>): tf.Tensor2D {
    const {alg} = a;
    const f = alg.div(alg.c(1), alg.tan(alg.div(a.scalar(fovy, 'fovy'), alg.c(2))));
    const [za, zb] = depthTerms(alg, a.scalar(near, 'near'), a.scalar(far, 'far'));
    const z = alg.c(0);
    const fx = alg.div(f, a.scalar(aspect, 'aspect'));
    return alg.matrix([fx, z, z, z, z, f, z, z, z, z, alg.sub(z, za), zb, z, z, alg.c(-1), z]);
  }
}

/**
 * The view matrix of a camera at `eye` looking at `target`, with `up` pointing up in the image: world
 * space to OpenGL camera space (x right, y up, looking down −z). A rigid transform.
 * @param eye - The camera's position in world space.
 * @param target - The point it looks at.
 * @param up - The world direction that points up in the image.
 * @returns The `[4,4]` view matrix.
 * @example
 * ```ts
 * const view = cameras.lookAt([0, 1, 4], [0, 0, 0]);
 * const clip = mat4.transformPos(cameras.compose(proj, view), pos);
 * ```
 */
export function lookAt(eye: Vec3, target: Vec3, up: Vec3 = [0, 1, 0]): tf.Tensor2D {
  return tf.tidy(() => Args.run('lookAt', [eye, target, up], build));
  function build<T>(a: Args<T>): tf.Tensor2D {
    return lookAtIn(a.alg, a.vec3(eye, 'eye'), a.vec3(target, 'target'), a.vec3(up, 'up'));
  }
}

function lookAtIn<T>(alg: Algebra<T>, e: T[], t: T[], u: T[]): tf.Tensor2D {
  const cross = (p: T[], q: T[]) =>
    [0, 1, 2].map(i => alg.sub(alg.mul(p[(i + 1) % 3], q[(i + 2) % 3]), alg.mul(p[(i + 2) % 3], q[(i + 1) % 3])));
  const dot = (p: T[], q: T[]) => alg.add(alg.add(alg.mul(p[0], q[0]), alg.mul(p[1], q[1])), alg.mul(p[2], q[2]));
  const normalize = (p: T[]) => {
    const n = alg.sqrt(dot(p, p));
    return p.map(x => alg.div(x, n));
  };
  const z = normalize([0, 1, 2].map(i => alg.sub(e[i], t[i])));
  const x = normalize(cross(u, z));
  const y = cross(z, x);
  const zero = alg.c(0);
  const row = (axis: T[]) => [...axis, alg.sub(zero, dot(axis, e))];
  return alg.matrix([...row(x), ...row(y), ...row(z), zero, zero, zero, alg.c(1)]);
}

/** Options of {@link orbit}. */
export interface OrbitOptions {
  /** Angle around the up axis (y) in radians; 0 puts the camera on +z of the target. */
  azimuth: Scalar;
  /** Angle above the xz plane in radians (keep it inside (−π/2, π/2)). */
  elevation: Scalar;
  /** Distance from the target. */
  distance: Scalar;
  /**
   * The point looked at.
   * @defaultValue [0, 0, 0]
   */
  target?: Vec3;
}

const ORBIT_OPTIONS = optionNames<OrbitOptions>({azimuth: true, elevation: true, distance: true, target: true});

/**
 * The view matrix of a camera on a sphere around `target` (y up): at
 * target + distance·(cos(elevation)·sin(azimuth), sin(elevation), cos(elevation)·cos(azimuth)), looking at it.
 * @param options - Azimuth, elevation, distance and target; numbers or scalar tensors.
 * @returns The `[4,4]` view matrix.
 * @example
 * ```ts
 * const view = cameras.orbit({azimuth: 0.3, elevation: 0.2, distance: 4});
 * ```
 */
export function orbit(options: OrbitOptions): tf.Tensor2D {
  checkOptions('cameras.orbit', options, ORBIT_OPTIONS);
  const {azimuth, elevation, distance, target = [0, 0, 0]} = options;
  return tf.tidy(() => Args.run('orbit', [azimuth, elevation, distance, target], build));
  function build<T>(a: Args<T>): tf.Tensor2D {
    const {alg} = a;
    const az = a.scalar(azimuth, 'azimuth'),
      el = a.scalar(elevation, 'elevation'),
      d = a.scalar(distance, 'distance');
    const t = a.vec3(target, 'target');
    const ce = alg.cos(el);
    const dir = [alg.mul(ce, alg.sin(az)), alg.sin(el), alg.mul(ce, alg.cos(az))];
    const eye = t.map((ti, i) => alg.add(ti, alg.mul(d, dir[i])));
    return lookAtIn(alg, eye, t, [alg.c(0), alg.c(1), alg.c(0)]);
  }
}

/** Options of {@link intrinsics}: OpenCV camera intrinsics and the clipping range. */
export interface IntrinsicsOptions {
  /** Horizontal focal length in pixels. */
  fx: Scalar;
  /** Vertical focal length in pixels. */
  fy: Scalar;
  /** Principal point in pixels, OpenCV's convention: pixel (0, 0)'s center is at (0, 0), rows go down. */
  cx: Scalar;
  /** Principal point's row in pixels (OpenCV's convention, as `cx`). */
  cy: Scalar;
  /** Image width in pixels: render at [height, width]. */
  width: number;
  /** Image height in pixels. */
  height: number;
  /** Distance of the near clipping plane (> 0). */
  near: Scalar;
  /** Distance of the far clipping plane (> near). */
  far: Scalar;
}

const INTRINSICS_OPTIONS = optionNames<IntrinsicsOptions>({
  fx: true,
  fy: true,
  cx: true,
  cy: true,
  width: true,
  height: true,
  near: true,
  far: true,
});

/**
 * The projection of an OpenCV camera matrix K = [[fx, 0, cx], [0, fy, cy], [0, 0, 1]]: OpenCV camera
 * space (x right, y down, looking down +z, as OpenCV's [R|t] produces) to clip space. A point that
 * OpenCV projects to pixel (u, v) lands on column u and, after the display flip
 * (`tf.reverse(image, 1)`), on row v of a `[height, width]` render; depths near..far map to NDC z −1..1.
 * @param options - fx, fy, cx, cy in pixels, the image size and the clipping range.
 * @returns The `[4,4]` projection.
 * @example
 * ```ts
 * const proj = cameras.intrinsics({fx: 500, fy: 500, cx: 319.5, cy: 239.5, width: 640, height: 480, near: 0.1, far: 10});
 * ```
 */
export function intrinsics(options: IntrinsicsOptions): tf.Tensor2D {
  checkOptions('cameras.intrinsics', options, INTRINSICS_OPTIONS);
  const {fx, fy, cx, cy, width, height, near, far} = options;
  return tf.tidy(() => Args.run('intrinsics', [fx, fy, cx, cy, near, far], build));
  function build<T>(a: Args<T>): tf.Tensor2D {
    for (const [arg, v] of [
      ['width', width],
      ['height', height],
    ] as const) {
      if (!Number.isInteger(v) || v <= 0) a.fail(`${arg} must be a positive integer, got ${JSON.stringify(v)}`);
    }
    const {alg} = a;
    const [W, H, one, two, zero] = [alg.c(width), alg.c(height), alg.c(1), alg.c(2), alg.c(0)];
    // NDC x = (2u + 1)/W − 1 with u = fx·x/z + cx (pixel centers at half-integers, docs/conventions.md#pixels);
    // NDC y = 1 − (2v + 1)/H: OpenCV's row 0 is the top, ours the bottom. Both times w = z.
    const [za, zb] = depthTerms(alg, a.scalar(near, 'near'), a.scalar(far, 'far'));
    const px = (c: T, size: T) => alg.div(alg.add(alg.mul(two, c), one), size);
    return alg.matrix([
      alg.div(alg.mul(two, a.scalar(fx, 'fx')), W),
      zero,
      alg.sub(px(a.scalar(cx, 'cx'), W), one),
      zero,
      zero,
      alg.sub(zero, alg.div(alg.mul(two, a.scalar(fy, 'fy')), H)),
      alg.sub(one, px(a.scalar(cy, 'cy'), H)),
      zero,
      zero,
      zero,
      za,
      zb,
      zero,
      zero,
      one,
      zero,
    ]);
  }
}

/**
 * The product of the matrices from left to right (the rightmost applies first), as a tensor.
 * @param ms - 4×4 matrices (arrays of 16 numbers, or `[4,4]` tensors).
 * @returns Their product, a `[4,4]` tensor.
 * @example
 * ```ts
 * const mvp = cameras.compose(proj, view, model);
 * ```
 */
export function compose(...ms: (Mat4 | tf.Tensor)[]): tf.Tensor2D {
  if (ms.length === 0) throw new Error(`cameras.compose: needs at least one matrix`);
  return tf.tidy(() => {
    const tensors = ms.map((m, i) => {
      const t = m instanceof tf.Tensor ? m : Array.isArray(m) && m.length === 16 ? tf.tensor2d(m, [4, 4]) : null;
      if (t == null || t.shape.join() !== '4,4') {
        throw new Error(
          `cameras.compose: matrix ${i} must be 4×4 (16 numbers or a [4,4] tensor), got ${t ? `[${t.shape}]` : JSON.stringify(m)}`,
        );
      }
      return t as tf.Tensor2D;
    });
    return tensors.slice(1).reduce((acc, m) => tf.matMul(acc, m), tensors[0]);
  });
}
