import type {KernelConfig, KernelFunc} from '@tensorflow/tfjs-core';

import {RasterizeGrad, RasterizeGradInputs, unpackInputs} from '../names';
import {meshLayout, validTriangle} from '../shared/layout';
import {decodeTriangleId} from '../shared/triangle_id';

import {read, withOutput} from './tensor_io';
import {Corners, edgeGradients, loadCorners, pixelCenters, rasterScratch, resolvePixelGrad} from './raster_math';

export const rasterizeGradCpu: KernelFunc = ({inputs, backend, attrs}) => {
  const {pos, tri, rast, dy, ddb} = unpackInputs<RasterizeGradInputs>(inputs, attrs!);
  const [numImages, height, width] = rast.shape;
  const {numVertices, numTriangles, vertexStride} = meshLayout(pos, tri, rast);
  return withOutput(backend, {shape: pos.shape}, dposOut => {
    const posV = read(backend, pos) as Float32Array,
      triV = read(backend, tri) as Int32Array;
    const rastV = read(backend, rast) as Float32Array,
      dyV = read(backend, dy) as Float32Array;
    const ddbV = ddb ? (read(backend, ddb) as Float32Array) : null;
    const dpos = new Float64Array(posV.length);
    const p: Corners = new Float64Array(12),
      dp = new Float64Array(12),
      scratch = rasterScratch();
    const centersX = pixelCenters(width),
      centersY = pixelCenters(height);
    // Neighbouring pixels mostly share a triangle: its corners' gradients are summed in dp over the
    // run of pixels and added to dpos once per run, not once per pixel.
    let current = -1,
      currentBase = 0;
    const flush = () => {
      if (current < 0) return;
      for (let c = 0; c < 3; c++) {
        const d = (currentBase + triV[3 * current + c]) * 4;
        dpos[d] += dp[4 * c];
        dpos[d + 1] += dp[4 * c + 1];
        dpos[d + 3] += dp[4 * c + 3];
      }
      for (let k = 0; k < 12; k++) dp[k] = 0; // (not fill(): runs are often one pixel long)
      current = -1;
    };
    for (let n = 0; n < numImages; n++) {
      const base = n * vertexStride;
      for (let py = 0; py < height; py++) {
        const fy = centersY[py];
        for (let px = 0; px < width; px++) {
          const o = ((n * height + py) * width + px) * 4;
          const t = decodeTriangleId(rastV[o + 3]) - 1;
          if (t < 0 || t >= numTriangles || !validTriangle(triV, t, numVertices)) continue;
          const gdb = ddbV && (ddbV[o] || ddbV[o + 1] || ddbV[o + 2] || ddbV[o + 3]) ? ddbV : null;
          if (!dyV[o] && !dyV[o + 1] && !gdb) continue;
          if (t !== current || base !== currentBase) {
            flush();
            current = t;
            currentBase = base;
            loadCorners(posV, base, triV[3 * t], triV[3 * t + 1], triV[3 * t + 2], p);
            edgeGradients(p, scratch.alpha, scratch.beta);
          }
          scratch.center[0] = centersX[px];
          scratch.center[1] = fy;
          resolvePixelGrad(p, width, height, dyV, gdb, o, dp, scratch);
        }
      }
    }
    flush();
    dposOut.set(dpos);
  });
};

export const rasterizeGradConfig: KernelConfig = {
  kernelName: RasterizeGrad,
  backendName: 'cpu',
  kernelFunc: rasterizeGradCpu,
};
