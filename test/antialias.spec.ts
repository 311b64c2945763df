import * as tf from '@tensorflow/tfjs';

import * as dr from '../src/index';

import {describeEachBackend} from './util/backends';
import {expectError} from './util/errors';
import {checkGradient} from './util/fd';
import {Rng} from './util/random';

const [H, W] = [4, 8];
/** NDC x of pixel-space X. */
const ndcX = (X: number) => (2 * X) / W - 1;

/** One big triangle whose vertical edge sits at pixel-space X; it fills the side `side` of it. */
function halfPlane(X: number, side: 'left' | 'right') {
  const far = side === 'left' ? -6 : 6;
  return tf.tensor3d([
    [
      [ndcX(X), -4, 0, 1],
      [ndcX(X), 4, 0, 1],
      [far, 0, 0, 1],
    ],
  ]);
}
const tri1 = () => tf.tensor2d([[0, 1, 2]], [1, 3], 'int32');
/** Color 1 where a triangle is, 0 on the background. */
const coverage = (rast: tf.Tensor) => tf.cast(tf.greater(tf.slice(rast, [0, 0, 0, 3], [-1, -1, -1, 1]), 0), 'float32');

describeEachBackend('antialias', () => {
  describe('closed form', () => {
    const cases: Array<[number, 'left' | 'right', number[]]> = [
      [5.3, 'left', [1, 1, 1, 1, 1, 0.3, 0, 0]], // the edge takes 30% of pixel 5
      [5.1, 'left', [1, 1, 1, 1, 1, 0.1, 0, 0]],
      [4.8, 'left', [1, 1, 1, 1, 0.8, 0, 0, 0]], // the background takes 20% of pixel 4
      [2.7, 'right', [0, 0, 0.3, 1, 1, 1, 1, 1]], // owner on the right of the pair
      [3.2, 'right', [0, 0, 0, 0.8, 1, 1, 1, 1]],
    ];
    for (const [X, side, row] of cases) {
      it(`blends a vertical silhouette edge at pixel x = ${X} (${side} side covered)`, async () => {
        const pos = halfPlane(X, side);
        const {rast} = dr.rasterize(pos, tri1(), [H, W]);
        const out = await dr.antialias(coverage(rast), rast, pos, tri1()).array();
        for (let y = 0; y < H; y++) out[0][y].forEach((v, x) => expect(v[0]).toBeCloseTo(row[x], 5));
      });
    }

    it('blends a horizontal edge between vertical neighbours', async () => {
      // Covered below pixel-space Y = 2.25: row 2 (center 2.5) is empty and gets 25%.
      const Y = 2.25,
        y = (2 * Y) / H - 1;
      const pos = tf.tensor3d([
        [
          [-6, y, 0, 1],
          [6, y, 0, 1],
          [0, -8, 0, 1],
        ],
      ]);
      const {rast} = dr.rasterize(pos, tri1(), [H, W]);
      const out = await dr.antialias(coverage(rast), rast, pos, tri1()).array();
      const expected = [1, 1, 0.25, 0];
      for (let r = 0; r < H; r++) out[0][r].forEach(v => expect(v[0]).toBeCloseTo(expected[r], 5));
    });

    it('leaves edges between connected triangles alone, but blends where the surface folds away', async () => {
      // A full-screen quad of two triangles with different colors: the shared diagonal is not a
      // silhouette, so the image is unchanged.
      const quad = tf.tensor3d([
        [
          [-1.2, -1.2, 0, 1],
          [1.2, -1.2, 0, 1],
          [1.2, 1.2, 0, 1],
          [-1.2, 1.2, 0, 1],
        ],
      ]);
      const tri = tf.tensor2d(
        [
          [0, 1, 2],
          [0, 2, 3],
        ],
        [2, 3],
        'int32',
      );
      const {rast} = dr.rasterize(quad, tri, [8, 8]);
      const color = tf.slice(rast, [0, 0, 0, 3], [-1, -1, -1, 1]);
      expect(await dr.antialias(color, rast, quad, tri).data()).toEqual(await color.data());
      // Fold the second triangle back over the first (its far corner on the same side of the
      // diagonal): the diagonal becomes a silhouette of the nearer triangle.
      const folded = tf.tensor3d([
        [
          [-1.2, -1.2, 0.5, 1],
          [1.2, -1.2, 0.5, 1],
          [1.2, 1.2, 0.5, 1],
          [0.6, -0.9, -0.5, 1],
        ],
      ]);
      const fr = dr.rasterize(folded, tri, [8, 8]).rast;
      const fc = tf.slice(fr, [0, 0, 0, 3], [-1, -1, -1, 1]);
      const diff = await tf.sum(tf.abs(tf.sub(dr.antialias(fc, fr, folded, tri), fc))).data();
      expect(diff[0]).toBeGreaterThan(0.1);
    });

    it('skips edges shallower than 45° for the pair direction', async () => {
      // One row, so only horizontal pairs exist. A shallow edge crosses the row at x = 6.4: no
      // blend. A steep edge there leaves 60% of pixel 6 covered.
      const shallow = tf.tensor3d([
        [
          [-3, -0.3, 0, 1],
          [3, 0.2, 0, 1],
          [0, -8, 0, 1],
        ],
      ]);
      const steep = tf.tensor3d([
        [
          [0.6, -4, 0, 1],
          [0.6, 4, 0, 1],
          [8, 0, 0, 1],
        ],
      ]);
      for (const [pos, blends] of [
        [shallow, false],
        [steep, true],
      ] as Array<[tf.Tensor3D, boolean]>) {
        // Exact coverage: the shallow edge passes 0.001 pixel from pixel 6's center, far inside the
        // hardware's vertex snapping (docs/rasterize.md#coverage).
        const {rast} = dr.rasterize(pos, tri1(), [1, 8], {coverage: 'exact'});
        const color = coverage(rast);
        const c = await color.data();
        expect(Array.from(c)).toEqual([0, 0, 0, 0, 0, 0, 1, 1]);
        const out = await dr.antialias(color, rast, pos, tri1()).data();
        if (blends) expect(out[6]).toBeCloseTo(0.6, 5);
        else expect(Array.from(out)).toEqual(Array.from(c));
      }
    });

    it('gives the same image in range mode as instanced', async () => {
      const rng = new Rng(4);
      const verts = Array.from({length: 9}, () => [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-0.5, 0.5), 1]);
      const tri = tf.tensor2d(
        [
          [0, 1, 2],
          [3, 4, 5],
          [6, 7, 8],
        ],
        [3, 3],
        'int32',
      );
      const inst = dr.rasterize(tf.tensor3d([verts]), tri, [16, 16]).rast;
      const range = dr.rasterize(tf.tensor2d(verts), tri, [16, 16], {ranges: [[0, 3]]}).rast;
      const color = tf.randomUniform([1, 16, 16, 3], 0, 1, 'float32', 3);
      const a = await dr.antialias(color, inst, tf.tensor3d([verts]), tri).data();
      const b = await dr.antialias(color, range, tf.tensor2d(verts), tri).data();
      expect(b).toEqual(a);
    });
  });

  describe('topology', () => {
    it('records the vertex across every shared edge, none for boundary and third triangles', async () => {
      const quad = dr.antialiasConstructTopologyHash(
        tf.tensor2d(
          [
            [0, 1, 2],
            [0, 2, 3],
          ],
          [2, 3],
          'int32',
        ),
      );
      expect(await quad.opposite.array()).toEqual([
        [-1, 3, -1],
        [-1, -1, 1],
      ]);
      quad.dispose();
      const fan = dr.antialiasConstructTopologyHash([
        [0, 1, 2],
        [1, 0, 3],
        [0, 1, 4],
      ]);
      expect(await fan.opposite.array()).toEqual([
        [-1, -1, 3],
        [-1, -1, 2],
        [-1, -1, -1],
      ]);
      fan.dispose();
    });
  });

  describe('gradients', () => {
    function scene(seed: number, images: number) {
      const rng = new Rng(seed);
      const numTri = 5;
      const pos = tf.tensor3d(
        Array.from({length: images}, () =>
          Array.from({length: 3 * numTri}, () => {
            const w = rng.uniform(0.9, 1.4);
            return [rng.uniform(-1, 1) * w, rng.uniform(-1, 1) * w, rng.uniform(-0.8, 0.8) * w, w];
          }),
        ),
      );
      const tri = tf.tensor2d(
        Array.from({length: 3 * numTri}, (_, i) => i),
        [numTri, 3],
        'int32',
      );
      const {rast} = dr.rasterize(pos, tri, [14, 12]);
      const attr = tf.tensor2d(rng.array(3 * numTri * 3, 0, 1), [3 * numTri, 3]);
      const color = tf.add(dr.interpolate(attr, rast, tri).out, tf.scalar(0.2)); // background 0.2 apart
      return {pos, tri, rast, color};
    }

    it('with respect to color match finite differences', async () => {
      const {pos, tri, rast, color} = scene(31, 2);
      const hash = dr.antialiasConstructTopologyHash(tri);
      await checkGradient({
        f: c => dr.antialias(c, rast, pos, tri, {topologyHash: hash}),
        x: color,
        h: 1e-2,
        coords: Array.from({length: 120}, (_, i) => (i * 37) % color.size),
      });
      hash.dispose();
    });

    it('with respect to pos (x, y, w) match finite differences, instanced and range mode', async () => {
      const {pos, tri, rast, color} = scene(32, 2);
      const coords = Array.from({length: pos.size}, (_, i) => i).filter(i => i % 4 !== 2);
      const res = await checkGradient({f: p => dr.antialias(color, rast, p, tri), x: pos, h: 1e-4, coords});
      expect(res.maxGrad).toBeGreaterThan(0.05);
      const one = scene(33, 1);
      const flat = tf.reshape(one.pos, [-1, 4]);
      const rr = dr.rasterize(flat, one.tri, [14, 12], {ranges: [[0, 5]]}).rast;
      await checkGradient({
        f: p => dr.antialias(one.color, rr, p, one.tri),
        x: flat,
        h: 1e-4,
        coords: Array.from({length: flat.size}, (_, i) => i).filter(i => i % 4 !== 2),
      });
    });

    it('scale the position gradient by posGradientBoost', async () => {
      const {pos, tri, rast, color} = scene(34, 1);
      const g1 = tf.grad(p => tf.sum(tf.square(dr.antialias(color, rast, p, tri))))(pos);
      const g3 = tf.grad(p => tf.sum(tf.square(dr.antialias(color, rast, p, tri, {posGradientBoost: 3}))))(pos);
      const [a, b] = [await g1.data(), await g3.data()];
      expect(a.some(x => x !== 0)).toBe(true);
      for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(3 * a[i], 4);
    });
  });

  describe('culling (docs/rasterize.md#culling)', () => {
    // A folded sheet: F = (B, A, C) counter-clockwise (front), G = (A, B, D) folded back over it across
    // the shared edge AB (clockwise: back), nearer than F where they overlap. Culling one of them
    // leaves AB a silhouette of the other, which antialias must see for visibility gradients.
    const fold = () =>
      tf.tensor3d([
        [
          [-0.6, -0.7, 0.3, 1],
          [-0.6, 0.7, 0.3, 1],
          [0.7 * 1.5, 0, 0.6 * 1.5, 1.5],
          [0.3 * 1.2, 0.4 * 1.2, 0, 1.2],
        ],
      ]);
    const tri = () =>
      tf.tensor2d(
        [
          [1, 0, 2],
          [0, 1, 3],
        ],
        [2, 3],
        'int32',
      );
    const [h, w, k] = [32, 32, 8];

    for (const cullMode of ['back', 'front'] as const) {
      it(`gives visibility gradients matching finite differences of coverage (cullMode '${cullMode}')`, async () => {
        const pos = fold(),
          t = tri();
        const hash = dr.antialiasConstructTopologyHash(t);
        // Analytic: the antialiased coverage mask, summed; only antialias gives pos a gradient.
        const g = await tf
          .grad(p => {
            const {rast} = dr.rasterize(p, t, [h, w], {cullMode});
            // The mask's own gradient is zero (coverage is a step).
            const mask = tf.customGrad(((r: tf.Tensor) => ({
              value: coverage(r),
              gradFunc: () => tf.zerosLike(r),
            })) as unknown as Parameters<typeof tf.customGrad>[0])(rast);
            return tf.sum(dr.antialias(mask, rast, p, t, {topologyHash: hash}));
          })(pos)
          .data();
        // Reference: the covered area in pixels, from k×k samples per pixel, by central differences.
        const area = async (values: Float32Array) => {
          const sum = tf.tidy(() => {
            const {rast} = dr.rasterize(tf.tensor3d(values, [1, 4, 4]), t, [k * h, k * w], {cullMode});
            return tf.div(tf.sum(coverage(rast)), k * k);
          });
          const a = (await sum.data())[0];
          sum.dispose();
          return a;
        };
        const base = (await pos.data()) as Float32Array;
        const step = 0.02; // 0.3 pixel in x, y at w = 1
        const fd: number[] = [],
          an: number[] = [];
        for (let i = 0; i < 16; i++) {
          if (i % 4 === 2) continue; // z moves no edge
          const plus = base.slice(),
            minus = base.slice();
          plus[i] += step;
          minus[i] -= step;
          fd.push(((await area(plus)) - (await area(minus))) / (2 * step));
          an.push(g[i]);
        }
        // Antialias is a first-order estimate of the coverage derivative (one pair axis per edge,
        // none within 1/16 pixel of the pair's ends): on this scene it agrees with the sampled area
        // within ~8% of the largest component (10% on each of the shared edge's x coordinates). Had
        // antialias not seen AB as a silhouette, A.x and B.x would lose their largest share.
        const scale = Math.max(...fd.map(Math.abs));
        const worst = Math.max(...fd.map((f, i) => Math.abs(f - an[i])));
        const what = `analytic ${an.map(v => v.toFixed(2))} vs fd ${fd.map(v => v.toFixed(2))}`;
        expect(scale).toBeGreaterThan(10);
        expect(worst).toBeLessThan(0.15 * scale, what);
        // A.x and B.x (the shared edge's position) are coordinates 0 and 3 of the checked list.
        for (const c of [0, 3]) expect(Math.abs(an[c] - fd[c])).toBeLessThan(0.1 * Math.abs(fd[c]), what);
        hash.dispose();
        tf.dispose([pos, t]);
      });
    }

    it('culls the sheet as asked: both without culling, one of F and G with', async () => {
      const pos = fold(),
        t = tri();
      const ids = async (cullMode: 'none' | 'back' | 'front') => {
        const {rast, rastDb} = dr.rasterize(pos, t, [h, w], {cullMode});
        const values = await rast.data();
        tf.dispose([rast, rastDb]);
        return new Set(Array.from(values.filter((_, i) => i % 4 === 3)));
      };
      expect(await ids('none')).toEqual(new Set([0, 1, 2]));
      expect(await ids('back')).toEqual(new Set([0, 1]));
      expect(await ids('front')).toEqual(new Set([0, 2]));
      tf.dispose([pos, t]);
    });
  });

  describe('bad input', () => {
    it('names the op, the argument, what was expected and what came', () => {
      const pos = halfPlane(5.3, 'left');
      const {rast} = dr.rasterize(pos, tri1(), [H, W]);
      const color = coverage(rast);
      expectError(
        () => dr.antialias(tf.zeros([H, W, 1]), rast, pos, tri1()),
        'antialias: color must have shape [N,H,W,C], got [4,8,1]',
      );
      expectError(
        () => dr.antialias(tf.zeros([1, H, W + 1, 1]), rast, pos, tri1()),
        'antialias: color must have leading dimensions [1,4,8] (as rast), got [1,4,9,1]',
      );
      expectError(
        () => dr.antialias(color, tf.zeros([1, H, W, 2]), pos, tri1()),
        'antialias: rast must have shape [N,H,W,4], got [1,4,8,2]',
      );
      expectError(
        () => dr.antialias(color, rast, tf.zeros([2, 3, 4]), tri1()),
        'antialias: pos must have batch size 1 (the batch of rast), got 2',
      );
      expectError(
        () => dr.antialias(color, rast, tf.zeros([3, 3]), tri1()),
        'antialias: pos must have shape [N,V,4] or [V,4], got [3,3]',
      );
      expectError(
        () => dr.antialias(color, rast, pos, tf.tensor2d([[0, 1, 2]])),
        'antialias: tri must be int32, got float32',
      );
      const hash = dr.antialiasConstructTopologyHash(
        tf.tensor2d(
          [
            [0, 1, 2],
            [0, 2, 1],
          ],
          [2, 3],
          'int32',
        ),
      );
      expectError(
        () => dr.antialias(color, rast, pos, tri1(), {topologyHash: hash}),
        'antialias: topologyHash was built for 2 triangles, but tri has 1 ([1,3])',
      );
      expectError(
        () => dr.antialias(color, rast, pos, tri1(), {posGradientBoost: NaN}),
        'antialias: posGradientBoost must be a finite number, got NaN',
      );
      expectError(
        () => dr.antialias(color, rast, pos, tri1(), {topologyHash: {} as dr.TopologyHash}),
        'antialias: topologyHash must come from antialiasConstructTopologyHash, got object',
      );
      expectError(
        () => dr.antialiasConstructTopologyHash(tf.zeros([2, 3], 'int32').reshape([6])),
        'antialiasConstructTopologyHash: tri must have shape [T,3], got [6]',
      );
    });
  });
});
