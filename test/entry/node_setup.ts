/** Node set-up, a jasmine helper (test/jasmine.json) loaded before the specs: the package, then the backend list. */
import '@tensorflow/tfjs';
import {setWasmPaths} from '@tensorflow/tfjs-backend-wasm';
import {createRequire} from 'node:module';
import path from 'node:path';
import '../../src/index';

import {chooseBackends} from './backends';

// The wasm backend reads its .wasm files from its own dist/ folder.
setWasmPaths(path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
jasmine.DEFAULT_TIMEOUT_INTERVAL = 120_000;
chooseBackends(
  'node',
  process.env.DIFFRAST_BACKENDS,
  b => b !== 'webgl' && (b !== 'webgpu' || (globalThis as {navigator?: {gpu?: unknown}}).navigator?.gpu != null),
);
