/**
 * Every kernel, forward and backward, on the backend under test against the cpu reference, on
 * the same random inputs (docs/testing.md#tolerances): rasterize within 1e-4 absolute on pixels whose id
 * agrees, and ids agree on ≥ 99.9% of pixels with exact coverage; with hardware coverage on every
 * pixel away from edges and depth ties (test/util/coverage.ts) and on ≥ 99.5% of all pixels;
 * everything else within 1e-4 relative to the largest magnitude.
 * Kernels are called directly so that both backends see identical inputs (a gradient kernel
 * gets the cpu's rast, not its own).
 */
import * as tf from '@tensorflow/tfjs';

import * as dr from '../src/index';
import * as k from '../src/kernels/names';
import {decodeTriangleId} from '../src/kernels/shared/triangle_id';

import {describeEachBackend} from './util/backends';
import {Image, mayDiffer} from './util/coverage';
import {gridUnderLarge} from './util/boxes_scene';
import {Rng} from './util/random';

type Arrays = {
  [name: string]:
    {values: Float32Array | Int32Array; shape: number[]} | Array<{values: Float32Array; shape: number[]}> | undefined;
};

/** Runs a kernel on a backend from plain arrays; returns its outputs as arrays. */
async function runOn(backend: string, kernel: string, inputs: Arrays, attrs: {[key: string]: unknown}) {
  const previous = tf.getBackend();
  await tf.setBackend(backend);
  try {
    const made: tf.Tensor[] = [];
    const make = (a: {values: Float32Array | Int32Array; shape: number[]}) => {
      const t = tf.tensor(a.values, a.shape, a.values instanceof Int32Array ? 'int32' : 'float32');
      made.push(t);
      return t;
    };
    const named: {[name: string]: tf.Tensor | tf.Tensor[] | undefined} = {};
    for (const [name, value] of Object.entries(inputs)) {
      named[name] = value == null ? undefined : Array.isArray(value) ? value.map(make) : make(value);
    }
    const {list, inputNames} = k.packInputs(named);
    const out = tf
      .engine()
      .runKernel(kernel, list as unknown as tf.NamedTensorMap, {...attrs, inputNames} as unknown as tf.NamedAttrMap);
    const outs = Array.isArray(out) ? out : [out as tf.Tensor];
    const result = await Promise.all(outs.map(async o => ({values: (await o.data()) as Float32Array, shape: o.shape})));
    tf.dispose([...outs, ...made]);
    return result;
  } finally {
    await tf.setBackend(previous);
  }
}

function expectClose(actual: Float32Array, expected: Float32Array, what: string, rel = 1e-4) {
  expect(actual.length).toBe(expected.length, `${what}: size`);
  let scale = 0,
    worst = 0,
    at = -1;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  expect(worst <= rel * Math.max(scale, 1e-30)).toBe(
    true,
    `${what}: max difference ${worst} at ${at} (${actual[at]} vs ${expected[at]}), scale ${scale}`,
  );
  expect(scale).toBeGreaterThan(0, `${what}: all zeros`);
}

const f32 = (values: number[], shape: number[]) => ({values: Float32Array.from(values), shape});
const i32 = (values: number[], shape: number[]) => ({values: Int32Array.from(values), shape});

function randomPositions(rng: Rng, images: number, verts: number, spread = 1.2) {
  const v: number[] = [];
  for (let i = 0; i < images * verts; i++) {
    const w = rng.uniform(0.6, 2);
    v.push(rng.uniform(-spread, spread) * w, rng.uniform(-spread, spread) * w, rng.uniform(-1.1, 1.1) * w, w);
  }
  return f32(v, [images, verts, 4]);
}

function randomTriangles(rng: Rng, count: number, verts: number) {
  return i32(
    Array.from({length: 3 * count}, () => rng.int(verts)),
    [count, 3],
  );
}

