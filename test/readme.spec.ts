/** The README's quick start, as written there (at 64×64 to keep it quick). */
import * as tf from '@tensorflow/tfjs';

import * as dr from '../src/index';

import {describeEachBackend} from './util/backends';

describeEachBackend('README quick start', () => {
  it('renders a triangle and differentiates it', async () => {
    const pos = tf.variable(
      tf.tensor3d([
        [
          [-0.8, -0.8, 0, 1],
          [0.8, -0.8, 0, 1],
          [0, 0.8, 0, 1],
        ],
      ]),
    );
    const tri = tf.tensor2d([[0, 1, 2]], [1, 3], 'int32');
    const colors = tf.tensor2d([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    const hash = dr.antialiasConstructTopologyHash(tri);
    const render = () => {
      const {rast} = dr.rasterize(pos, tri, [64, 64]);
      const {out} = dr.interpolate(colors, rast, tri);
      return dr.antialias(out, rast, pos, tri, {topologyHash: hash});
    };
    const image = tf.reverse(render(), 1);
    expect(image.shape).toEqual([1, 64, 64, 3]);
    // Top row (after the flip) is background; the bottom middle is mostly red + green.
    const px = await image.array();
    expect(px[0][0][32]).toEqual([0, 0, 0]);
    expect(px[0][55][32][0] + px[0][55][32][1]).toBeGreaterThan(0.8);
    const target = tf.zeros([1, 64, 64, 3]);
    const {value, grads} = tf.variableGrads(() => tf.mean(tf.square(tf.sub(render(), target))) as tf.Scalar);
    const g = await grads[pos.name].data();
    // Shrinking the triangle lowers the loss: x of the left corner wants to grow, of the right to shrink.
    expect(g[0]).toBeLessThan(0);
    expect(g[4]).toBeGreaterThan(0);
    tf.dispose([pos, tri, colors, image, target, value, grads[pos.name]]);
    hash.dispose();
  });
});
