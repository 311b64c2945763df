/**
 * Package check, TypeScript CommonJS consumer (module/moduleResolution node16, a .cts file):
 * `require('tfjs-diffrast')` must resolve to declarations TypeScript accepts from CommonJS.
 * Compiled with `tsc --noEmit`; nothing here runs.
 */
import tf = require('@tensorflow/tfjs');
import dr = require('tfjs-diffrast');

const pos = tf.tensor3d([
  [
    [-0.8, -0.8, 0, 1],
    [0.8, -0.8, 0, 1],
    [0, 0.8, 0, 1],
  ],
]);
const tri = tf.tensor2d([[0, 1, 2]], [1, 3], 'int32');
const result: dr.RasterizeResult = dr.rasterize(pos, tri, [8, 8]);
const rast: tf.Tensor4D = result.rast;
const color: tf.Tensor4D = dr.texture(
  tf.zeros([1, 4, 4, 3]),
  dr.interpolate(
    [
      [0, 0],
      [1, 0],
      [0, 1],
    ],
    rast,
    tri,
  ).out,
);
const aa: tf.Tensor4D = dr.antialias(color, rast, pos, tri, {topologyHash: dr.antialiasConstructTopologyHash(tri)});

// @ts-expect-error resolution is [height, width]
dr.rasterize(pos, tri, 8);

export = {aa};
