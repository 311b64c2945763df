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
