import * as tf from '@tensorflow/tfjs';

import * as dr from '../src/index';

import {describeEachBackend} from './util/backends';
import {expectError} from './util/errors';
import {checkGradient} from './util/fd';
import {Rng} from './util/random';

/** The octahedron: by symmetry each vertex normal is the vertex's direction. */
const OCTA_POS = [
  [1, 0, 0],
  [-1, 0, 0],
  [0, 1, 0],
  [0, -1, 0],
  [0, 0, 1],
  [0, 0, -1],
];
const OCTA_TRI = [
  [0, 2, 4],
  [2, 1, 4],
  [1, 3, 4],
  [3, 0, 4],
  [2, 0, 5],
  [1, 2, 5],
  [3, 1, 5],
  [0, 3, 5],
];

const FOVY = 0.8,
  ASPECT = 20 / 16;
const PROJ = dr.mat4.perspective(Math.tan(FOVY / 2) * ASPECT, 0.5, 20, ASPECT);

/** A few random triangles in front of a camera at the origin looking down −z (camera = world space here). */
function randomTriangles(rng: Rng, count: number): number[][] {
  return Array.from({length: 3 * count}, () => [rng.uniform(-1, 1), rng.uniform(-0.8, 0.8), -rng.uniform(2.5, 4)]);
}
const seqTri = (count: number) =>
  tf.tensor2d(
    Array.from({length: 3 * count}, (_, i) => i),
    [count, 3],
    'int32',
  );

function cross(a: number[], b: number[]) {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}
const sub = (a: number[], b: number[]) => a.map((x, i) => x - b[i]);
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);
const unit = (a: number[]) => a.map(x => x / Math.hypot(...a));

