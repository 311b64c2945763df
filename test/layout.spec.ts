/** The instanced/range bookkeeping every backend's kernels share (src/kernels/shared/layout.ts). */
import {attributeLayout, imageTriangles, meshLayout, validTriangle} from '../src/kernels/shared/layout';
import {provokingMesh} from '../src/kernels/shared/provoking';

describe('layout', () => {
  const shaped = (...shape: number[]) => ({shape});

  it('instanced: N images of V vertices each, every triangle in every image', () => {
    const layout = meshLayout(shaped(3, 5, 4), shaped(7, 3), {ranges: []});
    expect(layout).toEqual({
      rangeMode: false,
      numImages: 3,
      numVertices: 5,
      numTriangles: 7,
      vertexStride: 5,
      posRows: 15,
    });
    expect(imageTriangles(layout, [], 2)).toEqual({first: 0, count: 7, base: 10});
    expect(meshLayout(shaped(3, 5, 4), shaped(7, 3), shaped(3, 8, 8, 4)).numImages).toBe(3);
  });

  it('range mode: shared positions, image n draws ranges[n]', () => {
    const ranges = [0, 2, 2, 5];
    const layout = meshLayout(shaped(5, 4), shaped(7, 3), {ranges});
    expect(layout).toEqual({
      rangeMode: true,
      numImages: 2,
      numVertices: 5,
      numTriangles: 7,
      vertexStride: 0,
      posRows: 5,
    });
    expect(imageTriangles(layout, ranges, 1)).toEqual({first: 2, count: 5, base: 0});
    expect(meshLayout(shaped(5, 4), shaped(7, 3), shaped(4, 2, 2, 4)).numImages).toBe(4);
  });

  it('a triangle is valid when every index is in [0, V)', () => {
    const tri = [0, 1, 2, 0, 1, 3, -1, 1, 2];
    expect([0, 1, 2].map(t => validTriangle(tri, t, 3))).toEqual([true, false, false]);
    expect(validTriangle(Int32Array.from(tri), 1, 4)).toBe(true);
  });

  it('attributes: shared [V,A] and [1,V,A], per image [N,V,A]', () => {
    const rast = shaped(2, 3, 4, 4);
    const shared = {numImages: 2, height: 3, width: 4, pixels: 12, numVertices: 6, numAttrs: 5, perImage: false};
    expect(attributeLayout(shaped(6, 5), rast)).toEqual({...shared, attrStride: 0, attrRows: 6});
    expect(attributeLayout(shaped(1, 6, 5), rast)).toEqual({...shared, attrStride: 0, attrRows: 6});
    expect(attributeLayout(shaped(2, 6, 5), rast)).toEqual({...shared, perImage: true, attrStride: 6, attrRows: 12});
  });
});

describe('provokingMesh', () => {
  // A strip of a fan and an invalid triangle: 5 vertices, more triangles than a vertex each can provoke.
  const tri = [0, 1, 2, 0, 2, 3, 0, 3, 4, 0, 4, 1, 1, 4, 2, 0, 9, 1];
  const V = 5;

  for (const order of ['first', 'last'] as const) {
    it(`gives each valid triangle a provoking vertex of its own at its corner (${order})`, () => {
      const {indices, triangle, corners} = provokingMesh(tri, V, order);
      const seen = new Set<number>();
      for (let t = 0; t < tri.length / 3; t++) {
        const k = tri.slice(3 * t, 3 * t + 3);
        const drawn = Array.from(indices.slice(3 * t, 3 * t + 3));
        if (t === 5) {
          // invalid: one vertex three times, which reads no triangle
          expect(new Set(drawn).size).toBe(1);
          expect(triangle[drawn[0]]).toBe(-1);
          continue;
        }
        const own = order === 'first' ? drawn[0] : drawn[2];
        expect(seen.has(own)).toBe(false);
        seen.add(own);
        expect(triangle[own]).toBe(t);
        expect(Array.from(corners.slice(4 * own, 4 * own + 3))).toEqual(k);
        // Every drawn vertex sits at its triangle's corner, and the corners keep the winding (a rotation of k).
        const at = drawn.map(v => corners[4 * v + corners[4 * v + 3]]);
        const rotations = [0, 1, 2].map(r => [k[r], k[(r + 1) % 3], k[(r + 2) % 3]]);
        expect(rotations).toContain(at);
      }
    });
  }
});
