/**
 * antialias: analytic antialiasing of silhouette edges, the source of visibility gradients.
 * docs/antialias.md
 */
import * as tf from '@tensorflow/tfjs-core';

import {Antialias, AntialiasAttrs, AntialiasGrad} from '../kernels/names';

import {
  checkBatch,
  checkFiniteNumber,
  checkOptions,
  checkPositions,
  checkSameDims,
  checkShape,
  checkTriangles,
  fail,
  optionNames,
  shapeStr,
  TensorOrLike,
  toTensor,
} from './checks';
import {gradMap, runKernel, savedInputs, withoutGradient} from './grad_util';

/**
 * The mesh topology antialias needs: for every triangle edge, the vertex opposite it in the
 * neighbouring triangle. Built once from `tri` on the CPU by `antialiasConstructTopologyHash`;
 * holds a `[T,3]` int32 tensor (`-1` where an edge has no usable neighbour). Call `dispose()`.
 */
export class TopologyHash {
  /**
   * Made by {@link antialiasConstructTopologyHash}; rarely constructed directly.
   * @param opposite - `[T,3]` int32: the vertex across edge e of triangle t, or −1.
   */
  constructor(
    /** `[T,3]` int32: the vertex across edge e (opposite corner e) of triangle t, or −1. */
    readonly opposite: tf.Tensor2D,
  ) {}

  /** T, the number of triangles the hash was built for. */
  get numTriangles(): number {
    return this.opposite.shape[0];
  }

  /** Disposes the tensor. */
  dispose() {
    this.opposite.dispose();
  }
}

/**
 * Builds the topology of a mesh for {@link antialias} (docs/antialias.md#topology): every
 * undirected edge {a, b} of a triangle records the opposite vertices of the first two triangles
 * that share it. An edge with one triangle, or the third triangle on a non-manifold edge, has no
 * neighbour and is always a silhouette. Neighbours are found by shared vertex indices only: meshes
 * whose adjacent triangles do not share indices (split normals or UV seams) get a silhouette at
 * every edge. Triangles with a negative index are left out. Reads `tri` on the CPU: build it once.
 *
 * @param triLike - `[T,3]` int32, the triangles that will be rasterized.
 * @returns a {@link TopologyHash}; call `dispose()` when done.
 *
 * @example
 * ```ts
 * const hash = dr.antialiasConstructTopologyHash(tri);   // once, for a static mesh
 * const aa = dr.antialias(color, rast, pos, tri, {topologyHash: hash});
 * ```
 */
export function antialiasConstructTopologyHash(triLike: TensorOrLike): TopologyHash {
  const op = 'antialiasConstructTopologyHash';
  const tri = toTensor(triLike, 'tri', op, 'int32');
  checkTriangles(op, tri);
  const indices = tri.dataSync() as Int32Array;
  if (tri !== triLike) tri.dispose();
  return new TopologyHash(tf.tensor2d(buildOpposite(indices), [indices.length / 3, 3], 'int32'));
}

/** Edge e of a triangle joins its corners e+1 and e+2 (mod 3) and faces corner e. */
function buildOpposite(tri: Int32Array): Int32Array {
  const numTriangles = tri.length / 3;
  // Undirected edge key → up to two (triangle, edge) slots that share it.
  const edges = new Map<string, number[]>();
  for (let t = 0; t < numTriangles; t++) {
    if (tri[3 * t] < 0 || tri[3 * t + 1] < 0 || tri[3 * t + 2] < 0) continue;
    for (let e = 0; e < 3; e++) {
      const a = tri[3 * t + ((e + 1) % 3)],
        b = tri[3 * t + ((e + 2) % 3)];
      const key = a < b ? `${a},${b}` : `${b},${a}`;
      const slots = edges.get(key);
      if (!slots) edges.set(key, [3 * t + e]);
      else if (slots.length < 2) slots.push(3 * t + e);
    }
  }
  const opposite = new Int32Array(tri.length).fill(-1);
  for (const slots of edges.values()) {
    if (slots.length !== 2) continue;
    const [s0, s1] = slots;
    opposite[s0] = tri[s1];
    opposite[s1] = tri[s0];
  }
  return opposite;
}

/** Options of {@link antialias} (docs/antialias.md#options). */
export interface AntialiasOptions {
  /**
   * From {@link antialiasConstructTopologyHash}`(tri)`, built for the same T triangles.
   * @defaultValue built (and tri read back) on every call
   */
  topologyHash?: TopologyHash;
  /**
   * Multiplies the gradient that flows into `pos`.
   * @defaultValue 1
   */
  posGradientBoost?: number;
}

