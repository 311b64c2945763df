/** Browser set-up, injected ahead of the specs (karma.conf.cjs): the package's kernels, then the backend list. */
import {setWasmPaths} from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import '../../src/index';

import {chooseBackends} from './backends';

/** Where karma serves the wasm backend's .wasm files (karma.conf.cjs). */
setWasmPaths('/base/node_modules/@tensorflow/tfjs-backend-wasm/dist/');

const forced = (globalThis as {__karma__?: {config?: {diffrastBackends?: string}}}).__karma__?.config?.diffrastBackends;
chooseBackends('browser', forced, b => {
  if (b === 'webgl') return document.createElement('canvas').getContext('webgl2') != null;
  if (b === 'webgpu') return 'gpu' in navigator;
  return true;
});

// karma-jasmine sends every passed expectation to the server: millions from the per-element specs (330 MB of
// JSON, seconds of serialising). Runs before karma's reporter (added at start), so only the counts travel.
jasmine.getEnv().addReporter({
  specDone: result => {
    result.passedExpectations.length = 0;
  },
});
