/**
 * What only the webgpu backend has to get right: inputs produced by tfjs's own pending commands,
 * index buffers read as i32 (GPU-resident int32 tensors, indices and ids above 2^24), and its
 * limits and failures (no device, buffers beyond the device's limits, a lost device).
 */
/// <reference types="@webgpu/types" />
import * as tf from '@tensorflow/tfjs';
import {WebGPUBackend} from '@tensorflow/tfjs-backend-webgpu';

import * as dr from '../src/index';
import {maxResolution} from '../src/kernels/limits';
import {asWebGPU, GpuCall, KEPT_TARGET_PIXELS_FLAG, keptTargetSizes, runGPU} from '../src/kernels/webgpu/gpu_context';
import * as k from '../src/kernels/names';
import {decodeTriangleId} from '../src/kernels/shared/triangle_id';

import {describeEachBackend, HOST_BACKENDS} from './util/backends';
import {antialiasGradTwoWays, expectSameBits} from './util/gpu_kernels';
import {Rng} from './util/random';

const deviceOf = () => (tf.backend() as any).device as GPUDevice;

/** A random mesh of `numTri` separate triangles, big enough that tfjs runs ops on it on the GPU. */
function mesh(seed: number, numTri: number) {
  const rng = new Rng(seed);
  const pos = tf.tensor3d([
    Array.from({length: 3 * numTri}, () => {
      const w = rng.uniform(0.8, 1.5);
      return [rng.uniform(-1, 1) * w, rng.uniform(-1, 1) * w, rng.uniform(-0.9, 0.9) * w, w];
    }),
  ]);
  const tri = tf.tensor2d(
    Array.from({length: 3 * numTri}, (_, i) => i),
    [numTri, 3],
    'int32',
  );
  return {pos, tri};
}

