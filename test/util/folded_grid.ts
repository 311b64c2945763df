import * as tf from '@tensorflow/tfjs';

import {Rng} from './random';

/**
 * A folded 20×20 grid in clip space (800 triangles over 441 vertices, jittered so that neighbours overlap,
 * random depths) plus a degenerate and an out-of-range triangle: the mesh on which the draws of one backend
 * (indexed or not, CPU- or GPU-held tri) must agree bit for bit.
 */
export function foldedGrid() {
  const n = 20,
    rng = new Rng(13);
  const pos: number[] = [];
  for (let y = 0; y <= n; y++)
    for (let x = 0; x <= n; x++)
      pos.push(-0.9 + (1.8 * x) / n + rng.uniform(-0.15, 0.15), -0.9 + (1.8 * y) / n + rng.uniform(-0.15, 0.15));
  const numVertices = (n + 1) ** 2;
  const clip = Array.from({length: numVertices}, (_, v) => [pos[2 * v], pos[2 * v + 1], rng.uniform(-0.5, 0.5), 1]);
  const indices: number[] = [];
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      const v = y * (n + 1) + x;
      indices.push(v, v + 1, v + n + 2, v, v + n + 2, v + n + 1);
    }
  indices.push(0, 0, 1, 0, 1, numVertices); // degenerate, out of range
  return {clip, indices, numVertices, tri: () => tf.tensor2d(indices, [indices.length / 3, 3], 'int32')};
}
