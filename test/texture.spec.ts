import * as tf from '@tensorflow/tfjs';

import * as dr from '../src/index';
import type {BoundaryMode, FilterMode} from '../src/index';

import {TextureGrad} from '../src/kernels/names';

import {describeEachBackend} from './util/backends';
import {expectError} from './util/errors';
import {expectMipAdjointAsSteps} from './util/mip_adjoint';
import {checkGradient} from './util/fd';
import {Rng} from './util/random';

/** A 4×4 one-channel texture with T[j][i] = i + 10·j (row j, column i). */
const T44 = Array.from({length: 4}, (_, j) => Array.from({length: 4}, (_, i) => [i + 10 * j]));
const tex44 = () => tf.tensor4d([T44]);
const at = (i: number, j: number) => i + 10 * j;
const lookup = async (tex: tf.Tensor, uv: number[][], options: dr.TextureOptions = {}) =>
  Array.from(await dr.texture(tex, tf.tensor4d([[uv]]), options).data());

describeEachBackend('texture', () => {
  describe('closed form', () => {
    it('nearest reads the texel under (s, t) in every boundary mode', async () => {
      const uv = [
        [1.3 / 4, 2.6 / 4],
        [1.3 / 4 + 1, 2.6 / 4 - 2],
        [1.2, 0.5],
        [-0.1, 0.5],
      ];
      expect(await lookup(tex44(), uv, {filterMode: 'nearest'})).toEqual([at(1, 2), at(1, 2), at(0, 2), at(3, 2)]);
      expect(await lookup(tex44(), uv, {filterMode: 'nearest', boundaryMode: 'clamp'})).toEqual([
        at(1, 2),
        at(3, 0),
        at(3, 2),
        at(0, 2),
      ]);
      expect(await lookup(tex44(), uv, {filterMode: 'nearest', boundaryMode: 'zero'})).toEqual([at(1, 2), 0, 0, 0]);
    });

    it('bilinear weights the four texels around (s·w − ½, t·h − ½)', async () => {
      // x = 1.25, y = 2.5: texels (1,2), (2,2), (1,3), (2,3) with fx = ¼, fy = ½.
      const inner = 0.75 * 0.5 * at(1, 2) + 0.25 * 0.5 * at(2, 2) + 0.75 * 0.5 * at(1, 3) + 0.25 * 0.5 * at(2, 3);
      // s = 0.05: x = −0.3, so i0 = −1 with fx = 0.7; t at row 1's center.
      const edgeUv = [0.05, 1.5 / 4];
      const results = await lookup(tex44(), [[1.75 / 4, 3 / 4], edgeUv], {filterMode: 'linear'});
      expect(results[0]).toBeCloseTo(inner, 5);
      expect(results[1]).toBeCloseTo(0.3 * at(3, 1) + 0.7 * at(0, 1), 5);
      const [, clamp] = await lookup(tex44(), [[0, 0], edgeUv], {boundaryMode: 'clamp'});
      expect(clamp).toBeCloseTo(at(0, 1), 5);
      const [, zero] = await lookup(tex44(), [[0, 0], edgeUv], {boundaryMode: 'zero'});
      expect(zero).toBeCloseTo(0.7 * at(0, 1), 5);
    });

    it('builds the mip pyramid by 2×2 box averages, ½ pairs once a side is 1', async () => {
      const mip = dr.textureConstructMip(tex44());
      expect(mip.levels.map(l => l.shape)).toEqual([
        [1, 2, 2, 1],
        [1, 1, 1, 1],
      ]);
      const l1 = await mip.levels[0].data();
      expect(Array.from(l1)).toEqual([5.5, 7.5, 25.5, 27.5]);
      expect((await mip.levels[1].data())[0]).toBeCloseTo(16.5, 5);
      mip.dispose();
      const wide = dr.textureConstructMip(
        tf.tensor4d([
          [
            [[1], [3], [5], [7], [9], [11], [13], [15]],
            [[2], [4], [6], [8], [10], [12], [14], [16]],
          ],
        ]),
      );
      expect(wide.levels.map(l => l.shape[2])).toEqual([4, 2, 1]);
      expect(Array.from(await wide.levels[0].data())).toEqual([2.5, 6.5, 10.5, 14.5]);
      expect(Array.from(await wide.levels[1].data())).toEqual([4.5, 12.5]);
      expect(Array.from(await wide.levels[2].data())).toEqual([8.5]);
      const limited = dr.textureConstructMip(tex44(), {maxMipLevel: 1});
      expect(limited.levels.length).toBe(1);
    });

    it('picks mip levels from uvDa and mipLevelBias', async () => {
      const uv = [[1.75 / 4, 3 / 4]];
      const level0 = (await lookup(tex44(), uv, {filterMode: 'linear'}))[0];
      // Level 1 is 2×2: x = 0.875 − 0.5 = 0.375, y = 1.5 − 0.5 = 1 → clamp-free wrap lookup.
      const l1 = [
        [5.5, 7.5],
        [25.5, 27.5],
      ];
      const level1 = (1 - 0.375) * l1[1][0] + 0.375 * l1[1][1];
      const bias = tf.tensor3d([[[0.5]]]);
      const half = (await lookup(tex44(), uv, {mipLevelBias: bias}))[0];
      expect(half).toBeCloseTo(0.5 * level0 + 0.5 * level1, 4);
      // Footprint of 2 texels per pixel along both axes: lod 1 exactly.
      const uvDa = tf.tensor4d([[[[0.5, 0, 0, 0.5]]]]);
      expect((await lookup(tex44(), uv, {uvDa}))[0]).toBeCloseTo(level1, 4);
      // linear-mipmap-nearest takes the level below: lod 1.7 → level 1.
      const nearestLevel = await lookup(tex44(), uv, {
        uvDa,
        mipLevelBias: tf.tensor3d([[[0.7]]]),
        filterMode: 'linear-mipmap-nearest',
      });
      expect(nearestLevel[0]).toBeCloseTo(level1, 4);
      // Anisotropic footprint: the longer axis decides (4 texels → lod 2, the 1×1 level).
      const aniso = await lookup(tex44(), uv, {uvDa: tf.tensor4d([[[[1, 0, 0, 0.25]]]])});
      expect(aniso[0]).toBeCloseTo(16.5, 4);
    });

    describe('cube maps', () => {
      const S = 4;
      /** Texel (i, j) of face f holds 100·f + 10·j + i. */
      const cube = () =>
        tf.tensor5d([
          Array.from({length: 6}, (_, f) =>
            Array.from({length: S}, (_, j) => Array.from({length: S}, (_, i) => [100 * f + 10 * j + i])),
          ),
        ]);
      const texel = (f: number, i: number, j: number) => 100 * f + 10 * j + i;
      const cubeLookup = async (dirs: number[][], filterMode: FilterMode = 'nearest') =>
        Array.from(await dr.texture(cube(), tf.tensor4d([[dirs]]), {filterMode, boundaryMode: 'cube'}).data());

      it('maps a direction to each face with the orientation of docs/texture.md#cube-maps', async () => {
        // On each face, a direction whose (s, t) is (0.625, 0.25): nearest texel (2, 1).
        const m = 0.5,
          ds = 0.125 / m,
          dt = -0.25 / m; // s − ½ and t − ½ over m = 1/(2|major|)
        const dirs = [
          [1, -dt, -ds],
          [-1, -dt, ds],
          [ds, 1, dt],
          [ds, -1, -dt],
          [ds, -dt, 1],
          [-ds, -dt, -1],
        ];
        expect(await cubeLookup(dirs)).toEqual([0, 1, 2, 3, 4, 5].map(f => texel(f, 2, 1)));
      });

      it('reads across a face edge and fills the missing corner with the mean of three taps', async () => {
        // +X at s = t = 1 − ¼/S: taps (3,3) on +X, (0,3) on −Z (past the right edge),
        // (3,3) on −Y (past the top edge), and the corner.
        const s = 1 - 0.25 / S;
        const t00 = texel(0, 3, 3),
          t10 = texel(5, 0, 3),
          t01 = texel(3, 3, 3),
          t11 = (t00 + t10 + t01) / 3;
        const corner = 0.75 * 0.75 * t00 + 0.25 * 0.75 * t10 + 0.75 * 0.25 * t01 + 0.25 * 0.25 * t11;
        // Past the right edge only: row 1's center, fx = ¼.
        const edge = 0.75 * texel(0, 3, 1) + 0.25 * texel(5, 0, 1);
        const out = await cubeLookup(
          [
            [1, 1 - 2 * s, 1 - 2 * s],
            [1, 1 - (2 * 1.5) / S, 1 - 2 * s],
          ],
          'linear',
        );
        expect(out[0]).toBeCloseTo(corner, 3);
        expect(out[1]).toBeCloseTo(edge, 3);
      });

      it('outputs zeros for a zero or non-finite direction', async () => {
        expect(
          await cubeLookup(
            [
              [0, 0, 0],
              [NaN, 1, 0],
            ],
            'linear',
          ),
        ).toEqual([0, 0]);
      });
    });
  });

  describe('gradients', () => {
    const [N, H, W] = [2, 5, 6];
    function inputs(seed: number, texSize: number, channels: number, cube: boolean, texBatch = N) {
      const rng = new Rng(seed);
      const texShape = cube ? [texBatch, 6, texSize, texSize, channels] : [texBatch, texSize, texSize, channels];
      const tex = tf.tensor(
        rng.array(
          texShape.reduce((a, b) => a * b),
          -1,
          1,
        ),
        texShape,
      );
      const uv = cube
        ? tf.tensor4d(rng.array(N * H * W * 3, -1, 1), [N, H, W, 3])
        : tf.tensor4d(rng.array(N * H * W * 2, -0.3, 1.3), [N, H, W, 2]);
      const daScale = 4 / texSize; // footprints of 1..4 texels: lod inside (0, L)
      const uvDa = tf.tensor4d(rng.array(N * H * W * (cube ? 6 : 4), -daScale, daScale), [N, H, W, cube ? 6 : 4]);
      const bias = tf.tensor3d(rng.array(N * H * W, -0.8, 0.8), [N, H, W]);
      return {rng, tex, uv, uvDa, bias};
    }
    const some = (rng: Rng, size: number, count: number) =>
      Array.from(new Set(Array.from({length: count}, () => rng.int(size))));

    const modes: Array<[FilterMode, BoundaryMode]> = [];
    for (const f of ['nearest', 'linear', 'linear-mipmap-nearest', 'linear-mipmap-linear'] as FilterMode[]) {
      for (const b of ['wrap', 'clamp', 'zero'] as BoundaryMode[]) modes.push([f, b]);
    }
    it("of a mip pyramid's levels go into tex inside the gradient kernel, bit for bit as the per-level steps and adds", async () => {
      await expectMipAdjointAsSteps();
    });

    modes.forEach(([filterMode, boundaryMode], m) => {
      it(`of ${filterMode} / ${boundaryMode} match finite differences for every input`, async () => {
        const {rng, tex, uv, uvDa, bias} = inputs(100 + m, 8, 2, false);
        const mipmapped = filterMode.includes('mipmap');
        const opts = (o: Partial<dr.TextureOptions>): dr.TextureOptions => ({
          filterMode,
          boundaryMode,
          ...(mipmapped ? {uvDa, mipLevelBias: bias} : {}),
          ...o,
        });
        await checkGradient({f: t => dr.texture(t, uv, opts({})), x: tex, h: 1e-2, coords: some(rng, tex.size, 60)});
        if (filterMode === 'nearest') return;
        await checkGradient({f: u => dr.texture(tex, u, opts({})), x: uv, h: 1e-3});
        if (!mipmapped) return;
        // Mip levels given as an array: each level gets its own gradient.
        const levels = dr.textureConstructMip(tex).levels;
        for (let l = 0; l < levels.length; l++) {
          await checkGradient({
            f: lv => dr.texture(tex, uv, opts({mip: levels.map((x, k) => (k === l ? lv : x))})),
            x: levels[l],
            h: 1e-2,
            coords: some(rng, levels[l].size, 24),
          });
        }
        if (filterMode !== 'linear-mipmap-linear') return;
        await checkGradient({f: d => dr.texture(tex, uv, opts({uvDa: d})), x: uvDa, h: 1e-3});
        await checkGradient({f: b => dr.texture(tex, uv, opts({mipLevelBias: b})), x: bias, h: 1e-3});
        await checkGradient({f: d => dr.texture(tex, uv, opts({uvDa: d, mipLevelBias: undefined})), x: uvDa, h: 1e-3});
      });
    });

    it('send mip-level gradients into tex through the pyramid (built inside or outside the loss)', async () => {
      const {rng, tex, uv, uvDa} = inputs(7, 8, 3, false);
      const f = (t: tf.Tensor) => dr.texture(t, uv, {uvDa, mip: dr.textureConstructMip(t)});
      await checkGradient({f, x: tex, h: 1e-2, coords: some(rng, tex.size, 60)});
      const inside = tf.grad(t => tf.sum(f(t)))(tex);
      const mip = dr.textureConstructMip(tex);
      const outside = tf.grad(t => tf.sum(dr.texture(t, uv, {uvDa, mip})))(tex);
      const internal = tf.grad(t => tf.sum(dr.texture(t, uv, {uvDa})))(tex);
      const [a, b, c] = [await inside.data(), await outside.data(), await internal.data()];
      for (let i = 0; i < a.length; i++) {
        expect(b[i]).toBeCloseTo(a[i], 4);
        expect(c[i]).toBeCloseTo(a[i], 4);
      }
      mip.dispose();
    });

    it('are made only when asked for: the same values, and no texel scatter for the pixels alone', async () => {
      // tfjs asks for the gradients of the inputs on the differentiated path only (a constant texture's: none).
      const {tex, uv, uvDa, bias} = inputs(12, 8, 3, false);
      const levels = dr.textureConstructMip(tex).levels;
      const cubeIn = inputs(13, 4, 2, true);
      const cases: Array<{name: string; f: (x: tf.Tensor[]) => tf.Tensor; xs: tf.Tensor[]}> = [
        {
          name: 'built pyramid',
          f: ([t, u, d, b]) => dr.texture(t, u, {uvDa: d, mipLevelBias: b}),
          xs: [tex, uv, uvDa, bias],
        },
        {
          name: 'mip array',
          f: ([t, u, d, ...ls]) => dr.texture(t, u, {uvDa: d, mip: ls, filterMode: 'linear-mipmap-linear'}),
          xs: [tex, uv, uvDa, ...levels],
        },
        {name: 'linear', f: ([t, u]) => dr.texture(t, u, {boundaryMode: 'clamp'}), xs: [tex, uv]},
        {
          name: 'cube',
          f: ([t, u, d]) => dr.texture(t, u, {uvDa: d, boundaryMode: 'cube'}),
          xs: [cubeIn.tex, cubeIn.uv, cubeIn.uvDa],
        },
      ];
      const dys = new Rng(14).array(N * H * W * 3, -1, 1);
      for (const {name, f, xs} of cases) {
        const loss = (...x: tf.Tensor[]) => {
          const out = f(x);
          return tf.sum(tf.mul(out, tf.tensor(dys.slice(0, out.size), out.shape)));
        };
        // Every gradient from one call, as before the thunks asked: the reference.
        const all = await Promise.all(
          tf
            .grads(loss)(xs)
            .map(async g => Array.from(await g.data())),
        );
        // Each input alone, the pixels' pair, and (mip array) a level with uv, which asks for the texels after the
        // pixels; each bit for bit the reference.
        const subsets = [...xs.map((_, i) => [i]), ...(xs.length > 2 ? [[1, 2]] : [])];
        if (name === 'mip array') subsets.push([1, 3]);
        for (const subset of subsets) {
          const before = tf.memory().numTensors;
          const profile = await tf.profile(() => {
            const gs = tf.grads((...x: tf.Tensor[]) => loss(...xs.map((v, i) => x[subset.indexOf(i)] ?? v)))(
              subset.map(i => xs[i]),
            );
            return gs;
          });
          const gs = profile.result as tf.Tensor[];
          for (let j = 0; j < subset.length; j++) {
            expect(Array.from(await gs[j].data()))
              .withContext(`${name}: input ${subset[j]} of [${subset}]`)
              .toEqual(all[subset[j]]);
          }
          tf.dispose(gs);
          // What a thunk made for others that tfjs did not ask for goes with the backward pass.
          expect(tf.memory().numTensors).withContext(`${name}: tensors left by [${subset}]`).toBe(before);
          // Without tex among them, no call makes a texel gradient (tex's shape among its outputs).
          const calls = profile.kernels.filter(kc => kc.name === TextureGrad);
          const texelCalls = calls.filter(kc => kc.outputShapes.some(sh => sh.join() === xs[0].shape.join()));
          const wantsTexels = subset.some(i => i === 0 || (name === 'mip array' && i >= 3));
          const wantsPixelsFirst = subset[0] > 0 && subset[0] < 3;
          // One call, but for a level after uv: the pixels' call, then the texels'.
          const expectedCalls = wantsTexels && wantsPixelsFirst ? 2 : 1;
          expect(calls.length).withContext(`${name}: TextureGrad calls for [${subset}]`).toBe(expectedCalls);
          expect(texelCalls.length)
            .withContext(`${name}: texel gradients for [${subset}]`)
            .toBe(wantsTexels ? 1 : 0);
        }
      }
      tf.dispose([...levels, tex, uv, uvDa, bias, cubeIn.tex, cubeIn.uv, cubeIn.uvDa, cubeIn.bias]);
    });

    it('give the texel under a lookup its whole gradient, the first and last texels too', async () => {
      // Lookups at the centers of texels (0, 0) and (3, 3) of a 4×4 texture: weight 1 there, 0 on the other taps.
      const uv = tf.tensor4d([0.5 / 4, 0.5 / 4, 3.5 / 4, 3.5 / 4], [1, 1, 2, 2]);
      const dy = tf.tensor4d([1, 2, 3, 4], [1, 1, 2, 2]);
      const tex = tf.tensor4d(new Rng(7).array(32, -1, 1), [1, 4, 4, 2]);
      const expected = new Array(32).fill(0);
      [expected[0], expected[1], expected[30], expected[31]] = [1, 2, 3, 4];
      for (const filterMode of ['nearest', 'linear'] as FilterMode[]) {
        for (const boundaryMode of ['wrap', 'clamp', 'zero'] as BoundaryMode[]) {
          const dtex = tf.grad(t => tf.sum(tf.mul(dr.texture(t, uv, {filterMode, boundaryMode}), dy)))(tex);
          const got = Array.from(await dtex.data());
          dtex.dispose();
          got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6, `${filterMode} / ${boundaryMode}, element ${i}`));
        }
      }
      tf.dispose([uv, dy, tex]);
    });

    it("sum a texel's gradient over 2^16 pixels without drift: float64 on cpu and wasm, 1e-4 on webgpu and webgl", async () => {
      // Every pixel at uv = 0 with the same dy, as a fit's background pixels (uv = 0, one colour in the estimate, one
      // in the target): each reads the four corner texels with weight ¼. A float32 running sum of equal terms rounds the
      // same way for long runs and drifts (~1e-4 here; 1e-3 in the bench's fit), the float64 sum does not.
      const size = 256;
      const dyValues = new Array(size * size).fill(Math.fround(0.7));
      const uv = tf.zeros([1, size, size, 2]);
      const dy = tf.tensor4d(dyValues, [1, size, size, 1]);
      const tex = tf.tensor4d(new Rng(9).array(16, -1, 1), [1, 4, 4, 1]);
      const exact = dyValues.reduce((a, b) => a + b, 0) / 4;
      const dtex = tf.grad(t => tf.sum(tf.mul(dr.texture(t, uv), dy)))(tex);
      const got = Array.from(await dtex.data());
      const bound = ['webgpu', 'webgl'].includes(tf.getBackend()) ? 1e-4 : 1e-6;
      for (const corner of [0, 3, 12, 15]) {
        expect(Math.abs(got[corner] - exact) / exact)
          .withContext(`corner texel ${corner}: ${got[corner]} against ${exact}`)
          .toBeLessThanOrEqual(bound);
      }
      tf.dispose([uv, dy, tex, dtex]);
    });

    it('sum over the batch for a shared texture', async () => {
      const {rng, tex, uv, uvDa} = inputs(8, 8, 1, false, 1);
      await checkGradient({f: t => dr.texture(t, uv, {uvDa}), x: tex, h: 1e-2, coords: some(rng, tex.size, 40)});
    });

    for (const filterMode of ['nearest', 'linear', 'linear-mipmap-nearest', 'linear-mipmap-linear'] as FilterMode[]) {
      it(`of cube maps (${filterMode}) match finite differences, including through the level`, async () => {
        const {rng, tex, uv, uvDa} = inputs(9, 8, 2, true);
        const mipmapped = filterMode.includes('mipmap');
        const opts = (o: Partial<dr.TextureOptions>): dr.TextureOptions => ({
          filterMode,
          boundaryMode: 'cube',
          ...(mipmapped ? {uvDa} : {}),
          ...o,
        });
        await checkGradient({f: t => dr.texture(t, uv, opts({})), x: tex, h: 1e-2, coords: some(rng, tex.size, 60)});
        if (filterMode === 'nearest') return;
        await checkGradient({f: u => dr.texture(tex, u, opts({})), x: uv, h: 1e-3});
        if (filterMode === 'linear-mipmap-linear') {
          await checkGradient({f: d => dr.texture(tex, uv, opts({uvDa: d})), x: uvDa, h: 1e-3});
        }
      });
    }
  });

  describe('bad input', () => {
    it('names the op, the argument, what was expected and what came', () => {
      const uv = tf.zeros([1, 2, 2, 2]);
      expectError(
        () => dr.texture(tf.zeros([4, 4, 1]), uv),
        'texture: tex must have shape [Nt,H,W,C] (or [Nt,6,S,S,C] with cube mode), got [4,4,1]',
      );
      expectError(
        () => dr.texture(tex44(), tf.zeros([1, 2, 2, 3])),
        'texture: uv must have shape [N,H,W,2], got [1,2,2,3]',
      );
      expectError(
        () => dr.texture(tf.zeros([3, 4, 4, 1]), tf.zeros([2, 2, 2, 2])),
        'texture: tex must have batch size 2 or 1 (the batch of uv), got 3',
      );
      expectError(
        () => dr.texture(tex44(), uv, {filterMode: 'cubic' as FilterMode}),
        `texture: filterMode must be 'auto', 'nearest', 'linear', 'linear-mipmap-nearest' or 'linear-mipmap-linear', got 'cubic'`,
      );
      expectError(
        () => dr.texture(tex44(), uv, {boundaryMode: 'mirror' as BoundaryMode}),
        `texture: boundaryMode must be 'wrap', 'clamp', 'zero' or 'cube', got 'mirror'`,
      );
      expectError(
        () => dr.texture(tex44(), uv, {filterMode: 'linear-mipmap-linear'}),
        `texture: filterMode 'linear-mipmap-linear' needs uvDa or mipLevelBias to choose the mip level, got neither`,
      );
      expectError(
        () => dr.texture(tex44(), uv, {uvDa: tf.zeros([1, 2, 2, 2])}),
        'texture: uvDa must have shape [N,H,W,4], got [1,2,2,2]',
      );
      expectError(
        () => dr.texture(tex44(), uv, {uvDa: tf.zeros([1, 3, 2, 4])}),
        'texture: uvDa must have leading dimensions [1,2,2] (as uv), got [1,3,2,4]',
      );
      expectError(
        () => dr.texture(tex44(), uv, {mipLevelBias: tf.zeros([1, 2, 2, 1])}),
        'texture: mipLevelBias must have shape [N,H,W], got [1,2,2,1]',
      );
      expectError(
        () => dr.texture(tf.zeros([1, 6, 4, 4, 1]), tf.zeros([1, 2, 2, 3])),
        `texture: boundaryMode must be 'cube' for a cube map tex [1,6,4,4,1], got 'wrap'`,
      );
      expectError(
        () => dr.texture(tex44(), uv, {boundaryMode: 'cube'}),
        'texture: tex must have shape [Nt,6,S,S,C] (a cube map), got [1,4,4,1]',
      );
      expectError(
        () => dr.texture(tf.zeros([1, 6, 4, 2, 1]), tf.zeros([1, 2, 2, 3]), {boundaryMode: 'cube'}),
        'texture: tex cube faces must be square, [Nt,6,S,S,C], got [1,6,4,2,1]',
      );
      expectError(
        () => dr.texture(tf.zeros([1, 6, 4, 4, 1]), uv, {boundaryMode: 'cube'}),
        'texture: uv must have shape [N,H,W,3] (directions, for a cube map), got [1,2,2,2]',
      );
      expectError(
        () => dr.texture(tex44(), uv, {mipLevelBias: tf.zeros([1, 2, 2]), mip: [tf.zeros([1, 4, 4, 1])]}),
        'texture: mip level 1 must have shape [1,2,2,1] for tex [1,4,4,1], got [1,4,4,1]',
      );
      expectError(
        () =>
          dr.texture(tex44(), uv, {
            mipLevelBias: tf.zeros([1, 2, 2]),
            mip: [tf.zeros([1, 2, 2, 1]), tf.zeros([1, 1, 1, 1]), tf.zeros([1, 1, 1, 1])],
          }),
        'texture: mip has 3 levels, but the pyramid of tex [1,4,4,1] ends at level 2 (1x1)',
      );
      expectError(
        () => dr.texture(tex44(), uv, {mipLevelBias: tf.zeros([1, 2, 2]), maxMipLevel: -1}),
        'texture: maxMipLevel must be a non-negative integer, got -1',
      );
      expectError(
        () =>
          dr.texture(tex44(), uv, {
            mipLevelBias: tf.zeros([1, 2, 2]),
            mip: dr.textureConstructMip(tf.zeros([1, 6, 4, 4, 1]), {cubeMode: true}),
          }),
        'texture: mip was built with cubeMode but tex is not a cube map',
      );
    });

    it('reports odd mip sizes with the level sizes and the maxMipLevel that works', () => {
      expectError(
        () => dr.textureConstructMip(tf.zeros([1, 12, 12, 1])),
        'textureConstructMip: tex level 2 has an odd side > 1, so it cannot be halved exactly ' +
          '(level 0: 12x12, level 1: 6x6, level 2: 3x3); pass maxMipLevel: 2 or fewer',
      );
      expect(dr.textureConstructMip(tf.zeros([1, 12, 12, 1]), {maxMipLevel: 2}).levels.length).toBe(2);
      expectError(
        () => dr.texture(tf.zeros([1, 6, 6, 1]), tf.zeros([1, 2, 2, 2]), {mipLevelBias: tf.zeros([1, 2, 2])}),
        'texture: tex level 1 has an odd side > 1',
      );
      expectError(
        () => dr.textureConstructMip(tf.zeros([1, 6, 4, 4, 1])),
        'textureConstructMip: tex of shape [1,6,4,4,1] is a cube map: pass cubeMode: true',
      );
    });
  });
});
