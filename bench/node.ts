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
  return {
    cases: benchCases({where: 'node', quick, unavailable: {wasm, webgpu}}),
    info: {node: process.version, tfjs: tf.version.tfjs, webgpu: adapter ?? webgpu},
  };
});
