/**
 * envphong: learn an environment cube map and a Phong highlight (color and exponent) from renders
 * of a shiny blob (nvdiffrast's envphong sample).
 *
 * Reflection vectors are computed per vertex, interpolated with their screen-space derivatives
 * (`diffAttrs`), and look up the cube map trilinearly: the derivatives pick the mip level, so the
 * gradient reaches every texel a pixel's reflection covers. A point light from a new random
 * direction every iteration adds rgb·max(0, r·L)^exponent; because it moves while the sky does
 * not, the two can be told apart.
 */
import * as tf from '@tensorflow/tfjs';

import * as dr from '../../src/index';
import {icosphere, vertexNormals} from '../lib/geometry';
import {adam, variable} from '../lib/optimizer';
import {Noise, skyCubeMap} from '../lib/procedural';
import {Rng, unitVector} from '../lib/random';
import {DISPLAY_ROTATION, mse, PROJECTION, randomRotation, readScalar, toDisplay} from '../lib/render';
import type {Sample, Settings, Trainer} from '../lib/sample';

const TRUE_RGB = [1.0, 0.85, 0.55];
const TRUE_EXPONENT = 20;
/** The exponent is learned as exponentScale·θ so that Adam's steps in θ move it quickly enough. */
const EXPONENT_SCALE = 10;
const DISTANCE = 3.5;

export const envphong: Sample = {
  name: 'envphong',
  title: 'Environment map and Phong highlight',
  summary:
    'A smooth blob (20·4^n triangles: 20 480 at the default 5 subdivisions) reflects a sky cube map and a point light (Phong: rgb·max(0, r·L)^exponent). ' +
    'From renders at random views with the light in a random direction each time, a grey cube map and random Phong ' +
    'parameters learn the sky, the highlight color and its exponent. Reflection vectors are interpolated with ' +
    "their derivatives, which select the cube map's mip level.",
  settings: {
    iters: {label: 'iterations', default: 150},
    res: {label: 'resolution', default: 128, options: [32, 64, 128, 256, 512]},
    env: {label: 'cube map size', default: 32, options: [16, 32, 64, 128, 256], help: 'texels per cube face side'},
    subdivisions: {
      label: 'subdivisions',
      default: 5,
      options: [3, 4, 5, 6],
      help: 'of the icosahedron: 20·4^n triangles',
    },
    lr: {label: 'learning rate', default: 0.03, help: 'Adam'},
    seed: {label: 'seed', default: 1},
  },
  create: createEnvPhong,
};

