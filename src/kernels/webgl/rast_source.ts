/**
 * Which positions and triangles each rast that webgl's rasterize made was drawn from, so that a later kernel reading
 * that rast (interpolate's backward) can walk or box each triangle's screen (triangle_walk.ts, triangle_boxes.ts)
 * without being given pos. Keyed on the rast tensor's dataId; an entry counts only while pos and tri still live
 * (tensors never change their values, so a live pos is the one rast was drawn from).
 */
import type {TensorInfo} from '@tensorflow/tfjs-core';

import {meshLayout} from '../shared/layout';

import {GlSession} from './gl_session';
import {ScreenMesh} from './corner_tree';

interface RastSource {
  pos: TensorInfo;
  tri: TensorInfo;
  shape: readonly number[];
}

const sources = new WeakMap<object, RastSource>();

/** Rasterize's record: `rast` was drawn from `pos` and `tri`. */
export function rememberRastSource(rast: TensorInfo, pos: TensorInfo, tri: TensorInfo) {
  sources.set(rast.dataId, {pos, tri, shape: rast.shape});
}

/**
 * Before the first draw: the screen mesh `rast` was drawn from, if webgl's rasterize made it from positions and
 * triangles that still live and whose counts match `numVertices` and `numTriangles` (the caller's mesh); else null.
 */
export function rastScreenMesh(
  s: GlSession,
  rast: TensorInfo,
  numVertices: number,
  numTriangles: number,
): ScreenMesh | null {
  const source = sources.get(rast.dataId);
  if (!source || source.shape.some((d, i) => d !== rast.shape[i])) return null;
  const {pos, tri} = source;
  if (![pos, tri].every(t => s.backend.texData.has(t.dataId))) return null;
  const layout = meshLayout(pos, tri, rast);
  if (layout.numVertices !== numVertices || layout.numTriangles !== numTriangles) return null;
  return {pos: s.input(pos).texture, tri: s.indices(tri, numVertices).texture, vertexStride: layout.vertexStride};
}
