/**
 * pose: recover the rotation of a cube with colored faces from one image (nvdiffrast's pose
 * sample). Image losses of rotations have many local minima, so the first part of the run is a
 * noisy greedy search — perturb the best rotation so far, sometimes turn it by 90° (a move the
 * silhouette cannot see), keep the candidate if its loss is lower — and the rest refines the
 * quaternion with Adam through rasterize → interpolate → antialias.
 */
import * as tf from '@tensorflow/tfjs';

import * as dr from '../../src/index';
import {cubeFaceIndices} from '../lib/geometry';
import {adam, setLearningRate, variable} from '../lib/optimizer';
import * as quat from '../lib/quaternion';
import {gaussian, Rng, unitVector} from '../lib/random';
import {cameraAt, readScalar, toDisplay} from '../lib/render';
import type {Sample, Settings, Trainer} from '../lib/sample';

const FACE_COLORS = [
  [0.9, 0.2, 0.2],
  [0.2, 0.8, 0.3],
  [0.2, 0.35, 0.9],
  [0.95, 0.85, 0.2],
  [0.85, 0.3, 0.85],
  [0.2, 0.85, 0.85],
];
const AXES = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
];

export const pose: Sample = {
  name: 'pose',
  title: "Pose: a cube's rotation from one image",
  summary:
    'The rotation of a cube with six colored faces is recovered from one image of it: a noisy greedy search ' +
    'over rotations (shrinking perturbations, random 90° turns) finds the right basin, then Adam refines the ' +
    'quaternion through the differentiable renderer. The metric is the angle between the true and estimated rotation.',
  settings: {
    iters: {label: 'iterations', default: 500},
    res: {label: 'resolution', default: 128, options: [32, 64, 128, 256]},
    search: {label: 'search fraction', default: 0.5, help: 'the share of iterations spent in the greedy search'},
    lr: {label: 'learning rate', default: 0.01, help: 'Adam on the quaternion, ramped down ×0.1 over its phase'},
    seed: {label: 'seed', default: 1},
  },
  create: createPose,
};

async function createPose(s: Settings): Promise<Trainer> {
  const rng = new Rng(s.seed as number);
  const res = s.res as number,
    iters = s.iters as number;
  const searchIters = Math.round(iters * (s.search as number));
  const mesh = dr.meshes.cube(0.5);
  const pos = tf.tensor2d(mesh.positions);
  const tri = tf.tensor2d(mesh.triangles, undefined, 'int32');
  const colorTri = tf.tensor2d(cubeFaceIndices(mesh.triangles), undefined, 'int32');
  const colors = tf.tensor2d(FACE_COLORS);
  const hash = dr.antialiasConstructTopologyHash(tri);
  const camera = tf.tensor2d(cameraAt(3.5), [4, 4]);

  const qTrue = quat.random(rng);
  let best = quat.random(rng),
    bestLoss = Infinity;
  const q = variable(tf.tensor1d(best));
  const lr = s.lr as number;
  const optimizer = adam(lr);
  let iteration = 0;

  function render(rotation: tf.Tensor1D): tf.Tensor4D {
    const clip = dr.mat4.transformPos(tf.matMul(camera, quat.rotationMatrix(rotation)), pos);
    const {rast} = dr.rasterize(clip, tri, [res, res]);
    const {out} = dr.interpolate(colors, rast, colorTri);
    return dr.antialias(out, rast, clip, tri, {topologyHash: hash});
  }
  const target = tf.tidy(() => render(tf.tensor1d(qTrue)));
  // A robust image loss: tanh saturates, so a wrongly colored pixel counts about the same however
  // wrong its color is, and the loss measures mismatched area.
  const loss = (rotation: tf.Tensor1D) =>
    tf.mean(tf.tanh(tf.mul(5, tf.sum(tf.square(tf.sub(render(rotation), target)), 3)))) as tf.Scalar;

  /** Greedy search: perturbations shrink from ~60° to ~0.6° over the phase. */
  async function searchStep(): Promise<number> {
    const sigma = 0.01 ** (iteration / searchIters);
    let candidate = quat.multiply(best, quat.fromAxisAngle(unitVector(rng), sigma * gaussian(rng)));
    if (rng.next() < 0.5)
      candidate = quat.multiply(candidate, quat.fromAxisAngle(AXES[rng.int(3)], (Math.PI / 2) * (1 + rng.int(3))));
    const value = await readScalar(tf.tidy(() => loss(tf.tensor1d(candidate))));
    if (value < bestLoss) [best, bestLoss] = [candidate, value];
    if (iteration === searchIters - 1) tf.tidy(() => q.assign(tf.tensor1d(best)));
    return bestLoss;
  }

  async function adamStep(): Promise<number> {
    setLearningRate(optimizer, lr * 0.1 ** ((iteration - searchIters) / Math.max(1, iters - searchIters)));
    const value = optimizer.minimize(() => loss(q as tf.Tensor1D), true, [q]);
    tf.tidy(() => q.assign(tf.div(q, tf.norm(q))));
    return readScalar(value!);
  }

  const estimate = () => (iteration < searchIters ? tf.tensor1d(best) : (tf.clone(q) as tf.Tensor1D));

  return {
    async step() {
      const value = iteration < searchIters ? await searchStep() : await adamStep();
      iteration++;
      return value;
    },
    phase: () => (iteration <= searchIters ? 'greedy search' : 'Adam'),
    panels() {
      return tf.tidy(() => {
        const current = render(estimate());
        return [
          {key: 'target', label: 'target', image: toDisplay(target)},
          {key: 'result', label: 'estimate', image: toDisplay(current)},
          {
            key: 'difference',
            label: '|target − estimate|',
            image: toDisplay(tf.abs(tf.sub(target, current)) as tf.Tensor4D),
          },
        ];
      });
    },
    async metrics() {
      const e = estimate();
      const value = quat.angleDegrees(await e.data(), qTrue);
      e.dispose();
      return {'angle error (degrees)': value};
    },
    dispose() {
      tf.dispose([pos, tri, colorTri, colors, camera, q, target]);
      hash.dispose();
      optimizer.dispose();
    },
  };
}
