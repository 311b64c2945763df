/**
 * DepthPeeler: rasterizes the same triangles layer after layer, each layer keeping, per pixel,
 * the nearest fragment behind the previous layer's (docs/rasterize.md#depth-peeling).
 */
import * as tf from '@tensorflow/tfjs-core';

import {TensorOrLike} from './checks';
import {RasterizeOptions, RasterizeResult, RasterizeSetup, runRasterize, setupRasterize} from './rasterize';

/**
 * Peels depth layers of a mesh. Layer 0 equals `rasterize(pos, tri, resolution, options)` (the
 * same `coverage` and `cullMode` options apply to every layer). For layer k > 0 a fragment is
 * discarded when its z/w at the pixel center is ≤ layer k−1's z/w there, or when it belongs to
 * layer k−1's triangle at that pixel (docs/rasterize.md#depth-peeling); of the rest, the nearest
 * wins. So a coplanar or equal-depth fragment of another triangle is peeled away with the layer,
 * never shown twice. A pixel empty in one layer stays empty after. In `'hardware'` coverage the
 * pipeline still decides coverage and the nearest fragment; the peeling test above uses the
 * analytic z/w on every backend. Every layer is differentiable like `rasterize`.
 *
 * `pos` and `tri` must stay alive until the peeler is disposed (gradients flow to that `pos`).
 * The peeler keeps its own reference to the last layer's rast; `dispose()` releases it.
 */
export class DepthPeeler {
  private readonly setup: RasterizeSetup;
  private readonly owned: tf.Tensor[];
  private previous: tf.Tensor | null = null;
  private disposed = false;

  /**
   * Checks the arguments as {@link rasterize} does; nothing is drawn until `rasterizeNextLayer()`.
   * @param pos - clip-space positions, `[N,V,4]` (instanced) or `[V,4]` (range mode).
   * @param tri - `[T,3]` int32 vertex indices.
   * @param resolution - `[height, width]` in pixels.
   * @param options - rasterize's options, applied to every layer.
   *
   * @example
   * ```ts
   * const peeler = new dr.DepthPeeler(pos, tri, [256, 256]);
   * const front = peeler.rasterizeNextLayer();    // as rasterize
   * const behind = peeler.rasterizeNextLayer();   // the next surface behind it
   * peeler.dispose();
   * ```
   */
  constructor(pos: TensorOrLike, tri: TensorOrLike, resolution: [number, number], options: RasterizeOptions = {}) {
    this.setup = setupRasterize(pos, tri, resolution, options, 'DepthPeeler');
    // Arguments given as arrays became tensors that the peeler owns.
    this.owned = [this.setup.pos, this.setup.tri].filter((t, i) => t !== [pos, tri][i]).map(t => tf.keep(t));
  }

  /**
   * Rasterizes the next depth layer: `{rast, rastDb}` as `rasterize` returns them.
   * @returns `rast` and `rastDb` of the next layer (empty pixels 0 once every surface is peeled).
   */
  rasterizeNextLayer(): RasterizeResult {
    if (this.disposed) throw new Error('DepthPeeler: rasterizeNextLayer called after dispose()');
    const result = tf.tidy(() => runRasterize(this.setup, this.previous ?? undefined));
    // An alias of the same data, made outside the gradient tape: the next layer only reads its
    // depths, and the user may dispose the returned rast.
    const {rast} = result;
    tf.backend().incRef(rast.dataId);
    const alias = tf.keep(tf.engine().makeTensorFromDataId(rast.dataId, rast.shape, rast.dtype));
    this.previous?.dispose();
    this.previous = alias;
    return result;
  }

  /** Releases the peeler's own tensors (the last layer's depths, inputs it converted from arrays). */
  dispose() {
    this.previous?.dispose();
    this.previous = null;
    this.owned.forEach(t => t.dispose());
    this.disposed = true;
  }
}
