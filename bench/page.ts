/** The benchmark page: lists the cases and runs them one at a time for bench/run.mjs. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';

import {unavailableReason} from './backends';
import {benchCases, CaseOptions} from './cases';
import {exposeBench} from './session';

function webglRenderer(): string {
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  if (!gl) return 'no WebGL2';
  const dbg = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(dbg ? gl.getParameter(dbg.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return renderer;
}

async function webgpuAdapter(): Promise<string> {
  const adapter = await navigator.gpu?.requestAdapter();
  if (!adapter) return 'no WebGPU adapter';
  const info = (adapter as unknown as {info?: Record<string, string>}).info ?? {};
  return (
    ['vendor', 'architecture', 'device', 'description']
      .filter(k => info[k])
      .map(k => `${k}=${info[k]}`)
      .join(', ') || '(no info)'
  );
}

exposeBench(async quick => {
  const o: CaseOptions = {where: 'page', quick, unavailable: {}};
  for (const b of ['webgl', 'webgpu']) o.unavailable[b] = (await unavailableReason(b)) ?? undefined;
  await tf.setBackend('cpu');
  return {
    cases: benchCases(o),
    info: {
      userAgent: navigator.userAgent,
      webgl: webglRenderer(),
      webgpu: await webgpuAdapter(),
      unavailable: o.unavailable,
    },
  };
});
