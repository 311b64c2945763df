import * as tf from '@tensorflow/tfjs';

import * as dr from '../src/index';

import {describeEachBackend, HOST_BACKENDS} from './util/backends';
import {expectError} from './util/errors';
import {checkGradient} from './util/fd';
import {foldedGrid} from './util/folded_grid';
import {Rng} from './util/random';

type V4 = [number, number, number, number];

/**
 * Closed form, written independently of the kernels: the point of the triangle's plane that
 * projects to NDC (fx, fy) has barycentrics b solving Σb_k·(x_k − fx·w_k) = 0,
 * Σb_k·(y_k − fy·w_k) = 0, Σb_k = 1 (Cramer's rule). Visible when b ≥ 0, w > 0 and
 * −w ≤ z ≤ w there.
 */
function reference(p: V4[], fx: number, fy: number) {
  const m = [p.map(v => v[0] - fx * v[3]), p.map(v => v[1] - fy * v[3]), [1, 1, 1]];
  const det3 = (a: number[][]) =>
    a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) -
    a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
    a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
  const d = det3(m);
  const b = [0, 1, 2].map(k => det3(m.map((row, r) => row.map((v, c) => (c === k ? (r === 2 ? 1 : 0) : v)))) / d);
  const w = b[0] * p[0][3] + b[1] * p[1][3] + b[2] * p[2][3];
  const z = b[0] * p[0][2] + b[1] * p[1][2] + b[2] * p[2][2];
  return {u: b[0], v: b[1], zw: z / w, visible: b.every(x => x >= 0) && w > 0 && Math.abs(z) <= w};
}

const center = (p: number, size: number) => (2 * p + 1) / size - 1;

const COVERAGES = ['hardware', 'exact'] as const;

