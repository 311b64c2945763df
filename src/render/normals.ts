/**
 * Face and vertex normals of triangle meshes, as tensor ops (differentiable with respect to the
 * positions). Counter-clockwise triangles (seen from outside) get outward normals. See docs/render.md.
 */
import * as tf from '@tensorflow/tfjs-core';

import {checkShape, checkTriangles, TensorOrLike, toTensor} from '../ops/checks';

/** Checked positions `[V,3]` or `[N,V,3]` and triangles `[T,3]` int32. */
export function meshArgs(op: string, pos: TensorOrLike, tri: TensorOrLike): {p: tf.Tensor; t: tf.Tensor2D} {
  const p = toTensor(pos, 'pos', op, 'float32');
  checkShape(op, 'pos', p, [2, 3], 3, '[V,3] or [N,V,3]');
  const t = toTensor(tri, 'tri', op, 'int32') as tf.Tensor2D;
  checkTriangles(op, t);
  return {p, t};
}

/** cross(b − a, c − a) for each triangle: `[T,3]` or `[N,T,3]`, length twice the area. */
function areaNormals(p: tf.Tensor, t: tf.Tensor2D): tf.Tensor {
  const corners = tf.gather(p, tf.reshape(t, [-1]), p.rank - 2); // [.., 3T, 3]
  const lead = p.shape.slice(0, -2);
  const [a, b, c] = tf.unstack(tf.reshape(corners, [...lead, t.shape[0], 3, 3]), p.rank - 1);
  return cross(tf.sub(b, a), tf.sub(c, a));
}

function cross(u: tf.Tensor, v: tf.Tensor): tf.Tensor {
  const axis = u.rank - 1;
  const [u0, u1, u2] = tf.unstack(u, axis),
    [v0, v1, v2] = tf.unstack(v, axis);
  return tf.stack(
    [
      tf.sub(tf.mul(u1, v2), tf.mul(u2, v1)),
      tf.sub(tf.mul(u2, v0), tf.mul(u0, v2)),
      tf.sub(tf.mul(u0, v1), tf.mul(u1, v0)),
    ],
    axis,
  );
}

/** v / |v| along the last axis; zero vectors stay zero (and pass no NaN gradient). */
export function normalizeLast(v: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const sq = tf.sum(tf.square(v), -1, true);
    const zero = tf.sub(1, tf.step(sq)); // (step, not a comparison: it has a gradient, zero)
    return tf.mul(v, tf.mul(tf.rsqrt(tf.add(sq, zero)), tf.sub(1, zero)));
  });
}

/**
 * Unit normals of the triangles: `[T,3]` for positions `[V,3]`, `[N,T,3]` for `[N,V,3]`.
 * @param pos - Positions, `[V,3]` or `[N,V,3]`.
 * @param tri - Triangles, `[T,3]` int32 (counter-clockwise from outside gives outward normals).
 * @returns Unit normals per triangle, `[T,3]` or `[N,T,3]`.
 * @example
 * ```ts
 * const n = faceNormals(pos, tri);
 * ```
 */
export function faceNormals(pos: TensorOrLike, tri: TensorOrLike): tf.Tensor {
  return tf.tidy(() => {
    const {p, t} = meshArgs('faceNormals', pos, tri);
    return normalizeLast(areaNormals(p, t));
  });
}

/**
 * Unit vertex normals, each the area-weighted mean of its triangles' normals: `[V,3]` (or
 * `[N,V,3]`). A vertex in no triangle gets (0, 0, 0). Split vertices (a seam) get separate normals:
 * weld positions first (meshes.weld) for smooth shading across seams.
 * @param pos - Positions, `[V,3]` or `[N,V,3]`.
 * @param tri - Triangles, `[T,3]` int32.
 * @returns Unit normals per vertex, `[V,3]` or `[N,V,3]`.
 * @example
 * ```ts
 * const {out: shadingNormals} = interpolate(vertexNormals(pos, tri), rast, tri);
 * ```
 */
export function vertexNormals(pos: TensorOrLike, tri: TensorOrLike): tf.Tensor {
  return tf.tidy(() => {
    const {p, t} = meshArgs('vertexNormals', pos, tri);
    const numVertices = p.shape[p.rank - 2];
    // Each triangle's area normal, once per corner, summed into its vertices.
    const perTriangle = areaNormals(p, t); // [.., T, 3]
    const perCorner = tf.reshape(
      tf.tile(tf.expandDims(perTriangle, -2), [...perTriangle.shape.slice(0, -1).map(() => 1), 3, 1]),
      [...p.shape.slice(0, -2), 3 * t.shape[0], 3],
    );
    // unsortedSegmentSum works on the first axis: put the corners there.
    const batched = p.rank === 3;
    const data = batched ? tf.transpose(perCorner, [1, 0, 2]) : perCorner;
    const summed = tf.unsortedSegmentSum(data, tf.reshape(t, [-1]), numVertices);
    return normalizeLast(batched ? tf.transpose(summed, [1, 0, 2]) : summed);
  });
}