describeEachBackend('render helpers', () => {
  describe('normals', () => {
    it('faceNormals and vertexNormals: closed forms (octahedron)', async () => {
      const fn = await dr.faceNormals(OCTA_POS, OCTA_TRI).array();
      OCTA_TRI.forEach((t, i) => {
        const n = unit(cross(sub(OCTA_POS[t[1]], OCTA_POS[t[0]]), sub(OCTA_POS[t[2]], OCTA_POS[t[0]])));
        (fn as number[][])[i].forEach((x, k) => expect(x).toBeCloseTo(n[k], 5));
        // Counter-clockwise from outside: outward.
        expect(dot(n, OCTA_POS[t[0]])).toBeGreaterThan(0);
      });
      const vn = (await dr.vertexNormals(OCTA_POS, OCTA_TRI).array()) as number[][];
      vn.forEach((n, i) => n.forEach((x, k) => expect(x).toBeCloseTo(OCTA_POS[i][k], 5)));
      // Batched positions give the per-image result.
      const scaled = OCTA_POS.map(p => p.map(x => 2 * x));
      const batch = (await dr.vertexNormals(tf.tensor3d([OCTA_POS, scaled]), OCTA_TRI).array()) as number[][][];
      batch[1].forEach((n, i) => n.forEach((x, k) => expect(x).toBeCloseTo(OCTA_POS[i][k], 5)));
    });

    it('gradients of face and vertex normals match finite differences', async () => {
      const rng = new Rng(3);
      const pos = tf.tensor2d(OCTA_POS.map(p => p.map(x => x + rng.uniform(-0.2, 0.2))));
      await checkGradient({f: p => dr.faceNormals(p, OCTA_TRI), x: pos, h: 1e-3});
      await checkGradient({f: p => dr.vertexNormals(p, OCTA_TRI), x: pos, h: 1e-3});
    });
  });

  describe('depthMap', () => {
    it('matches the ray-plane intersection at every covered pixel (depth and distance)', async () => {
      const verts = randomTriangles(new Rng(5), 3);
      const tri = seqTri(3);
      const pos = tf.tensor2d(verts);
      // Exact coverage: every covered pixel center is inside its triangle, where the plane is what
      // depthMap interpolates (hardware coverage clamps a center a hair outside to the triangle).
      const {rast} = dr.rasterize(dr.mat4.transformPos(PROJ, pos), tri, [16, 20], {coverage: 'exact'});
      const depth = await dr.depthMap(pos, rast, tri).data();
      const distance = await dr
        .depthMap(dr.mat4.transformPos(dr.mat4.identity(), pos), rast, tri, {mode: 'distance'})
        .data();
      const r = await rast.data();
      const t = Math.tan(FOVY / 2);
      let covered = 0;
      for (let py = 0; py < 16; py++) {
        for (let px = 0; px < 20; px++) {
          const i = py * 20 + px;
          const id = r[4 * i + 3];
          if (id === 0) {
            expect([depth[i], distance[i]]).toEqual([0, 0]);
            continue;
          }
          covered++;
          const [a, b, c] = [0, 1, 2].map(k => verts[3 * (id - 1) + k]);
          const n = cross(sub(b, a), sub(c, a));
          // The ray through the pixel center, scaled to unit depth.
          const d = [((2 * px + 1) / 20 - 1) * t * ASPECT, ((2 * py + 1) / 16 - 1) * t, -1];
          const s = dot(n, a) / dot(n, d);
          expect(depth[i]).toBeCloseTo(s, 3);
          expect(distance[i]).toBeCloseTo(s * Math.hypot(...d), 3);
        }
      }
      expect(covered).toBeGreaterThan(30);
    });

    it("'opencv' camera space counts depth along +z", async () => {
      const pos = tf.tensor2d([
        [-1, -1, -3],
        [1, -1, -3],
        [0, 1, -3],
      ]);
      const {rast} = dr.rasterize(dr.mat4.transformPos(PROJ, pos), [[0, 1, 2]], [8, 8]);
      const flipped = tf.mul(pos, tf.tensor1d([1, -1, -1]));
      const a = await dr.depthMap(pos, rast, [[0, 1, 2]]).data();
      const b = await dr.depthMap(flipped, rast, [[0, 1, 2]], {camera: 'opencv'}).data();
      expect(Math.max(...a)).toBeCloseTo(3, 5);
      expect(b).toEqual(a);
    });

    for (const mode of ['depth', 'distance'] as const) {
      it(`${mode}: gradients to the world positions (through the view and the rasterizer) match finite differences`, async () => {
        const view = dr.mat4.compose(dr.mat4.translate(0.1, -0.2, -0.5), dr.mat4.rotateY(0.3));
        const pos = tf.tensor2d(randomTriangles(new Rng(9), 2));
        const tri = seqTri(2);
        await checkGradient({
          f: p => {
            const {rast} = dr.rasterize(
              dr.mat4.transformPos(dr.mat4.compose(PROJ, view), p as tf.Tensor2D),
              tri,
              [12, 14],
            );
            return dr.depthMap(dr.mat4.transformPos(view, p as tf.Tensor2D), rast, tri, {mode});
          },
          x: pos,
          h: 1e-3,
        });
      });
    }
  });

  describe('normalMap', () => {
    const view = dr.mat4.compose(dr.mat4.translate(0, 0, -3.5), dr.mat4.rotateX(0.5), dr.mat4.rotateY(0.4));
    const render = (pos: tf.Tensor2D, res = 16) =>
      dr.rasterize(dr.mat4.transformPos(dr.mat4.compose(PROJ, view), pos), OCTA_TRI, [res, res]);

    it('face: each covered pixel holds its triangle normal, in world or camera space', async () => {
      const pos = tf.tensor2d(OCTA_POS);
      const {rast} = render(pos);
      const world = await dr.normalMap(pos, rast, OCTA_TRI).data();
      const cam = await dr.normalMap(pos, rast, OCTA_TRI, {view}).data();
      const fn = (await dr.faceNormals(pos, OCTA_TRI).array()) as number[][];
      const r = await rast.data();
      let covered = 0;
      for (let i = 0; i < r.length / 4; i++) {
        const id = r[4 * i + 3];
        if (id === 0) {
          expect([...world.slice(3 * i, 3 * i + 3)]).toEqual([0, 0, 0]);
          continue;
        }
        covered++;
        const n = fn[id - 1];
        const turned = [0, 1, 2].map(row => dot(view.slice(4 * row, 4 * row + 3), n));
        for (let k = 0; k < 3; k++) {
          expect(world[3 * i + k]).toBeCloseTo(n[k], 5);
          expect(cam[3 * i + k]).toBeCloseTo(turned[k], 5);
        }
        // Seen from the camera, outward normals face it (+z in camera space).
        expect(cam[3 * i + 2]).toBeGreaterThan(0);
      }
      expect(covered).toBeGreaterThan(40);
    });

    it('smooth: the normalised interpolation of the vertex normals', async () => {
      const pos = tf.tensor2d(OCTA_POS);
      const {rast} = render(pos);
      const smooth = await dr.normalMap(pos, rast, OCTA_TRI, {shading: 'smooth'}).data();
      const r = await rast.data();
      for (let i = 0; i < r.length / 4; i++) {
        const [u, v, , id] = r.slice(4 * i, 4 * i + 4);
        if (id === 0) continue;
        const [a, b, c] = OCTA_TRI[id - 1].map(k => OCTA_POS[k]);
        const n = unit([0, 1, 2].map(k => u * a[k] + v * b[k] + (1 - u - v) * c[k]));
        for (let k = 0; k < 3; k++) expect(smooth[3 * i + k]).toBeCloseTo(n[k], 5);
      }
    });

    for (const shading of ['face', 'smooth'] as const) {
      it(`${shading}: gradients to the positions match finite differences`, async () => {
        const rng = new Rng(21);
        const pos = tf.tensor2d(OCTA_POS.map(p => p.map(x => x + rng.uniform(-0.15, 0.15))));
        await checkGradient({
          f: p => dr.normalMap(p, render(p as tf.Tensor2D, 12).rast, OCTA_TRI, {shading, view}),
          x: pos,
          h: 1e-3,
        });
      });
    }
  });

  describe('supersample', () => {
    it('downsample is the mean of each k×k block', async () => {
      const img = tf.tensor4d(
        Array.from({length: 4 * 6 * 2}, (_, i) => i * 0.5),
        [1, 4, 6, 2],
      );
      const d = (await dr.downsample(img, 2).array()) as number[][][][];
      const src = (await img.array()) as number[][][][];
      for (let y = 0; y < 2; y++) {
        for (let x = 0; x < 3; x++) {
          for (let c = 0; c < 2; c++) {
            const m =
              (src[0][2 * y][2 * x][c] +
                src[0][2 * y][2 * x + 1][c] +
                src[0][2 * y + 1][2 * x][c] +
                src[0][2 * y + 1][2 * x + 1][c]) /
              4;
            expect(d[0][y][x][c]).toBeCloseTo(m, 5);
          }
        }
      }
    });

    it('a supersampled coverage image counts the covered sub-pixel centers', async () => {
      const pos = tf.tensor3d([
        [
          [-0.9, -0.7, 0, 1],
          [0.6, -0.8, 0, 1],
          [0.1, 0.9, 0, 1],
        ],
      ]);
      const k = 4;
      const img = await dr.supersample(res => dr.coverage(dr.rasterize(pos, [[0, 1, 2]], res).rast), [8, 8], k).data();
      const big = await dr.coverage(dr.rasterize(pos, [[0, 1, 2]], [32, 32]).rast).data();
      for (let y = 0; y < 8; y++) {
        for (let x = 0; x < 8; x++) {
          let n = 0;
          for (let j = 0; j < k; j++) for (let i = 0; i < k; i++) n += big[(k * y + j) * 32 + k * x + i];
          expect(img[y * 8 + x]).toBeCloseTo(n / (k * k), 5);
        }
      }
    });

    it('gradients of a supersampled, antialiased render match finite differences', async () => {
      const rng = new Rng(4);
      const pos = tf.tensor3d([randomTriangles(rng, 2).map(([x, y, z]) => [x / -z, y / -z, 0.1 * x, 1])]);
      const tri = seqTri(2);
      const colors = tf.tensor2d(Array.from({length: 6}, () => [rng.next(), rng.next(), rng.next()]));
      await checkGradient({
        f: p =>
          dr.supersample(
            res => {
              const {rast} = dr.rasterize(p, tri, res);
              return dr.antialias(dr.interpolate(colors, rast, tri).out, rast, p, tri);
            },
            [8, 10],
            2,
          ),
        x: pos,
        h: 1e-3,
        coords: Array.from({length: pos.size}, (_, i) => i).filter(i => i % 4 < 2),
      });
    });
  });

  describe('transparency', () => {
    // Two quads: a red one at z = 0 (front) over the left 3/4, a blue one at z = 0.5 over the right 3/4.
    const quad = (x0: number, x1: number, z: number) => [
      [x0, -1, z, 1],
      [x1, -1, z, 1],
      [x1, 1, z, 1],
      [x0, 1, z, 1],
    ];
    const pos = () => tf.tensor3d([[...quad(-1.2, 0.5, 0), ...quad(-0.5, 1.2, 0.5)]]);
    const tri = tf.tensor2d(
      [
        [0, 1, 2],
        [0, 2, 3],
        [4, 5, 6],
        [4, 6, 7],
      ],
      undefined,
      'int32',
    );
    const colors = tf.tensor2d([...Array(4).fill([1, 0, 0]), ...Array(4).fill([0, 0, 1])]);
    const shade = (alpha: number | tf.Tensor) => (layer: dr.RasterizeResult) => ({
      color: dr.interpolate(colors, layer.rast, tri).out,
      alpha: tf.mul(tf.onesLike(tf.slice(layer.rast, [0, 0, 0, 0], [-1, -1, -1, 1])), alpha) as tf.Tensor4D,
    });

    it('composites peeled layers front to back (closed form)', async () => {
      const img = (await dr
        .renderTransparent(pos(), tri, [4, 8], shade(0.5), {layers: 3, background: [0, 1, 0]})
        .array()) as number[][][][];
      for (let x = 0; x < 8; x++) {
        const X = (2 * x + 1) / 8 - 1;
        const red = X < 0.5,
          blue = X > -0.5;
        // front-to-back: the first layer is red where red exists, else blue.
        const expected = red && blue ? [0.5, 0.25, 0.25] : red ? [0.5, 0.5, 0] : [0, 0.5, 0.5];
        for (let y = 0; y < 4; y++) expected.forEach((e, c) => expect(img[0][y][x][c]).toBeCloseTo(e, 5));
      }
    });

    it('compositeLayers: gradients to colours and opacities match finite differences', async () => {
      const rng = new Rng(8);
      const x = tf.tensor4d(rng.array(3 * 2 * 3 * 4, 0.1, 0.9), [3, 2, 3, 4]);
      await checkGradient({
        f: v => {
          const layers = tf.unstack(v).map(l => ({
            color: tf.expandDims(tf.slice(l, [0, 0, 0], [-1, -1, 3]), 0) as tf.Tensor4D,
            alpha: tf.expandDims(tf.slice(l, [0, 0, 3], [-1, -1, 1]), 0) as tf.Tensor4D,
          }));
          return dr.compositeLayers(layers, [0.2, 0.3, 0.4]);
        },
        x,
        h: 1e-3,
      });
    });

    it('renderTransparent: gradients to positions match finite differences', async () => {
      const rng = new Rng(12);
      const p = tf.tensor3d([randomTriangles(rng, 3).map(([x, y, z]) => [x / -z, y / -z, rng.uniform(-0.5, 0.5), 1])]);
      const t = seqTri(3);
      const c = tf.tensor2d(Array.from({length: 9}, () => [rng.next(), rng.next(), rng.next()]));
      await checkGradient({
        f: q =>
          dr.renderTransparent(
            q,
            t,
            [10, 12],
            layer => ({
              color: dr.interpolate(c, layer.rast, t).out,
              alpha: tf.fill([1, 10, 12, 1], 0.6) as tf.Tensor4D,
            }),
            {layers: 3, background: [0.1, 0.1, 0.1]},
          ),
        x: p,
        h: 1e-3,
        coords: Array.from({length: p.size}, (_, i) => i).filter(i => i % 4 < 2),
      });
    });

    it('reject bad arguments', () => {
      expectError(() => dr.compositeLayers([]), 'compositeLayers: layers must be a non-empty list');
      expectError(
        () =>
          dr.compositeLayers([
            {color: tf.zeros([1, 2, 2, 3]) as tf.Tensor4D, alpha: tf.zeros([1, 2, 2, 3]) as tf.Tensor4D},
          ]),
        'compositeLayers: layers[0].alpha must have shape [1,2,2,1], got [1,2,2,3]',
      );
      expectError(
        () => dr.renderTransparent(pos(), tri, [4, 4], shade(1), {layers: 0}),
        'renderTransparent: layers must be a positive integer, got 0',
      );
      expectError(
        () => dr.downsample(tf.zeros([1, 5, 4, 1]) as tf.Tensor4D, 2),
        'downsample: image height and width must be multiples of k = 2, got [1,5,4,1]',
      );
      expectError(
        () => dr.depthMap(tf.zeros([3, 2]), tf.zeros([1, 2, 2, 4]), [[0, 1, 2]]),
        'depthMap: viewPos must have shape',
      );
      expectError(
        () => dr.depthMap(tf.zeros([3, 3]), tf.zeros([1, 2, 2, 4]), [[0, 1, 2]], {mod: 'depth'} as dr.DepthMapOptions),
        "depthMap: unknown option 'mod'; did you mean 'mode'? valid options: mode, camera",
      );
      expectError(
        () => dr.renderTransparent(pos(), tri, [4, 4], shade(1), {layer: 2} as dr.RenderTransparentOptions),
        "renderTransparent: unknown option 'layer'; did you mean 'layers'? valid options: layers, background, ranges, gradDb",
      );
      expectError(
        () => dr.normalMap(OCTA_POS, tf.zeros([1, 2, 2, 4]), OCTA_TRI, {shading: 'flat' as 'face'}),
        "normalMap: shading must be 'face' or 'smooth', got 'flat'",
      );
    });
  });
});
