/**
 * earth: learn a texture (up to 2048×1024) on a sphere from renders at random views and
 * distances — with and without mipmaps, side by side on the same views (nvdiffrast's earth sample).
 *
 * From far away a pixel covers many texels. With mipmaps (trilinear lookups from the `uvDa`
 * derivatives) its gradient spreads over all of them through the pyramid; without, a bilinear
 * lookup hands the whole pixel's error to the 4 texels it happens to hit, and the texture fills up
 * with aliasing noise. The masked texture PSNR says by how much.
 */
import * as tf from '@tensorflow/tfjs';

import * as dr from '../../src/index';
import {uvSphere} from '../lib/geometry';
import {adam, setLearningRate, variable} from '../lib/optimizer';
import {earthTexture} from '../lib/procedural';
import {Rng} from '../lib/random';
import {cameraAt, DISPLAY_ROTATION, randomRotation, readScalar, toDisplay} from '../lib/render';
import type {Sample, Settings, Trainer} from '../lib/sample';

/** Texture PSNR counts texels within ±60° latitude: nearer the poles a texel covers under half the area it does at the equator. */
const MASK_LATITUDE = Math.PI / 3;
/** The nearest camera distance: the unit sphere then just fills the view. */
const NEAREST = 2.5;

export const earth: Sample = {
  name: 'earth',
  title: 'Earth: a texture from random views, with and without mipmaps',
  summary:
    "A texture on a UV sphere — nvdiffrast's 2048×1024 by default, 512×256 when a page opens (it learns several times faster) — is learned from renders of the true texture at random rotations and " +
    'distances from 2.5 to 50 radii (the target is supersampled 2× and always mipmapped). Two textures learn from the same views: one ' +
    'sampled with trilinear mipmapping, one with plain bilinear lookups. Far views alias without mipmaps, and the ' +
    'texture PSNR (texels within ±60° latitude) shows the difference.',
  settings: {
    iters: {label: 'iterations', default: 150},
    res: {label: 'resolution', default: 128, options: [32, 64, 128, 256, 512]},
    texture: {
      label: 'texture width',
      default: 2048,
      options: [256, 512, 1024, 2048],
      help: "texels; the height is half. 2048 is nvdiffrast's size; 512 learns several times faster",
    },
    maxDistance: {
      label: 'max distance',
      default: 50,
      help: 'camera distance drawn log-uniformly from [2.5, this]; the sphere has radius 1',
    },
    lr: {label: 'learning rate', default: 0.03, help: 'Adam, ramped down ×0.1 over the run'},
    seed: {label: 'seed', default: 1},
  },
  curves: ['with mipmaps', 'without mipmaps'],
  pageDefaults: {texture: 512},
  create: createEarth,
};

