/**
 * Transparency by depth peeling: layers rasterized nearest first, shaded, and composited front to
 * back with the "over" operator. Every step is differentiable. See docs/render.md.
 */
import * as tf from '@tensorflow/tfjs-core';

import {checkOptions, fail, optionNames, shapeStr, TensorOrLike} from '../ops/checks';
import {DepthPeeler} from '../ops/depth_peeler';
import type {RasterizeOptions, RasterizeResult} from '../ops/rasterize';

import {coverage} from './maps';

const OPTIONS = optionNames<RenderTransparentOptions>({
  layers: true,
  background: true,
  ranges: true,
  gradDb: true,
  coverage: true,
  cullMode: true,
});

/** One depth layer's colour and opacity, as {@link compositeLayers} takes them. */
export interface Layer {
  /** `[N,H,W,C]` premultiplied-free colour of the layer. */
  color: tf.Tensor4D;
  /** `[N,H,W,1]` opacity in [0, 1]; 0 where the layer is empty. */
  alpha: tf.Tensor4D;
}

/**
 * Composites layers front to back (layer 0 nearest): out = Σᵢ Tᵢ·αᵢ·cᵢ + T_L·background with
 * T₀ = 1, Tᵢ₊₁ = Tᵢ·(1 − αᵢ). `background` is a `[N,H,W,C]` tensor or a colour (C numbers); default 0.
 * @param layers - Colour and opacity of each layer, nearest first.
 * @param background - What shows through every layer: a `[N,H,W,C]` tensor or C numbers (default 0).
 * @returns The composite, `[N,H,W,C]`.
 * @example
 * ```ts
 * const out = compositeLayers([{color: c0, alpha: a0}, {color: c1, alpha: a1}], [1, 1, 1]);
 * ```
 */
export function compositeLayers(layers: Layer[], background?: tf.Tensor | number[]): tf.Tensor4D {
  const op = 'compositeLayers';
  if (!Array.isArray(layers) || layers.length === 0)
    fail(op, `layers must be a non-empty list of {color, alpha}, got ${JSON.stringify(layers)}`);
  const shape = layers[0].color?.shape;
  layers.forEach(({color, alpha}, i) => {
    if (!(color instanceof tf.Tensor) || color.rank !== 4 || color.shape.join() !== shape.join()) {
      fail(
        op,
        `layers[${i}].color must be a [N,H,W,C] tensor of shape ${shapeStr(shape ?? [])}, got ${color instanceof tf.Tensor ? shapeStr(color.shape) : typeof color}`,
      );
    }
    const want = [...shape.slice(0, 3), 1];
    if (!(alpha instanceof tf.Tensor) || alpha.shape.join() !== want.join()) {
      fail(
        op,
        `layers[${i}].alpha must have shape ${shapeStr(want)}, got ${alpha instanceof tf.Tensor ? shapeStr(alpha.shape) : typeof alpha}`,
      );
    }
  });
  return tf.tidy(() => {
    let out: tf.Tensor = tf.zeros(shape);
    let transmittance: tf.Tensor = tf.ones([...shape.slice(0, 3), 1]);
    for (const {color, alpha} of layers) {
      out = tf.add(out, tf.mul(tf.mul(transmittance, alpha), color));
      transmittance = tf.mul(transmittance, tf.sub(1, alpha));
    }
    if (background != null) {
      const bg = background instanceof tf.Tensor ? background : tf.tensor1d(background);
      if (bg.shape[bg.rank - 1] !== shape[3])
        fail(op, `background must have ${shape[3]} channels, got ${shapeStr(bg.shape)}`);
      out = tf.add(out, tf.mul(transmittance, bg));
    }
    return out as tf.Tensor4D;
  });
}

/** Options of {@link renderTransparent}: the layer count, the background, and rasterize's options. */
export interface RenderTransparentOptions extends RasterizeOptions {
  /**
   * How many depth layers to peel; fragments behind the last are dropped.
   * @defaultValue `4`
   */
  layers?: number;
  /**
   * What shows through every layer: a `[N,H,W,C]` tensor or a colour.
   * @defaultValue `0` (every channel)
   */
  background?: tf.Tensor | number[];
}

/**
 * Renders a mesh with transparency: peels `layers` depth layers of (`pos`, `tri`) with a DepthPeeler,
 * asks `shade(layer, index)` for each layer's colour and opacity, forces the opacity to 0 where the
 * layer is empty, and composites front to back (compositeLayers). Gradients flow to `pos` through every
 * layer's rasterization and to whatever `shade` uses. `shade` may call antialias on its layer.
 * @param pos - Clip-space positions, as {@link rasterize} takes them.
 * @param tri - `[T,3]` int32 triangles.
 * @param resolution - `[height, width]` in pixels.
 * @param shade - A layer's colour and opacity, from its `rast` (and its index, 0 nearest).
 * @param options - The layer count, the background and rasterize's options.
 * @returns The composite, `[N,H,W,C]`.
 * @example
 * ```ts
 * const image = renderTransparent(pos, tri, [256, 256], ({rast}) => ({
 *   color: interpolate(colors, rast, tri).out,
 *   alpha: tf.fill([1, 256, 256, 1], 0.5),
 * }), {layers: 3});
 * ```
 */
export function renderTransparent(
  pos: TensorOrLike,
  tri: TensorOrLike,
  resolution: [number, number],
  shade: (layer: RasterizeResult, index: number) => Layer,
  options: RenderTransparentOptions = {},
): tf.Tensor4D {
  const op = 'renderTransparent';
  checkOptions(op, options, OPTIONS);
  const count = options.layers ?? 4;
  if (!Number.isInteger(count) || count < 1)
    fail(op, `layers must be a positive integer, got ${JSON.stringify(count)}`);
  const {layers: _layers, background, ...rasterizeOptions} = options;
  return tf.tidy(() => {
    const peeler = new DepthPeeler(pos, tri, resolution, rasterizeOptions);
    try {
      const shaded: Layer[] = [];
      for (let i = 0; i < count; i++) {
        const layer = peeler.rasterizeNextLayer();
        const {color, alpha} = shade(layer, i);
        shaded.push({color, alpha: tf.mul(alpha, coverage(layer.rast)) as tf.Tensor4D});
      }
      return compositeLayers(shaded, background);
    } finally {
      peeler.dispose();
    }
  });
}
