/**
 * The render rows: an image of vertex colours from clip-space positions and the gradient of a
 * squared error with respect to those positions (forward + backward), by this package
 * (rasterize → interpolate → antialias) and by the soft rasterizer a tfjs user would write
 * without it (softras.ts).
 */
import * as tf from '@tensorflow/tfjs';

import * as dr from '../src/index';

import {backendFence, timedCall} from './backends';
import {Timed} from './harness';
import {pseudoRandom, Scene} from './scenes';
import {chunkPixels, pixelCenters, softRasGrad} from './softras';

/** The soft rasterizer's whole call is timed up to this many chunks; beyond, only its estimate (one chunk × chunks). */
const MAX_WHOLE_CHUNKS = 4;

/** What both renderers read: positions, triangles, colours and the target image, as plain arrays. */
function renderData(scene: Scene, height: number, width: number) {
  return {
    colors: pseudoRandom(3 * scene.numVertices, 7),
    target: pseudoRandom(3 * height * width, 19),
  };
}

/** This package's pipeline, differentiated by tf.grad as a user would. */
export function packageRender(
  name: string,
  role: Timed['role'],
  backend: string,
  scene: Scene,
  height: number,
  width: number,
): Timed {
  let pos: tf.Tensor3D, tri: tf.Tensor2D, colors: tf.Tensor2D, target: tf.Tensor4D, hash: dr.TopologyHash;
  const loss = (p: tf.Tensor) => {
    const {rast} = dr.rasterize(p, tri, [height, width]);
    const image = dr.antialias(dr.interpolate(colors, rast, tri).out, rast, p, tri, {topologyHash: hash});
    return tf.sum(tf.square(tf.sub(image, target))) as tf.Scalar;
  };
  const run = async () => {
    const grad = tf.grad(loss)(pos);
    await backendFence();
    grad.dispose();
  };
  return timedCall(name, role, backend, {
    setup() {
      const data = renderData(scene, height, width);
      pos = tf.tensor3d(scene.clip, [1, scene.numVertices, 4]);
      tri = tf.tensor2d(scene.triangles, [scene.numTriangles, 3], 'int32');
      colors = tf.tensor2d(data.colors, [scene.numVertices, 3]);
      target = tf.tensor4d(data.target, [1, height, width, 3]);
      hash = dr.antialiasConstructTopologyHash(tri);
    },
    run,
    teardown() {
      tf.dispose([pos, tri, colors, target]);
      hash.dispose();
    },
  });
}

/**
 * The soft rasterizer on `backend`, the same scene, colours and target. `estimated`: time its
 * first chunk of pixels only and scale by the number of chunks (they all do the same dense work),
 * for cells where a whole call takes far too long to repeat.
 */
export function softRasRender(
  subject: string,
  backend: string,
  scene: Scene,
  height: number,
  width: number,
  estimated = false,
): Timed {
  let pos: tf.Tensor2D, tri: tf.Tensor2D, colors: tf.Tensor2D, target: tf.Tensor2D, pixels: tf.Tensor2D;
  const chunk = chunkPixels(scene.numTriangles),
    chunks = Math.ceil((height * width) / chunk);
  return {
    name: `soft rasterizer [${backend}]${estimated ? ', estimated' : ''}`,
    role: 'yardstick',
    compare: 'alternative',
    for: subject,
    backend,
    ...(estimated
      ? {scale: chunks, scaleNote: `estimated: one chunk of ${chunk} pixels timed, × ${chunks} chunks`}
      : {growth: 'dense'}),
    unavailable:
      estimated && chunks === 1
        ? 'one chunk: the whole call is timed'
        : !estimated && chunks > MAX_WHOLE_CHUNKS
          ? `${chunks} chunks of ${chunk} pixels: a whole call is not run (the estimated entry times one)`
          : undefined,
    setup() {
      const data = renderData(scene, height, width);
      pos = tf.tensor2d(scene.clip, [scene.numVertices, 4]);
      tri = tf.tensor2d(nonDegenerate(scene), undefined, 'int32');
      colors = tf.tensor2d(data.colors, [scene.numVertices, 3]);
      target = tf.tensor2d(data.target, [height * width, 3]);
      pixels = pixelCenters(height, width);
    },
    async run() {
      const grad = softRasGrad(pos, tri, colors, pixels, target, estimated ? 1 : Infinity);
      await backendFence();
      grad.dispose();
    },
    teardown() {
      tf.dispose([pos, tri, colors, target, pixels]);
    },
  };
}

/** [T',3] triangles without repeated corner positions (the sphere's poles have some). */
function nonDegenerate(scene: Scene): number[][] {
  const key = (v: number) => scene.positions.slice(3 * v, 3 * v + 3).join();
  const out: number[][] = [];
  for (let t = 0; t < scene.numTriangles; t++) {
    const c = Array.from(scene.triangles.slice(3 * t, 3 * t + 3));
    if (new Set(c.map(key)).size === 3) out.push(c);
  }
  return out;
}
