/** Learning-rate schedules for tfjs's Adam. */
import type * as tf from '@tensorflow/tfjs';

/** tfjs declares Adam's learning rate protected, but reads it at every step: schedules set it here. */
export function setLearningRate(adam: tf.AdamOptimizer, rate: number) {
  (adam as unknown as {learningRate: number}).learningRate = rate;
}
