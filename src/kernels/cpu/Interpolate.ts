import type {KernelConfig, KernelFunc} from '@tensorflow/tfjs-core';

import {Interpolate, InterpolateAttrs, InterpolateInputs, unpackInputs} from '../names';
import {AttributeLayout, attributeLayout, validTriangle} from '../shared/layout';
import {decodeTriangleId} from '../shared/triangle_id';

import {read, withOutputs} from './tensor_io';

/**
 * Calls fn(pixelIndex, rastOffset, attrOffset0..2) for every covered pixel whose triangle is valid
 * in `tri`; attrOffsetK is where corner K's attributes start in the attr array.
 */
export function forEachCoveredPixel(
  layout: AttributeLayout,
  rastV: Float32Array,
  triV: Int32Array,
  fn: (pix: number, o: number, c0: number, c1: number, c2: number) => void,
) {
  const {numImages, pixels, numVertices, numAttrs, attrStride} = layout;
  const numTriangles = triV.length / 3;
  for (let n = 0; n < numImages; n++) {
    const base = n * attrStride;
    for (let i = 0; i < pixels; i++) {
      const pix = n * pixels + i,
        o = 4 * pix;
      const t = decodeTriangleId(rastV[o + 3]) - 1;
      if (t < 0 || t >= numTriangles || !validTriangle(triV, t, numVertices)) continue;
      fn(
        pix,
        o,
        (base + triV[3 * t]) * numAttrs,
        (base + triV[3 * t + 1]) * numAttrs,
        (base + triV[3 * t + 2]) * numAttrs,
      );
    }
  }
}

export const interpolateCpu: KernelFunc = ({inputs, backend, attrs}) => {
  const {attr, rast, tri, rastDb} = unpackInputs<InterpolateInputs>(inputs, attrs!);
  const {diffAttrs} = attrs as unknown as InterpolateAttrs;
  const layout = attributeLayout(attr, rast);
  const {numAttrs} = layout;
  const numDa = 2 * diffAttrs.length;
  const [n, h, w] = rast.shape;
  return withOutputs(backend, [{shape: [n, h, w, numAttrs]}, {shape: [n, h, w, numDa]}], ([out, outDa]) => {
    const attrV = read(backend, attr) as Float32Array,
      rastV = read(backend, rast) as Float32Array;
    const dbV = rastDb ? (read(backend, rastDb) as Float32Array) : null;
    forEachCoveredPixel(layout, rastV, read(backend, tri) as Int32Array, (pix, o, c0, c1, c2) => {
      const u = rastV[o],
        v = rastV[o + 1],
        w = 1 - u - v;
      for (let a = 0; a < numAttrs; a++) {
        out[pix * numAttrs + a] = u * attrV[c0 + a] + v * attrV[c1 + a] + w * attrV[c2 + a];
      }
      if (!dbV) return;
      for (let j = 0; j < diffAttrs.length; j++) {
        const a = diffAttrs[j];
        const d0 = attrV[c0 + a] - attrV[c2 + a],
          d1 = attrV[c1 + a] - attrV[c2 + a];
        outDa[pix * numDa + 2 * j] = dbV[o] * d0 + dbV[o + 2] * d1;
        outDa[pix * numDa + 2 * j + 1] = dbV[o + 1] * d0 + dbV[o + 3] * d1;
      }
    });
  });
};

export const interpolateConfig: KernelConfig = {
  kernelName: Interpolate,
  backendName: 'cpu',
  kernelFunc: interpolateCpu,
};
