import * as tf from '@tensorflow/tfjs';

import * as dr from '../src/index';
import {InterpolateGrad} from '../src/kernels/names';

import {describeEachBackend} from './util/backends';
import {expectError} from './util/errors';
import {checkGradient} from './util/fd';
import {Rng} from './util/random';

describeEachBackend('interpolate', () => {
  // One affine triangle over a 8×8 image: attributes are linear in NDC, so their values and
  // screen derivatives have a closed form.
  const verts = [
    [-0.9, -0.8, 0, 1],
    [0.9, -0.9, 0, 1],
    [0.1, 0.9, 0, 1],
  ];
  const attrs = [
    [1, 10, -2],
    [3, 20, 5],
    [-1, 40, 7],
  ];
  const tri = () => tf.tensor2d([[0, 1, 2]], [1, 3], 'int32');
  const render = () => dr.rasterize(tf.tensor3d([verts]), tri(), [8, 8]);

  /** The attribute plane through the three corners: a(X, Y) = c0 + cX·X + cY·Y in NDC. */
  function plane(j: number) {
    const [[x0, y0], [x1, y1], [x2, y2]] = verts;
    const [a0, a1, a2] = attrs.map(a => a[j]);
    const det = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
    const cX = ((a1 - a0) * (y2 - y0) - (a2 - a0) * (y1 - y0)) / det;
    const cY = ((x1 - x0) * (a2 - a0) - (x2 - x0) * (a1 - a0)) / det;
    return {at: (X: number, Y: number) => a0 + cX * (X - x0) + cY * (Y - y0), cX, cY};
  }

  it('matches the closed form, with derivatives for the listed attributes', async () => {
    const {rast, rastDb} = render();
    const {out, outDa} = dr.interpolate(tf.tensor2d(attrs), rast, tri(), {rastDb, diffAttrs: [2, -3]});
    expect(out.shape).toEqual([1, 8, 8, 3]);
    expect(outDa.shape).toEqual([1, 8, 8, 4]);
    const r = await rast.data(),
      o = await out.data(),
      da = await outDa.data();
    let covered = 0;
    for (let py = 0; py < 8; py++) {
      for (let px = 0; px < 8; px++) {
        const pix = py * 8 + px;
        if (r[4 * pix + 3] === 0) {
          expect([...o.slice(3 * pix, 3 * pix + 3), ...da.slice(4 * pix, 4 * pix + 4)]).toEqual([0, 0, 0, 0, 0, 0, 0]);
          continue;
        }
        covered++;
        const [X, Y] = [(2 * px + 1) / 8 - 1, (2 * py + 1) / 8 - 1];
        for (let j = 0; j < 3; j++) expect(o[3 * pix + j]).toBeCloseTo(plane(j).at(X, Y), 4);
        // d/dX in pixels = (2/W)·∂/∂NDC; listed order: attribute 2, then 0.
        [2, 0].forEach((j, k) => {
          expect(da[4 * pix + 2 * k]).toBeCloseTo((plane(j).cX * 2) / 8, 4);
          expect(da[4 * pix + 2 * k + 1]).toBeCloseTo((plane(j).cY * 2) / 8, 4);
        });
      }
    }
    expect(covered).toBeGreaterThan(15);
  });

  it('broadcasts [V,A] and [1,V,A] over the batch and offsets [N,V,A] per image', async () => {
    const pos = tf.tensor3d([verts, verts]);
    const {rast} = dr.rasterize(pos, tri(), [8, 8]);
    const a2 = await dr.interpolate(tf.tensor2d(attrs), rast, tri()).out.data();
    const a3 = await dr.interpolate(tf.tensor3d([attrs]), rast, tri()).out.data();
    expect(a3).toEqual(a2);
    const doubled = attrs.map(a => a.map(x => 2 * x));
    const perImage = await dr.interpolate(tf.tensor3d([attrs, doubled]), rast, tri()).out.data();
    const half = a2.length / 2;
    for (let i = 0; i < half; i++) {
      expect(perImage[i]).toBeCloseTo(a2[i], 5);
      expect(perImage[half + i]).toBeCloseTo(2 * a2[half + i], 4);
    }
  });

  it("outputs an empty outDa without diffAttrs, and 'all' lists every attribute", async () => {
    const {rast, rastDb} = render();
    expect(dr.interpolate(tf.tensor2d(attrs), rast, tri()).outDa.shape).toEqual([1, 8, 8, 0]);
    const all = await dr.interpolate(tf.tensor2d(attrs), rast, tri(), {rastDb, diffAttrs: 'all'}).outDa.data();
    const listed = await dr.interpolate(tf.tensor2d(attrs), rast, tri(), {rastDb, diffAttrs: [0, 1, 2]}).outDa.data();
    expect(all).toEqual(listed);
  });

  it('uses its own tri and gives zeros where that tri has an out-of-range index', async () => {
    const {rast} = render();
    const uvAttr = tf.tensor2d([[0], [1], [2], [3]]);
    const shifted = await dr.interpolate(uvAttr, rast, tf.tensor2d([[1, 2, 3]], [1, 3], 'int32')).out.data();
    const plain = await dr.interpolate(uvAttr, rast, tri()).out.data();
    const r = await rast.data();
    for (let i = 0; i < 64; i++) if (r[4 * i + 3]) expect(shifted[i]).toBeCloseTo(plain[i] + 1, 5);
    const bad = await dr.interpolate(uvAttr, rast, tf.tensor2d([[1, 2, 9]], [1, 3], 'int32')).out.data();
    expect(bad.every(x => x === 0)).toBe(true);
  });

  describe('gradients', () => {
    function scene(seed: number, images: number) {
      const rng = new Rng(seed);
      const numTri = 4;
      const pos = tf.tensor3d(
        Array.from({length: images}, () =>
          Array.from({length: 3 * numTri}, () => {
            const w = rng.uniform(0.8, 1.5);
            return [rng.uniform(-0.9, 0.9) * w, rng.uniform(-0.9, 0.9) * w, rng.uniform(-0.5, 0.5) * w, w];
          }),
        ),
      );
      const tri = tf.tensor2d(
        Array.from({length: 3 * numTri}, (_, i) => i),
        [numTri, 3],
        'int32',
      );
      const {rast, rastDb} = dr.rasterize(pos, tri, [12, 10]);
      return {rng, tri, rast, rastDb, numVertices: 3 * numTri};
    }

    for (const shape of ['[V,A]', '[1,V,A]', '[N,V,A]']) {
      it(`with respect to attr ${shape} match finite differences`, async () => {
        const {rng, tri, rast, rastDb, numVertices} = scene(21, 2);
        const lead = shape === '[V,A]' ? [] : shape === '[1,V,A]' ? [1] : [2];
        const n = lead.reduce((a, b) => a * b, 1) * numVertices * 3;
        const attr = tf.tensor(rng.array(n, -1, 1), [...lead, numVertices, 3]);
        await checkGradient({
          f: a => {
            const {out, outDa} = dr.interpolate(a, rast, tri, {rastDb, diffAttrs: [0, 2]});
            return tf.concat([out, outDa], 3);
          },
          x: attr,
          h: 1e-2,
        });
      });
    }

    it('with respect to rast (u, v) and rastDb match finite differences', async () => {
      const {rng, tri, rast, rastDb, numVertices} = scene(22, 1);
      const attr = tf.tensor2d(rng.array(numVertices * 2, -1, 1), [numVertices, 2]);
      const f = (r: tf.Tensor, db: tf.Tensor) => {
        const {out, outDa} = dr.interpolate(attr, r, tri, {rastDb: db, diffAttrs: 'all'});
        return tf.concat([out, outDa], 3);
      };
      // Perturb only u and v of covered pixels: the id channel is an index, z/w is unused.
      const rv = await rast.data();
      const uvCoords = Array.from({length: rv.length}, (_, i) => i).filter(i => i % 4 < 2 && rv[i - (i % 4) + 3] > 0);
      expect(uvCoords.length).toBeGreaterThan(20);
      await checkGradient({f: r => f(r, rastDb), x: rast, h: 1e-2, coords: uvCoords});
      await checkGradient({f: db => f(rast, db), x: rastDb, h: 1e-2, coords: uvCoords.map(i => i + 2)});
      await checkGradient({f: db => f(rast, db), x: rastDb, h: 1e-2, coords: uvCoords});
    });

    it('are made only when asked for: the same values, one InterpolateGrad call for attr with rast', async () => {
      // tfjs asks for gradients in input order: attr's call makes rast's and rastDb's too and keeps them for their
      // thunks; rast's or rastDb's alone make no attribute gradient.
      const {rng, tri, rast, rastDb, numVertices} = scene(24, 2);
      const attr = tf.tensor2d(rng.array(numVertices * 3, -1, 1), [numVertices, 3]);
      const dys = rng.array(2 * 12 * 10 * 7, -1, 1); // out: 3 channels, outDa: 2 per listed attribute
      const loss = (a: tf.Tensor, r: tf.Tensor, db: tf.Tensor) => {
        const {out, outDa} = dr.interpolate(a, r, tri, {rastDb: db, diffAttrs: [0, 2]});
        const both = tf.concat([out, outDa], 3);
        return tf.sum(tf.mul(both, tf.tensor(dys.slice(0, both.size), both.shape)));
      };
      const xs = [attr, rast, rastDb];
      const all = await Promise.all(
        tf
          .grads(loss)(xs)
          .map(async g => Array.from(await g.data())),
      );
      for (const subset of [[0], [1], [2], [0, 1], [0, 2], [1, 2]]) {
        const before = tf.memory().numTensors;
        const profile = await tf.profile(
          () =>
            tf.grads((...x: tf.Tensor[]) => {
              const [a, r, db] = xs.map((v, i) => x[subset.indexOf(i)] ?? v);
              return loss(a, r, db);
            })(subset.map(i => xs[i])) as tf.Tensor[],
        );
        const gs = profile.result as tf.Tensor[];
        for (let j = 0; j < subset.length; j++) {
          const got = Array.from(await gs[j].data()),
            want = all[subset[j]];
          if (subset[j] === 0 && tf.getBackend() === 'webgpu') {
            // webgpu sums attr's gradient with atomic adds in the threads' order, which moves the last bits from
            // run to run (docs/backends.md): equal to float32 rounding of the largest magnitude.
            const scale = Math.max(...want.map(Math.abs));
            const worst = Math.max(...got.map((g, i) => Math.abs(g - want[i])));
            expect(worst)
              .withContext(`input 0 of [${subset}]`)
              .toBeLessThanOrEqual(1e-6 * scale);
          } else {
            expect(got).withContext(`input ${subset[j]} of [${subset}]`).toEqual(want);
          }
        }
        tf.dispose(gs);
        expect(tf.memory().numTensors).withContext(`tensors left by [${subset}]`).toBe(before);
        const calls = profile.kernels.filter(kc => kc.name === InterpolateGrad);
        const attrCalls = calls.filter(kc => kc.outputShapes.some(sh => sh.join() === attr.shape.join()));
        expect(calls.length).withContext(`InterpolateGrad calls for [${subset}]`).toBe(1);
        expect(attrCalls.length)
          .withContext(`attribute gradients for [${subset}]`)
          .toBe(subset.includes(0) ? 1 : 0);
      }
      tf.dispose([attr, rast, rastDb, tri]);
    });

    it('chain through rasterize to pos', async () => {
      const {rng, tri, numVertices} = scene(23, 1);
      const attr = tf.tensor2d(rng.array(numVertices * 2, -1, 1), [numVertices, 2]);
      const pos = tf.tensor3d([
        Array.from({length: numVertices}, () => {
          const w = rng.uniform(0.8, 1.5);
          return [rng.uniform(-0.9, 0.9) * w, rng.uniform(-0.9, 0.9) * w, rng.uniform(-0.5, 0.5) * w, w];
        }),
      ]);
      await checkGradient({
        f: p => {
          const {rast, rastDb} = dr.rasterize(p, tri, [12, 12]);
          const {out, outDa} = dr.interpolate(attr, rast, tri, {rastDb, diffAttrs: 'all'});
          return tf.concat([out, outDa], 3);
        },
        x: pos,
        h: 1e-3,
        coords: Array.from({length: pos.size}, (_, i) => i).filter(i => i % 4 !== 2),
      });
    });
  });

  describe('bad input', () => {
    it('names the op, the argument, what was expected and what came', () => {
      const {rast, rastDb} = render();
      const a = tf.tensor2d(attrs);
      expectError(
        () => dr.interpolate(tf.zeros([3]), rast, tri()),
        'interpolate: attr must have shape [V,A], [1,V,A] or [N,V,A], got [3]',
      );
      expectError(
        () => dr.interpolate(tf.zeros([3, 3, 3]), rast, tri()),
        'interpolate: attr must have batch size 1 (the batch of rast), got 3',
      );
      expectError(
        () => dr.interpolate(a, tf.zeros([1, 8, 8, 3]), tri()),
        'interpolate: rast must have shape [N,H,W,4], got [1,8,8,3]',
      );
      expectError(
        () => dr.interpolate(a, rast, tf.tensor2d([[0, 1, 2]])),
        'interpolate: tri must be int32, got float32',
      );
      expectError(
        () => dr.interpolate(a, rast, tri(), {diffAttrs: 'all'}),
        'interpolate: diffAttrs needs rastDb (the second output of rasterize), got none',
      );
      expectError(
        () => dr.interpolate(a, rast, tri(), {rastDb, diffAttrs: [3]}),
        'interpolate: diffAttrs entries must be integers in [-3, 3) for 3 attributes, got 3',
      );
      expectError(
        () => dr.interpolate(a, rast, tri(), {rastDb: tf.zeros([1, 4, 4, 4]), diffAttrs: [0]}),
        'interpolate: rastDb must have the shape of rast [1,8,8,4], got [1,4,4,4]',
      );
      expectError(
        () => dr.interpolate(a, rast, tri(), {rastDb, diffAttrs: 'some' as 'all'}),
        `interpolate: diffAttrs must be 'all' or a list of attribute indices, got "some"`,
      );
    });
  });
});
