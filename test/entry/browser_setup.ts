/**
 * Browser test set-up, used by the generated browser entry (scripts/test-build.mjs).
 *
 * Order in the page: the entry holds karma's start, loads the package (which registers our
 * kernels), detects which backends initialise here and carry our kernels, publishes that list as
 * `globalThis.DIFFRAST_TEST_BACKENDS`, and only then imports the spec modules (their
 * `describeEachBackend` calls read the list at definition time) and lets karma start jasmine.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import * as tf from '@tensorflow/tfjs';
import {setWasmPaths} from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';

const g = globalThis as any;

/** Where karma serves the wasm backend's .wasm files (karma.conf.cjs). */
setWasmPaths('/base/node_modules/@tensorflow/tfjs-backend-wasm/dist/');

/** The kernel whose registration marks a backend as "implemented" by this package. */
export const PROBE_KERNEL = 'DiffrastRasterize';

/** Log prefix the karma reporter (karma.conf.cjs) picks up for its summary. */
export const BACKENDS_LOG_PREFIX = 'diffrast: backends under test:';

/**
 * Karma calls `__karma__.loaded()` (which starts jasmine) from a module script right after ours has
 * begun evaluating; it does not wait for our top-level awaits. Hold that call until `release()`.
 * Must be called synchronously, before the entry's first await.
 */
export function holdKarmaStart(): () => void {
  const karma = g.__karma__;
  if (!karma || typeof karma.loaded !== 'function') return () => {};
  const original = karma.loaded;
  let requested = false;
  let released = false;
  karma.loaded = function () {
    requested = true;
    if (released) original.call(karma);
  };
  return () => {
    if (released) return;
    released = true;
    karma.loaded = original;
    if (requested) original.call(karma);
  };
}

/** Reports a set-up failure to karma (counted as an error of the run) and to the console. */
export function reportSetupError(what: string, e: unknown) {
  const msg = `${what}: ${e instanceof Error ? e.stack || e.message : String(e)}`;
  console.error(msg);
  g.__karma__?.error?.(msg);
}

function timeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms)),
  ]);
}

async function probeWebGPU(): Promise<string> {
  const gpu = (navigator as any).gpu;
  if (!gpu) throw new Error('navigator.gpu is missing (needs a secure context and --enable-unsafe-webgpu)');
  const adapter = (await timeout(gpu.requestAdapter(), 30_000, 'requestAdapter')) as any;
  if (!adapter) throw new Error('navigator.gpu.requestAdapter() returned null');
  const info = adapter.info ?? (adapter.requestAdapterInfo ? await adapter.requestAdapterInfo() : {});
  const parts = ['vendor', 'architecture', 'device', 'description'].filter(k => info[k]).map(k => `${k}=${info[k]}`);
  if (adapter.isFallbackAdapter ?? info.isFallbackAdapter) parts.push('fallback');
  parts.push(`shader-f16=${adapter.features?.has?.('shader-f16') ? 'yes' : 'no'}`);
  return `adapter ${parts.join(', ') || '(no info)'}`;
}

function describeWebGL(): string {
  const gl = (tf.backend() as any)?.gpgpu?.gl as WebGL2RenderingContext | undefined;
  if (!gl) return 'no GL context';
  const dbg = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = dbg ? gl.getParameter(dbg.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
  const exts = ['EXT_color_buffer_float', 'EXT_float_blend'].map(
    e => `${e}=${gl.getSupportedExtensions()?.includes(e) ? 'yes' : 'no'}`,
  );
  return `${gl.getParameter(gl.VERSION)}, renderer=${renderer}, ${exts.join(', ')}`;
}

/**
 * Decides the backend list: 'cpu' always; 'wasm' / 'webgl' / 'webgpu' when they initialise and carry our
 * kernels (or, with `forced`, exactly the forced list, whatever their state). Logs what it saw.
 */
export async function detectBackends(forced: string[] | null): Promise<string[]> {
  const usable: Record<string, boolean> = {cpu: true};
  for (const name of ['wasm', 'webgl', 'webgpu']) {
    let detail = '';
    let ok = false;
    try {
      if (name === 'webgpu') detail = await probeWebGPU();
      ok = await timeout(tf.setBackend(name), 60_000, `tf.setBackend('${name}')`);
      if (ok) await tf.ready();
      if (ok && name === 'webgl') detail = describeWebGL();
      if (!ok) detail += `${detail ? '; ' : ''}tf.setBackend('${name}') resolved false`;
    } catch (e) {
      detail += `${detail ? '; ' : ''}${e instanceof Error ? e.message : String(e)}`;
    }
    const kernels = tf.getKernel(PROBE_KERNEL, name) != null;
    usable[name] = ok && kernels;
    console.log(
      `diffrast: ${name}: ${ok ? 'initialised' : 'NOT initialised'}; ${PROBE_KERNEL} ${
        kernels ? 'registered' : 'not registered'
      }; ${detail}`,
    );
  }
  await tf.setBackend('cpu');
  await tf.ready();
  const list = forced ?? ['cpu', 'wasm', 'webgl', 'webgpu'].filter(b => usable[b]);
  g.DIFFRAST_TEST_BACKENDS = list;
  console.log(`${BACKENDS_LOG_PREFIX} ${list.join(', ')}${forced ? ' (forced by --backends)' : ''}`);
  return list;
}

/**
 * Logs `diffrast: run incomplete: <reason>` when jasmine ends incomplete (e.g. a focused fit() /
 * fdescribe()); scripts/test-browser.mjs counts a focused run as a failure, as the Node runner does.
 */
export function reportIncompleteRun() {
  g.jasmine?.getEnv?.().addReporter({
    jasmineDone(r: {overallStatus?: string; incompleteReason?: string}) {
      if (r.overallStatus === 'incomplete') console.warn(`diffrast: run incomplete: ${r.incompleteReason}`);
    },
  });
}

export function setJasmineTimeout(ms: number) {
  if (g.jasmine) g.jasmine.DEFAULT_TIMEOUT_INTERVAL = ms;
}
