/**
 * model: a tfjs-layers model trained through the renderer. A coordinate network (Fourier features
 * of a point on the sphere → dense layers → RGB) paints the texture of a sphere; the texture is
 * rendered through rasterize → interpolate → texture (mipmapped) → antialias and compared with
 * renders of the true texture at random views. A custom loop of tf.variableGrads over the model's
 * weights trains it: the renderer is just more differentiable layers.
 */
import * as tf from '@tensorflow/tfjs';

import * as dr from '../../src/index';
import {sphericalToVector, uvSphere} from '../lib/geometry';
import {adam, setLearningRate} from '../lib/optimizer';
import {earthTexture} from '../lib/procedural';
import {gaussian, Rng} from '../lib/random';
import {cameraAt, DISPLAY_ROTATION, randomRotation, readScalar, toDisplay} from '../lib/render';
import type {Sample, Settings, Trainer} from '../lib/sample';

/** The camera distance: the unit sphere fills about two thirds of the view. */
const DISTANCE = 3.5;
/** Fixed views, never trained on, that the PSNR metric is measured on. */
const HELD_OUT_VIEWS = 4;

export const model: Sample = {
  name: 'model',
  title: 'Model: a tfjs-layers network trained through the renderer',
  summary:
    'A coordinate network — Fourier features of a point on the sphere, two dense layers, a sigmoid RGB — paints ' +
    "a sphere's texture. Each step evaluates it at every texel, renders the sphere from a random view through " +
    'rasterize → interpolate → texture (mipmapped) → antialias, compares with the same view of the true ' +
    "texture, and updates the model's weights with tf.variableGrads and Adam. The metric is the PSNR of " +
    'renders from four views it never trained on.',
  settings: {
    iters: {label: 'iterations', default: 300},
    res: {label: 'resolution', default: 64, options: [32, 64, 128, 256]},
    texture: {
      label: 'texture width',
      default: 64,
      options: [32, 64, 128, 256],
      help: 'texels the network paints (the height is half); the true texture is twice as wide',
    },
    units: {label: 'hidden units', default: 64, options: [16, 32, 64, 128]},
    frequencies: {label: 'Fourier features', default: 32, help: 'random frequencies (each gives a sine and a cosine)'},
    scale: {label: 'frequency scale', default: 3, help: 'standard deviation of the frequencies, cycles per radius'},
    lr: {label: 'learning rate', default: 0.01, help: 'Adam, ramped down ×0.1 over the run'},
    seed: {label: 'seed', default: 1},
  },
  create: createModel,
};

/** Unit directions of the texel centers of a width × width/2 latitude/longitude texture: [H·W, 3]. */
function texelDirections(width: number): number[][] {
  const height = width / 2;
  const dirs: number[][] = [];
  for (let j = 0; j < height; j++) {
    const lat = Math.PI * ((j + 0.5) / height - 0.5);
    for (let i = 0; i < width; i++) dirs.push(sphericalToVector(lat, (2 * Math.PI * (i + 0.5)) / width));
  }
  return dirs;
}

/** [x, sin(2π·x·B), cos(2π·x·B)] for directions x [P,3] and frequencies B [3,F]: [P, 3 + 2F]. */
function fourierFeatures(dirs: tf.Tensor2D, freqs: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const phase = tf.mul(tf.matMul(dirs, freqs), 2 * Math.PI);
    return tf.concat([dirs, tf.sin(phase), tf.cos(phase)], 1) as tf.Tensor2D;
  });
}

