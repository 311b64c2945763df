/**
 * Node set-up, a jasmine helper (test/jasmine.json) loaded before the specs: Dawn for the webgpu backend (before
 * anything imports tfjs-backend-webgpu, hence the dynamic imports), the package, then the backend list.
 */
import {createRequire} from 'node:module';
import path from 'node:path';

import {initWebGPU} from '../../src/node_webgpu';

// webgpu runs in Node when named by DIFFRAST_BACKENDS (`npm test` runs it in a Jasmine process of its own).
const forced = process.env.DIFFRAST_BACKENDS;
if (forced?.split(',').includes('webgpu')) {
  try {
    const info = await initWebGPU({setBackend: false});
    console.log(`node: webgpu on Dawn: ${info.description} (${info.vendor}, ${info.architecture})`);
  } catch (e) {
    console.log(`node: no webgpu: ${(e as Error).message}`);
  }
}
const tf = await import('@tensorflow/tfjs');
// The banner recommending tfjs-node (no kernels of ours) off, as in the bench. In tfjs 4.22 PROD only silences
// warnings (as IS_TEST does from each spec's set-up on): the leak check (IS_TEST) and DEBUG's checks stay.
tf.enableProdMode();
const {setWasmPaths} = await import('@tensorflow/tfjs-backend-wasm');
await import('../../src/index');
const {chooseBackends} = await import('./backends');

// The wasm backend reads its .wasm files from its own dist/ folder.
setWasmPaths(path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
jasmine.DEFAULT_TIMEOUT_INTERVAL = 120_000;
chooseBackends(
  'node',
  forced,
  b => b !== 'webgl' && (b !== 'webgpu' || (globalThis as {navigator?: {gpu?: unknown}}).navigator?.gpu != null),
);