describeEachBackend('rasterize', backend => {
  const tri1 = () => tf.tensor2d([[0, 1, 2]], [1, 3], 'int32');

  it('matches the closed form on one perspective triangle', async () => {
    const verts: V4[] = [
      [-1.1, -0.9, 0.3, 1.5],
      [1.4, -1.2, 0.6, 2.0],
      [0.1, 1.3, -0.4, 1.2],
    ];
    const [H, W] = [12, 16];
    const {rast, rastDb} = dr.rasterize(tf.tensor3d([verts]), tri1(), [H, W]);
    const r = await rast.data(),
      db = await rastDb.data();
    let covered = 0;
    for (let py = 0; py < H; py++) {
      for (let px = 0; px < W; px++) {
        const o = (py * W + px) * 4;
        const ref = reference(verts, center(px, W), center(py, H));
        expect(r[o + 3]).toBe(ref.visible ? 1 : 0, `coverage at ${px},${py}`);
        if (!ref.visible) {
          expect([r[o], r[o + 1], r[o + 2], db[o], db[o + 1], db[o + 2], db[o + 3]]).toEqual([0, 0, 0, 0, 0, 0, 0]);
          continue;
        }
        covered++;
        expect(r[o]).toBeCloseTo(ref.u, 5);
        expect(r[o + 1]).toBeCloseTo(ref.v, 5);
        expect(r[o + 2]).toBeCloseTo(ref.zw, 5);
        // Pixel-space derivatives by central differences of the closed form.
        const e = 1e-4;
        const at = (dx: number, dy: number) =>
          reference(verts, center(px, W) + (2 * dx) / W, center(py, H) + (2 * dy) / H);
        const expected = [
          (at(e, 0).u - at(-e, 0).u) / (2 * e),
          (at(0, e).u - at(0, -e).u) / (2 * e),
          (at(e, 0).v - at(-e, 0).v) / (2 * e),
          (at(0, e).v - at(0, -e).v) / (2 * e),
        ];
        for (let k = 0; k < 4; k++) expect(db[o + k]).toBeCloseTo(expected[k], 4);
      }
    }
    expect(covered).toBeGreaterThan(40);
    tf.dispose([rast, rastDb]);
  });

  it('puts row 0 at the bottom and uses pixel centers', async () => {
    // A triangle covering only the lower-left quarter's lower-left half.
    const verts: V4[] = [
      [-1, -1, 0, 1],
      [0, -1, 0, 1],
      [-1, 0, 0, 1],
    ];
    const {rast} = dr.rasterize(tf.tensor3d([verts]), tri1(), [4, 4]);
    const r = await rast.array();
    const ids = r[0].map(row => row.map(p => p[3]));
    expect(ids).toEqual([
      [1, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    expect(r[0][0][0][0]).toBeCloseTo(0.5, 6); // u at NDC (−0.75, −0.75)
    expect(r[0][0][0][1]).toBeCloseTo(0.25, 6);
  });

  it('covers a shared edge exactly once, both windings', async () => {
    // A full-screen quad split along the diagonal through pixel centers (px = py). Range mode
    // draws each triangle into its own image; every pixel must be covered in exactly one.
    const pos = tf.tensor2d([
      [-1, -1, 0, 1],
      [1, -1, 0, 1],
      [1, 1, 0, 1],
      [-1, 1, 0, 1],
    ]);
    for (const tri of [
      [
        [0, 1, 2],
        [0, 2, 3],
      ],
      [
        [2, 1, 0],
        [3, 2, 0],
      ],
    ]) {
      const {rast} = dr.rasterize(pos, tf.tensor2d(tri, [2, 3], 'int32'), [8, 8], {
        ranges: [
          [0, 1],
          [1, 1],
        ],
      });
      const r = await rast.data();
      for (let i = 0; i < 64; i++) {
        const ids = [r[4 * i + 3], r[256 + 4 * i + 3]];
        expect(ids.filter(x => x !== 0).length).toBe(1, `pixel ${i} covered by ${ids}`);
      }
      expect(Array.from({length: 64}, (_, i) => r[4 * i + 3]).filter(x => x === 1).length).toBe(36);
    }
  });

  it('gives a center on an edge to the triangle on its +X side, or above an edge parallel to X (exact coverage)', async () => {
    // docs/rasterize.md#tie-rule. Pairs of triangles sharing an edge through pixel centers of an 8×8 image
    // (centers at odd multiples of 1/8): [name, triangle 1, triangle 2, the pixels inside the shared edge, owner id].
    const pairs: Array<[string, V4[], V4[], Array<[number, number]>, number]> = [
      [
        'diagonal',
        [
          [-0.625, -0.875, 0.1, 1],
          [0.375, 0.125, 0.2, 1],
          [-0.625, 0.125, 0.3, 1],
        ],
        [
          [0.375, 0.125, 0.2, 1],
          [-0.625, -0.875, 0.1, 1],
          [0.375, -0.875, 0.4, 1],
        ],
        [
          [2, 1],
          [3, 2],
          [4, 3],
        ],
        2, // the triangle to the right
      ],
      [
        'parallel to X',
        [
          [-0.625, 0.125, 0.1, 1],
          [0.375, 0.125, 0.2, 1],
          [-0.125, 0.625, 0.3, 1],
        ],
        [
          [0.375, 0.125, 0.2, 1],
          [-0.625, 0.125, 0.1, 1],
          [-0.125, -0.375, 0.4, 1],
        ],
        [
          [2, 4],
          [3, 4],
          [4, 4],
        ],
        1, // the triangle above
      ],
      [
        'parallel to Y, clockwise, w = 2',
        [
          [0.25, -1.25, 0.2, 2],
          [-0.75, -0.25, 0.6, 2],
          [0.25, 0.75, 0.4, 2],
        ],
        [
          [0.25, 0.75, 0.4, 2],
          [1.25, -0.25, 0.8, 2],
          [0.25, -1.25, 0.2, 2],
        ],
        [
          [4, 2],
          [4, 3],
          [4, 4],
        ],
        2, // the triangle to the right
      ],
    ];
    for (const [name, a, b, pixels, owner] of pairs) {
      for (const order of [[a, b] as const, [b, a] as const]) {
        const pos = tf.tensor3d([[...order[0], ...order[1]]]);
        const tri = tf.tensor2d(
          [
            [0, 1, 2],
            [3, 4, 5],
          ],
          [2, 3],
          'int32',
        );
        const {rast, rastDb} = dr.rasterize(pos, tri, [8, 8], {coverage: 'exact'});
        const r = await rast.data();
        const want = order[0] === a ? owner : 3 - owner;
        for (const [px, py] of pixels) {
          expect(r[4 * (py * 8 + px) + 3])
            .withContext(`${name}, pixel (${px}, ${py})`)
            .toBe(want);
        }
        tf.dispose([pos, tri, rast, rastDb]);
      }
    }
  });

  it('clips against all six planes (vertices behind the eye, past near and far)', async () => {
    const scenes: V4[][] = [
      [
        [-0.5, -0.5, 0.2, 1],
        [0.8, -0.3, -3, -1],
        [0, 0.7, 0.1, 1],
      ], // one vertex behind the eye
      [
        [-3, -2, 0.5, 1],
        [4, -2.5, 0.5, 1],
        [0.5, 5, 0.5, 1],
      ], // far past the sides
      [
        [-0.9, -0.8, -1.6, 1],
        [0.9, -0.7, 0.1, 1],
        [0.1, 0.9, 1.7, 1],
      ], // through near and far
    ];
    const [H, W] = [16, 16];
    for (const verts of scenes) {
      const {rast} = dr.rasterize(tf.tensor3d([verts]), tri1(), [H, W]);
      const r = await rast.data();
      let visible = 0;
      for (let py = 0; py < H; py++) {
        for (let px = 0; px < W; px++) {
          const ref = reference(verts, center(px, W), center(py, H));
          visible += ref.visible ? 1 : 0;
          expect(r[(py * W + px) * 4 + 3]).toBe(ref.visible ? 1 : 0, `${JSON.stringify(verts)} at ${px},${py}`);
        }
      }
      expect(visible).toBeGreaterThan(10);
    }
  });

  it('keeps the nearest fragment', async () => {
    const pos = tf.tensor3d([
      [
        [-1, -1, 0.5, 1],
        [1, -1, 0.5, 1],
        [0, 1, 0.5, 1],
        [-1, 1, -0.2, 1],
        [1, 1, -0.2, 1],
        [0, -1, -0.2, 1],
      ],
    ]);
    const {rast} = dr.rasterize(
      pos,
      tf.tensor2d(
        [
          [0, 1, 2],
          [3, 4, 5],
        ],
        [2, 3],
        'int32',
      ),
      [8, 8],
    );
    const r = await rast.array();
    expect(r[0][4][4][3]).toBe(2); // both cover the center; the second is nearer
    expect(r[0][4][4][2]).toBeCloseTo(-0.2, 6);
    expect(r[0][0][4][3]).toBe(1); // bottom row: only the first
  });

  it('draws instanced images from their own positions and range images from their ranges', async () => {
    const a: V4[] = [
      [-1, -1, 0, 1],
      [1, -1, 0, 1],
      [-1, 1, 0, 1],
    ];
    const b: V4[] = [
      [1, 1, 0, 1],
      [-1, 1, 0, 1],
      [1, -1, 0, 1],
    ];
    const inst = dr.rasterize(tf.tensor3d([a, b]), tri1(), [4, 4]).rast;
    const ri = await inst.array();
    expect(ri[0][0][0][3]).toBe(1);
    expect(ri[0][3][3][3]).toBe(0);
    expect(ri[1][3][3][3]).toBe(1);
    expect(ri[1][0][0][3]).toBe(0);
    // Range mode: ids are global rows of tri.
    const pos = tf.tensor2d([...a, ...b]);
    const tri = tf.tensor2d(
      [
        [0, 1, 2],
        [3, 4, 5],
      ],
      [2, 3],
      'int32',
    );
    const range = dr.rasterize(pos, tri, [4, 4], {
      ranges: tf.tensor2d(
        [
          [1, 1],
          [0, 2],
        ],
        [2, 2],
        'int32',
      ),
    }).rast;
    const rr = await range.array();
    expect(rr[0][3][3][3]).toBe(2);
    expect(rr[0][0][0][3]).toBe(0);
    expect(rr[1][0][0][3]).toBe(1);
    expect(rr[1][3][3][3]).toBe(2);
  });

  it('skips triangles with an out-of-range vertex index', async () => {
    const pos = tf.tensor3d([
      [
        [-1, -1, 0, 1],
        [1, -1, 0, 1],
        [-1, 1, 0, 1],
      ],
    ]);
    const {rast, rastDb} = dr.rasterize(
      pos,
      tf.tensor2d(
        [
          [0, 1, 3],
          [0, -1, 2],
        ],
        [2, 3],
        'int32',
      ),
      [4, 4],
    );
    expect(await rast.abs().max().data()).toEqual(new Float32Array([0]));
    expect(await rastDb.abs().max().data()).toEqual(new Float32Array([0]));
  });

  for (const coverage of COVERAGES)
    it(`skips triangles whose vertices are not finite (${coverage} coverage)`, async () => {
      // docs/rasterize.md#triangles. A pipeline left to itself draws some of them: [0, 1, 5]'s w = ∞ puts
      // vertex 5 at the NDC origin, a triangle of a quarter of the screen.
      const pos = tf.tensor3d([
        [
          [-1, -1, 0, 1],
          [1, -1, 0, 1],
          [-1, 1, 0, 1],
          [NaN, 0, 0, 1],
          [Infinity, 1, 0, 1],
          [0, 0, 0, Infinity],
          [0.5, 0.5, NaN, 1],
        ],
      ]);
      const tri = tf.tensor2d(
        [
          [0, 1, 3],
          [0, 1, 4],
          [0, 1, 5],
          [1, 2, 6],
          [4, 5, 2],
        ],
        [5, 3],
        'int32',
      );
      const {rast, rastDb} = dr.rasterize(pos, tri, [8, 8], {coverage});
      expect(await rast.abs().max().data()).toEqual(new Float32Array([0]));
      expect(await rastDb.abs().max().data()).toEqual(new Float32Array([0]));
      tf.dispose([pos, tri, rast, rastDb]);
    });

  it('draws the same from a tri held on the CPU and one computed on the GPU (folded mesh, culled, skipped)', async () => {
    // webgpu draws a tri computed on the GPU as three vertices per triangle until it has read it back.
    const {clip: vertices, numVertices, tri} = foldedGrid();
    const clip = tf.tensor3d(vertices.flat(), [1, numVertices, 4]);
    const cpuTri = tri();
    // (An op's inputs go to the GPU on webgpu, where they are larger than its CPU hand-off size.)
    const gpuTri = tf.tidy(() => tf.add(tri(), tf.scalar(0, 'int32')) as tf.Tensor2D);
    for (const cullMode of ['none', 'back'] as const) {
      const a = dr.rasterize(clip, cpuTri, [48, 40], {cullMode}),
        b = dr.rasterize(clip, gpuTri, [48, 40], {cullMode});
      const ids = await a.rast.data();
      expect(new Set(Array.from({length: ids.length / 4}, (_, i) => ids[4 * i + 3])).size).toBeGreaterThan(300);
      expect(await b.rast.data()).toEqual(ids);
      expect(await b.rastDb.data()).toEqual(await a.rastDb.data());
      tf.dispose([a.rast, a.rastDb, b.rast, b.rastDb]);
    }
    tf.dispose([clip, cpuTri, gpuTri]);
  });

  it('encodes ids above 2^24 by their bits', async () => {
    expect(dr.decodeTriangleId(16777216)).toBe(16777216);
    const T = (1 << 24) + 3;
    const indices = new Int32Array(3 * T);
    indices.set([0, 1, 2], 3 * (T - 1));
    const tri = tf.tensor2d(indices, [T, 3], 'int32');
    const pos = tf.tensor2d([
      [-1, -1, 0, 1],
      [1, -1, 0, 1],
      [0, 1, 0, 1],
    ]);
    // 201 MB of indices: on webgl, tfjs warns "High memory usage in GPU" while rasterize uploads them (its
    // threshold is 600 bytes per pixel of the screen: 275 MB for headless Chromium's 800×600), not a leak.
    const rasterized = dr.rasterize(pos, tri, [4, 4], {ranges: [[T - 1, 1]]});
    const id = (await rasterized.rast.data())[(1 * 4 + 1) * 4 + 3];
    expect(id).toBeGreaterThan(16777216);
    expect(dr.decodeTriangleId(id)).toBe(T);
    // interpolate reads the same id back.
    const attr = tf.tensor2d([[1], [2], [4]]);
    const interpolated = dr.interpolate(attr, rasterized.rast, tri);
    const out = await interpolated.out.data();
    expect(out[1 * 4 + 1]).toBeGreaterThan(1);
    tf.dispose([tri, pos, attr, rasterized, interpolated]);
  });

  for (const coverage of COVERAGES)
    describe(`gradients (${coverage} coverage)`, () => {
      /** A few random triangles that overlap inside the view. */
      function randomScene(rng: Rng, images: number, numTri: number): tf.Tensor3D {
        const data: number[][][] = [];
        for (let n = 0; n < images; n++) {
          const verts: number[][] = [];
          for (let v = 0; v < 3 * numTri; v++) {
            const w = rng.uniform(0.8, 2);
            verts.push([rng.uniform(-0.8, 0.8) * w, rng.uniform(-0.8, 0.8) * w, rng.uniform(-0.8, 0.8) * w, w]);
          }
          data.push(verts);
        }
        return tf.tensor3d(data);
      }
      const seqTri = (numTri: number) =>
        tf.tensor2d(
          Array.from({length: 3 * numTri}, (_, i) => i),
          [numTri, 3],
          'int32',
        );

      it('of u, v with respect to x, y, w match finite differences (instanced)', async () => {
        const pos = randomScene(new Rng(7), 2, 3),
          tri = seqTri(3);
        const res = await checkGradient({
          f: p => dr.rasterize(p, tri, [24, 20], {coverage}).rast,
          x: pos,
          h: 1e-3,
          include: i => i % 4 < 2,
          coords: Array.from({length: pos.size}, (_, i) => i).filter(i => i % 4 !== 2),
        });
        expect(res.checked).toBe(54);
      });

      it('of rastDb with respect to x, y, w match finite differences (gradDb)', async () => {
        const pos = randomScene(new Rng(11), 1, 3),
          tri = seqTri(3);
        await checkGradient({
          f: p => {
            const {rast, rastDb} = dr.rasterize(p, tri, [20, 24], {coverage});
            return tf.concat([rast, rastDb], 3);
          },
          x: pos,
          h: 1e-3,
          include: i => i % 8 !== 2 && i % 8 !== 3,
        });
      });

      it('ignore rastDb with gradDb false, and z gets none', async () => {
        const pos = randomScene(new Rng(3), 1, 2),
          tri = seqTri(2);
        const g = tf.grad(p => {
          const {rast, rastDb} = dr.rasterize(p, tri, [16, 16], {gradDb: false, coverage});
          return tf.add(tf.sum(rast), tf.sum(rastDb));
        })(pos);
        const gu = tf.grad(p => tf.sum(dr.rasterize(p, tri, [16, 16], {coverage}).rast))(pos);
        const [a, b] = [await g.data(), await gu.data()];
        for (let i = 0; i < a.length; i++) {
          expect(a[i]).toBeCloseTo(b[i], 4);
          if (i % 4 === 2) expect(a[i]).toBe(0);
        }
      });

      it('in range mode match finite differences', async () => {
        const scene = randomScene(new Rng(5), 1, 4);
        const pos = tf.reshape(scene, [12, 4]) as tf.Tensor2D,
          tri = seqTri(4);
        await checkGradient({
          f: p =>
            dr.rasterize(p, tri, [16, 16], {
              coverage,
              ranges: [
                [0, 2],
                [1, 3],
              ],
            }).rast,
          x: pos,
          h: 1e-3,
          include: i => i % 4 < 2,
        });
      });

      it('flow through tf.variableGrads and optimizer.minimize', async () => {
        const pos = tf.variable(randomScene(new Rng(9), 1, 1));
        const tri = seqTri(1);
        const loss = () => tf.sum(tf.square(dr.rasterize(pos, tri, [8, 8], {coverage}).rast)) as tf.Scalar;
        const {grads} = tf.variableGrads(loss);
        expect(grads[pos.name].shape).toEqual(pos.shape);
        const total = tf.sum(tf.abs(grads[pos.name]));
        expect((await total.data())[0]).toBeGreaterThan(0);
        total.dispose();
        const before = (await pos.data()).slice();
        tf.train.sgd(1e-3).minimize(loss);
        expect(await pos.data()).not.toEqual(before);
        tf.dispose(grads);
        pos.dispose();
      });
    });

  for (const coverage of COVERAGES)
    describe(`depth peeling (${coverage} coverage)`, () => {
      const layers: V4[] = [
        [-1, -1, 0.5, 1],
        [1, -1, 0.5, 1],
        [0, 1, 0.5, 1],
        [-1, -1, 0.1, 1],
        [1, -1, 0.1, 1],
        [0, 1, 0.1, 1],
        [-1, -1, -0.3, 1],
        [1, -1, -0.3, 1],
        [0, 1, -0.3, 1],
      ];
      const tri = () =>
        tf.tensor2d(
          [
            [0, 1, 2],
            [3, 4, 5],
            [6, 7, 8],
          ],
          [3, 3],
          'int32',
        );

      it('returns the layers front to back, then empty', async () => {
        const peeler = new dr.DepthPeeler(tf.tensor3d([layers]), tri(), [8, 8], {coverage});
        const ids: number[] = [];
        for (let k = 0; k < 4; k++) {
          const {rast, rastDb} = peeler.rasterizeNextLayer();
          ids.push((await rast.array())[0][3][4][3]);
          tf.dispose([rast, rastDb]);
        }
        peeler.dispose();
        expect(ids).toEqual([3, 2, 1, 0]);
      });

      it('layer 0 equals rasterize and later layers are differentiable', async () => {
        const pos = tf.tensor3d([layers]);
        const first = dr.rasterize(pos, tri(), [8, 8], {coverage});
        const peeler = new dr.DepthPeeler(pos, tri(), [8, 8], {coverage});
        const layer0 = peeler.rasterizeNextLayer();
        expect(await layer0.rast.data()).toEqual(await first.rast.data());
        expect(await layer0.rastDb.data()).toEqual(await first.rastDb.data());
        peeler.dispose();
        const g = tf.grad(p => {
          const pl = new dr.DepthPeeler(p, tri(), [8, 8], {coverage});
          pl.rasterizeNextLayer();
          const second = pl.rasterizeNextLayer();
          pl.dispose();
          return tf.sum(second.rast);
        })(pos);
        const gd = await g.data();
        // Only the middle triangle (vertices 3..5) is in layer 1.
        const moved = Array.from({length: 9}, (_, v) => Math.abs(gd[4 * v]) + Math.abs(gd[4 * v + 1]) > 0);
        expect(moved).toEqual([false, false, false, true, true, true, false, false, false]);
      });
      it('peels coplanar and equal-depth triangles away with the layer (never shown twice)', async () => {
        // Triangle 1 duplicates triangle 0 (same vertices, another id); triangle 2 is another
        // triangle in the same plane z = 0.25 (exactly representable: its z/w is exact everywhere);
        // triangle 3 lies behind at z = 0.5.
        const quad: V4[] = [
          [-1, -1, 0.25, 1],
          [1, -1, 0.25, 1],
          [-1, 1, 0.25, 1],
          [1, 1, 0.25, 1],
          [-1, -1, 0.5, 1],
          [1, -1, 0.5, 1],
          [-1, 1, 0.5, 1],
        ];
        const t = tf.tensor2d(
          [
            [0, 1, 2],
            [0, 1, 2],
            [1, 3, 2],
            [4, 5, 6],
          ],
          [4, 3],
          'int32',
        );
        const peeler = new dr.DepthPeeler(tf.tensor3d([quad]), t, [8, 8], {coverage});
        const layers: number[][] = [];
        for (let k = 0; k < 3; k++) {
          const {rast, rastDb} = peeler.rasterizeNextLayer();
          const r = await rast.data();
          layers.push([4 * (1 * 8 + 1) + 3, 4 * (6 * 8 + 6) + 3].map(o => r[o]));
          tf.dispose([rast, rastDb]);
        }
        peeler.dispose();
        // Pixel (1, 1): triangles 0 and 1 tie (either may win layer 0), the other one is peeled with
        // it; then triangle 3. Pixel (6, 6): triangle 2, then nothing (triangle 3 does not reach it).
        expect([1, 2]).toContain(layers[0][0]);
        expect(layers.slice(1).map(l => l[0])).toEqual([4, 0]);
        expect(layers.map(l => l[1])).toEqual([3, 0, 0]);
      });
    });

  describe('bad input', () => {
    const pos = () => tf.zeros([1, 3, 4]);

    it('names the op, the argument, what was expected and what came', () => {
      expectError(
        () => dr.rasterize(tf.zeros([10, 3]), tri1(), [4, 4]),
        'rasterize: pos must have shape [N,V,4] or [V,4], got [10,3]',
      );
      expectError(
        () => dr.rasterize(tf.zeros([1, 2, 3, 4]), tri1(), [4, 4]),
        'rasterize: pos must have shape [N,V,4] or [V,4], got [1,2,3,4]',
      );
      expectError(
        () => dr.rasterize(pos(), tf.tensor2d([[0, 1, 2]]), [4, 4]),
        'rasterize: tri must be int32, got float32',
      );
      expectError(
        () => dr.rasterize(pos(), tf.tensor2d([[0, 1]], [1, 2], 'int32'), [4, 4]),
        'rasterize: tri must have shape [T,3], got [1,2]',
      );
      expectError(
        () => dr.rasterize(tf.zeros([1, 3, 4], 'int32'), tri1(), [4, 4]),
        'rasterize: pos must be float32, got int32',
      );
      expectError(
        () => dr.rasterize(pos(), tri1(), [0, 4]),
        'rasterize: resolution must be [height, width], two integers in [1, ',
      );
      expectError(() => dr.rasterize(pos(), tri1(), [4.5, 4]), 'got [4.5,4]');
      expectError(() => dr.rasterize(pos(), tri1(), [1e6, 4]), 'got [1000000,4]');
      expectError(
        () => dr.rasterize(tf.zeros([3, 4]), tri1(), [4, 4]),
        'rasterize: ranges is required when pos has shape [V,4] (range mode), got pos [3,4] and no ranges',
      );
      expectError(
        () => dr.rasterize(pos(), tri1(), [4, 4], {ranges: [[0, 1]]}),
        'rasterize: ranges is only for range mode (pos [V,4]), got pos [1,3,4]',
      );
      expectError(
        () => dr.rasterize(tf.zeros([3, 4]), tri1(), [4, 4], {ranges: [[0, 2]]}),
        'rasterize: ranges[0] must be (first, count) with 0 <= first and first + count <= 1',
      );
      expectError(
        () => dr.rasterize(tf.zeros([3, 4]), tri1(), [4, 4], {ranges: [0, 1]}),
        'rasterize: ranges must have shape [N,2], got [2]',
      );
      expectError(
        () => dr.rasterize(pos(), tri1(), [4, 4], {coverage: 'x' as never}),
        "rasterize: coverage must be 'hardware' or 'exact', got 'x'",
      );
      expectError(
        () => dr.rasterize(pos(), tri1(), [4, 4], {cullMode: 'ccw' as never}),
        "rasterize: cullMode must be 'none', 'back' or 'front', got 'ccw'",
      );
      expectError(
        () => new dr.DepthPeeler(pos(), tri1(), [4, 4], {coverage: 1 as never}),
        "DepthPeeler: coverage must be 'hardware' or 'exact', got 1",
      );
      expectError(
        () => new dr.DepthPeeler(tf.zeros([3]), tri1(), [4, 4]),
        'DepthPeeler: pos must have shape [N,V,4] or [V,4], got [3]',
      );
    });
  });

  if (HOST_BACKENDS.includes(backend)) {
    // An O(triangles × pixels) rasterizer would not finish this within the spec timeout.
    it('renders 100k small triangles at 1024x1024', async () => {
      const rng = new Rng(1);
      const T = 100000;
      const verts = new Float32Array(T * 3 * 4);
      for (let t = 0; t < T; t++) {
        const cx = rng.uniform(-1, 1),
          cy = rng.uniform(-1, 1),
          z = rng.uniform(-0.9, 0.9);
        for (let k = 0; k < 3; k++)
          verts.set([cx + rng.uniform(-0.01, 0.01), cy + rng.uniform(-0.01, 0.01), z, 1], (3 * t + k) * 4);
      }
      const tri = tf.tensor2d(
        Int32Array.from({length: 3 * T}, (_, i) => i),
        [T, 3],
        'int32',
      );
      const {rast, rastDb} = dr.rasterize(tf.tensor3d(verts, [1, 3 * T, 4]), tri, [1024, 1024]);
      expect(rast.shape).toEqual([1, 1024, 1024, 4]);
      const ids = (await rast.data<'float32'>()).filter((_, i) => i % 4 === 3);
      const covered = ids.filter(id => id > 0);
      expect(covered.length).toBeGreaterThan((1024 * 1024) / 10);
      expect(covered.reduce((a, b) => Math.max(a, b), 0)).toBeLessThanOrEqual(T);
      tf.dispose([rast, rastDb, tri]);
    });
  }
});
