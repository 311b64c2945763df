/**
 * A training loop through every op holds its tensor count and bytes steady: nothing a kernel,
 * an op or a gradient makes outlives its iteration.
 */
import * as tf from '@tensorflow/tfjs';

import * as dr from '../src/index';

import {describeEachBackend, LONG_LOOP_TIMEOUT_MS} from './util/backends';
import {Rng} from './util/random';

describeEachBackend('memory', () => {
  it(
    'stays constant over 200 fit iterations through all four ops, both coverage modes',
    async () => {
      const rng = new Rng(5);
      const mesh = dr.meshes.cube(0.5);
      const tri = tf.tensor2d(mesh.triangles, undefined, 'int32');
      const hash = dr.antialiasConstructTopologyHash(tri);
      const uv = tf.tensor2d(mesh.positions.map(p => [p[0] + 0.5, p[1] + p[2] + 0.5]));
      const pos = tf.variable(tf.tensor2d(mesh.positions.map(p => p.map(x => x + rng.uniform(-0.1, 0.1)))));
      const tex = tf.variable(tf.randomUniform([1, 16, 16, 3], 0, 1, 'float32', 1));
      const target = tf.zeros([1, 32, 32, 3]);
      const adam = tf.train.adam(1e-3);
      const proj = dr.mat4.perspective(0.4, 1, 50);
      // Iterations alternate between the coverage modes (docs/rasterize.md#coverage): a leak in
      // either grows the count.
      const step = (i: number) => {
        const coverage = i % 2 === 0 ? 'hardware' : 'exact';
        const mvp = dr.mat4.compose(
          proj,
          dr.mat4.translate(0, 0, -3.5),
          dr.mat4.randomRotation(() => rng.next()),
        );
        adam.minimize(() => {
          const clip = dr.mat4.transformPos(mvp, pos as tf.Tensor2D);
          const {rast, rastDb} = dr.rasterize(clip, tri, [32, 32], {coverage});
          const {out: texc, outDa: texd} = dr.interpolate(uv, rast, tri, {rastDb, diffAttrs: 'all'});
          const color = dr.texture(tex, texc, {uvDa: texd, mip: dr.textureConstructMip(tex)});
          const aa = dr.antialias(color, rast, clip, tri, {topologyHash: hash});
          return tf.mean(tf.square(tf.sub(aa, target))) as tf.Scalar;
        });
      };
      let at10 = {numTensors: 0, numBytes: 0};
      for (let i = 1; i <= 200; i++) {
        step(i);
        if (i === 10) at10 = {numTensors: tf.memory().numTensors, numBytes: tf.memory().numBytes};
      }
      await tex.data(); // let GPU backends finish and release
      expect({numTensors: tf.memory().numTensors, numBytes: tf.memory().numBytes}).toEqual(at10);
      tf.dispose([tri, uv, pos, tex, target]);
      hash.dispose();
      adam.dispose();
    },
    LONG_LOOP_TIMEOUT_MS,
  );
});
