/** Unit quaternions (w, x, y, z) for the pose sample: plain numbers, and the rotation as tensors. */
import * as tf from '@tensorflow/tfjs';

import type {Rng} from './random';

export type Quat = [number, number, number, number];

export function multiply([aw, ax, ay, az]: Quat, [bw, bx, by, bz]: Quat): Quat {
  return [
    aw * bw - ax * bx - ay * by - az * bz,
    aw * bx + ax * bw + ay * bz - az * by,
    aw * by - ax * bz + ay * bw + az * bx,
    aw * bz + ax * by - ay * bx + az * bw,
  ];
}

/** Rotation by `angle` about the unit vector `axis`. */
export function fromAxisAngle(axis: number[], angle: number): Quat {
  const s = Math.sin(angle / 2);
  return [Math.cos(angle / 2), axis[0] * s, axis[1] * s, axis[2] * s];
}

/** A rotation drawn uniformly from SO(3) (Shoemake). */
export function random(rng: Rng): Quat {
  const u = rng.next(),
    a = 2 * Math.PI * rng.next(),
    b = 2 * Math.PI * rng.next();
  const p = Math.sqrt(1 - u),
    q = Math.sqrt(u);
  return [p * Math.sin(a), p * Math.cos(a), q * Math.sin(b), q * Math.cos(b)];
}

/** The angle of the rotation taking p to q, in degrees (q and −q are the same rotation). */
export function angleDegrees(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const dot = Math.abs(p[0] * q[0] + p[1] * q[1] + p[2] * q[2] + p[3] * q[3]);
  const norms = Math.hypot(p[0], p[1], p[2], p[3]) * Math.hypot(q[0], q[1], q[2], q[3]);
  return (2 * Math.acos(Math.min(1, dot / norms)) * 180) / Math.PI;
}

/** The 4×4 rotation matrix of a (not necessarily unit) quaternion tensor [4]; differentiable. */
export function rotationMatrix(q: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => {
    const [w, x, y, z] = tf.unstack(tf.div(q, tf.norm(q)));
    const two = (a: tf.Tensor, b: tf.Tensor) => tf.mul(2, tf.mul(a, b));
    const zero = tf.scalar(0),
      one = tf.scalar(1);
    return tf
      .stack([
        tf.sub(one, tf.add(two(y, y), two(z, z))),
        tf.sub(two(x, y), two(w, z)),
        tf.add(two(x, z), two(w, y)),
        zero,
        tf.add(two(x, y), two(w, z)),
        tf.sub(one, tf.add(two(x, x), two(z, z))),
        tf.sub(two(y, z), two(w, x)),
        zero,
        tf.sub(two(x, z), two(w, y)),
        tf.add(two(y, z), two(w, x)),
        tf.sub(one, tf.add(two(x, x), two(y, y))),
        zero,
        zero,
        zero,
        zero,
        one,
      ])
      .reshape([4, 4]) as tf.Tensor2D;
  });
}
