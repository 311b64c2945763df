/** Camera and image helpers the samples share. */
import * as tf from '@tensorflow/tfjs';

import * as dr from '../../src/index';

import type {Rng} from './random';

/** The samples' lens: tan(half the field of view) = 0.4, near 1, far 200. */
export const PROJECTION = dr.mat4.perspective(0.4, 1, 200);

/** Projection · translate(0, 0, −distance) · rotation: the object at the origin, seen from +z. */
export function cameraAt(distance: number, rotation: dr.mat4.Mat4 = dr.mat4.identity()): dr.mat4.Mat4 {
  return dr.mat4.compose(PROJECTION, dr.mat4.translate(0, 0, -distance), rotation);
}

/** A uniformly random rotation drawn from `rng`. */
export function randomRotation(rng: Rng): dr.mat4.Mat4 {
  return dr.mat4.randomRotation(() => rng.next());
}

/** The fixed three-quarter view the pages and output images use. */
export const DISPLAY_ROTATION = dr.mat4.compose(dr.mat4.rotateX(0.4), dr.mat4.rotateY(-0.6));

/** `[1,H,W,C]` (row 0 at the bottom) → a displayable `[H,W,3]`: rows flipped, clamped to [0, 1]. */
export function toDisplay(image: tf.Tensor4D): tf.Tensor3D {
  return tf.tidy(() => {
    const rgb = image.shape[3] === 3 ? image : tf.slice(image, [0, 0, 0, 0], [-1, -1, -1, 3]);
    return tf.clipByValue(tf.reverse(tf.squeeze(rgb, [0]), 0), 0, 1) as tf.Tensor3D;
  });
}

/** Mean squared difference of two images. */
export function mse(a: tf.Tensor, b: tf.Tensor): tf.Scalar {
  return tf.mean(tf.square(tf.sub(a, b)));
}

/** Reads a scalar and disposes it. */
export async function readScalar(x: tf.Scalar): Promise<number> {
  const v = (await x.data())[0];
  x.dispose();
  return v;
}