describeEachBackend(
  'webgpu backend',
  () => {
    it("runs after tfjs's pending commands: inputs computed by tf ops just before are read complete", async () => {
      const {pos, tri} = mesh(1, 400); // 4800 and 1200 elements: tfjs computes on them on the GPU
      const ref = dr.rasterize(pos, tri, [32, 32]);
      expect((await ref.rast.data()).some(v => v !== 0)).toBe(true);
      // Recorded into tfjs's command encoder, not yet submitted when our kernel runs.
      const pos2 = tf.add(tf.mul(pos, 1), 0);
      const seven = tf.scalar(7, 'int32');
      const tri2 = tf.sub(tf.add(tri, seven), seven); // an int32 GPU buffer
      expect((tf.backend() as any).tensorMap.get(tri2.dataId).resource).toBeInstanceOf(GPUBuffer);
      const out = dr.rasterize(pos2, tri2, [32, 32]);
      await expectSameBits(out.rast, ref.rast);
      await expectSameBits(out.rastDb, ref.rastDb);
      // The same through a gradient: dy made by a tf op right before the backward kernel.
      const attr = tf.tensor2d(
        Array.from({length: pos.shape[1] * 2}, (_, i) => (i % 7) / 7),
        [pos.shape[1], 2],
      );
      const g = (a: tf.Tensor) => tf.grad(x => tf.sum(tf.square(tf.add(dr.interpolate(x, out.rast, tri2).out, 0))))(a);
      const gRef = tf.grad(x => tf.sum(tf.square(dr.interpolate(x, ref.rast, tri).out)))(attr);
      const grad = g(attr);
      // Float atomics may sum in another order: 1e-4 of the largest magnitude (docs/testing.md#tolerances).
      const [a, b] = [await grad.data(), await gRef.data()];
      const scale = Math.max(...Array.from(b, Math.abs));
      expect(scale).toBeGreaterThan(0);
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(1e-4 * scale);
      tf.dispose([seven, pos, tri, ref.rast, ref.rastDb, pos2, tri2, out.rast, out.rastDb, attr, gRef, grad]);
    });

    it('reads a bool-or-int32 buffer behind a float32 tensor (a lossless tf.cast) as numbers', async () => {
      const {pos, tri} = mesh(2, 8);
      const {rast} = dr.rasterize(pos, tri, [16, 16]);
      const mask = tf.cast(tf.greater(tf.slice(rast, [0, 0, 0, 3], [-1, -1, -1, 1]), 0), 'float32');
      const viaCast = await dr.antialias(mask, rast, pos, tri).data();
      const copied = tf.tensor(Float32Array.from(await mask.data()), mask.shape);
      const direct = await dr.antialias(copied, rast, pos, tri).data();
      expect(Array.from(viaCast)).toEqual(Array.from(direct));
      expect(Math.max(...Array.from(direct))).toBe(1);
      tf.dispose([pos, tri, rast, mask, copied]);
    });

    it('reads vertex indices and encodes triangle ids above 2^24 exactly (sparse buffers, range mode)', async () => {
      const big = (1 << 24) + 1;
      const corners = [
        [-0.5, -0.5, 0, 1],
        [0.5, -0.5, 0, 1],
        [0, 0.5, 0, 1],
      ];
      const device = deviceOf();
      if ((big + 3) * 16 > Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize)) {
        // This device cannot hold such a buffer: the call must say so.
        const pos = tf.zeros([big + 3, 4]),
          tri = tf.tensor2d([[big, big + 1, big + 2]], [1, 3], 'int32');
        expect(() => dr.rasterize(pos, tri, [8, 8])).toThrowError(
          /needs a GPU buffer of \d+ bytes, more than this device/,
        );
        tf.dispose([pos, tri]);
        return;
      }
      const one = tf.tensor2d([[0, 1, 2]], [1, 3], 'int32'),
        attrSmall = tf.tensor2d([[1], [2], [3]]);
      const ref = dr.rasterize(tf.tensor3d([corners]), one, [8, 8]);
      const refOut = await dr.interpolate(attrSmall, ref.rast, one).out.data();
      const r0 = await ref.rast.data();
      const check = async (rast: tf.Tensor, out: tf.Tensor, id: number) => {
        const [r, o] = [await rast.data(), await out.data()];
        let covered = 0;
        for (let p = 0; p < 64; p++) {
          expect(decodeTriangleId(r[4 * p + 3])).toBe(r0[4 * p + 3] > 0 ? id : 0);
          if (r0[4 * p + 3] > 0) covered++;
          for (let c = 0; c < 3; c++) expect(r[4 * p + c]).toBe(r0[4 * p + c]);
          expect(o[p]).toBeCloseTo(refOut[p], 6);
        }
        expect(covered).toBeGreaterThan(4);
        return new Uint32Array(Float32Array.from(r).buffer);
      };
      // The big inputs are GPU buffers made here: zeros (WebGPU initialises buffers) with only their last rows
      // written. Uploading or computing hundreds of MB takes minutes where the GPU is emulated in software.
      const buffers: GPUBuffer[] = [];
      const onGPU = (rows: number, width: number, last: number[], dtype: 'float32' | 'int32') => {
        const buffer = device.createBuffer({
          size: rows * width * 4,
          usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
        });
        buffers.push(buffer);
        const tail = dtype === 'int32' ? Int32Array.from(last) : Float32Array.from(last);
        device.queue.writeBuffer(buffer, (rows * width - tail.length) * 4, tail);
        return tf.tensor({buffer, zeroCopy: true}, [rows, width], dtype);
      };
      // Vertex indices above 2^24 (tri made on the CPU: tfjs's own int32 ops on webgpu round such
      // values through f32). Vertex 2^24 is a decoy: index 2^24 + 1 read through f32 would land on it.
      const pos = onGPU(big + 3, 4, [0, 0, 0, 0, ...corners.flat()], 'float32');
      const attr = onGPU(big + 3, 1, [9, 1, 2, 3], 'float32');
      const far = tf.tensor2d([[big, big + 1, big + 2]], [1, 3], 'int32');
      const a = dr.rasterize(pos, far, [8, 8], {ranges: [[0, 1]]});
      const aOut = dr.interpolate(attr, a.rast, far).out;
      await check(a.rast, aOut, 1);
      // Triangle id 2^24 + 1: row 2^24 of a sparse tri, drawn alone in range mode; its bits in rast
      // are 0x4A800000 + id (docs/conventions.md#triangle-ids).
      const tri = onGPU(big, 3, [0, 1, 2], 'int32');
      const b = dr.rasterize(tf.tensor2d(corners), tri, [8, 8], {ranges: [[big - 1, 1]]});
      const bOut = dr.interpolate(attrSmall, b.rast, tri).out;
      const bits = await check(b.rast, bOut, big);
      expect(bits.filter((v, i) => i % 4 === 3 && v !== 0).every(v => v === 0x4a800000 + big)).toBe(true);
      tf.dispose([pos, attr, far, tri, a.rast, a.rastDb, aOut, b.rast, b.rastDb, bOut, one, attrSmall]);
      tf.dispose([ref.rast, ref.rastDb]);
      buffers.forEach(buffer => buffer.destroy());
    });

    it('keeps render targets per size, of the size of the call, the least recently used dropped past the budget', async () => {
      // A render pass clears its targets whole: a call smaller than the last must not draw into (and clear) larger
      // ones. Its results are those of the same call into targets of its own, made fresh.
      const {pos, tri} = mesh(3, 60);
      const sizes = () => keptTargetSizes(tf.backend());
      const draw = (n: number) => dr.rasterize(pos, tri, [n, n], {cullMode: 'none'});
      tf.env().set(KEPT_TARGET_PIXELS_FLAG, 48 * 48 + 32 * 32);
      try {
        const first = draw(32);
        const big = draw(48);
        expect(sizes()).toEqual(['32x32', '48x48']);
        const again = draw(32);
        expect(sizes()).toEqual(['48x48', '32x32']);
        await expectSameBits(again.rast, first.rast, ', rast');
        await expectSameBits(again.rastDb, first.rastDb, ', rastDb');
        // 40² more would pass the budget: 48², used least recently, goes.
        const other = draw(40);
        expect(sizes()).toEqual(['32x32', '40x40']);
        // A call of more pixels than the budget keeps none of its own and drops nothing.
        const beyond = draw(64);
        expect(sizes()).toEqual(['32x32', '40x40']);
        const bigAgain = draw(48);
        expect(sizes()).toEqual(['48x48']);
        await expectSameBits(bigAgain.rast, big.rast, ', rast at 48²');
        expect((await beyond.rast.data()).some(v => v !== 0)).toBe(true);
        tf.dispose([first, big, again, other, beyond, bigAgain].flatMap(r => [r.rast, r.rastDb]));
      } finally {
        tf.env().set(KEPT_TARGET_PIXELS_FLAG, 2048 * 2048);
        tf.dispose([pos, tri]);
      }
    });

    it("exact coverage: the resolve pass writes every pixel of the targets it does not clear (a previous call's left none)", async () => {
      const tri = tf.tensor2d([[0, 1, 2]], [1, 3], 'int32');
      const small = tf.tensor3d([
        [
          [-0.3, -0.3, 0, 1],
          [0.2, -0.3, 0, 1],
          [-0.3, 0.25, 0, 1],
        ],
      ]);
      const big = tf.tensor3d([
        [
          [-1, -1, 0.5, 1],
          [3, -1, 0.5, 1],
          [-1, 3, 0.5, 1],
        ],
      ]);
      const draw = (pos: tf.Tensor) => dr.rasterize(pos, tri, [20, 28], {coverage: 'exact'});
      const first = draw(small);
      const cover = draw(big);
      expect((await cover.rast.data()).every((v, i) => i % 4 !== 3 || v !== 0)).toBe(true);
      const again = draw(small);
      await expectSameBits(again.rast, first.rast, ', rast');
      await expectSameBits(again.rastDb, first.rastDb, ', rastDb');
      expect((await again.rast.data()).filter((v, i) => i % 4 === 3 && v === 0).length).toBeGreaterThan(400);
      tf.dispose([tri, small, big, ...[first, cover, again].flatMap(r => [r.rast, r.rastDb])]);
    });

    it("runs antialias's gradient on the forward's list of pairs and their α, as it would finding them again", async () => {
      const rng = new Rng(22);
      const {pos, tri} = mesh(22, 3); // three separate triangles: every edge is a silhouette
      const {viaOp, direct, list, dispose} = antialiasGradTwoWays('webgpu', rng, pos, tri);
      // The list (work_list.ts: 4 u32, then one per pair), padded to 256 bytes, then an α per pair.
      const pairs = 2 * 9 * 11;
      expect(list.shape).toEqual([Math.ceil((4 * (4 + pairs)) / 256) * 64 + pairs]);
      // dcolor is a gather (the same sums in the same order); dpos float32 atomic adds in the threads' order.
      await expectSameBits(viaOp[0], direct[0]);
      const [a, b] = [await viaOp[1].data(), await direct[1].data()];
      const scale = Math.max(...Array.from(b, Math.abs));
      expect(scale).toBeGreaterThan(0);
      a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThanOrEqual(1e-6 * scale, `dpos[${i}]`));
      dispose();
      tf.dispose([pos, tri]);
    });

    it("lists in antialias's hidden output exactly the pairs that hold an item, not every candidate", async () => {
      const {pos, tri} = mesh(22, 3); // three separate triangles: every edge is a silhouette, every pair a candidate
      const hash = dr.antialiasConstructTopologyHash(tri);
      const {rast, rastDb} = dr.rasterize(pos, tri, [9, 11]);
      const color = tf.tensor4d(new Rng(23).array(9 * 11 * 3, 0, 1), [1, 9, 11, 3]);
      const {list: packed, inputNames} = k.packInputs({color, rast, pos, tri, topo: hash.opposite});
      const [out, saved] = tf.engine().runKernel(
        k.Antialias,
        packed as unknown as tf.NamedTensorMap,
        {
          inputNames,
          posGradientBoost: 1,
        } as unknown as tf.NamedAttrMap,
      ) as tf.Tensor[];
      // The list (work_list.ts: 4 u32, then one per item), padded to 256 bytes, then an α per pair.
      const pairs = 2 * 9 * 11;
      const alphaAt = Math.ceil((4 * (4 + pairs)) / 256) * 64;
      const values = (await saved.data()) as Float32Array;
      const listed = new Uint32Array(values.buffer, values.byteOffset, 4 + pairs);
      const items = Array.from(listed.subarray(4, 4 + listed[0])).sort((x, y) => x - y);
      const withAlpha = Array.from(values.subarray(alphaAt), (alpha, pair) => (alpha !== 0 ? pair : -1));
      expect(items.length).toBeGreaterThan(0);
      expect(items).toEqual(withAlpha.filter(pair => pair >= 0)); // (no item of this scene has α exactly 0)
      tf.dispose([pos, tri, rast, rastDb, color, out, saved]);
      hash.dispose();
    });

    describe('limits and failures', () => {
      it('refuses an output beyond maxStorageBufferBindingSize / maxBufferSize by name, leaving no tensors', () => {
        const device = deviceOf(),
          max = maxResolution();
        expect(max).toBe(device.limits.maxTextureDimension2D);
        const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
        const images = Math.floor(limit / (max * max * 16)) + 1;
        const pos = tf.zeros([images, 3, 4]),
          tri = tf.tensor2d([[0, 1, 2]], [1, 3], 'int32');
        const before = tf.memory().numTensors;
        expect(() => dr.rasterize(pos, tri, [max, max])).toThrowError(
          /rasterize \(webgpu\): rast needs a GPU buffer of \d+ bytes, more than this device allows \(maxStorageBufferBindingSize \d+, maxBufferSize \d+/,
        );
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose([pos, tri]);
      });

      it('releases the outputs a call already made when a later buffer is refused', () => {
        const backend = asWebGPU(tf.backend());
        const device = deviceOf();
        const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
        const before = backend.numDataIds();
        const call = new GpuCall(backend, k.Rasterize);
        call.output([2, 2], 'rast');
        expect(backend.numDataIds()).toBe(before + 1);
        expect(() => call.output([Math.floor(limit / 4) + 1], 'rastDb')).toThrowError(
          /rasterize \(webgpu\): rastDb needs a GPU buffer of \d+ bytes, more than this device allows/,
        );
        expect(backend.numDataIds()).toBe(before);
      });

      it('runGPU releases what a failing call made, whatever throws, and names the op', () => {
        const backend = asWebGPU(tf.backend());
        const before = backend.numDataIds();
        expect(() =>
          runGPU(backend, k.InterpolateGrad, call => {
            call.output([2, 2], 'dattr');
            call.scratchBuffer(64, 'a scratch buffer');
            expect(backend.numDataIds()).toBe(before + 1);
            throw new Error('boom');
          }),
        ).toThrowError(/^interpolate \(webgpu\): gradient: boom$/);
        expect(backend.numDataIds()).toBe(before);
        // A dispatch refused after outputs were made (it checks the size before it uses the pipeline).
        const limit = deviceOf().limits.maxComputeWorkgroupsPerDimension;
        expect(() =>
          runGPU(backend, k.Rasterize, call => {
            call.output([2, 2], 'rast');
            call.dispatch(null as unknown as GPUComputePipeline, [], [limit + 1, 1, 1]);
          }),
        ).toThrowError(/^rasterize \(webgpu\): needs \d+x1x1 workgroups, more than maxComputeWorkgroupsPerDimension/);
        expect(backend.numDataIds()).toBe(before);
      });

      it('names the missing device when the backend has none (no adapter or device)', () => {
        const {pos, tri} = mesh(3, 1);
        const {list, inputNames} = k.packInputs({pos, tri});
        // An injected backend without a device, as when no adapter could be had.
        for (const name of [k.Rasterize, k.Interpolate, k.Texture, k.Antialias]) {
          const config = tf.getKernel(name, 'webgpu')!;
          expect(() =>
            config.kernelFunc({inputs: list as any, backend: {} as any, attrs: {inputNames} as any}),
          ).toThrowError(
            /\(webgpu\): the webgpu backend has no GPU device \(no WebGPU adapter or device is available here\)/,
          );
        }
        tf.dispose([pos, tri]);
      });

      it('reports a lost device on the next call instead of returning wrong numbers', async () => {
        // A backend of its own, on a device of its own, with every webgpu kernel registered for it.
        const name = 'diffrast-webgpu-lost-device';
        const adapter = await navigator.gpu.requestAdapter();
        const device = await adapter!.requestDevice();
        tf.registerBackend(name, () => new WebGPUBackend(device));
        const kernels = tf.getKernelsForBackend('webgpu');
        kernels.forEach(c => tf.registerKernel({...c, backendName: name}));
        try {
          await tf.setBackend(name);
          const {pos, tri} = mesh(4, 2);
          const first = dr.rasterize(pos, tri, [8, 8]);
          expect((await first.rast.data()).some(v => v !== 0)).toBe(true);
          device.destroy();
          const info = await device.lost;
          expect(info.reason).toBe('destroyed');
          expect(() => dr.rasterize(pos, tri, [8, 8])).toThrowError(
            /rasterize \(webgpu\): the GPU device was lost \(destroyed/,
          );
          expect(() => dr.interpolate(tf.ones([6, 1]), first.rast, tri)).toThrowError(
            /interpolate \(webgpu\): the GPU device was lost/,
          );
          tf.dispose([pos, tri, first.rast, first.rastDb]);
        } finally {
          await tf.setBackend('webgpu');
          kernels.forEach(c => tf.unregisterKernel(c.kernelName, name));
          tf.removeBackend(name);
        }
      });
    });
  },
  [...HOST_BACKENDS, 'webgl'],
);
