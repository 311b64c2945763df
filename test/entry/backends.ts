/**
 * Which backends the specs run on (`describeEachBackend` in test/util/backends.ts reads the list): every
 * registered backend that carries our kernels and can run here, or exactly the list of `--backends`.
 */
import * as tf from '@tensorflow/tfjs';

/** The kernel whose registration marks a backend as implemented by this package. */
const PROBE_KERNEL = 'DiffrastRasterize';
const ORDER = ['cpu', 'wasm', 'webgl', 'webgpu'];

export function chooseBackends(where: string, forced: string | null | undefined, canRun: (b: string) => boolean) {
  const registered = Object.keys(tf.engine().registryFactory);
  const list = forced ? forced.split(',') : registered.filter(b => tf.getKernel(PROBE_KERNEL, b) != null && canRun(b));
  list.sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99));
  (globalThis as {DIFFRAST_TEST_BACKENDS?: string[]}).DIFFRAST_TEST_BACKENDS = list;
  // Specs that make tensors while being defined get the cpu backend, not an uninitialised GPU one
  // (cpu initialises synchronously).
  void tf.setBackend('cpu');
  console.log(`${where}: backends under test: ${list.join(', ')}${forced ? ' (--backends)' : ''}`);
}
