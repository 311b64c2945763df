/** What the samples need around tfjs optimizers: variables and learning-rate schedules. */
import * as tf from '@tensorflow/tfjs';

/** tfjs declares Adam's learning rate protected, but reads it at every step: schedules set it here. */
export function setLearningRate(adam: tf.AdamOptimizer, rate: number) {
  (adam as unknown as {learningRate: number}).learningRate = rate;
}

/** A trainable variable initialised with `init`, which it takes over (tf.variable alone leaves `init` alive). */
export function variable<R extends tf.Rank>(init: tf.Tensor<R>): tf.Variable<R> {
  const v = tf.variable(init);
  init.dispose();
  return v;
}

/**
 * Adam with ε = 1e-8 on every backend. tfjs's default ε is the backend's epsilon(): 1e-7 on cpu
 * but 1e-4 on webgl, which swamps the tiny per-texel gradients of a texture (≈1e-7 when a loss is
 * a mean over pixels) and all but stops texture learning there.
 */
export function adam(learningRate: number): tf.AdamOptimizer {
  return tf.train.adam(learningRate, 0.9, 0.999, 1e-8);
}
