/**
 * What only the webgl backend has to get right: tfjs's GL state after every kernel, inputs in
 * every storage form tfjs uses, batches split over several render targets, the texture-unit
 * fallback, and its limits and failures (resolution, no float blending, no float32 targets, a
 * lost context).
 */
import * as tf from '@tensorflow/tfjs';
import {MathBackendWebGL} from '@tensorflow/tfjs-backend-webgl';

import * as dr from '../src/index';
import {maxResolution} from '../src/kernels/limits';
import {diffrastGL} from '../src/kernels/webgl/gl_context';
import * as k from '../src/kernels/names';

import {describeEachBackend, HOST_BACKENDS} from './util/backends';
import {antialiasGradTwoWays} from './util/gpu_kernels';
import {mayDiffer} from './util/coverage';
import {gridUnderLarge} from './util/boxes_scene';
import {Rng} from './util/random';

const glOf = () => (tf.backend() as any).gpgpu.gl as WebGL2RenderingContext;
const texData = (t: tf.Tensor) => (tf.backend() as any).texData.get(t.dataId);

/**
 * Every piece of GL state a kernel could leave changed, but the scissor box: we never set it, and
 * tfjs's own programs (which our kernels run to upload or unpack inputs) set it for each draw.
 */
function glState(gl: WebGL2RenderingContext): unknown[] {
  const caps = [
    'BLEND',
    'DEPTH_TEST',
    'SCISSOR_TEST',
    'CULL_FACE',
    'STENCIL_TEST',
    'POLYGON_OFFSET_FILL',
    'RASTERIZER_DISCARD',
    'DITHER',
    'SAMPLE_COVERAGE',
    'SAMPLE_ALPHA_TO_COVERAGE',
  ];
  const params = [
    'VIEWPORT',
    'CURRENT_PROGRAM',
    'DRAW_FRAMEBUFFER_BINDING',
    'READ_FRAMEBUFFER_BINDING',
    'RENDERBUFFER_BINDING',
    'VERTEX_ARRAY_BINDING',
    'ARRAY_BUFFER_BINDING',
    'ACTIVE_TEXTURE',
    'PIXEL_PACK_BUFFER_BINDING',
    'PIXEL_UNPACK_BUFFER_BINDING',
    'BLEND_SRC_RGB',
    'BLEND_DST_RGB',
    'BLEND_SRC_ALPHA',
    'BLEND_DST_ALPHA',
    'BLEND_EQUATION_RGB',
    'BLEND_EQUATION_ALPHA',
    'DEPTH_FUNC',
    'DEPTH_WRITEMASK',
    'COLOR_WRITEMASK',
    'COLOR_CLEAR_VALUE',
    'DEPTH_CLEAR_VALUE',
    'CULL_FACE_MODE',
    'FRONT_FACE',
    'UNPACK_ALIGNMENT',
    'PACK_ALIGNMENT',
    'UNPACK_ROW_LENGTH',
    'PACK_ROW_LENGTH',
  ];
  const g = gl as unknown as {[name: string]: number};
  const state: unknown[] = caps.map(c => [c, gl.isEnabled(g[c])]);
  for (const p of params) {
    const v = gl.getParameter(g[p]);
    state.push([p, ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v]);
  }
  const active = gl.getParameter(gl.ACTIVE_TEXTURE);
  for (let unit = 0; unit < 8; unit++) {
    gl.activeTexture(gl.TEXTURE0 + unit);
    state.push([`TEXTURE_BINDING_2D ${unit}`, gl.getParameter(gl.TEXTURE_BINDING_2D)]);
  }
  gl.activeTexture(active);
  return state;
}

/**
 * Wraps our webgl kernels to compare the GL state before and after every call (only ours: tfjs's
 * own programs set viewport, scissor, program and textures for themselves).
 */
function watchKernels(gl: WebGL2RenderingContext) {
  const originals = tf.getKernelsForBackend('webgl').filter(k => k.kernelName.startsWith('Diffrast'));
  const calls: string[] = [],
    changes: string[] = [];
  const swap = (configs: tf.KernelConfig[]) =>
    configs.forEach(c => {
      tf.unregisterKernel(c.kernelName, 'webgl');
      tf.registerKernel(c);
    });
  swap(
    originals.map(c => ({
      ...c,
      kernelFunc: (args: Parameters<tf.KernelFunc>[0]) => {
        const before = glState(gl);
        const out = c.kernelFunc(args);
        const after = glState(gl);
        calls.push(c.kernelName);
        const error = gl.getError();
        if (error !== gl.NO_ERROR) changes.push(`${c.kernelName}: GL error 0x${error.toString(16)}`);
        after.forEach((v, i) => {
          if (JSON.stringify(v) !== JSON.stringify(before[i]))
            changes.push(`${c.kernelName}: ${JSON.stringify(before[i])} -> ${JSON.stringify(v)}`);
        });
        return out;
      },
    })),
  );
  return {calls, changes, stop: () => swap(originals)};
}