describeEachBackend(
  'cross-backend agreement with cpu',
  backend => {
    const rng = new Rng(99);
    const [H, W] = [48, 64];
    const pos = randomPositions(rng, 2, 60);
    const tri = randomTriangles(rng, 80, 60);
    const rastAttrs = {height: H, width: W, ranges: [] as number[]};
    let cpuRast: Array<{values: Float32Array; shape: number[]}>;

    beforeAll(async () => {
      cpuRast = await runOn('cpu', k.Rasterize, {pos, tri}, rastAttrs);
    });

    /**
     * Compares two rasterizer outputs: ids, then values where the ids agree. With `images` (hardware
     * coverage) every pixel whose ids differ must be one where mayDiffer allows it; `share` is the
     * least share of pixels whose ids agree.
     */
    function compareRaster(
      gpu: Array<{values: Float32Array}>,
      cpu: Array<{values: Float32Array}>,
      what: string,
      images?: Image[],
      {height, width, share} = {height: H, width: W, share: images ? 0 : 0.999},
    ) {
      const [gr, gdb] = [gpu[0].values, gpu[1].values],
        [cr, cdb] = [cpu[0].values, cpu[1].values];
      let agree = 0,
        covered = 0;
      for (let p = 0; p < cr.length / 4; p++) {
        const o = 4 * p;
        if (cr[o + 3] !== 0) covered++;
        if (gr[o + 3] !== cr[o + 3]) {
          if (images) {
            const n = Math.floor(p / (height * width)),
              pix = p % (height * width);
            const [px, py] = [pix % width, Math.floor(pix / width)];
            expect(mayDiffer(images[n], px, py)).toBe(
              true,
              `${what}: image ${n} pixel (${px}, ${py}) far from edges and ties: id ${gr[o + 3]} vs cpu ${cr[o + 3]}`,
            );
          }
          continue;
        }
        agree++;
        if (cr[o + 3] === 0) continue;
        for (let c = 0; c < 3; c++)
          expect(Math.abs(gr[o + c] - cr[o + c])).toBeLessThan(1e-4, `${what} rast[${p}].${c}`);
        for (let c = 0; c < 4; c++)
          expect(Math.abs(gdb[o + c] - cdb[o + c])).toBeLessThan(1e-4, `${what} rastDb[${p}].${c}`);
      }
      expect(agree / (cr.length / 4)).toBeGreaterThanOrEqual(share, `${what}: ids agree`);
      expect(covered).toBeGreaterThan(cr.length / 16, `${what}: scene covers too little`);
    }

    for (const coverage of ['hardware', 'exact'] as const) {
      it(`rasterize (${coverage} coverage): instanced, range mode, depth peeling`, async () => {
        const attrs = {...rastAttrs, coverage};
        const hw = coverage === 'hardware';
        const imageOf = (values: ArrayLike<number>, first: number, count: number): Image => ({
          pos: values,
          tri: tri.values,
          first,
          count,
          height: H,
          width: W,
        });
        const instanced = (n: number) => imageOf(pos.values.subarray(n * 240, (n + 1) * 240), 0, 80);
        compareRaster(
          await runOn(backend, k.Rasterize, {pos, tri}, attrs),
          cpuRast,
          'instanced',
          hw ? [0, 1].map(instanced) : undefined,
        );
        const flat = f32(Array.from(pos.values.slice(0, 240)), [60, 4]);
        const ranges = [0, 50, 30, 50];
        compareRaster(
          await runOn(backend, k.Rasterize, {pos: flat, tri}, {...attrs, ranges}),
          await runOn('cpu', k.Rasterize, {pos: flat, tri}, {...rastAttrs, ranges}),
          'range',
          hw ? [0, 1].map(n => imageOf(flat.values, ranges[2 * n], ranges[2 * n + 1])) : undefined,
        );
        const peel = cpuRast[0];
        compareRaster(
          await runOn(backend, k.Rasterize, {pos, tri, peel}, attrs),
          await runOn('cpu', k.Rasterize, {pos, tri, peel}, rastAttrs),
          'peeled layer 1',
          hw
            ? [0, 1].map(n => ({...instanced(n), peel: peel.values.subarray(n * H * W * 4, (n + 1) * H * W * 4)}))
            : undefined,
        );
      });
    }

    // Hardware coverage differs from the exact rule within the pipeline's vertex snapping (1/16 pixel
    // on SwiftShader) of an edge, so the share of differing pixels is the scene's share of pixels that
    // close to an edge (docs/testing.md#hardware-coverage): the random scene above (80 large
    // overlapping triangles on 64×48) has 0.62% of them, every one within 1/32 pixel of an edge or a
    // depth tie. The ≥ 99.5% share is checked on a grid at 192×256, where its cells are 32 pixels wide.
    /** Two images of an 8×6-cell grid, each vertex at a random depth and w; `unused` more vertices after them. */
    function displacedGrid(unused = 0) {
      const [cols, rows] = [8, 6];
      const grid = new Rng(5);
      const V = (cols + 1) * (rows + 1) + unused;
      const verts: number[] = [];
      for (let n = 0; n < 2; n++) {
        for (let j = 0; j <= rows; j++) {
          for (let i = 0; i <= cols; i++) {
            const w = grid.uniform(0.8, 1.5);
            const [x, y] = [((2 * i) / cols - 1) * 0.95, ((2 * j) / rows - 1) * 0.95];
            verts.push(x * w, y * w, grid.uniform(-0.5, 0.5) * w, w);
          }
        }
        for (let u = 0; u < unused; u++) verts.push(0.5, 0.5, 0, 1);
      }
      const indices: number[] = [];
      for (let j = 0; j < rows; j++) {
        for (let i = 0; i < cols; i++) {
          const v = j * (cols + 1) + i;
          indices.push(v, v + 1, v + cols + 2, v, v + cols + 2, v + cols + 1);
        }
      }
      return {pos: f32(verts, [2, V, 4]), tri: i32(indices, [indices.length / 3, 3]), V};
    }

    async function expectGridLikeCpu(what: string, unused: number) {
      const {pos: gridPos, tri: gridTri, V} = displacedGrid(unused);
      const size = {height: 4 * H, width: 4 * W, ranges: [] as number[]};
      compareRaster(
        await runOn(backend, k.Rasterize, {pos: gridPos, tri: gridTri}, {...size, coverage: 'hardware'}),
        await runOn('cpu', k.Rasterize, {pos: gridPos, tri: gridTri}, size),
        what,
        [0, 1].map(n => ({
          pos: gridPos.values.subarray(n * V * 4, (n + 1) * V * 4),
          tri: gridTri.values,
          first: 0,
          count: gridTri.shape[0],
          ...size,
        })),
        {...size, share: 0.995},
      );
    }

    it('rasterize (hardware coverage) agrees on ≥ 99.5% of a displaced grid mesh', async () => {
      await expectGridLikeCpu('grid', 0);
    });

    // 2 × 20063 vertex rows are more than a texture is wide on any WebGL 2 device we know of (SwiftShader: 8192;
    // GPUs: 16384): the grids that hold them must wrap into rows (webgl drew nothing here on 2026-12-07).
    it('rasterize (hardware coverage) of a mesh with more vertices than a texture is wide', async () => {
      await expectGridLikeCpu('grid with 20000 unused vertices', 20000);
    });

    it('rasterize gradient, with and without rastDb', async () => {
      const dy = f32(rng.array(2 * H * W * 4, -1, 1), [2, H, W, 4]);
      const ddb = f32(rng.array(2 * H * W * 4, -1, 1), [2, H, W, 4]);
      const rast = cpuRast[0];
      for (const inputs of [
        {pos, tri, rast, dy},
        {pos, tri, rast, dy, ddb},
      ]) {
        const [g] = await runOn(backend, k.RasterizeGrad, inputs, {});
        const [c] = await runOn('cpu', k.RasterizeGrad, inputs, {});
        expectClose(g.values, c.values, `dpos (${Object.keys(inputs).length} inputs)`);
      }
    });

    it('interpolate and its gradient', async () => {
      const [rast, rastDb] = cpuRast;
      const attrSets = [f32(rng.array(60 * 5, -1, 1), [60, 5]), f32(rng.array(2 * 60 * 5, -1, 1), [2, 60, 5])];
      for (const attr of attrSets) {
        const inputs = {attr, rast, tri, rastDb};
        const attrs = {diffAttrs: [4, 0, 2]};
        const gpu = await runOn(backend, k.Interpolate, inputs, attrs),
          cpu = await runOn('cpu', k.Interpolate, inputs, attrs);
        gpu.forEach((g, i) => expectClose(g.values, cpu[i].values, `interpolate output ${i}`));
        const grad = {
          ...inputs,
          dy: f32(rng.array(2 * H * W * 5, -1, 1), [2, H, W, 5]),
          dyDa: f32(rng.array(2 * H * W * 6, -1, 1), [2, H, W, 6]),
        };
        const gg = await runOn(backend, k.InterpolateGrad, grad, attrs),
          cg = await runOn('cpu', k.InterpolateGrad, grad, attrs);
        gg.forEach((g, i) => expectClose(g.values, cg[i].values, `interpolate gradient ${i} (attr ${attr.shape})`));
      }
    });

    // A few pixels per triangle: the GPU backends sum per triangle, then gather per vertex.
    it('rasterize and interpolate gradients of a dense mesh: instanced, range mode', async () => {
      const [V, T] = [200, 800];
      const densePos = randomPositions(rng, 2, V, 0.8),
        denseTri = randomTriangles(rng, T, V);
      const flat = f32(Array.from(densePos.values.slice(0, 4 * V)), [V, 4]);
      const ranges = [0, 600, 300, 500];
      for (const [what, p, attrs] of [
        ['instanced', densePos, rastAttrs],
        ['range', flat, {...rastAttrs, ranges}],
      ] as const) {
        const [rast, rastDb] = await runOn('cpu', k.Rasterize, {pos: p, tri: denseTri}, attrs);
        const dy = f32(rng.array(2 * H * W * 4, -1, 1), [2, H, W, 4]);
        const ddb = f32(rng.array(2 * H * W * 4, -1, 1), [2, H, W, 4]);
        const inputs = {pos: p, tri: denseTri, rast, dy, ddb};
        const [g] = await runOn(backend, k.RasterizeGrad, inputs, {});
        const [c] = await runOn('cpu', k.RasterizeGrad, inputs, {});
        expectClose(g.values, c.values, `dpos (${what})`);
        // Six attributes take two chunks of four on webgpu; at most four, one chunk, with the rast gradients.
        const attrShapes =
          what === 'range'
            ? [
                [V, 6],
                [V, 4],
              ]
            : [
                [V, 6],
                [2, V, 6],
                [2, V, 3],
              ];
        for (const shape of attrShapes) {
          const attr = f32(
            rng.array(
              shape.reduce((a, b) => a * b),
              -1,
              1,
            ),
            shape,
          );
          const grad = {
            attr,
            rast,
            tri: denseTri,
            rastDb,
            dy: f32(rng.array(2 * H * W * shape[shape.length - 1], -1, 1), [2, H, W, shape[shape.length - 1]]),
            dyDa: f32(rng.array(2 * H * W * 4, -1, 1), [2, H, W, 4]),
          };
          const diff = {diffAttrs: [shape[shape.length - 1] - 1, 1]};
          // And without rastDb (no derivatives).
          for (const [inputs, attrs] of [
            [grad, diff],
            [{attr, rast, tri: denseTri, dy: grad.dy}, {diffAttrs: []}],
          ] as const) {
            const gg = await runOn(backend, k.InterpolateGrad, inputs, attrs),
              cg = await runOn('cpu', k.InterpolateGrad, inputs, attrs);
            gg.forEach((x, i) =>
              expectClose(
                x.values,
                cg[i].values,
                `interpolate gradient ${i} (${what}, attr ${shape}, ${Object.keys(inputs).length} inputs)`,
              ),
            );
          }
        }
      }
    });

    // A fine grid of well-formed triangles of a few pixels each (summed per triangle, then gathered per vertex) under
    // a few large ones, one with a corner behind the eye.
    it('rasterize gradient of small and large triangles: instanced, range mode', async () => {
      const {vertices: flat, small, large, V} = gridUnderLarge(16);
      const indices = [...small, ...large];
      const T = indices.length / 3;
      // Image 1: the corners moved a little and scaled by their own w (the same projection, other depths).
      const moved = flat.map((x, i) => (x + (i % 4 < 2 ? rng.uniform(-0.01, 0.01) : 0)) * (1 + 0.5 * ((i >> 2) % 3)));
      const smallTri = i32(indices, [T, 3]);
      for (const [what, p, attrs] of [
        ['instanced', f32([...flat, ...moved], [2, V, 4]), rastAttrs],
        ['range', f32(flat, [V, 4]), {...rastAttrs, ranges: [0, T, 200, T - 200]}],
      ] as const) {
        const [rast] = await runOn('cpu', k.Rasterize, {pos: p, tri: smallTri}, attrs);
        const dy = f32(rng.array(2 * H * W * 4, -1, 1), [2, H, W, 4]);
        const ddb = f32(rng.array(2 * H * W * 4, -1, 1), [2, H, W, 4]);
        const inputs = {pos: p, tri: smallTri, rast, dy, ddb};
        const [g] = await runOn(backend, k.RasterizeGrad, inputs, {});
        const [c] = await runOn('cpu', k.RasterizeGrad, inputs, {});
        expectClose(g.values, c.values, `dpos (${what})`);
      }
    });

    /** tri's topology (the vertex across each edge), as the kernels take it. */
    async function topology() {
      const hash = dr.antialiasConstructTopologyHash(tf.tensor2d(tri.values, tri.shape as [number, number], 'int32'));
      const values = (await hash.opposite.data()) as Int32Array;
      hash.dispose();
      return {values, shape: tri.shape};
    }

    /** antialias and its gradient on `backend` against the cpu; returns how many elements antialias changed. */
    async function compareAntialias(
      inputs: Arrays & {color: {values: Float32Array; shape: number[]}},
      dy: {values: Float32Array; shape: number[]},
      what: string,
    ) {
      const attrs = {posGradientBoost: 1.5};
      const [g] = await runOn(backend, k.Antialias, inputs, attrs),
        [c] = await runOn('cpu', k.Antialias, inputs, attrs);
      expectClose(g.values, c.values, `antialias output${what}`);
      const gg = await runOn(backend, k.AntialiasGrad, {...inputs, dy}, attrs),
        cg = await runOn('cpu', k.AntialiasGrad, {...inputs, dy}, attrs);
      gg.forEach((x, i) => expectClose(x.values, cg[i].values, `antialias gradient ${i}${what}`));
      let changed = 0;
      for (let i = 0; i < c.values.length; i++) if (c.values[i] !== inputs.color.values[i]) changed++;
      return changed;
    }

    it('antialias and its gradient', async () => {
      const [rast] = cpuRast;
      const color = f32(rng.array(2 * H * W * 3, 0, 1), [2, H, W, 3]);
      const inputs = {color, rast, pos, tri, topo: await topology()};
      const changed = await compareAntialias(inputs, f32(rng.array(2 * H * W * 3, -1, 1), [2, H, W, 3]), '');
      // Sanity of the scene: it has silhouette pixels.
      expect(changed).toBeGreaterThan(50);
      expect(decodeTriangleId(rast.values[3])).toBeGreaterThanOrEqual(0);
    });

    it('antialias and its gradient on an image of more pixels than a texture row holds', async () => {
      // tfjs lays out [1, 192, 192, C] as 192 texture rows of 192·C texels where a row cannot hold all 36864 pixels
      // (up to a maximum texture size of 32768), so webgl blends each pixel's channels as runs of up to four texels
      // (line_scatter.ts); the scene above, a texture row per pixel, takes them one by one. C = 5: runs of 4 and 1.
      // With C <= 4 webgl's colour gradient draws a triangle per item over both pixels (pair_scatter.ts).
      const local = new Rng(7);
      const size = 192;
      const one = f32(Array.from(pos.values.slice(0, pos.values.length / 2)), [1, ...pos.shape.slice(1)]);
      const [rast] = await runOn('cpu', k.Rasterize, {pos: one, tri}, {height: size, width: size, ranges: []});
      const topo = await topology();
      for (const channels of [1, 3, 4, 5]) {
        const shape = [1, size, size, channels];
        const color = f32(local.array(size * size * channels, 0, 1), shape);
        const dy = f32(local.array(size * size * channels, -1, 1), shape);
        const changed = await compareAntialias({color, rast, pos: one, tri, topo}, dy, ` (${channels} channels)`);
        expect(changed).toBeGreaterThan(200);
      }
    });

    const texModes: Array<[k.FilterMode, k.BoundaryMode]> = [];
    for (const f of ['nearest', 'linear', 'linear-mipmap-nearest', 'linear-mipmap-linear'] as k.FilterMode[]) {
      for (const b of ['wrap', 'clamp', 'zero', 'cube'] as k.BoundaryMode[]) texModes.push([f, b]);
    }
    for (const [filterMode, boundaryMode] of texModes) {
      it(`texture ${filterMode} / ${boundaryMode}, mip construction and gradients`, async () => {
        const cube = boundaryMode === 'cube';
        const [N, h, w, C, S] = [2, 12, 10, 3, 16];
        const texShape = cube ? [1, 6, S, S, C] : [N, S, 2 * S, C];
        const texSize = texShape.reduce((a, b) => a * b);
        const tex = f32(rng.array(texSize, 0, 1), texShape);
        // The pyramid from the backend under test must match too.
        const levels: Array<{values: Float32Array; shape: number[]}> = [];
        let above: {values: Float32Array; shape: number[]} = tex;
        while (above.shape[above.shape.length - 2] > 1 || above.shape[above.shape.length - 3] > 1) {
          const [gl] = await runOn(backend, k.TextureMip, {x: above}, {});
          const [cl] = await runOn('cpu', k.TextureMip, {x: above}, {});
          expectClose(gl.values, cl.values, `mip level ${levels.length + 1}`);
          levels.push(cl);
          above = cl;
        }
        const mipmapped = filterMode.includes('mipmap');
        const uv = cube
          ? f32(rng.array(N * h * w * 3, -1, 1), [N, h, w, 3])
          : f32(rng.array(N * h * w * 2, -0.5, 1.5), [N, h, w, 2]);
        const uvDa = f32(rng.array(N * h * w * (cube ? 6 : 4), -0.3, 0.3), [N, h, w, cube ? 6 : 4]);
        const mipLevelBias = f32(rng.array(N * h * w, -1, 1), [N, h, w]);
        const inputs = {tex, uv, ...(mipmapped ? {uvDa, mipLevelBias, mips: levels} : {})};
        const attrs = {filterMode, boundaryMode};
        const [g] = await runOn(backend, k.Texture, inputs, attrs),
          [c] = await runOn('cpu', k.Texture, inputs, attrs);
        expectClose(g.values, c.values, 'texture output');
        const grad = {...inputs, dy: f32(rng.array(N * h * w * C, -1, 1), [N, h, w, C])};
        const cg = await runOn('cpu', k.TextureGrad, grad, attrs);
        const compareGrads = (gg: Array<{values: Float32Array}>, what: string) => {
          expect(gg.length).toBe(cg.length);
          gg.forEach((x, i) => {
            const zeroByDesign = cg[i].values.every(v => v === 0); // docs/texture.md#backward: no gradient in this mode
            if (zeroByDesign)
              expect(x.values.every(v => v === 0)).toBe(true, `texture gradient ${i}${what} should be zeros`);
            else expectClose(x.values, cg[i].values, `texture gradient ${i}${what}`);
          });
        };
        compareGrads(await runOn(backend, k.TextureGrad, grad, attrs), '');
        // Under a tape the forward may make a hidden second output, which the backward then takes as its lookup.
        const recorded = await runOn(backend, k.Texture, inputs, {...attrs, recording: true});
        expectClose(recorded[0].values, c.values, 'texture output (recording)');
        // (The lookup comes back from the CPU here, so the kernel uploads it: webgl's did so after its first draw and
        // failed until 2026-12-07 05:45.)
        if (recorded.length > 1) {
          compareGrads(await runOn(backend, k.TextureGrad, {...grad, lookup: recorded[1]}, attrs), ' (on the lookup)');
        }
        const dyLevel = f32(rng.array(levels[0].values.length, -1, 1), levels[0].shape);
        const [gm] = await runOn(
          backend,
          k.TextureMipGrad,
          {dy: dyLevel},
          {inHeight: texShape[texShape.length - 3], inWidth: texShape[texShape.length - 2]},
        );
        const [cm] = await runOn(
          'cpu',
          k.TextureMipGrad,
          {dy: dyLevel},
          {inHeight: texShape[texShape.length - 3], inWidth: texShape[texShape.length - 2]},
        );
        expectClose(gm.values, cm.values, 'mip level adjoint');
      });
    }
  },
  ['cpu'],
);