async function createEarth(s: Settings): Promise<Trainer> {
  const rng = new Rng(s.seed as number);
  const res = s.res as number,
    texH = (s.texture as number) / 2,
    iters = s.iters as number;
  const sphere = uvSphere(64, 32);
  const pos = tf.tensor2d(sphere.positions);
  const tri = tf.tensor2d(sphere.triangles, undefined, 'int32');
  const uv = tf.tensor2d(sphere.uvs);
  const uvTri = tf.tensor2d(sphere.uvTriangles, undefined, 'int32');
  const texTrue = tf.tensor4d(earthTexture(texH, s.seed as number), [1, texH, 2 * texH, 3]);
  const texMip = variable(tf.fill(texTrue.shape, 0.5) as tf.Tensor4D);
  const texNoMip = variable(tf.fill(texTrue.shape, 0.5) as tf.Tensor4D);
  const lr = s.lr as number;
  const adamMip = adam(lr),
    adamNoMip = adam(lr);
  const mask = tf.tidy(() => {
    const lat = tf.sub(tf.mul(tf.add(tf.range(0, texH), 0.5), Math.PI / texH), Math.PI / 2);
    return tf.cast(tf.lessEqual(tf.abs(lat), MASK_LATITUDE), 'float32').reshape([1, texH, 1, 1]);
  });
  let iteration = 0;

  /** The sphere under `mvp` at size×size: texture coordinates, their derivatives, coverage. */
  type Surface = {texc: tf.Tensor4D; texd: tf.Tensor4D; covered: tf.Tensor4D};
  function surface(mvp: dr.mat4.Mat4, size: number): Surface {
    return tf.tidy(() => {
      const {rast, rastDb} = dr.rasterize(dr.mat4.transformPos(mvp, pos), tri, [size, size]);
      const {out: texc, outDa: texd} = dr.interpolate(uv, rast, uvTri, {rastDb, diffAttrs: 'all'});
      // (Tiled to RGB: tfjs's cpu backend multiplies same-shape tensors far faster than broadcast ones.)
      const covered = tf.tile(
        tf.cast(tf.greater(tf.slice(rast, [0, 0, 0, 3], [-1, -1, -1, 1]), 0), 'float32'),
        [1, 1, 1, 3],
      );
      return {texc, texd, covered: covered as tf.Tensor4D};
    });
  }
  const disposeSurface = (v: Surface) => tf.dispose([v.texc, v.texd, v.covered]);

  /** The surface textured, black background: mipmapped (trilinear, by the derivatives) or bilinear. */
  function shade({texc, texd, covered}: Surface, tex: tf.Tensor4D, mip: boolean): tf.Tensor4D {
    const color = mip
      ? dr.texture(tex, texc, {uvDa: texd, filterMode: 'linear-mipmap-linear'})
      : dr.texture(tex, texc, {filterMode: 'linear'});
    return tf.mul(color, covered);
  }

  function render(mvp: dr.mat4.Mat4, tex: tf.Tensor4D, size: number, mip: boolean): tf.Tensor4D {
    const v = surface(mvp, size);
    const image = shade(v, tex, mip);
    disposeSurface(v);
    return image;
  }

  /** The ground truth: mipmapped, rendered at twice the size and box-filtered down. */
  const renderTarget = (mvp: dr.mat4.Mat4, size: number) =>
    tf.avgPool(render(mvp, texTrue, 2 * size, true), 2, 2, 'valid') as tf.Tensor4D;

  /**
   * The mean squared error over the pixels the sphere covers (in the target), not the whole image:
   * a view from afar weighs as much as one from close by, and the loss curve shows the texture
   * improving rather than the random distances.
   */
  const sphereMse = (image: tf.Tensor4D, target: tf.Tensor4D) =>
    tf.tidy(() => {
      const covered = tf.sum(tf.cast(tf.greater(tf.max(target, 3), 0), 'float32'));
      return tf.div(tf.sum(tf.square(tf.sub(image, target))), tf.mul(tf.maximum(covered, 1), 3)) as tf.Scalar;
    });

  const psnr = (tex: tf.Tensor4D) =>
    tf.tidy(() => {
      const err = tf.sum(tf.mul(tf.square(tf.sub(tf.clipByValue(tex, 0, 1), texTrue)), mask));
      const meanErr = tf.div(err, tf.mul(tf.sum(mask), 2 * texH * 3));
      return tf.mul(tf.log(meanErr), -10 / Math.LN10) as tf.Scalar;
    });

  return {
    async step() {
      // A random rotation, an offset of up to 0.25 and a distance from near (the sphere fills the
      // view) to far (a few pixels across), log-uniform: each octave of minification is as likely.
      const distance = NEAREST * ((s.maxDistance as number) / NEAREST) ** rng.next();
      const offset = dr.mat4.translate(rng.uniform(-0.25, 0.25), rng.uniform(-0.25, 0.25), 0);
      const mvp = dr.mat4.compose(cameraAt(distance), offset, randomRotation(rng));
      const target = tf.tidy(() => renderTarget(mvp, res));
      const rate = lr * 0.1 ** (iteration / iters);
      setLearningRate(adamMip, rate);
      setLearningRate(adamNoMip, rate);
      // Both textures are seen through the same rasterized sphere.
      const v = surface(mvp, res);
      const loss = adamMip.minimize(() => sphereMse(shade(v, texMip, true), target), true, [texMip]);
      const lossNoMip = adamNoMip.minimize(() => sphereMse(shade(v, texNoMip, false), target), true, [texNoMip]);
      disposeSurface(v);
      target.dispose();
      iteration++;
      return [await readScalar(loss!), await readScalar(lossNoMip!)];
    },
    panels() {
      const mvp = cameraAt(4, DISPLAY_ROTATION);
      const size = Math.max(res, 256);
      // Textures are shown at most 1024 texels wide.
      const pool = Math.max(1, texH / 512);
      const shown = (t: tf.Tensor4D) =>
        toDisplay(tf.avgPool(tf.clipByValue(t, 0, 1) as tf.Tensor4D, pool, pool, 'valid') as tf.Tensor4D);
      return tf.tidy(() => [
        {key: 'target', label: 'target', image: toDisplay(renderTarget(mvp, size))},
        {key: 'result', label: 'with mipmaps', image: toDisplay(render(mvp, texMip, size, true))},
        {key: 'result-nomip', label: 'without mipmaps', image: toDisplay(render(mvp, texNoMip, size, false))},
        {key: 'texture-target', label: 'target texture', image: shown(texTrue)},
        {key: 'texture-mip', label: 'texture learned with mipmaps', image: shown(texMip)},
        {key: 'texture-nomip', label: 'texture learned without mipmaps', image: shown(texNoMip)},
      ]);
    },
    async metrics() {
      const withMip = await readScalar(psnr(texMip)),
        withoutMip = await readScalar(psnr(texNoMip));
      return {
        'texture PSNR with mipmaps (dB)': withMip,
        'texture PSNR without mipmaps (dB)': withoutMip,
        'mipmap gain (dB)': withMip - withoutMip,
      };
    },
    dispose() {
      tf.dispose([pos, tri, uv, uvTri, texTrue, texMip, texNoMip, mask]);
      adamMip.dispose();
      adamNoMip.dispose();
    },
  };
}
