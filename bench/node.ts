/**
 * The cpu, wasm and webgpu (Dawn) rows in Node (same cases as the page, host-backend subjects), for bench/run.mjs
 * and the packed bench (bench/standalone.mjs).
 */
import * as tf from '@tensorflow/tfjs';
import {setWasmPaths} from '@tensorflow/tfjs-backend-wasm';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

import {initWebGPU, WebGPUAdapterInfo} from '../src/node_webgpu';

import {unavailableReason} from './backends';
import {benchCases} from './cases';
import {fitIteration} from './fit';
import {gridScene} from './scenes';
import {exposeBench} from './session';

// The wasm backend's .wasm files: bench/bundle.mjs puts them beside this bundle.
setWasmPaths(path.dirname(fileURLToPath(import.meta.url)) + path.sep);
// Prod mode turns tfjs's warnings off, among them its banner recommending tfjs-node (which has no kernels of ours).
tf.enableProdMode();

exposeBench(async quick => {
  // Dawn for the webgpu rows (before anything imports tfjs-backend-webgpu: initWebGPU does).
  let adapter: WebGPUAdapterInfo | null = null,
    dawnError: string | undefined;
  try {
    adapter = await initWebGPU({setBackend: false});
  } catch (e) {
    dawnError = (e as Error).message;
  }
  const wasm = (await unavailableReason('wasm')) ?? undefined;
  const webgpu = dawnError ?? (await unavailableReason('webgpu')) ?? undefined;
  await tf.setBackend('cpu');
  await settleTfjsKernels();
  return {
    cases: benchCases({where: 'node', quick, unavailable: {wasm, webgpu}}),
    info: {node: process.version, tfjs: tf.version.tfjs, webgpu: adapter ?? webgpu},
  };
});

/**
 * Two small fit iterations on the cpu backend before any case. tfjs-backend-cpu's element-wise kernels (Add, Sub,
 * Multiply, RealDiv, ...) share one loop whose speed depends on which of them the process has run (V8 specializes
 * its call of the operator to the operators it has seen: one op alone runs ~2.5× faster than after several). A full
 * run times the fit first, so every later tf.add [cpu] yardstick ran in the slower state, while a run narrowed with
 * --only to the growth rows timed it in the faster one (rasterize's output at 512²: 13–16 ms against 32–34 ms
 * with 8 channels), and the growth rows' verdicts moved with it. Now every run times tf.add in the same state.
 */
async function settleTfjsKernels() {
  const fit = fitIteration('settle', 'subject', 'cpu', gridScene(12), 64, 64);
  await fit.setup();
  for (let i = 0; i < 2; i++) await fit.run();
  fit.teardown?.();
}
