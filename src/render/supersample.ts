/**
 * Supersampling: render at k times the resolution and box-filter down. Differentiable (the box
 * filter is an average pool). See docs/render.md.
 */
import * as tf from '@tensorflow/tfjs-core';

import {fail, shapeStr} from '../ops/checks';

function checkFactor(op: string, k: unknown): number {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1)
    fail(op, `k must be a positive integer, got ${JSON.stringify(k)}`);
  return k;
}

/**
 * The mean of each k×k block of an `[N,k·H,k·W,C]` image: `[N,H,W,C]`.
 * @param image - `[N,k·H,k·W,C]`.
 * @param k - The block size (a positive integer).
 * @returns `[N,H,W,C]`.
 * @example
 * ```ts
 * const small = downsample(large, 4);
 * ```
 */
export function downsample(image: tf.Tensor4D, k: number): tf.Tensor4D {
  const op = 'downsample';
  checkFactor(op, k);
  if (!(image instanceof tf.Tensor) || image.rank !== 4) {
    fail(
      op,
      `image must be a [N,H,W,C] tensor, got ${image instanceof tf.Tensor ? shapeStr(image.shape) : typeof image}`,
    );
  }
  const [, h, w] = image.shape;
  if (h % k !== 0 || w % k !== 0)
    fail(op, `image height and width must be multiples of k = ${k}, got ${shapeStr(image.shape)}`);
  return k === 1 ? tf.clone(image) : tf.avgPool(image, k, k, 'valid');
}

/**
 * Calls `render([k·H, k·W])` and box-filters its `[N,k·H,k·W,C]` image down to `[N,H,W,C]`: each
 * pixel is the mean of k² samples on a regular grid inside it (pixel centers of the large render
 * map to sample positions inside the small pixel). The large image is disposed.
 * @param render - Renders an `[N,h,w,C]` image at the resolution it is given.
 * @param resolution - `[H, W]` of the result.
 * @param k - Samples per pixel along each axis.
 * @returns The `[N,H,W,C]` image.
 * @example
 * ```ts
 * const image = supersample(res => interpolate(colors, rasterize(pos, tri, res).rast, tri).out, [128, 128], 4);
 * ```
 */
export function supersample(
  render: (resolution: [number, number]) => tf.Tensor4D,
  resolution: [number, number],
  k: number,
): tf.Tensor4D {
  const op = 'supersample';
  checkFactor(op, k);
  if (!Array.isArray(resolution) || resolution.length !== 2 || !resolution.every(r => Number.isInteger(r) && r > 0)) {
    fail(op, `resolution must be [height, width] of positive integers, got ${JSON.stringify(resolution)}`);
  }
  return tf.tidy(() => downsample(render([k * resolution[0], k * resolution[1]]), k));
}
