import type {KernelConfig, KernelFunc} from '@tensorflow/tfjs-core';

import {Interpolate, InterpolateAttrs, InterpolateInputs, unpackInputs} from '../names';
import {AttributeLayout, attributeLayout, validTriangle} from '../shared/layout';
import {decodeTriangleId} from '../shared/triangle_id';

import {read, withOutputs} from './tensor_io';

/**
 * The triangle a rast pixel shows, as where its corners' attributes start in attr (c0, c1, c2), looked up again
 * only when the id changes (neighbouring pixels mostly show the same triangle). Kernels walk the pixels in
 * memory order themselves and ask it per pixel: a callback per pixel would cost more than the arithmetic.
 */
export class PixelTriangle {
  c0 = 0;
  c1 = 0;
  c2 = 0;
  private id = NaN;
  private valid = false;
  private base = 0;
  private readonly numTriangles: number;

  constructor(
    private readonly tri: Int32Array,
    private readonly layout: AttributeLayout,
  ) {
    this.numTriangles = tri.length / 3;
  }

  /** Starts image `n` (its own attribute rows when attr is per image). */
  image(n: number) {
    this.base = n * this.layout.attrStride;
    this.id = NaN;
  }

  /** Whether a pixel whose id channel holds `id` shows a valid triangle of `tri`; if so, sets c0..c2. */
  covers(id: number): boolean {
    if (id === this.id) return this.valid;
    this.id = id;
    const t = decodeTriangleId(id) - 1;
    const {tri, layout} = this;
    this.valid = t >= 0 && t < this.numTriangles && validTriangle(tri, t, layout.numVertices);
    if (this.valid) {
      this.c0 = (this.base + tri[3 * t]) * layout.numAttrs;
      this.c1 = (this.base + tri[3 * t + 1]) * layout.numAttrs;
      this.c2 = (this.base + tri[3 * t + 2]) * layout.numAttrs;
    }
    return this.valid;
  }
}

export const interpolateCpu: KernelFunc = ({inputs, backend, attrs}) => {
  const {attr, rast, tri, rastDb} = unpackInputs<InterpolateInputs>(inputs, attrs!);
  const {diffAttrs} = attrs as unknown as InterpolateAttrs;
  const layout = attributeLayout(attr, rast);
  const {numAttrs} = layout;
  const numDa = 2 * diffAttrs.length;
  const [numImages, height, width] = rast.shape;
  const image = (channels: number) => ({shape: [numImages, height, width, channels]});
  return withOutputs(backend, [image(numAttrs), image(numDa)], ([out, outDa]) => {
    const attrV = read(backend, attr) as Float32Array,
      rastV = read(backend, rast) as Float32Array;
    const dbV = rastDb ? (read(backend, rastDb) as Float32Array) : null;
    const px = new PixelTriangle(read(backend, tri) as Int32Array, layout);
    for (let n = 0; n < numImages; n++) {
      px.image(n);
      for (let pix = n * layout.pixels, end = pix + layout.pixels; pix < end; pix++) {
        const o = 4 * pix;
        if (!px.covers(rastV[o + 3])) continue;
        const {c0, c1, c2} = px;
        const u = rastV[o],
          v = rastV[o + 1],
          w = 1 - u - v;
        for (let a = 0; a < numAttrs; a++) {
          out[pix * numAttrs + a] = u * attrV[c0 + a] + v * attrV[c1 + a] + w * attrV[c2 + a];
        }
        if (!dbV) continue;
        for (let j = 0; j < diffAttrs.length; j++) {
          const a = diffAttrs[j];
          const d0 = attrV[c0 + a] - attrV[c2 + a],
            d1 = attrV[c1 + a] - attrV[c2 + a];
          outDa[pix * numDa + 2 * j] = dbV[o] * d0 + dbV[o + 2] * d1;
          outDa[pix * numDa + 2 * j + 1] = dbV[o + 1] * d0 + dbV[o + 3] * d1;
        }
      }
    }
  });
};

export const interpolateConfig: KernelConfig = {
  kernelName: Interpolate,
  backendName: 'cpu',
  kernelFunc: interpolateCpu,
};
