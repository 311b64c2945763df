/**
 * triangle: the smoke test. One triangle with red, green and blue corners at 256×256; a second
 * triangle, displaced and grey, learns its corners and colors from the first one's image through
 * rasterize → interpolate → antialias, the whole differentiable pipeline in a dozen lines.
 */
import * as tf from '@tensorflow/tfjs';

import * as dr from '../../src/index';
import {adam, variable} from '../lib/optimizer';
import {Rng} from '../lib/random';
import {mse, readScalar, toDisplay} from '../lib/render';
import type {Sample, Settings, Trainer} from '../lib/sample';

/** Clip-space corners (z = 0, w = 1) and their colors. */
const CORNERS = [
  [-0.8, -0.8],
  [0.8, -0.8],
  [0, 0.8],
];
const COLORS = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
];

export const triangle: Sample = {
  name: 'triangle',
  title: 'Triangle: the smoke test',
  summary:
    'The triangle with red, green and blue corners, rendered at 256×256. A displaced grey triangle learns ' +
    'its corners and colors from that one image; the corners move because antialias gives the silhouette ' +
    'pixels gradients.',
  settings: {
    iters: {label: 'iterations', default: 100},
    res: {label: 'resolution', default: 256, options: [32, 64, 128, 256, 512]},
    lr: {label: 'learning rate', default: 0.01, help: 'Adam'},
    seed: {label: 'seed', default: 1},
  },
  create: createTriangle,
};

async function createTriangle(s: Settings): Promise<Trainer> {
  const rng = new Rng(s.seed as number);
  const res = s.res as number;
  const tri = tf.tensor2d([[0, 1, 2]], [1, 3], 'int32');
  const hash = dr.antialiasConstructTopologyHash(tri);
  const cornersTrue = tf.tensor2d(CORNERS);
  const colorsTrue = tf.tensor2d(COLORS);
  const corners = variable(tf.tensor2d(CORNERS.map(p => p.map(x => x + rng.uniform(-0.3, 0.3)))));
  const colors = variable(tf.fill([3, 3], 0.5) as tf.Tensor2D);
  const optimizer = adam(s.lr as number);

  const render = (xy: tf.Tensor2D, rgb: tf.Tensor2D) => {
    const pos = tf.concat([xy, tf.zeros([3, 1]), tf.ones([3, 1])], 1).expandDims(0); // [1,3,4] clip space
    const {rast} = dr.rasterize(pos, tri, [res, res]);
    const {out} = dr.interpolate(rgb, rast, tri);
    return dr.antialias(out, rast, pos, tri, {topologyHash: hash});
  };
  const target = tf.tidy(() => render(cornersTrue, colorsTrue));

  return {
    async step() {
      const loss = optimizer.minimize(() => mse(render(corners as tf.Tensor2D, colors as tf.Tensor2D), target), true);
      return readScalar(loss!);
    },
    panels() {
      return tf.tidy(() => [
        {key: 'target', label: 'target', image: toDisplay(target)},
        {key: 'result', label: 'estimate', image: toDisplay(render(corners as tf.Tensor2D, colors as tf.Tensor2D))},
      ]);
    },
    async metrics() {
      const [cornerError, colorError] = tf.tidy(() => [
        // NDC units → pixels: the image spans 2 NDC units.
        tf.mul(tf.mean(tf.norm(tf.sub(corners, cornersTrue), 'euclidean', 1)), res / 2),
        tf.sqrt(mse(colors, colorsTrue)),
      ]);
      return {
        'mean corner error (pixels)': await readScalar(cornerError as tf.Scalar),
        'color rmse': await readScalar(colorError as tf.Scalar),
      };
    },
    dispose() {
      tf.dispose([tri, cornersTrue, colorsTrue, corners, colors, target]);
      hash.dispose();
      optimizer.dispose();
    },
  };
}
