/**
 * Integration: fit a cube's vertex positions and colors to images of the true cube from random
 * views, through rasterize → interpolate → antialias, MSE and Adam (the nvdiffrast cube sample).
 */
import * as tf from '@tensorflow/tfjs';

import * as dr from '../src/index';

import {describeEachBackend, LONG_LOOP_TIMEOUT_MS} from './util/backends';
import {Rng} from './util/random';

describeEachBackend('cube fit', () => {
  for (const coverage of ['hardware', 'exact'] as const)
    it(
      `reaches a mean vertex error below 0.02 at 16x16 (${coverage} coverage)`,
      async () => {
        const rng = new Rng(2024);
        const mesh = dr.meshes.cube(0.5);
        const tri = tf.tensor2d(mesh.triangles, undefined, 'int32');
        const hash = dr.antialiasConstructTopologyHash(tri);
        const posTrue = tf.tensor2d(mesh.positions);
        const colTrue = tf.tensor2d(mesh.positions.map(() => [rng.next(), rng.next(), rng.next()]));
        const pos = tf.variable(tf.tensor2d(mesh.positions.map(p => p.map(x => x + rng.uniform(-0.5, 0.5)))));
        const col = tf.variable(tf.tensor2d(mesh.positions.map(() => [rng.next(), rng.next(), rng.next()])));
        const proj = dr.mat4.perspective(0.4, 1, 50);
        const render = (mvp: dr.mat4.Mat4, p: tf.Tensor2D, c: tf.Tensor2D) => {
          const clip = dr.mat4.transformPos(mvp, p);
          const {rast} = dr.rasterize(clip, tri, [16, 16], {coverage});
          const {out} = dr.interpolate(c, rast, tri);
          return dr.antialias(out, rast, clip, tri, {topologyHash: hash});
        };
        const error = async () => {
          const e = tf.tidy(() => tf.mean(tf.norm(tf.sub(pos, posTrue), 'euclidean', 1)));
          const value = (await e.data())[0];
          e.dispose();
          return value;
        };
        const lr = 1e-2;
        const adam = tf.train.adam(lr);
        const maxIterations = 3000;
        let it = 0,
          err = await error();
        const start = err;
        for (; it < maxIterations && err >= 0.02; it++) {
          const mvp = dr.mat4.compose(
            proj,
            dr.mat4.translate(0, 0, -3.5),
            dr.mat4.randomRotation(() => rng.next()),
          );
          const target = tf.tidy(() => render(mvp, posTrue, colTrue));
          (adam as unknown as {learningRate: number}).learningRate = lr * Math.max(0.01, 10 ** (-it * 0.0005));
          adam.minimize(
            () => tf.mean(tf.square(tf.sub(render(mvp, pos as tf.Tensor2D, col as tf.Tensor2D), target))) as tf.Scalar,
          );
          target.dispose();
          if (it % 10 === 9) err = await error();
        }
        console.log(
          `cube fit [${tf.getBackend()}]: mean vertex error ${start.toFixed(3)} -> ${err.toFixed(4)} after ${it} iterations`,
        );
        expect(err).toBeLessThan(0.02);
        tf.dispose([tri, posTrue, colTrue, pos, col]);
        hash.dispose();
        adam.dispose();
      },
      LONG_LOOP_TIMEOUT_MS,
    );
});
