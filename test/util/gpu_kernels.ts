/**
 * Checks that the webgl and webgpu specs both make of a kernel the GPU backends add for speed: that it gives what the
 * path it replaces gives.
 */
import * as tf from '@tensorflow/tfjs';

import * as dr from '../../src/index';
import * as k from '../../src/kernels/names';

import {Rng} from './random';

/** Fails unless a and b hold the same values bit for bit. */
export async function expectSameBits(a: tf.Tensor, b: tf.Tensor, what = '') {
  const [x, y] = [await a.data(), await b.data()];
  expect(x.length).toBe(y.length);
  let differ = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) differ++;
  expect(differ).toBe(0, `elements that differ${what}`);
}

/**
 * antialias's gradient two ways, on `backend`: through the op, which hands AntialiasGrad the list its forward saved
 * (`list`, as the kernel received it), and by the kernel called without one, which finds the items again. A 9×11
 * image, color and dy from `rng`; dispose() frees all but pos and tri.
 */
export function antialiasGradTwoWays(backend: string, rng: Rng, pos: tf.Tensor3D, tri: tf.Tensor2D) {
  const hash = dr.antialiasConstructTopologyHash(tri);
  const {rast, rastDb} = dr.rasterize(pos, tri, [9, 11]);
  const color = tf.tensor4d(rng.array(9 * 11 * 3, 0, 1), [1, 9, 11, 3]);
  const dy = tf.tensor4d(rng.array(9 * 11 * 3, -1, 1), [1, 9, 11, 3]);
  const grad = spyOn(tf.getKernel(k.AntialiasGrad, backend)!, 'kernelFunc').and.callThrough();
  const viaOp = tf.grads((c: tf.Tensor, p: tf.Tensor) =>
    tf.sum(tf.mul(dr.antialias(c, rast, p, tri, {topologyHash: hash}), dy)),
  )([color, pos]);
  expect(grad).toHaveBeenCalledTimes(1);
  const {inputs, attrs} = grad.calls.argsFor(0)[0];
  const names = (attrs as unknown as k.InputNames).inputNames;
  expect(names).toContain('list');
  const list = (inputs as unknown as tf.TensorInfo[])[names.indexOf('list')];
  const {list: packed, inputNames} = k.packInputs({color, rast, pos, tri, topo: hash.opposite, dy});
  const direct = tf
    .engine()
    .runKernel(
      k.AntialiasGrad,
      packed as unknown as tf.NamedTensorMap,
      {inputNames, posGradientBoost: 1} as unknown as tf.NamedAttrMap,
    ) as tf.Tensor[];
  return {
    viaOp,
    direct,
    list,
    dispose() {
      tf.dispose([rast, rastDb, color, dy, ...viaOp, ...direct]);
      hash.dispose();
    },
  };
}
