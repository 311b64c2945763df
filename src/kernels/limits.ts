/**
 * Per-backend limits the ops check before they run a kernel. Each backend registers its own.
 */
import * as tf from '@tensorflow/tfjs-core';

type MaxResolution = (backend: tf.KernelBackend) => number;

const maxResolutionByBackend = new Map<string, MaxResolution>();

/** The cpu reference stores images in typed arrays; beyond this a single side is impractical. */
const DEFAULT_MAX_RESOLUTION = 16384;

export function registerMaxResolution(backendName: string, fn: MaxResolution) {
  maxResolutionByBackend.set(backendName, fn);
}

/** The largest height or width the active backend can render. */
export function maxResolution(): number {
  const fn = maxResolutionByBackend.get(tf.getBackend());
  return fn ? fn(tf.backend()) : DEFAULT_MAX_RESOLUTION;
}