/** A tf.matMul and a tf.conv2d on the GPU (inputs large enough not to run on the CPU), checked. */
async function expectTfjsStillRight() {
  const n = 24;
  const a = tf.tensor2d(
    Array.from({length: n * n}, (_, i) => (i % 7) - 3),
    [n, n],
  );
  const b = tf.tensor2d(
    Array.from({length: n * n}, (_, i) => (i % 5) - 2),
    [n, n],
  );
  const ab = await tf.matMul(a, b).data();
  const av = await a.data(),
    bv = await b.data();
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += av[i * n + k] * bv[k * n + j];
      expect(ab[i * n + j]).toBe(sum, `matMul[${i}][${j}]`);
    }
  }
  const [h, w, cin, cout] = [10, 12, 3, 4];
  const x = tf.tensor4d(
    Array.from({length: h * w * cin}, (_, i) => ((i * 13) % 11) - 5),
    [1, h, w, cin],
  );
  const f = tf.tensor4d(
    Array.from({length: 9 * cin * cout}, (_, i) => ((i * 7) % 5) - 2),
    [3, 3, cin, cout],
  );
  const y = await tf.conv2d(x, f, 1, 'valid').data();
  const xv = await x.data(),
    fv = await f.data();
  for (let i = 0; i < h - 2; i++) {
    for (let j = 0; j < w - 2; j++) {
      for (let o = 0; o < cout; o++) {
        let sum = 0;
        for (let di = 0; di < 3; di++) {
          for (let dj = 0; dj < 3; dj++) {
            for (let c = 0; c < cin; c++)
              sum += xv[((i + di) * w + j + dj) * cin + c] * fv[((di * 3 + dj) * cin + c) * cout + o];
          }
        }
        expect(y[(i * (w - 2) + j) * cout + o]).toBe(sum, `conv2d[${i}][${j}][${o}]`);
      }
    }
  }
  tf.dispose([a, b, x, f]);
}

/** A small scene: two overlapping triangles per image, colours, a 16×16 texture. */
function scene() {
  const rng = new Rng(17);
  const pos = tf.tensor3d([
    Array.from({length: 6}, () => {
      const w = rng.uniform(0.8, 1.5);
      return [rng.uniform(-0.9, 0.9) * w, rng.uniform(-0.9, 0.9) * w, rng.uniform(-0.5, 0.5) * w, w];
    }),
  ]);
  const tri = tf.tensor2d(
    [
      [0, 1, 2],
      [3, 4, 5],
    ],
    [2, 3],
    'int32',
  );
  const attr = tf.tensor2d(rng.array(18, 0, 1), [6, 3]);
  const tex = tf.tensor4d(rng.array(16 * 16 * 3, 0, 1), [1, 16, 16, 3]);
  return {pos, tri, attr, tex};
}

