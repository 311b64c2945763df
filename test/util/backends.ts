/**
 * Runs a spec body once per backend under test. The set-up (test/entry/node_setup.ts, browser_setup.ts)
 * sets `globalThis.DIFFRAST_TEST_BACKENDS`: ['cpu', 'wasm'] in Node; in Chromium every backend that
 * is available and has our kernels registered.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Timeout of the specs that loop over hundreds of iterations: on GPUs emulated in software
 * (SwiftShader on a loaded machine) they take minutes, and how long is no part of what they check.
 */
export const LONG_LOOP_TIMEOUT_MS = 600_000;

/** Backends that run the typed-array kernels on the host (src/kernels/cpu): same math, same specs. */
export const HOST_BACKENDS = ['cpu', 'wasm'];

export function testBackends(): string[] {
  return (globalThis as {DIFFRAST_TEST_BACKENDS?: string[]}).DIFFRAST_TEST_BACKENDS ?? ['cpu'];
}

/**
 * `describe(title [backend])` for every backend under test (but those in `skip`), with tfjs's
 * leak check on.
 */
export function describeEachBackend(title: string, body: (backend: string) => void, skip: string[] = []) {
  for (const backend of testBackends().filter(b => !skip.includes(b))) {
    describe(`${title} [${backend}]`, () => {
      beforeAll(async () => {
        if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} failed to initialise`);
        await tf.ready();
        tf.env().set('IS_TEST', true);
      });
      body(backend);
    });
  }
}

/** Runs `fn` and fails if it leaves tensors behind. */
export async function expectNoLeaks(fn: () => unknown | Promise<unknown>) {
  const before = tf.memory().numTensors;
  await fn();
  expect(tf.memory().numTensors).toBe(before, 'tensors leaked');
}
