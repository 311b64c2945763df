/**
 * Node test set-up. Imported by the generated Node entry (scripts/test-build.mjs) after
 * '@tensorflow/tfjs' and before any spec module is evaluated.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import * as tf from '@tensorflow/tfjs';
import {setWasmPaths} from '@tensorflow/tfjs-backend-wasm';
import {createRequire} from 'node:module';
import path from 'node:path';

const g = globalThis as any;

// The wasm backend reads its .wasm files from its own dist/ folder, wherever this bundle lives.
setWasmPaths(path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);

// Specs may make tensors while they are defined: on cpu, as in the browser set-up (the wasm backend
// ranks above cpu but cannot start synchronously).
await tf.setBackend('cpu');

/** The backends `describeEachBackend` (test/util/backends.ts) runs each spec body for. */
g.DIFFRAST_TEST_BACKENDS = ['cpu', 'wasm'];

// Jasmine's globals exist: the runner (scripts/test-node.mjs) installs them before loading us.
g.jasmine.DEFAULT_TIMEOUT_INTERVAL = 120_000;

console.log(`node: backends under test: ${g.DIFFRAST_TEST_BACKENDS.join(', ')}`);