describeEachBackend(
  'webgl backend',
  () => {
    describe('GL state', () => {
      const {pos, tri, attr, tex} = scene();
      const [H, W] = [12, 16];
      const uvOf = (p: tf.Tensor) => {
        const {rast, rastDb} = dr.rasterize(p, tri, [H, W]);
        return dr.interpolate(attr, rast, tri, {rastDb, diffAttrs: [0, 1]});
      };
      const uvs = () => tf.tidy(() => tf.slice(uvOf(pos).out, [0, 0, 0, 0], [-1, -1, -1, 2]));
      const ops: Array<[string, () => tf.Tensor | tf.Tensor[]]> = [
        ['rasterize', () => Object.values(dr.rasterize(pos, tri, [H, W]))],
        ['rasterize gradient', () => tf.grad(p => tf.sum(dr.rasterize(p, tri, [H, W]).rastDb))(pos)],
        [
          'depth peeling',
          () => {
            const peeler = new dr.DepthPeeler(pos, tri, [H, W]);
            const layers = [peeler.rasterizeNextLayer(), peeler.rasterizeNextLayer()];
            peeler.dispose();
            return layers.flatMap(l => [l.rast, l.rastDb]);
          },
        ],
        ['interpolate', () => Object.values(uvOf(pos))],
        [
          'interpolate gradient',
          () =>
            tf.grad(a => {
              const {rast, rastDb} = dr.rasterize(pos, tri, [H, W]);
              return tf.add(
                tf.sum(dr.interpolate(a, rast, tri, {rastDb, diffAttrs: 'all'}).outDa),
                tf.sum(dr.interpolate(a, rast, tri).out),
              );
            })(attr),
        ],
        ['textureConstructMip', () => dr.textureConstructMip(tex).levels],
        ['texture', () => dr.texture(tex, uvs(), {filterMode: 'linear', boundaryMode: 'clamp'})],
        [
          'texture gradient (trilinear)',
          () =>
            tf.grads((t: tf.Tensor, u: tf.Tensor) => tf.sum(dr.texture(t, u, {mipLevelBias: tf.fill([1, H, W], 0.7)})))(
              [tex, uvs()],
            ),
        ],
        [
          'texture gradient (cube)',
          () =>
            tf.grad(t =>
              tf.sum(
                dr.texture(
                  t,
                  tf.tidy(() => uvOf(pos).out),
                  {
                    boundaryMode: 'cube',
                    filterMode: 'linear',
                  },
                ),
              ),
            )(tf.tile(tf.reshape(tex, [1, 1, 16, 16, 3]), [1, 6, 1, 1, 1])),
        ],
        [
          'antialias',
          () => {
            const {rast} = dr.rasterize(pos, tri, [H, W]);
            return dr.antialias(uvOf(pos).out, rast, pos, tri);
          },
        ],
        [
          'antialias gradient',
          () =>
            tf.grad(p => {
              const {rast} = dr.rasterize(pos, tri, [H, W]);
              return tf.sum(dr.antialias(dr.interpolate(attr, rast, tri).out, rast, p, tri));
            })(pos),
        ],
      ];
      for (const [name, run] of ops) {
        it(`is as tfjs left it after each kernel of ${name}, and tf.matMul and tf.conv2d still compute right`, async () => {
          await expectTfjsStillRight();
          const watch = watchKernels(glOf());
          let out: tf.Tensor | tf.Tensor[];
          try {
            out = tf.tidy(run);
            await Promise.all((Array.isArray(out) ? out : [out]).map(t => t.data()));
          } finally {
            watch.stop();
          }
          expect(watch.calls.length).toBeGreaterThan(0);
          expect(watch.changes).toEqual([]);
          tf.dispose(out);
          await expectTfjsStillRight();
        });
      }
    });

    it('reads packed tensors, shallow slices and small tensors kept on the CPU like any other', async () => {
      const {pos, tri, attr} = scene();
      const [H, W] = [10, 12];
      const reference = await dr.rasterize(pos, tri, [H, W]).rast.data();
      // A packed tensor: the output of a packed matMul (identity), reshaped.
      const packed = tf.reshape(tf.matMul(tf.reshape(pos, [6, 4]), tf.eye(4)), [1, 6, 4]);
      expect(texData(packed).isPacked).toBe(true, 'the packed case is packed');
      expect(await dr.rasterize(packed, tri, [H, W]).rast.data()).toEqual(reference);
      // A shallow slice shares its texture with an offset (tfjs makes one from an unpacked tensor
      // on the GPU, large enough not to be handled on the CPU).
      const posValues = await pos.array();
      const many = tf.tensor3d([...Array.from({length: 7}, () => posValues[0].map(v => v.map(x => -x))), posValues[0]]);
      (tf.backend() as any).uploadToGPU(many.dataId);
      const slice = tf.slice(many, [7, 0, 0], [1, 6, 4]);
      expect(texData(slice).slice).toBeDefined('the slice case is a shallow slice');
      expect(await dr.rasterize(slice, tri, [H, W]).rast.data()).toEqual(reference);
      // Tensors of up to 4 elements stay on the CPU until used (tfjs passes them as uniforms).
      const {rast} = dr.rasterize(pos, tri, [1, 1]);
      const small = tf.tensor2d([[0.5], [2], [-1]]);
      expect(texData(small).texture).toBeFalsy();
      const out = await dr.interpolate(small, rast, tri).out.data();
      const uv = await rast.data();
      const id = uv[3];
      if (id > 0) {
        const corners = (await tri.data()).slice(3 * (id - 1), 3 * id);
        const a = [0.5, 2, -1];
        const expected =
          uv[0] * a[corners[0] % 3] + uv[1] * a[corners[1] % 3] + (1 - uv[0] - uv[1]) * a[corners[2] % 3];
        expect(out[0]).toBeCloseTo(expected, 5);
      }
      tf.dispose([pos, tri, attr, packed, many, slice, small, rast]);
    });

    it("keeps a packed input's unpacked values for the next kernels while it lives, each tensor its own", async () => {
      const kept = diffrastGL(tf.backend() as never).unpacked;
      const rng = new Rng(7);
      const values = () => Array.from({length: 6 * 10 * 3}, () => rng.uniform(0, 1));
      const plain = [values(), values()].map(v => tf.tensor4d(v, [1, 6, 10, 3]));
      // The same values twice, packed (a packed add's outputs), one shape: each read must find its own.
      const packed = plain.map(t => tf.add(t, tf.zerosLike(t)));
      packed.forEach(t => expect(texData(t).isPacked).toBe(true, 'the packed case is packed'));
      const mip = (t: tf.Tensor) => dr.textureConstructMip(t, {maxMipLevel: 1}).levels[0];
      const unpacks = spyOn(tf.backend() as any, 'unpackTensor').and.callThrough();
      const outs = [0, 1].flatMap(i => [mip(packed[i]), mip(packed[i])]);
      expect(unpacks.calls.count()).toBe(2, 'one unpack per tensor');
      packed.forEach(t => expect(kept.peek(t.dataId, 'unpacked')).toBeDefined());
      for (let i = 0; i < 2; i++) {
        const reference = await mip(plain[i]).data();
        expect(await outs[2 * i].data()).toEqual(reference);
        expect(await outs[2 * i + 1].data()).toEqual(reference);
      }
      // Freed at the next call after the tensor's disposal.
      const texture = kept.peek(packed[0].dataId, 'unpacked')!.textures[0];
      packed[0].dispose();
      tf.dispose(mip(packed[1]));
      expect(kept.peek(packed[0].dataId, 'unpacked')).toBeUndefined();
      expect(glOf().isTexture(texture)).toBe(false);
      tf.dispose([...plain, packed[1], ...outs]);
    });

    for (const coverage of ['exact', 'hardware'] as const)
      it(`matches the cpu on a fine mesh of small and sliver triangles at a size that is not a power of two (${coverage} coverage)`, async () => {
        // A latitude-longitude sphere: ~20k triangles of a few pixels, slivers at the poles.
        const [stacks, slices] = [70, 140];
        const f = 1 / Math.tan(Math.PI / 8);
        const verts: number[][] = [];
        for (let i = 0; i <= stacks; i++) {
          for (let j = 0; j < slices; j++) {
            const [phi, theta] = [(Math.PI * i) / stacks, (2 * Math.PI * j) / slices + 0.3];
            const [x, y, z] = [
              Math.sin(phi) * Math.cos(theta),
              Math.cos(phi) * 0.9 + 0.05,
              Math.sin(phi) * Math.sin(theta) - 3,
            ];
            verts.push([f * x, f * y, -1.02 * z - 0.2, -z]);
          }
        }
        const tris: number[][] = [];
        for (let i = 0; i < stacks; i++) {
          for (let j = 0; j < slices; j++) {
            const [a, b] = [i * slices + j, i * slices + ((j + 1) % slices)];
            tris.push([a, a + slices, b], [b, a + slices, b + slices]);
          }
        }
        const [H, W] = [300, 210];
        const run = async (backend: string) => {
          await tf.setBackend(backend);
          const {rast, rastDb} = dr.rasterize(tf.tensor3d([verts]), tf.tensor2d(tris, undefined, 'int32'), [H, W], {
            coverage,
          });
          const out = [await rast.data(), await rastDb.data()];
          tf.dispose([rast, rastDb]);
          return out;
        };
        const [cr, cdb] = await run('cpu');
        const [gr, gdb] = await run('webgl');
        let agree = 0,
          covered = 0,
          largeDb = 0;
        for (let p = 0; p < H * W; p++) {
          if (cr[4 * p + 3] !== 0) covered++;
          if (gr[4 * p + 3] !== cr[4 * p + 3]) {
            if (coverage === 'hardware') {
              const image = {pos: verts.flat(), tri: tris.flat(), first: 0, count: tris.length, height: H, width: W};
              expect(mayDiffer(image, p % W, Math.floor(p / W))).toBe(true, `pixel ${p} far from edges and ties`);
            }
            continue;
          }
          agree++;
          if (cr[4 * p + 3] === 0) continue;
          for (let c = 0; c < 3; c++)
            expect(Math.abs(gr[4 * p + c] - cr[4 * p + c])).toBeLessThan(1e-4, `rast[${p}].${c}`);
          // Sliver triangles have rastDb in the tens per pixel; float32 holds those to ~1e-5 of themselves.
          for (let c = 0; c < 4; c++) {
            const scale = Math.max(1, Math.abs(cdb[4 * p + c]));
            if (scale > 1) largeDb++;
            expect(Math.abs(gdb[4 * p + c] - cdb[4 * p + c])).toBeLessThan(1e-4 * scale, `rastDb[${p}].${c}`);
          }
        }
        // Hardware coverage: every differing pixel is checked above; triangles of a few pixels put too
        // much edge on each for a share (docs/rasterize.md#numerical-expectations).
        if (coverage === 'exact') expect(agree / (H * W)).toBeGreaterThanOrEqual(0.999);
        expect(covered).toBeGreaterThan((H * W) / 4);
        expect(largeDb).toBeGreaterThan(0);
      });

    for (const coverage of ['exact', 'hardware'] as const)
      it(`splits batches taller than one render target into several and matches the cpu (${coverage} coverage)`, async () => {
        const max = maxResolution();
        const [H, W] = [Math.floor(max / 2) - 1, 4]; // two images per render target: 3 need two
        const RANGES = [
          {first: 0, count: 2},
          {first: 1, count: 1},
          {first: 0, count: 1},
        ];
        const rng = new Rng(5);
        const verts = Array.from({length: 3}, () =>
          Array.from({length: 6}, () => [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-0.5, 0.5), 1]),
        );
        const tri = tf.tensor2d(
          [
            [0, 1, 2],
            [3, 4, 5],
          ],
          [2, 3],
          'int32',
        );
        const run = async (backend: string) => {
          await tf.setBackend(backend);
          const inst = dr.rasterize(tf.tensor3d(verts), tri, [H, W], {coverage});
          const range = dr.rasterize(tf.tensor2d(verts.flat()), tri, [H, W], {
            coverage,
            ranges: RANGES.map(r => [r.first, r.count]),
          });
          const out = await Promise.all([inst.rast, inst.rastDb, range.rast, range.rastDb].map(t => t.data()));
          tf.dispose([inst.rast, inst.rastDb, range.rast, range.rastDb]);
          return out;
        };
        const cpu = await run('cpu');
        const gpu = await run('webgl');
        for (let k = 0; k < 4; k++) {
          let agree = 0,
            covered = 0;
          for (let p = 0; p < cpu[k].length / 4; p++) {
            const idIndex = 4 * p + 3;
            const [c, g] = k % 2 === 0 ? [cpu[k], gpu[k]] : [cpu[k - 1], gpu[k - 1]];
            if (c[idIndex] !== 0) covered++;
            if (c[idIndex] !== g[idIndex]) {
              if (coverage === 'hardware') {
                const n = Math.floor(p / (H * W)),
                  pix = p % (H * W);
                const image =
                  k < 2
                    ? {pos: verts[n].flat(), tri: [0, 1, 2, 3, 4, 5], first: 0, count: 2, height: H, width: W}
                    : {pos: verts.flat().flat(), tri: [0, 1, 2, 3, 4, 5], ...RANGES[n], height: H, width: W};
                expect(mayDiffer(image, pix % W, Math.floor(pix / W))).toBe(true, `output ${k} pixel ${p}`);
              }
              continue;
            }
            agree++;
            for (let ch = 0; ch < 4; ch++) {
              if (k % 2 === 0 && ch === 3) continue;
              expect(Math.abs(gpu[k][4 * p + ch] - cpu[k][4 * p + ch])).toBeLessThan(
                1e-4,
                `output ${k} pixel ${p}.${ch}`,
              );
            }
          }
          if (coverage === 'exact') expect(agree / (cpu[k].length / 4)).toBeGreaterThanOrEqual(0.999);
          expect(covered).toBeGreaterThan(cpu[k].length / 4 / 50);
        }
      });

    it('copies gradients of whole texels (4 and 8 channels) through pixel buffers like the others', async () => {
      const rng = new Rng(21);
      for (const C of [4, 8]) {
        const tex = tf.tensor4d(rng.array(16 * 8 * C, 0, 1), [1, 16, 8, C]); // levels 8x16 down to 1x1
        const uv = tf.tensor4d(rng.array(2 * 5 * 7 * 2, -0.2, 1.2), [2, 5, 7, 2]);
        const bias = tf.tensor3d(rng.array(2 * 5 * 7, 0, 4), [2, 5, 7]);
        const attr = tf.tensor2d(rng.array(9 * C, -1, 1), [9, C]);
        const pos = tf.tensor3d([Array.from({length: 9}, () => [rng.uniform(-1, 1), rng.uniform(-1, 1), 0, 1])]);
        const tri = tf.tensor2d(
          [
            [0, 1, 2],
            [3, 4, 5],
            [6, 7, 8],
          ],
          [3, 3],
          'int32',
        );
        const run = async (backend: string) => {
          await tf.setBackend(backend);
          const levels = dr.textureConstructMip(tex).levels;
          const dTex = tf.grads((...ls: tf.Tensor[]) =>
            tf.sum(tf.square(dr.texture(ls[0], uv, {mipLevelBias: bias, mip: ls.slice(1)}))),
          )([tex, ...levels]);
          // Exact coverage: both backends' rast must be the same for their gradients to be.
          const {rast} = dr.rasterize(pos, tri, [9, 11], {coverage: 'exact'});
          const dAttr = tf.grad(a => tf.sum(tf.square(dr.interpolate(a, rast, tri).out)))(attr);
          const values = await Promise.all([...dTex, dAttr].map(t => t.data()));
          tf.dispose([...levels, ...dTex, dAttr, rast]);
          return values;
        };
        const cpu = await run('cpu'),
          gpu = await run('webgl');
        cpu.forEach((c, k) => {
          const scale = Math.max(...Array.from(c, Math.abs));
          expect(scale).toBeGreaterThan(0);
          for (let i = 0; i < c.length; i++)
            expect(Math.abs(gpu[k][i] - c[i])).toBeLessThan(1e-4 * scale, `C=${C} gradient ${k}[${i}]`);
        });
        tf.dispose([tex, uv, bias, attr, pos, tri]);
      }
    });

    it("scatters texture's gradient a tap a point where no block scatter fits, a TextureMip's levels into tex too", async () => {
      // The block scatter needs points of two cells or more (texture_lookup.ts's blockScatterFits); with a point size
      // of 1 every texture gradient takes the per-tap path, whose levels go through pyramidAdjointPasses.
      const rng = new Rng(23);
      const tex = tf.tensor4d(rng.array(16 * 8 * 3, 0, 1), [1, 16, 8, 3]); // levels 8x16 down to 1x1
      const uv = tf.tensor4d(rng.array(2 * 5 * 7 * 2, -0.2, 1.2), [2, 5, 7, 2]);
      // Derivatives from 2^-5 to 2^0.5 of the texture: every level gets a gradient.
      const da = Array.from({length: 2 * 5 * 7}, () => {
        const size = 2 ** rng.uniform(-5, 0.5);
        return [0, 1, 2, 3].map(() => size * rng.uniform(-1, 1));
      });
      const uvDa = tf.tensor4d(da.flat(), [2, 5, 7, 4]);
      const run = async (backend: string) => {
        await tf.setBackend(backend);
        const loss = (t: tf.Tensor, u: tf.Tensor, mip: dr.TextureMip | tf.Tensor[]) =>
          tf.sum(tf.square(dr.texture(t, u, {uvDa, mip, boundaryMode: 'clamp'})));
        const pyramid = tf.grads((t: tf.Tensor, u: tf.Tensor) => loss(t, u, dr.textureConstructMip(t)))([tex, uv]);
        const levels = dr.textureConstructMip(tex).levels;
        const perLevel = tf.grads((...ls: tf.Tensor[]) => loss(ls[0], uv, ls.slice(1)))([tex, ...levels]);
        const values = await Promise.all([...pyramid, ...perLevel].map(t => t.data()));
        tf.dispose([...pyramid, ...levels, ...perLevel]);
        return values;
      };
      const cpu = await run('cpu');
      await tf.setBackend('webgl');
      const ctx = diffrastGL(tf.backend() as never) as unknown as {maxPointSize: number};
      const maxPointSize = ctx.maxPointSize;
      ctx.maxPointSize = 1;
      let gpu: Awaited<ReturnType<typeof run>>;
      try {
        gpu = await run('webgl');
      } finally {
        ctx.maxPointSize = maxPointSize;
      }
      expect(gpu.length).toBe(cpu.length);
      cpu.forEach((c, k) => {
        const scale = Math.max(...Array.from(c, Math.abs));
        expect(scale).toBeGreaterThan(0);
        for (let i = 0; i < c.length; i++)
          expect(Math.abs(gpu[k][i] - c[i])).toBeLessThan(1e-4 * scale, `gradient ${k}[${i}]`);
      });
      tf.dispose([tex, uv, uvDa]);
    });

    it("sums interpolate's attribute gradient over the screen boxes of the mesh its rast was drawn from, as the cpu does", async () => {
      // A 12×12 grid of small triangles under three large ones, one with a corner behind the eye (triangle_boxes.ts:
      // boxes, chunks, and the image-wide box); 72 of the small ones and the large ones (a mid-size mesh, ≥ 16
      // pixels per triangle: the boxes too, not the quad tree); or the large ones alone (at most 64 triangles:
      // triangle_walk.ts's walk); rast from webgl's rasterize, so that interpolate's gradient knows the positions
      // behind it (rast_source.ts). drast and drastDb too: with the boxes, one per-pixel pass writes them and the
      // boxes' grids.
      const rng = new Rng(31);
      const [H, W] = [40, 36];
      const {vertices: flat, small, large: largeTri, V} = gridUnderLarge(12, () => rng.uniform(-0.03, 0.03));
      // Image 1: the mesh moved by a few pixels, its corners scaled by their own w (the same projection, other depths).
      const moved = flat.map(
        (x, i) => (x + (i % 4 === 0 ? 0.2 : i % 4 === 1 ? -0.15 : 0)) * (1 + 0.5 * ((i >> 2) % 3)),
      );
      const grad = async (backend: string, named: {[name: string]: tf.Tensor}) => {
        await tf.setBackend(backend);
        const {list, inputNames} = k.packInputs(named);
        const attrs = {diffAttrs: [1], inputNames} as unknown as tf.NamedAttrMap;
        const outs = tf
          .engine()
          .runKernel(k.InterpolateGrad, list as unknown as tf.NamedTensorMap, attrs) as tf.Tensor[];
        const values = await Promise.all(outs.map(t => t.data()));
        tf.dispose(outs);
        return values;
      };
      for (const indices of [[...small, ...largeTri], [...small.slice(0, 3 * 72), ...largeTri], largeTri]) {
        const T = indices.length / 3;
        for (const ranges of [
          undefined,
          [
            [0, T],
            [1, T - 1],
          ],
        ]) {
          await tf.setBackend('webgl');
          const pos = ranges ? tf.tensor2d(flat, [V, 4]) : tf.tensor3d([...flat, ...moved], [2, V, 4]);
          const tri = tf.tensor2d(indices, [T, 3], 'int32');
          const {rast, rastDb} = dr.rasterize(pos, tri, [H, W], ranges ? {ranges} : {});
          for (const attrShape of ranges
            ? [[V, 3]]
            : [
                [V, 3],
                [2, V, 3],
              ]) {
            await tf.setBackend('webgl');
            const inputs = {
              attr: tf.tensor(
                rng.array(
                  attrShape.reduce((a, b) => a * b),
                  -1,
                  1,
                ),
                attrShape,
              ),
              rast,
              tri,
              rastDb,
              dy: tf.tensor4d(rng.array(2 * H * W * 3, -1, 1), [2, H, W, 3]),
              dyDa: tf.tensor4d(rng.array(2 * H * W * 2, -1, 1), [2, H, W, 2]),
            };
            const gpu = await grad('webgl', inputs);
            const values = await Promise.all(Object.values(inputs).map(t => t.data()));
            await tf.setBackend('cpu');
            const onCpu = Object.fromEntries(
              Object.entries(inputs).map(([name, t], i) => [name, tf.tensor(values[i], t.shape, t.dtype)]),
            );
            const cpu = await grad('cpu', onCpu);
            tf.dispose(Object.values(onCpu));
            const what = `${T} triangles, ${ranges ? 'range mode' : 'instanced'}, attr [${attrShape}]`;
            expect(gpu.length).toBe(3, what);
            ['dattr', 'drast', 'drastDb'].forEach((name, o) => {
              const scale = Math.max(...Array.from(cpu[o], Math.abs));
              expect(scale).toBeGreaterThan(0, `${what}: ${name}`);
              for (let i = 0; i < cpu[o].length; i++)
                expect(Math.abs(gpu[o][i] - cpu[o][i])).toBeLessThan(1e-4 * scale, `${what}: ${name}[${i}]`);
            });
            tf.dispose([inputs.attr, inputs.dy, inputs.dyDa]);
          }
          await tf.setBackend('webgl');
          tf.dispose([pos, tri, rast, rastDb]);
        }
      }
    });

    it("runs antialias's gradient on the forward's list of items, as it would finding them again", async () => {
      const rng = new Rng(22);
      // Three separate triangles: every edge is a silhouette.
      const pos = tf.tensor3d([Array.from({length: 9}, () => [rng.uniform(-1, 1), rng.uniform(-1, 1), 0, 1])]);
      const tri = tf.tensor2d([0, 1, 2, 3, 4, 5, 6, 7, 8], [3, 3], 'int32');
      const {viaOp, direct, list, dispose} = antialiasGradTwoWays('webgl', rng, pos, tri);
      expect(list.shape[0]).toBe(3);
      expect(list.shape[1]).toBeGreaterThan(0); // items found
      for (let i = 0; i < 2; i++) expect(await viaOp[i].data()).toEqual(await direct[i].data());
      dispose();
      tf.dispose([pos, tri]);
    });

    it("reads a texture forward's kept lookup planes only in that forward's own backward", async () => {
      // Two lookups of one texture under one tape: the second forward's planes are what the grids hold when the first
      // call's backward runs, so that one must copy its own back from its saved lookup.
      const rng = new Rng(23);
      const tex = tf.tensor4d(rng.array(8 * 8 * 3, -1, 1), [1, 8, 8, 3]);
      const mip = dr.textureConstructMip(tex);
      const [uv1, uv2] = [0, 1].map(() => tf.tensor4d(rng.array(6 * 6 * 2, -0.5, 1.5), [1, 6, 6, 2]));
      const [da1, da2] = [0, 1].map(() => tf.tensor4d(rng.array(6 * 6 * 4, -0.3, 0.3), [1, 6, 6, 4]));
      const [w1, w2] = [0, 1].map(() => tf.tensor4d(rng.array(6 * 6 * 3, -1, 1), [1, 6, 6, 3]));
      const look = (uv: tf.Tensor, uvDa: tf.Tensor, w: tf.Tensor) =>
        tf.sum(tf.mul(dr.texture(tex, uv, {uvDa, mip}), w));
      const both = tf.grads((uvA: tf.Tensor, uvB: tf.Tensor) => tf.add(look(uvA, da1, w1), look(uvB, da2, w2)));
      const [both1, both2] = both([uv1, uv2]);
      const [one1] = tf.grads((uv: tf.Tensor) => look(uv, da1, w1))([uv1]);
      const [one2] = tf.grads((uv: tf.Tensor) => look(uv, da2, w2))([uv2]);
      expect(await one1.data()).not.toEqual(await one2.data());
      expect(await both1.data()).toEqual(await one1.data());
      expect(await both2.data()).toEqual(await one2.data());
      tf.dispose([tex, ...mip.levels, uv1, uv2, da1, da2, w1, w2, both1, both2, one1, one2]);
    });

    describe('limits and failures', () => {
      it('refuses resolutions beyond the context and outputs beyond one texture, by name', () => {
        const max = maxResolution();
        const gl = glOf();
        expect(max).toBe(
          Math.min(
            gl.getParameter(gl.MAX_TEXTURE_SIZE),
            gl.getParameter(gl.MAX_RENDERBUFFER_SIZE),
            ...Array.from(gl.getParameter(gl.MAX_VIEWPORT_DIMS) as Int32Array),
          ),
        );
        const pos = tf.zeros([2, 3, 4]),
          tri = tf.tensor2d([[0, 1, 2]], [1, 3], 'int32');
        expect(() => dr.rasterize(pos, tri, [max + 1, 4])).toThrowError(new RegExp(`two integers in \\[1, ${max}\\]`));
        const before = tf.memory().numTensors;
        expect(() => dr.rasterize(pos, tri, [max / 2, max / 2])).toThrowError(
          /^rasterize \(webgl\): an output of shape \[2,\d+,\d+,4\] has \d+ elements, more than/,
        );
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose([pos, tri]);
      });

      it('runs forward passes but refuses gradients, naming EXT_float_blend, when float blending is missing', () => {
        const {pos, tri, attr, tex} = scene();
        tf.env().set('DIFFRAST_WEBGL_FORCE_NO_FLOAT_BLEND', true);
        try {
          const {rast, rastDb} = dr.rasterize(pos, tri, [8, 8]);
          const uv = dr.interpolate(attr, rast, tri).out;
          expect(dr.texture(tex, tf.slice(uv, [0, 0, 0, 0], [-1, -1, -1, 2])).shape).toEqual([1, 8, 8, 3]);
          // antialias gathers every pixel's items instead of blending its silhouette candidates: the same image.
          const hash = dr.antialiasConstructTopologyHash(tri);
          const gathered = tf.tidy(() => dr.antialias(uv, rast, pos, tri, {topologyHash: hash}).dataSync());
          tf.env().set('DIFFRAST_WEBGL_FORCE_NO_FLOAT_BLEND', false);
          const blended = tf.tidy(() => dr.antialias(uv, rast, pos, tri, {topologyHash: hash}).dataSync());
          tf.env().set('DIFFRAST_WEBGL_FORCE_NO_FLOAT_BLEND', true);
          const input = uv.dataSync();
          expect(gathered.some((v, i) => v !== input[i])).toBe(true);
          gathered.forEach((v, i) => expect(Math.abs(v - blended[i])).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(v))));
          // Through an op's gradient, the error reaches the caller...
          expect(() => tf.grad(p => tf.sum(dr.rasterize(p, tri, [8, 8]).rast))(pos)).toThrowError(
            /^rasterize \(webgl\): gradient: needs the WebGL extension EXT_float_blend/,
          );
          // ...and every gradient kernel refuses without leaving tensors behind (called directly: an
          // exception inside tf.grad strands tfjs's own saved tensors).
          const uv2 = tf.slice(uv, [0, 0, 0, 0], [-1, -1, -1, 2]);
          const calls: Array<[string, string, {[name: string]: tf.Tensor}, {[key: string]: unknown}]> = [
            [k.RasterizeGrad, 'rasterize', {pos, tri, rast, dy: rast}, {}],
            [k.InterpolateGrad, 'interpolate', {attr, rast, tri, dy: uv}, {diffAttrs: []}],
            [
              k.TextureGrad,
              'texture',
              {tex, uv: uv2, dy: tf.onesLike(uv)},
              {filterMode: 'linear', boundaryMode: 'wrap'},
            ],
            [
              k.AntialiasGrad,
              'antialias',
              {color: uv, rast, pos, tri, topo: hash.opposite, dy: uv},
              {posGradientBoost: 1},
            ],
          ];
          const before = tf.memory().numTensors;
          for (const [kernel, op, inputs, attrs] of calls) {
            const {list, inputNames} = k.packInputs(inputs);
            expect(() =>
              tf
                .engine()
                .runKernel(kernel, list as unknown as tf.NamedTensorMap, {...attrs, inputNames} as tf.NamedAttrMap),
            ).toThrowError(new RegExp(`^${op} \\(webgl\\): gradient: needs the WebGL extension EXT_float_blend`));
          }
          expect(tf.memory().numTensors).toBe(before);
          tf.dispose([rast, rastDb, uv, uv2, calls[2][2].dy]);
          hash.dispose();
        } finally {
          tf.env().set('DIFFRAST_WEBGL_FORCE_NO_FLOAT_BLEND', false);
        }
        tf.dispose([pos, tri, attr, tex]);
      });

      it('refuses to run without float32 render targets', () => {
        const {pos, tri} = scene();
        tf.env().set('WEBGL_RENDER_FLOAT32_ENABLED', false);
        try {
          expect(() => dr.rasterize(pos, tri, [8, 8])).toThrowError(
            /^rasterize \(webgl\): needs float32 render targets/,
          );
        } finally {
          tf.env().set('WEBGL_RENDER_FLOAT32_ENABLED', true);
        }
        tf.dispose([pos, tri]);
      });

      it('reports a lost WebGL context on the next call instead of returning wrong numbers', async () => {
        // A backend of its own, on its own canvas, with our kernels registered for it.
        const name = 'diffrast-webgl-lost-context';
        const canvas = new OffscreenCanvas(16, 16);
        tf.registerBackend(name, () => new MathBackendWebGL(canvas));
        const ours = tf.getKernelsForBackend('webgl').filter(k => k.kernelName.startsWith('Diffrast'));
        ours.forEach(k => tf.registerKernel({...k, backendName: name}));
        try {
          await tf.setBackend(name);
          const {pos, tri, attr, tex} = scene();
          const first = dr.rasterize(pos, tri, [8, 8]);
          expect((await first.rast.data()).some(v => v !== 0)).toBe(true);
          const gl = glOf();
          gl.getExtension('WEBGL_lose_context')!.loseContext();
          expect(gl.isContextLost()).toBe(true);
          expect(() => dr.rasterize(pos, tri, [8, 8])).toThrowError(/^rasterize \(webgl\): the WebGL context was lost/);
          tf.dispose([pos, tri, attr, tex, first.rast, first.rastDb]);
        } finally {
          await tf.setBackend('webgl');
          ours.forEach(k => tf.unregisterKernel(k.kernelName, name));
          tf.removeBackend(name);
        }
      });
    });
  },
  [...HOST_BACKENDS, 'webgpu'],
);
