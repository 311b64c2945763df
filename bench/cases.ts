/**
 * The benchmark cases: each times one call of an op (subject) against its yardsticks in the same
 * page. Extend the suite by adding cases here.
 */
import * as tf from '@tensorflow/tfjs';

import * as dr from '../src/index';

import {BenchCase, fence, Timed} from './harness';
import {PROFILE_FLAG, takePassTimes} from '../src/kernels/webgl/gl_context';

import {ClipMesh, sphere} from './scenes';
import {plainWebGL2Draw} from './yardsticks';

/** Waits until the backend's queued GPU work is done (nothing to wait for on cpu). */
async function backendFence() {
  const gl = (tf.backend() as unknown as {gpgpu?: {gl: WebGL2RenderingContext}}).gpgpu?.gl;
  if (gl) await fence(gl);
}

function rasterizeForward(backend: string, mesh: ClipMesh, height: number, width: number): Timed {
  let pos: tf.Tensor, tri: tf.Tensor;
  return {
    name: `rasterize [${backend}]`,
    async setup() {
      await tf.setBackend(backend);
      pos = tf.tensor3d(mesh.positions, [1, mesh.numVertices, 4]);
      tri = tf.tensor2d(mesh.triangles, [mesh.numTriangles, 3], 'int32');
      const {rast, rastDb} = dr.rasterize(pos, tri, [height, width]);  // uploads inputs, compiles
      await rast.data();
      tf.dispose([rast, rastDb]);
    },
    async run() {
      const {rast, rastDb} = dr.rasterize(pos, tri, [height, width]);
      await backendFence();
      rast.dispose();
      rastDb.dispose();
    },
    async breakdown() {
      if (backend !== 'webgl') return {};
      tf.env().set(PROFILE_FLAG, true);
      try {
        await takePassTimes(tf.backend());
        await this.run();
        return await takePassTimes(tf.backend());
      } finally {
        tf.env().set(PROFILE_FLAG, false);
      }
    },
    teardown() {
      tf.dispose([pos, tri]);
    },
  };
}

export function benchCases(): BenchCase[] {
  const mesh = sphere(100_000);
  const [height, width] = [1024, 1024];
  return [{
    name: 'rasterize forward, 1024x1024, 100k-triangle sphere',
    params: {height, width, triangles: mesh.numTriangles, vertices: mesh.numVertices, backend: 'webgl'},
    subject: rasterizeForward('webgl', mesh, height, width),
    yardsticks: [plainWebGL2Draw(mesh, height, width)],
  }];
}