async function createModel(s: Settings): Promise<Trainer> {
  const rng = new Rng(s.seed as number);
  const res = s.res as number,
    iters = s.iters as number;
  const texW = s.texture as number,
    texH = texW / 2;
  const units = s.units as number,
    numFreqs = s.frequencies as number;

  const sphere = uvSphere(64, 32);
  const pos = tf.tensor2d(sphere.positions);
  const tri = tf.tensor2d(sphere.triangles, undefined, 'int32');
  const uv = tf.tensor2d(sphere.uvs);
  const uvTri = tf.tensor2d(sphere.uvTriangles, undefined, 'int32');
  const hash = dr.antialiasConstructTopologyHash(sphere.triangles);
  const trueTexture = tf.tensor4d(earthTexture(texW, s.seed as number), [1, texW, 2 * texW, 3]);

  // The network's input is fixed (the texel grid), so its features are computed once.
  const freqs = tf.tensor2d(
    Array.from({length: 3 * numFreqs}, () => gaussian(rng) * (s.scale as number)),
    [3, numFreqs],
  );
  const features = tf.tidy(() => fourierFeatures(tf.tensor2d(texelDirections(texW)), freqs));
  const seed = s.seed as number;
  const net = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [features.shape[1]],
        units,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({seed}),
      }),
      tf.layers.dense({units, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({seed: seed + 1})}),
      tf.layers.dense({
        units: 3,
        activation: 'sigmoid',
        kernelInitializer: tf.initializers.glorotUniform({seed: seed + 2}),
      }),
    ],
  });
  const weights = net.trainableWeights.map(w => w.read() as tf.Variable);
  const lr = s.lr as number;
  const optimizer = adam(lr);

  /** The network's texture, [1, texH, texW, 3], row 0 at t = 0 (the south pole), as the sphere's uvs expect. */
  const paint = () => tf.reshape(net.apply(features) as tf.Tensor2D, [1, texH, texW, 3]) as tf.Tensor4D;

  /** The sphere under `mvp` at `size`², textured with `tex` (trilinear mipmapping), antialiased. */
  function render(mvp: dr.mat4.Mat4, tex: tf.Tensor4D, size: number): tf.Tensor4D {
    return tf.tidy(() => {
      const clip = dr.mat4.transformPos(mvp, pos);
      const {rast, rastDb} = dr.rasterize(clip, tri, [size, size]);
      const {out: texc, outDa: texd} = dr.interpolate(uv, rast, uvTri, {rastDb, diffAttrs: 'all'});
      const color = dr.texture(tex, texc, {uvDa: texd, filterMode: 'linear-mipmap-linear'});
      const shaded = tf.mul(color, dr.coverage(rast));
      return dr.antialias(shaded, rast, clip, tri, {topologyHash: hash});
    });
  }

  const viewAt = (r: Rng) => dr.mat4.compose(cameraAt(DISTANCE), randomRotation(r));
  const heldOut = Array.from({length: HELD_OUT_VIEWS}, (_, i) => viewAt(new Rng(1000 + i)));
  const heldOutTargets = heldOut.map(mvp => render(mvp, trueTexture, res));
  let iteration = 0;

  return {
    async step() {
      const mvp = viewAt(rng);
      const target = render(mvp, trueTexture, res);
      setLearningRate(optimizer, lr * 0.1 ** (iteration / iters));
      const {value, grads} = tf.variableGrads(
        () => tf.mean(tf.square(tf.sub(render(mvp, paint(), res), target))) as tf.Scalar,
        weights,
      );
      optimizer.applyGradients(grads as tf.NamedTensorMap as {[name: string]: tf.Variable});
      tf.dispose([target, grads]);
      iteration++;
      return readScalar(value);
    },
    panels() {
      const mvp = cameraAt(DISTANCE, DISPLAY_ROTATION);
      const size = Math.max(res, 256);
      return tf.tidy(() => {
        const painted = paint();
        return [
          {key: 'target', label: 'target', image: toDisplay(render(mvp, trueTexture, size))},
          {key: 'result', label: "the network's texture, rendered", image: toDisplay(render(mvp, painted, size))},
          {key: 'texture-target', label: 'true texture', image: toDisplay(trueTexture)},
          {key: 'texture-result', label: "the network's texture", image: toDisplay(painted)},
        ];
      });
    },
    async metrics() {
      // PSNR over the sphere's pixels (background excluded), pooled over the held-out views.
      const err = tf.tidy(() => {
        const painted = paint();
        let sum: tf.Tensor = tf.scalar(0),
          count: tf.Tensor = tf.scalar(0);
        heldOut.forEach((mvp, i) => {
          const {rast} = dr.rasterize(dr.mat4.transformPos(mvp, pos), tri, [res, res]);
          const covered = dr.coverage(rast);
          const diff = tf.sub(render(mvp, painted, res), heldOutTargets[i]);
          sum = tf.add(sum, tf.sum(tf.mul(tf.square(diff), covered)));
          count = tf.add(count, tf.mul(tf.sum(covered), 3));
        });
        return tf.div(sum, count) as tf.Scalar;
      });
      const mse = await readScalar(err);
      return {'held-out view PSNR (dB)': -10 * Math.log10(mse)};
    },
    dispose() {
      tf.dispose([pos, tri, uv, uvTri, trueTexture, freqs, features, ...heldOutTargets]);
      hash.dispose();
      net.dispose();
      optimizer.dispose();
    },
  };
}
