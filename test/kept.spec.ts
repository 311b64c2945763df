/**
 * Data the GPU kernels derive from a tensor and keep (docs/backends.md#kept-data): past the budget the kernels
 * take their path without it with the same results, and kept GL objects and GPU buffers are freed when their
 * tensor is disposed and when evicted.
 */
/// <reference types="@webgpu/types" />
import * as tf from '@tensorflow/tfjs';

import * as dr from '../src/index';
import {KEPT_BYTES_FLAG, KeptPerTensor} from '../src/kernels/shared/kept_per_tensor';
import {KeptGL, diffrastGL} from '../src/kernels/webgl/gl_context';
import {keptData} from '../src/kernels/webgpu/gpu_context';

import {describeEachBackend, testBackends} from './util/backends';
import {foldedGrid} from './util/folded_grid';

const MESH = `provoking:${foldedGrid().numVertices}`;

/** The store of the current backend, and whether its value's GL objects or GPU buffers were freed. */
function store(backend: string) {
  if (backend === 'webgl') {
    const gl = diffrastGL(tf.backend() as never).gl;
    return {
      kept: diffrastGL(tf.backend() as never).kept as KeptPerTensor<unknown>,
      watch: (value: unknown) => {
        const {vao, buffers, textures} = value as KeptGL;
        return () =>
          (vao == null || !gl.isVertexArray(vao)) &&
          buffers.every(b => !gl.isBuffer(b)) &&
          textures.every(t => !gl.isTexture(t));
      },
    };
  }
  return {
    kept: keptData(tf.backend()) as KeptPerTensor<unknown>,
    watch: (value: unknown) => {
      const destroyed = new Set<GPUBuffer>();
      for (const b of value as GPUBuffer[]) {
        const destroy = b.destroy.bind(b);
        spyOn(b, 'destroy').and.callFake(() => {
          destroyed.add(b);
          destroy();
        });
      }
      return () => (value as GPUBuffer[]).every(b => destroyed.has(b));
    },
  };
}

