/**
 * Package check, TypeScript consumer: compiled with `tsc --noEmit` against the packed package's
 * declarations (resolved through package.json "exports" → "types"). Nothing here runs.
 * The @ts-expect-error lines prove the declarations are real types, not `any`.
 */
import * as tf from '@tensorflow/tfjs';
import {
  antialias,
  antialiasConstructTopologyHash,
  AntialiasOptions,
  decodeTriangleId,
  DepthPeeler,
  interpolate,
  InterpolateResult,
  rasterize,
  RasterizeOptions,
  RasterizeResult,
  texture,
  textureConstructMip,
  TextureMip,
  TextureOptions,
  TopologyHash,
} from 'tfjs-diffrast';

const pos: tf.Tensor3D = tf.tensor3d([
  [
    [-0.8, -0.8, 0, 1],
    [0.8, -0.8, 0, 1],
    [0, 0.8, 0, 1],
  ],
]);
const tri: tf.Tensor2D = tf.tensor2d([[0, 1, 2]], [1, 3], 'int32');

const rasterizeOptions: RasterizeOptions = {gradDb: true};
const {rast, rastDb}: RasterizeResult = rasterize(pos, tri, [8, 8], rasterizeOptions);
const rast4: tf.Tensor4D = rast;
const fromArrays: RasterizeResult = rasterize([[[0, 0, 0, 1]]], [[0, 0, 0]], [4, 4]);

const attr = tf.tensor2d([
  [0, 0],
  [1, 0],
  [0, 1],
]);
const {out, outDa}: InterpolateResult = interpolate(attr, rast, tri, {rastDb, diffAttrs: 'all'});
const onlyFirst = interpolate(attr, rast, tri, {rastDb, diffAttrs: [0, -1]}).out;

const tex = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
const mip: TextureMip = textureConstructMip(tex, {maxMipLevel: 2});
const textureOptions: TextureOptions = {uvDa: outDa, filterMode: 'linear-mipmap-linear', boundaryMode: 'clamp', mip};
const color: tf.Tensor4D = texture(tex, out, textureOptions);
const nearest = texture(tex, out, {filterMode: 'nearest', boundaryMode: 'wrap'});

const topologyHash: TopologyHash = antialiasConstructTopologyHash(tri);
const aaOptions: AntialiasOptions = {topologyHash, posGradientBoost: 1};
const aa: tf.Tensor4D = antialias(color, rast, pos, tri, aaOptions);

const peeler = new DepthPeeler(pos, tri, [8, 8]);
const layer0: RasterizeResult = peeler.rasterizeNextLayer();
peeler.dispose();

const id: number = decodeTriangleId(1);

const grad: tf.Tensor = tf.grad((p: tf.Tensor) => rasterize(p, tri, [8, 8]).rast.sum())(pos);

// @ts-expect-error resolution is [height, width]
rasterize(pos, tri, 8);
// @ts-expect-error rasterize returns {rast, rastDb}, not a tensor
const notATensor: tf.Tensor = rasterize(pos, tri, [8, 8]);
// @ts-expect-error unknown filter mode
texture(tex, out, {filterMode: 'bicubic'});
// @ts-expect-error unknown boundary mode
texture(tex, out, {boundaryMode: 'mirror'});
// @ts-expect-error posGradientBoost is a number
antialias(color, rast, pos, tri, {posGradientBoost: 'large'});

export {aa, fromArrays, grad, id, layer0, nearest, notATensor, onlyFirst, rast4};
