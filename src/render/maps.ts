/**
 * Differentiable depth and normal maps, built on interpolate: what a G-buffer holds, with gradients
 * to the positions through both the attribute values and the barycentrics. See docs/render.md.
 */
import * as tf from '@tensorflow/tfjs-core';

import {checkOneOf, checkOptions, checkShape, fail, optionNames, shapeStr, TensorOrLike, toTensor} from '../ops/checks';
import {interpolate} from '../ops/interpolate';
import type {Mat4} from '../utils/matrix';

import {faceNormals, meshArgs, normalizeLast, vertexNormals} from './normals';

const DEPTH_OPTIONS = optionNames<DepthMapOptions>({mode: true, camera: true});
const NORMAL_OPTIONS = optionNames<NormalMapOptions>({shading: true, view: true});

/**
 * `[N,H,W,1]`: 1 where a triangle covers the pixel, else 0.
 * @param rast - rasterize's `rast`, `[N,H,W,4]`.
 * @returns The mask, `[N,H,W,1]` float32.
 * @example
 * ```ts
 * const mask = coverage(rasterize(pos, tri, [256, 256]).rast);
 * ```
 */
export function coverage(rast: tf.Tensor): tf.Tensor4D {
  // step has a (zero) gradient where comparisons have none, so the mask can sit inside a differentiated function.
  return tf.tidy(() => tf.step(tf.slice(rast, [0, 0, 0, 3], [-1, -1, -1, 1])) as tf.Tensor4D);
}

/** Options of {@link depthMap}. */
export interface DepthMapOptions {
  /**
   * `'depth'`: distance along the view axis; `'distance'`: Euclidean distance to the camera.
   * @defaultValue `'depth'`
   */
  mode?: 'depth' | 'distance';
  /**
   * The camera-space convention of `viewPos`: `'opengl'` (looks down −z) or `'opencv'` (looks down +z).
   * @defaultValue `'opengl'`
   */
  camera?: 'opengl' | 'opencv';
}

/**
 * A depth map `[N,H,W,1]`: at each covered pixel, the depth (or distance) of the surface point seen
 * there; 0 on empty pixels.
 *
 * - `viewPos`: camera-space positions `[V,3]` or `[N,V,3]` (or `[..,V,4]` with w = 1, as
 *   `mat4.transformPos(view, pos)` returns), the same vertices that were projected and rasterized.
 * - `rast`, `tri`: rasterize's output and the rasterized triangles.
 *
 * Exact at pixel centers: interpolate's barycentrics are perspective-correct, so the interpolated
 * camera-space point is the point of the triangle under the pixel center. Gradients flow to `viewPos`
 * and, through `rast`, to the clip-space positions.
 * @param viewPos - Camera-space positions of the rasterized vertices.
 * @param rast - rasterize's `rast`.
 * @param tri - The rasterized triangles, `[T,3]` int32.
 * @param options - Depth or distance; the camera convention.
 * @returns The depth map, `[N,H,W,1]`.
 * @example
 * ```ts
 * const viewPos = mat4.transformPos(view, pos);
 * const {rast} = rasterize(mat4.transformPos(mat4.compose(proj, view), pos), tri, [256, 256]);
 * const depth = depthMap(viewPos, rast, tri);
 * ```
 */
export function depthMap(
  viewPos: TensorOrLike,
  rast: TensorOrLike,
  tri: TensorOrLike,
  options: DepthMapOptions = {},
): tf.Tensor4D {
  const op = 'depthMap';
  checkOptions(op, options, DEPTH_OPTIONS);
  const mode = checkOneOf(op, 'mode', options.mode ?? 'depth', ['depth', 'distance'] as const);
  const camera = checkOneOf(op, 'camera', options.camera ?? 'opengl', ['opengl', 'opencv'] as const);
  return tf.tidy(() => {
    const v = toTensor(viewPos, 'viewPos', op, 'float32');
    checkShape(op, 'viewPos', v, [2, 3], null, '[V,3], [N,V,3], [V,4] or [N,V,4]');
    const last = v.shape[v.rank - 1];
    if (last !== 3 && last !== 4)
      fail(op, `viewPos must have shape [V,3], [N,V,3], [V,4] or [N,V,4], got ${shapeStr(v.shape)}`);
    const xyz =
      last === 3
        ? v
        : tf.slice(
            v,
            v.shape.map(() => 0),
            [...v.shape.slice(0, -1), 3],
          );
    const r = toTensor(rast, 'rast', op, 'float32');
    const {out} = interpolate(xyz, r, tri);
    if (mode === 'depth') {
      const z = tf.slice(out, [0, 0, 0, 2], [-1, -1, -1, 1]);
      return (camera === 'opengl' ? tf.sub(0, z) : z) as tf.Tensor4D; // (0 − z: empty pixels stay +0)
    }
    // sqrt(|p|² + 1 − covered)·covered: empty pixels (p = 0) give 0 and no NaN gradient.
    const covered = coverage(r);
    const sq = tf.sum(tf.square(out), -1, true);
    return tf.mul(tf.sqrt(tf.add(sq, tf.sub(1, covered))), covered) as tf.Tensor4D;
  });
}

