/**
 * `registerSyncBackend` on a backend the package knows nothing about: a copy of the cpu backend
 * under another name whose reads and writes copy (as tfjs-node's do). Every kernel, forward and
 * backward, runs there, its outputs are that backend's tensors, and the numbers equal the cpu's.
 */
import * as tf from '@tensorflow/tfjs';
import {MathBackendCPU} from '@tensorflow/tfjs-backend-cpu';

import * as dr from '../src/index';

import {Rng} from './util/random';

const NAME = 'diffrast-sync-test';

/** Hands out copies on read and keeps copies on write: kernels must not rely on sharing arrays. */
class CopyingBackend extends MathBackendCPU {
  readSync(dataId: object) {
    const values = super.readSync(dataId);
    return ArrayBuffer.isView(values) ? values.slice() : values;
  }
  write(values: Parameters<MathBackendCPU['write']>[0], shape: number[], dtype: tf.DataType) {
    return super.write(ArrayBuffer.isView(values) ? values.slice() : values, shape, dtype);
  }
}

/** A small scene through all four ops; returns every output and every gradient, as arrays. */
async function renderAndDifferentiate(): Promise<number[][]> {
  const rng = new Rng(7);
  const V = 12;
  const pos = tf.tensor3d(
    Array.from({length: V}, () => [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-0.5, 0.5), 1]).flat(),
    [1, V, 4],
  );
  const tri = tf.tensor2d(
    Array.from({length: 3 * 8}, () => rng.int(V)),
    [8, 3],
    'int32',
  );
  const uvs = tf.tensor2d(rng.array(2 * V, 0, 1), [V, 2]);
  const tex = tf.tensor4d(rng.array(8 * 8 * 3, 0, 1), [1, 8, 8, 3]);
  const hash = dr.antialiasConstructTopologyHash(tri);
  const mip = dr.textureConstructMip(tex);
  const render = (p: tf.Tensor, a: tf.Tensor, t: tf.Tensor) => {
    const {rast, rastDb} = dr.rasterize(p, tri, [16, 16]);
    const {out, outDa} = dr.interpolate(a, rast, tri, {rastDb, diffAttrs: 'all'});
    const color = dr.texture(t, out, {uvDa: outDa, filterMode: 'linear-mipmap-linear'});
    return tf.concat([dr.antialias(color, rast, p, tri, {topologyHash: hash}), out], 3);
  };
  const image = tf.tidy(() => render(pos, uvs, tex));
  const {value, grads} = tf.valueAndGrads((p: tf.Tensor, a: tf.Tensor, t: tf.Tensor) =>
    tf.sum(tf.square(render(p, a, t))),
  )([pos, uvs, tex]);
  const level1 = tf.engine().runKernel('DiffrastTextureMip', [tex] as unknown as tf.NamedTensorMap, {
    inputNames: ['x'],
  }) as tf.Tensor;
  const all = [image, value, ...grads, level1];
  const backends = all.map(t => tf.engine().state.tensorInfo.get(t.dataId)?.backend);
  expect(backends.every(b => b === tf.backend())).toBe(true, 'outputs belong to the active backend');
  const arrays = await Promise.all(all.map(async t => Array.from(await t.data())));
  tf.dispose([pos, tri, uvs, tex, ...all]);
  hash.dispose();
  mip.dispose();
  return arrays;
}

describe('registerSyncBackend', () => {
  beforeAll(async () => {
    tf.registerBackend(NAME, () => new CopyingBackend());
    // tfjs's own kernels (add, sum, ...) for the new backend: the ops' gradients use them.
    for (const k of tf.getKernelsForBackend('cpu')) {
      if (!k.kernelName.startsWith('Diffrast')) tf.registerKernel({...k, backendName: NAME});
    }
    await tf.setBackend(NAME);
    tf.env().set('IS_TEST', true);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
    for (const k of tf.getKernelsForBackend(NAME)) tf.unregisterKernel(k.kernelName, NAME);
    tf.removeBackend(NAME);
  });

  it('registers every kernel, forward and backward, for a named backend', async () => {
    const pos = tf.zeros([1, 3, 4]),
      tri = tf.tensor2d([[0, 1, 2]], [1, 3], 'int32');
    expect(() => dr.rasterize(pos, tri, [4, 4])).toThrowError(/DiffrastRasterize.*not registered/);
    tf.dispose([pos, tri]);

    dr.registerSyncBackend(NAME);
    dr.registerSyncBackend(NAME); // a second call changes nothing
    const ours = tf.getKernelsForBackend(NAME).filter(k => k.kernelName.startsWith('Diffrast'));
    expect(ours.map(k => k.kernelName).sort()).toEqual(
      tf
        .getKernelsForBackend('cpu')
        .filter(k => k.kernelName.startsWith('Diffrast'))
        .map(k => k.kernelName)
        .sort(),
    );

    const before = tf.memory().numTensors,
      ids = tf.backend().numDataIds();
    const there = await renderAndDifferentiate();
    expect(tf.memory().numTensors).toBe(before, 'tensors leaked');
    expect(tf.backend().numDataIds()).toBe(ids, 'data ids leaked');

    await tf.setBackend('cpu');
    const onCpu = await renderAndDifferentiate();
    await tf.setBackend(NAME);
    expect(there.length).toBe(onCpu.length);
    there.forEach((values, i) => {
      expect(values).toEqual(onCpu[i], `output ${i}`);
      expect(values.some(v => v !== 0)).toBe(true, `output ${i} is all zeros`);
    });
  });
});
