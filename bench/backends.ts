/**
 * What the cases need to know about a tfjs backend: can our kernels run on it, how to wait for its
 * GPU work, and how to split a call's GPU time into passes.
 */
import * as tf from '@tensorflow/tfjs';

import {PROFILE_FLAG, takePassTimes} from '../src/kernels/webgl/gl_context';
import {PROFILE_FLAG as GPU_PROFILE_FLAG, takePassTimes as takeGpuPassTimes} from '../src/kernels/webgpu/gpu_context';

import {nextTask, Timed} from './harness';

/** The kernel whose registration marks a backend as implemented by this package. */
const PROBE_KERNEL = 'DiffrastRasterize';

/** Why our kernels cannot run on `backend` here, or null when they can. */
export async function unavailableReason(backend: string): Promise<string | null> {
  if (tf.getKernel(PROBE_KERNEL, backend) == null) return 'no kernels registered';
  try {
    if (!(await tf.setBackend(backend))) return 'backend failed to initialise';
  } catch (e) {
    return `backend failed to initialise: ${(e as Error)?.message ?? e}`;
  }
  return null;
}

/** How long glFence polls on every task before it polls about once a millisecond. */
const EAGER_POLL_MS = 2;

/** Resolves in about a millisecond: a timer set from a message task, so not clamped to 4 ms as nested timers are. */
function shortSleep(): Promise<void> {
  return nextTask().then(() => new Promise<void>(resolve => setTimeout(resolve, 1)));
}

/**
 * Waits until the GPU has finished everything submitted to `gl` so far. (Chromium's gl.finish() does not wait, and
 * a sync object's status changes only between tasks, so this polls across tasks: on every task for the first
 * EAGER_POLL_MS, which keeps short calls exact, then about once a millisecond, as tfjs's own read-backs poll with
 * timers. Polling on every task throughout kept the page's thread busy for as long as the GPU worked, and with
 * SwiftShader the GPU is this machine's cores: a fit iteration's renderer CPU 1.2 s against 0.2, docs/performance.md.)
 */
export async function glFence(gl: WebGL2RenderingContext) {
  const sync = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0)!;
  gl.flush();
  const eagerUntil = performance.now() + EAGER_POLL_MS;
  while (gl.clientWaitSync(sync, 0, 0) === gl.TIMEOUT_EXPIRED) {
    await (performance.now() < eagerUntil ? nextTask() : shortSleep());
  }
  gl.deleteSync(sync);
}

interface GpuBackends {
  gpgpu?: {gl: WebGL2RenderingContext};
  device?: {queue: {onSubmittedWorkDone(): Promise<void>}};
  ensureCommandEncoderReady?(): void;
  endComputePassEncoder?(): void;
  submitQueue?(): void;
}

/** Waits for all work queued on the active backend (tfjs batches WebGPU commands: submit them first). */
export async function backendFence() {
  const b = tf.backend() as unknown as GpuBackends;
  if (b.gpgpu) {
    await glFence(b.gpgpu.gl);
  } else if (b.device && b.submitQueue) {
    // submitQueue finishes the pending encoder, which is null when nothing is pending.
    b.ensureCommandEncoderReady!();
    b.endComputePassEncoder!();
    b.submitQueue();
    await b.device.queue.onSubmittedWorkDone();
  }
}

/**
 * GPU milliseconds per pass of one call of `run` on the active backend (webgl: our draws, timed
 * by DIFFRAST_WEBGL_PROFILE; webgpu: our compute passes, by DIFFRAST_WEBGPU_PROFILE where the
 * device has timestamp queries); null where the backend has no such profile.
 */
export async function passTimes(run: () => Promise<void>): Promise<{[pass: string]: number} | null> {
  const backend = tf.getBackend();
  if (backend !== 'webgl' && backend !== 'webgpu') return null;
  const [flag, take] = backend === 'webgl' ? [PROFILE_FLAG, takePassTimes] : [GPU_PROFILE_FLAG, takeGpuPassTimes];
  tf.env().set(flag, true);
  try {
    await take(tf.backend());
    await run();
    return await take(tf.backend());
  } finally {
    tf.env().set(flag, false);
  }
}

/**
 * A timed call of our code on `backend` (bench/ops.ts, fit.ts, render.ts): a yardstick is compared as an alternative
 * (the speed-up over it), and the breakdown is one more, profiled `run` (passTimes).
 */
export function timedCall(
  name: string,
  role: Timed['role'],
  backend: string,
  parts: Pick<Timed, 'setup' | 'run' | 'extra' | 'teardown'>,
): Timed {
  return {
    name,
    role,
    backend,
    compare: role === 'yardstick' ? 'alternative' : undefined,
    ...parts,
    breakdown: async () => (await passTimes(parts.run)) ?? {},
  };
}