/** Options of {@link normalMap}. */
export interface NormalMapOptions {
  /**
   * `'face'`: each triangle's flat normal; `'smooth'`: area-weighted vertex normals, interpolated.
   * @defaultValue `'face'`
   */
  shading?: 'face' | 'smooth';
  /**
   * World-to-camera matrix (a `mat4` array or a `[4,4]` / `[N,4,4]` tensor): normals are turned by its
   * upper-left 3×3 into camera space. Without it they stay in the space of `pos` (world).
   * @defaultValue none: normals in world space
   */
  view?: Mat4 | tf.Tensor;
}

/**
 * A normal map `[N,H,W,3]` of unit normals (zeros on empty pixels).
 *
 * - `pos`: the mesh's positions `[V,3]` or `[N,V,3]` in world space (those that were projected).
 * - `rast`, `tri`: rasterize's output and the rasterized triangles (counter-clockwise from outside
 *   gives outward normals).
 *
 * Gradients flow to `pos` (the normals depend on them) and, for smooth shading, through `rast`.
 * A view with scale or shear turns normals by its 3×3 part and renormalises, which is exact only for
 * rotations and uniform scale (the views of `cameras.lookAt` / `orbit` are rigid).
 * @param pos - World-space positions of the rasterized vertices, `[V,3]` or `[N,V,3]`.
 * @param rast - rasterize's `rast`.
 * @param tri - The rasterized triangles, `[T,3]` int32.
 * @param options - Face or smooth shading; the view turning normals into camera space.
 * @returns Unit normals, `[N,H,W,3]`.
 * @example
 * ```ts
 * const normals = normalMap(pos, rast, tri, {shading: 'smooth', view});
 * ```
 */
export function normalMap(
  pos: TensorOrLike,
  rast: TensorOrLike,
  tri: TensorOrLike,
  options: NormalMapOptions = {},
): tf.Tensor4D {
  const op = 'normalMap';
  checkOptions(op, options, NORMAL_OPTIONS);
  const shading = checkOneOf(op, 'shading', options.shading ?? 'face', ['face', 'smooth'] as const);
  return tf.tidy(() => {
    const {p, t} = meshArgs(op, pos, tri);
    const r = toTensor(rast, 'rast', op, 'float32');
    let attr: tf.Tensor, attrTri: tf.Tensor2D;
    if (shading === 'smooth') {
      attr = vertexNormals(p, t);
      attrTri = t;
    } else {
      // One attribute row per triangle corner, all three the face normal: interpolation returns it
      // unchanged (u + v + w = 1) and passes nothing to the barycentrics.
      const n = faceNormals(p, t);
      const numTriangles = t.shape[0];
      attr = tf.reshape(tf.tile(tf.expandDims(n, -2), [...n.shape.slice(0, -1).map(() => 1), 3, 1]), [
        ...n.shape.slice(0, -2),
        3 * numTriangles,
        3,
      ]);
      attrTri = tf.reshape(tf.range(0, 3 * numTriangles, 1, 'int32'), [numTriangles, 3]) as tf.Tensor2D;
    }
    if (options.view != null) attr = rotate(op, attr, options.view);
    const {out} = interpolate(attr, r, attrTri);
    return tf.mul(normalizeLast(out), coverage(r)) as tf.Tensor4D;
  });
}

/** Vectors `[..,K,3]` turned by the upper-left 3×3 of a `[4,4]` or `[N,4,4]` matrix. */
function rotate(op: string, v: tf.Tensor, view: Mat4 | tf.Tensor): tf.Tensor {
  const m = view instanceof tf.Tensor ? view : tf.tensor2d(view, [4, 4]);
  if (!((m.rank === 2 || m.rank === 3) && m.shape[m.rank - 1] === 4 && m.shape[m.rank - 2] === 4)) {
    fail(op, `view must be a 4×4 matrix or have shape [N,4,4], got ${shapeStr(m.shape)}`);
  }
  const r = m.rank === 2 ? tf.slice(m, [0, 0], [3, 3]) : tf.slice(m, [0, 0, 0], [-1, 3, 3]);
  if (r.rank === 2) return tf.matMul(v.rank === 2 ? v : v, r as tf.Tensor2D, false, true);
  // Per-image views: [N,K,3] · [N,3,3]ᵀ (a shared [K,3] is broadcast to each image).
  const vb = v.rank === 2 ? tf.tile(tf.expandDims(v, 0), [r.shape[0], 1, 1]) : v;
  return tf.matMul(vb as tf.Tensor3D, r as tf.Tensor3D, false, true);
}