describeEachBackend(
  'kept data',
  backend => {
    afterEach(() => tf.env().set(KEPT_BYTES_FLAG, 64 * 2 ** 20));

    it('past the budget, draws three vertices per triangle with the same bits (culled, skipped, ranges, peeled)', async () => {
      const {clip, indices, numVertices, tri} = foldedGrid();
      const {kept} = store(backend);
      const pos3 = tf.tensor3d(
        [...clip.flat(), ...clip.map(p => [p[0], -p[1], -p[2], p[3]]).flat()],
        [2, numVertices, 4],
      );
      const pos2 = tf.tensor2d(clip.flat().concat(clip.flat()), [2 * numVertices, 4]);
      const T = indices.length / 3;
      const draws = (t: tf.Tensor2D) => {
        const out: tf.Tensor[] = [];
        for (const cullMode of ['none', 'back'] as const) {
          const {rast, rastDb} = dr.rasterize(pos3, t, [48, 40], {cullMode});
          out.push(rast, rastDb);
        }
        const ranged = dr.rasterize(pos2, t, [24, 20], {
          ranges: [
            [0, T],
            [300, T - 300],
          ],
        });
        const peeler = new dr.DepthPeeler(pos3, t, [24, 20]);
        for (let layer = 0; layer < 2; layer++) out.push(...Object.values(peeler.rasterizeNextLayer()));
        peeler.dispose();
        return [...out, ranged.rast, ranged.rastDb];
      };
      const a = tri(),
        b = tri();
      const indexed = draws(a);
      expect(kept.peek(a.dataId, MESH)).toBeDefined();
      tf.env().set(KEPT_BYTES_FLAG, 1024);
      const listed = draws(b);
      expect(kept.peek(b.dataId, MESH)).toBeUndefined();
      const ids = await indexed[0].data();
      expect(new Set(Array.from({length: ids.length / 4}, (_, i) => ids[4 * i + 3])).size).toBeGreaterThan(300);
      for (let i = 0; i < indexed.length; i++) expect(await listed[i].data()).toEqual(await indexed[i].data());
      tf.dispose([pos3, pos2, a, b, ...indexed, ...listed]);
    });

    it('keeps the arrays of a tri computed on the GPU, reading its values back once', async () => {
      const {clip, numVertices, tri} = foldedGrid();
      const {kept} = store(backend);
      const pos = tf.tensor3d(clip.flat(), [1, numVertices, 4]);
      const cpuTri = tri();
      // An op's inputs go to the GPU on webgpu where they are larger than its CPU hand-off size.
      const gpuTri = tf.tidy(() => tf.add(tri(), tf.scalar(0, 'int32')) as tf.Tensor2D);
      const stored = (tf.backend() as any)[backend === 'webgl' ? 'texData' : 'tensorMap'].get(gpuTri.dataId);
      expect(stored.values ?? null).toBeNull();
      const reads = spyOn(tf.backend(), 'read').and.callThrough();
      const draw = (t: tf.Tensor2D) => dr.rasterize(pos, t, [48, 40]);
      const outs = [draw(cpuTri), draw(gpuTri), draw(gpuTri)];
      if (backend === 'webgpu') {
        // Read without waiting: the calls until it ends draw three vertices per triangle.
        const ours = reads.calls.all().filter(c => c.args[0] === gpuTri.dataId);
        expect(ours.length).toBe(1);
        expect(kept.peek(gpuTri.dataId, MESH)).toBeUndefined();
        await ours[0].returnValue;
      }
      outs.push(draw(gpuTri));
      expect(kept.peek(gpuTri.dataId, MESH)).toBeDefined();
      for (const {rast, rastDb} of outs.slice(1)) {
        expect(await rast.data()).toEqual(await outs[0].rast.data());
        expect(await rastDb.data()).toEqual(await outs[0].rastDb.data());
      }
      tf.dispose([pos, cpuTri, gpuTri, ...outs.flatMap(o => [o.rast, o.rastDb])]);
    });

    it("frees a tensor's kept data at the next call after its disposal, and the least recently used past the budget", () => {
      const {clip, numVertices, tri} = foldedGrid();
      const {kept, watch} = store(backend);
      const pos = tf.tensor3d(clip.flat(), [1, numVertices, 4]);
      const attr = tf.tensor2d(clip.flat(), [numVertices, 4]);
      const run = (t: tf.Tensor2D) =>
        tf.tidy(() => {
          const {rast} = dr.rasterize(pos, t, [48, 40]);
          // Interpolate's attribute gradient gathers per vertex on webgl (small triangles).
          return tf.grad(a => tf.sum(dr.interpolate(a, rast, t).out))(attr);
        });
      const gather = `triangle-gather:${numVertices}`;
      const [a, b, c] = [tri(), tri(), tri()];
      tf.dispose(run(a));
      const freed = [MESH, ...(backend === 'webgl' ? [gather] : [])].map(purpose => {
        const value = kept.peek(a.dataId, purpose);
        expect(value).withContext(purpose).toBeDefined();
        return watch(value);
      });
      a.dispose();
      tf.dispose(run(b));
      expect(kept.peek(a.dataId, MESH)).toBeUndefined();
      expect(freed.map(f => f())).toEqual(freed.map(() => true));
      // Room for about one mesh: c's evicts b's.
      const mesh = kept.peek(b.dataId, MESH);
      const evicted = watch(mesh);
      const budget = 1.5 * kept.bytes;
      tf.env().set(KEPT_BYTES_FLAG, budget);
      tf.dispose(run(c));
      expect(kept.peek(b.dataId, MESH)).toBeUndefined();
      expect(kept.peek(c.dataId, MESH)).toBeDefined();
      expect(evicted()).toBe(true);
      expect(kept.bytes).toBeLessThanOrEqual(budget);
      tf.dispose([pos, attr, b, c]);
    });
  },
  testBackends().filter(b => b !== 'webgl' && b !== 'webgpu'),
);
