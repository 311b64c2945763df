/** The instanced/range bookkeeping every backend's kernels share (src/kernels/shared/layout.ts). */
import {attributeLayout, imageTriangles, meshLayout, validTriangle} from '../src/kernels/shared/layout';

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
