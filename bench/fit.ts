/**
 * A full fit iteration: rasterize → interpolate (uv with derivatives) → texture (trilinear, mip
 * rebuilt from the texture being fitted) → antialias → squared error → backward → Adam step on
 * the vertex positions and the texture, against an image rendered from the true ones.
 */
import * as tf from '@tensorflow/tfjs';

import * as dr from '../src/index';

import {backendFence, timedCall} from './backends';
import {Timed} from './harness';
import {CAMERA, pseudoRandom, Scene} from './scenes';

/** The fitted texture's size (the textured mesh: a 512² texture). */
const TEXTURE_SIZE = 512;

interface Memory {
  numTensors: number;
  numBytes: number;
  numBytesInGPU?: number;
}

function memoryNow(): Memory {
  const m = tf.memory() as tf.MemoryInfo & {numBytesInGPU?: number};
  return {numTensors: m.numTensors, numBytes: m.numBytes, numBytesInGPU: m.numBytesInGPU};
}

export function fitIteration(
  name: string,
  role: Timed['role'],
  backend: string,
  scene: Scene,
  size: number,
  textureSize = TEXTURE_SIZE,
): Timed {
  let tri: tf.Tensor2D, uvAttr: tf.Tensor2D, target: tf.Tensor4D, hash: dr.TopologyHash;
  let pos: tf.Variable, tex: tf.Variable, adam: tf.AdamOptimizer;
  const after: Memory[] = [];
  const render = (p: tf.Tensor, t: tf.Tensor) => {
    const clip = dr.mat4.transformPos(CAMERA, p as tf.Tensor2D);
    const {rast, rastDb} = dr.rasterize(clip, tri, [size, size]);
    const {out: uv, outDa: uvDa} = dr.interpolate(uvAttr, rast, tri, {rastDb, diffAttrs: 'all'});
    const color = dr.texture(t, uv, {uvDa, mip: dr.textureConstructMip(t)});
    return dr.antialias(color, rast, clip, tri, {topologyHash: hash});
  };
  const run = async () => {
    adam.minimize(() => tf.mean(tf.square(tf.sub(render(pos, tex), target))) as tf.Scalar, false, [pos, tex]);
    await backendFence();
    after.push(memoryNow());
  };
  return timedCall(name, role, backend, {
    setup() {
      const n = textureSize;
      tri = tf.tensor2d(scene.triangles, [scene.numTriangles, 3], 'int32');
      uvAttr = tf.tensor2d(scene.uvs, [scene.numVertices, 2]);
      hash = dr.antialiasConstructTopologyHash(tri);
      target = tf.tidy(() =>
        render(
          tf.tensor2d(scene.positions, [scene.numVertices, 3]),
          tf.tensor4d(pseudoRandom(n * n * 3, 23), [1, n, n, 3]),
        ),
      );
      const noise = pseudoRandom(scene.positions.length, 29);
      // (tidy: a variable made from a tensor leaves that tensor alive.)
      pos = tf.tidy(() =>
        tf.variable(
          tf.tensor2d(
            scene.positions.map((x, i) => x + 0.04 * (noise[i] - 0.5)),
            [scene.numVertices, 3],
          ),
        ),
      );
      tex = tf.tidy(() => tf.variable(tf.fill([1, n, n, 3], 0.5)));
      adam = tf.train.adam(1e-3);
    },
    run,
    extra() {
      // After the first call Adam holds its moments: from then on nothing may grow.
      const steady = after.slice(1);
      return {
        memoryAfter: after[after.length - 1],
        memoryGrowth:
          steady.length > 1
            ? {
                numTensors: steady[steady.length - 1].numTensors - steady[0].numTensors,
                numBytes: steady[steady.length - 1].numBytes - steady[0].numBytes,
              }
            : undefined,
      };
    },
    teardown() {
      tf.dispose([tri, uvAttr, target, pos, tex]);
      hash.dispose();
      adam.dispose();
    },
  });
}