async function createEnvPhong(s: Settings): Promise<Trainer> {
  const rng = new Rng(s.seed as number);
  const res = s.res as number,
    envSize = s.env as number;
  const mesh = blob(s.subdivisions as number, s.seed as number);
  const pos = tf.tensor2d(mesh.positions);
  const normals = tf.tensor2d(vertexNormals(mesh));
  const tri = tf.tensor2d(mesh.triangles, undefined, 'int32');

  const envTrue = tf.tensor5d(skyCubeMap(envSize, s.seed as number), [1, 6, envSize, envSize, 3]);
  const phongTrue = tf.tensor1d([...TRUE_RGB, TRUE_EXPONENT]);
  const env = variable(tf.fill(envTrue.shape, 0.5) as tf.Tensor5D);
  // (r, g, b, θ) with exponent = EXPONENT_SCALE·θ, all drawn from [0, 1).
  const phongRaw = variable(tf.tensor1d([rng.next(), rng.next(), rng.next(), rng.next()]));
  const phongScale = tf.tensor1d([1, 1, 1, EXPONENT_SCALE]);
  const optimizer = adam(s.lr as number);

  /**
   * What a view of the blob fixes before any learned parameter comes in — the geometry is not
   * learned, so target and estimate share it: the reflection vectors at the pixels with their
   * derivatives, r·L, and which pixels the blob covers.
   */
  type View = {r: tf.Tensor4D; rDa: tf.Tensor4D; rDotL: tf.Tensor4D; covered: tf.Tensor4D};
  function view(rotation: dr.mat4.Mat4, offset: number[], light: number[]): View {
    return tf.tidy(() => {
      const modelView = dr.mat4.compose(dr.mat4.translate(offset[0], offset[1], -DISTANCE), rotation);
      const clip = dr.mat4.transformPos(dr.mat4.compose(PROJECTION, modelView), pos);
      // The camera in model space: the inverse model-view applied to the origin (rotation is orthonormal).
      const camera = tf.matMul(
        tf.tensor2d(rotation, [4, 4]).slice([0, 0], [3, 3]),
        tf.tensor2d([-offset[0], -offset[1], DISTANCE], [3, 1]),
        true,
      );
      const toVertex = tf.sub(pos, tf.reshape(camera, [1, 3]));
      const reflect = tf.sub(toVertex, tf.mul(normals, tf.mul(2, tf.sum(tf.mul(normals, toVertex), 1, true))));
      const {rast, rastDb} = dr.rasterize(clip, tri, [res, res]);
      const {out: r, outDa: rDa} = dr.interpolate(reflect, rast, tri, {rastDb, diffAttrs: 'all'});
      const rDotL = tf.sum(
        tf.mul(tf.div(r, tf.add(tf.norm(r, 'euclidean', 3, true), 1e-8)), light),
        3,
        true,
      ) as tf.Tensor4D;
      const covered = tf.tile(
        tf.greater(tf.slice(rast, [0, 0, 0, 3], [-1, -1, -1, 1]), 0),
        [1, 1, 1, 3],
      ) as tf.Tensor4D;
      return {r, rDa, rDotL, covered};
    });
  }

  /** The view shaded with a cube map and Phong parameters: [1,H,W,3], white where nothing is hit. */
  function shade({r, rDa, rDotL, covered}: View, envMap: tf.Tensor5D, phong: tf.Tensor1D): tf.Tensor4D {
    const sky = dr.texture(envMap, r, {uvDa: rDa, filterMode: 'linear-mipmap-linear', boundaryMode: 'cube'});
    // pow's gradient in the exponent is x^e·ln x: keep x > 0.
    const highlight = tf.mul(tf.pow(tf.maximum(rDotL, 1e-6), phong.slice(3, 1)), phong.slice(0, 3));
    return tf.where(covered, tf.add(sky, highlight), tf.onesLike(sky)) as tf.Tensor4D;
  }
  const phong = () => tf.mul(phongRaw, phongScale) as tf.Tensor1D;
  const disposeView = (v: View) => tf.dispose([v.r, v.rDa, v.rDotL, v.covered]);

  return {
    async step() {
      const v = view(randomRotation(rng), [rng.uniform(-0.25, 0.25), rng.uniform(-0.25, 0.25)], unitVector(rng));
      const target = tf.tidy(() => shade(v, envTrue, phongTrue));
      const loss = optimizer.minimize(() => mse(shade(v, env, phong()), target), true, [env, phongRaw]);
      tf.dispose(target);
      disposeView(v);
      return readScalar(loss!);
    },
    panels() {
      const v = view(DISPLAY_ROTATION, [0, 0], [0.5, 0.6, 0.62]);
      const unfold = (cube: tf.Tensor5D) => toDisplay(unfoldCube(tf.clipByValue(cube, 0, 1) as tf.Tensor5D));
      const panels = tf.tidy(() => [
        {key: 'target', label: 'target', image: toDisplay(shade(v, envTrue, phongTrue))},
        {key: 'result', label: 'estimate', image: toDisplay(shade(v, env, phong()))},
        {key: 'env-target', label: 'target cube map', image: unfold(envTrue)},
        {key: 'env-result', label: 'learned cube map', image: unfold(env)},
      ]);
      disposeView(v);
      return panels;
    },
    async metrics() {
      const phongNow = phong();
      const p = await phongNow.data();
      phongNow.dispose();
      const rgbRmse = Math.sqrt(TRUE_RGB.reduce((sum, c, i) => sum + (p[i] - c) ** 2, 0) / 3);
      return {
        'Phong rgb rmse': rgbRmse,
        'Phong exponent': p[3],
        'Phong exponent relative error': Math.abs(p[3] - TRUE_EXPONENT) / TRUE_EXPONENT,
      };
    },
    dispose() {
      tf.dispose([pos, normals, tri, envTrue, phongTrue, env, phongRaw, phongScale]);
      optimizer.dispose();
    },
  };
}

/** An icosphere with smooth bumps: radius 1 ± 0.25 of low-frequency noise. */
function blob(subdivisions: number, seed: number) {
  const sphere = icosphere(subdivisions);
  const noise = new Noise(new Rng(seed + 1));
  const positions = sphere.positions.map(d =>
    d.map(x => x * (1 + 0.4 * noise.fbm(d as [number, number, number], 0.8, 2))),
  );
  return {positions, triangles: sphere.triangles};
}

/**
 * A cube map `[1,6,S,S,3]` laid out as a horizontal cross (4S×3S, row 0 at the bottom like an
 * image): −X +Z +X −Z across the middle, +Y above +Z, −Y below it. Face rows run the other way
 * (t grows downward on the side faces), so the side faces are flipped.
 */
function unfoldCube(cube: tf.Tensor5D): tf.Tensor4D {
  const size = cube.shape[2];
  const face = (f: number) => tf.squeeze(tf.slice(cube, [0, f, 0, 0, 0], [1, 1, -1, -1, -1]), [1]) as tf.Tensor4D;
  const blank = tf.zeros([1, size, size, 3]);
  const side = (f: number) => tf.reverse(face(f), 1);
  const rows = [
    [blank, side(3), blank, blank], // −Y  (bottom row of the image)
    [side(1), side(4), side(0), side(5)],
    [blank, side(2), blank, blank], // +Y
  ];
  return tf.concat(
    rows.map(r => tf.concat(r, 2)),
    1,
  ) as tf.Tensor4D;
}
