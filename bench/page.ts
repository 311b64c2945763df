/** The benchmark page's script: runs every case and hands the results to the runner. */
import * as tf from '@tensorflow/tfjs';

import {benchCases} from './cases';
import {runCases} from './harness';

function glInfo(): string {
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  if (!gl) return 'no WebGL2';
  const dbg = gl.getExtension('WEBGL_debug_renderer_info');
  return String(dbg ? gl.getParameter(dbg.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
}

(globalThis as {runBench?: unknown}).runBench = async (options: {warmup?: number, reps?: number}) => {
  await tf.ready();
  const results = await runCases(benchCases(), options);
  return {userAgent: navigator.userAgent, renderer: glInfo(), results};
};