const OP = 'antialias';
const OPTIONS = optionNames<AntialiasOptions>({topologyHash: true, posGradientBoost: true});

/**
 * Antialiases the silhouette edges of a rendered image (docs/antialias.md): where a silhouette
 * edge crosses between two pixel centers, their colors are blended by how far it crosses. This is
 * where gradients with respect to visibility come from.
 *
 * Gradients: `color`, and `pos` (x, y, w; scaled by `posGradientBoost`).
 *
 * @param color - `[N,H,W,C]`, the shaded image, any C.
 * @param rast - the first output of {@link rasterize} for `pos` and `tri`.
 * @param pos - exactly the positions that were rasterized (instanced `[N,V,4]` or range mode
 *   `[V,4]`, decided by the rank).
 * @param tri - exactly the triangles that were rasterized.
 * @param options - `topologyHash`, `posGradientBoost`.
 * @returns `[N,H,W,C]`: `color` with each silhouette crossing blended.
 *
 * @example
 * ```ts
 * const hash = dr.antialiasConstructTopologyHash(tri);
 * const {rast} = dr.rasterize(pos, tri, [256, 256]);
 * const {out} = dr.interpolate(colors, rast, tri);
 * const image = dr.antialias(out, rast, pos, tri, {topologyHash: hash});
 * ```
 */
export function antialias(
  color: TensorOrLike,
  rast: TensorOrLike,
  pos: TensorOrLike,
  tri: TensorOrLike,
  options: AntialiasOptions = {},
): tf.Tensor4D {
  checkOptions(OP, options, OPTIONS);
  const hash = options.topologyHash;
  if (hash != null && !(hash instanceof TopologyHash)) {
    fail(OP, `topologyHash must come from antialiasConstructTopologyHash, got ${typeof hash}`);
  }
  const posGradientBoost = checkFiniteNumber(OP, 'posGradientBoost', options.posGradientBoost ?? 1);
  return tf.tidy(() => {
    const c = toTensor(color, 'color', OP, 'float32');
    const r = toTensor(rast, 'rast', OP, 'float32');
    const p = toTensor(pos, 'pos', OP, 'float32');
    const t = toTensor(tri, 'tri', OP, 'int32');
    checkShape(OP, 'color', c, [4], null, '[N,H,W,C]');
    checkShape(OP, 'rast', r, [4], 4, '[N,H,W,4]');
    checkSameDims(OP, 'color', c, r, 'rast', 3);
    checkPositions(OP, p);
    if (p.rank === 3) checkBatch(OP, 'pos', p.shape[0], r.shape[0], 'the batch of rast', false);
    checkTriangles(OP, t);
    if (hash && hash.numTriangles !== t.shape[0]) {
      fail(
        OP,
        `topologyHash was built for ${hash.numTriangles} triangles, but tri has ${t.shape[0]} (${shapeStr(t.shape)})`,
      );
    }
    const topo = hash ? hash.opposite : antialiasConstructTopologyHash(t).opposite;
    const attrs: Omit<AntialiasAttrs, 'inputNames'> = {posGradientBoost};
    // rast enters through triangle ids and a depth comparison: its gradient is zero everywhere. Passed
    // as is, tfjs would add an image of zeros to rast's gradient on every backward pass.
    // (A second output, if any, is the backend's own, for the gradient: the tidy disposes it.)
    return runKernel(Antialias, {color: c, rast: withoutGradient(r), pos: p, tri: t, topo}, attrs)[0] as tf.Tensor4D;
  });
}

tf.registerGradient({
  kernelName: Antialias,
  saveAllInputs: true,
  // A backend's second output (webgl: the live items it found; webgpu: its candidate pairs and their α) goes to
  // AntialiasGrad, which need not find them again.
  outputsToSave: [false, true],
  gradFunc: (dys, saved, attrs) => {
    const {inputNames, posGradientBoost} = attrs as unknown as AntialiasAttrs;
    const {
      inputs: {color, rast, pos, tri, topo},
      outputs: [list],
    } = savedInputs(saved, {inputNames});
    const dy = Array.isArray(dys) ? dys[0] : dys;
    const [dcolor, dpos] = runKernel(AntialiasGrad, {color, rast, pos, tri, topo, dy, list});
    // The boost is applied here, once, rather than by every backend's kernel.
    return gradMap({inputNames}, saved, {
      color: () => dcolor,
      pos: () => (posGradientBoost === 1 ? dpos : tf.mul(dpos, posGradientBoost)),
    });
  },
});
