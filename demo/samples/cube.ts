/**
 * cube: recover a cube's 8 vertex positions and its colors from renders under random rotations —
 * nvdiffrast's cube sample. Visibility gradients come from `antialias`, which is why this works
 * even at 4×4 pixels.
 *
 * Two color layouts: one color per vertex (interpolated across faces), or one flat color per face.
 * Per-face colors need a vertex per (corner, face), but `antialias` finds neighbouring triangles
 * by shared position indices, so the positions stay welded (8 vertices, `tri`) and the colors get
 * an index buffer of their own (`colorTri`, one color per face) — interpolate takes any `tri` with
 * the same number of triangles.
 */
import * as tf from '@tensorflow/tfjs';

import * as dr from '../../src/index';
import {cubeFaceIndices} from '../lib/geometry';
import {adam, setLearningRate, variable} from '../lib/optimizer';
import {Rng} from '../lib/random';
import {cameraAt, DISPLAY_ROTATION, mse, randomRotation, readScalar, toDisplay} from '../lib/render';
import type {Sample, Settings, Trainer} from '../lib/sample';

const HIGH_RES = 256;
const DISTANCE = 3.5;

export const cube: Sample = {
  name: 'cube',
  title: 'Cube: shape and colors from tiny images',
  summary:
    'A cube with randomly displaced vertices and random colors is fitted to renders of the true cube from ' +
    'random directions. The loss sees only res×res pixels, yet the shape converges: antialias turns ' +
    'silhouette coverage into gradients on the vertex positions. The 256×256 renders show the same two cubes ' +
    'sharply.',
  settings: {
    iters: {label: 'iterations', default: 2000},
    res: {label: 'resolution', default: 16, options: [4, 8, 16, 32, 64, 128, 256], help: 'training image size, pixels'},
    colors: {
      label: 'colors',
      default: 'per-vertex',
      options: ['per-vertex', 'per-face'],
      help: 'per-vertex: interpolated; per-face: flat, through a separate color index buffer',
    },
    // Exact by default, unlike rasterize: under hardware coverage a tie at one silhouette pixel between the estimate's
    // and the target's renders can knock the converged fit off (demo/TARGETS.md).
    coverage: {
      label: 'coverage',
      default: 'exact',
      options: ['exact', 'hardware'],
      help: "rasterize's coverage on webgl/webgpu (the cpu is exact either way); hardware: see demo/TARGETS.md",
    },
    lr: {label: 'learning rate', default: 1e-2, help: 'Adam, decayed ×10 every 2000 iterations (floor ×0.01)'},
    seed: {label: 'seed', default: 1},
  },
  create: createCube,
};

async function createCube(s: Settings): Promise<Trainer> {
  const rng = new Rng(s.seed as number);
  const res = s.res as number;
  const mesh = dr.meshes.cube(0.5);
  const tri = tf.tensor2d(mesh.triangles, undefined, 'int32');
  const hash = dr.antialiasConstructTopologyHash(tri);
  const perFace = s.colors === 'per-face';
  const colorTri = perFace ? tf.tensor2d(cubeFaceIndices(mesh.triangles), undefined, 'int32') : tri;
  const numColors = perFace ? 6 : mesh.positions.length;
  const randomColors = () => tf.tensor2d(Array.from({length: numColors}, () => [rng.next(), rng.next(), rng.next()]));

  const posTrue = tf.tensor2d(mesh.positions);
  const colTrue = randomColors();
  const pos = variable(tf.tensor2d(mesh.positions.map(p => p.map(x => x + rng.uniform(-0.5, 0.5)))));
  const col = variable(randomColors());
  const coverage = s.coverage as dr.Coverage;
  const lr = s.lr as number;
  const optimizer = adam(lr);
  let iteration = 0;

  function render(mvp: dr.mat4.Mat4, p: tf.Tensor2D, c: tf.Tensor2D, size: number): tf.Tensor4D {
    const clip = dr.mat4.transformPos(mvp, p);
    const {rast} = dr.rasterize(clip, tri, [size, size], {coverage});
    const {out} = dr.interpolate(c, rast, colorTri);
    return dr.antialias(out, rast, clip, tri, {topologyHash: hash});
  }

  return {
    async step() {
      const mvp = cameraAt(DISTANCE, randomRotation(rng));
      const target = tf.tidy(() => render(mvp, posTrue, colTrue, res));
      // nvdiffrast's schedule: ×10 slower every 2000 iterations, never below 1% of the start.
      setLearningRate(optimizer, lr * Math.max(0.01, 10 ** (-iteration * 0.0005)));
      const loss = optimizer.minimize(
        () => mse(render(mvp, pos as tf.Tensor2D, col as tf.Tensor2D, res), target),
        true,
      );
      target.dispose();
      iteration++;
      return readScalar(loss!);
    },
    panels() {
      const mvp = cameraAt(DISTANCE, DISPLAY_ROTATION);
      return tf.tidy(() => [
        {key: 'target', label: `target, ${res}×${res}`, image: toDisplay(render(mvp, posTrue, colTrue, res))},
        {
          key: 'result',
          label: `estimate, ${res}×${res}`,
          image: toDisplay(render(mvp, pos as tf.Tensor2D, col as tf.Tensor2D, res)),
        },
        {
          key: 'target-hires',
          label: `target, ${HIGH_RES}×${HIGH_RES}`,
          image: toDisplay(render(mvp, posTrue, colTrue, HIGH_RES)),
        },
        {
          key: 'result-hires',
          label: `estimate, ${HIGH_RES}×${HIGH_RES}`,
          image: toDisplay(render(mvp, pos as tf.Tensor2D, col as tf.Tensor2D, HIGH_RES)),
        },
      ]);
    },
    async metrics() {
      const [vertexError, colorError] = tf.tidy(() => [
        tf.mean(tf.norm(tf.sub(pos, posTrue), 'euclidean', 1)),
        tf.sqrt(mse(col, colTrue)),
      ]);
      return {
        'mean vertex error': await readScalar(vertexError as tf.Scalar),
        'color rmse': await readScalar(colorError as tf.Scalar),
      };
    },
    dispose() {
      tf.dispose([tri, posTrue, colTrue, pos, col]);
      if (perFace) colorTri.dispose();
      hash.dispose();
      optimizer.dispose();
    },
  };
}
