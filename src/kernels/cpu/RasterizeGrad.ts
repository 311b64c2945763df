import type {KernelConfig, KernelFunc} from '@tensorflow/tfjs-core';

import {RasterizeGrad, RasterizeGradInputs, unpackInputs} from '../names';
import {meshLayout, validTriangle} from '../shared/layout';
import {A_EPSILON} from '../shared/raster';
import {decodeTriangleId} from '../shared/triangle_id';

import {output, read} from './tensor_io';
import {Corners, edgeGradients, loadCorners, pixelCenter} from './raster_math';

/**
 * Gradient of one pixel's (u, v) and, when g holds rastDb gradients, of its (du/dX, du/dY,
 * dv/dX, dv/dY), with respect to the triangle's x, y, w; added into dp (12 entries, z untouched).
 */
function pixelGrad(
  p: Corners,
  fx: number,
  fy: number,
  width: number,
  height: number,
  gu: number,
  gv: number,
  gdb: ArrayLike<number> | null,
  o: number,
  dp: Float64Array,
  s: Float64Array,
) {
  const q0x = p[0] - fx * p[3],
    q0y = p[1] - fy * p[3];
  const q1x = p[4] - fx * p[7],
    q1y = p[5] - fy * p[7];
  const q2x = p[8] - fx * p[11],
    q2y = p[9] - fy * p[11];
  const a0 = q1x * q2y - q1y * q2x,
    a1 = q2x * q0y - q2y * q0x,
    a2 = q0x * q1y - q0y * q1x;
  const A = a0 + a1 + a2;
  const Ap = A + Math.sign(A) * A_EPSILON;
  const u = a0 / Ap,
    v = a1 / Ap;
  const G0 = gu / Ap,
    G1 = gv / Ap,
    Gs = G0 * u + G1 * v;
  let da0 = G0 - Gs,
    da1 = G1 - Gs,
    da2 = -Gs;

  if (gdb) {
    // d/d(vertices) of du/dX = cx(α0 − u·Σα)/A′ and its three siblings (docs/rasterize.md#derivatives).
    const alpha = s.subarray(0, 3),
      beta = s.subarray(3, 6);
    edgeGradients(p, alpha, beta);
    const sa = alpha[0] + alpha[1] + alpha[2],
      sb = beta[0] + beta[1] + beta[2];
    const cx = 2 / width,
      cy = 2 / height;
    const gUX = gdb[o],
      gUY = gdb[o + 1],
      gVX = gdb[o + 2],
      gVY = gdb[o + 3];
    const PX = (gUX * cx) / Ap,
      PY = (gUY * cy) / Ap,
      QX = (gVX * cx) / Ap,
      QY = (gVY * cy) / Ap;
    const dAlphaAll = -(PX * u + QX * v),
      dBetaAll = -(PY * u + QY * v);
    const dU = -(PX * sa + PY * sb),
      dV = -(QX * sa + QY * sb);
    const dA =
      -(PX * (alpha[0] - u * sa) + PY * (beta[0] - u * sb) + QX * (alpha[1] - v * sa) + QY * (beta[1] - v * sb)) / Ap;
    da0 += (dU * (1 - u)) / Ap + (dV * -v) / Ap + dA;
    da1 += (dU * -u) / Ap + (dV * (1 - v)) / Ap + dA;
    da2 += (dU * -u) / Ap + (dV * -v) / Ap + dA;
    for (let k = 0; k < 3; k++) {
      const i = 4 * ((k + 1) % 3),
        j = 4 * ((k + 2) % 3);
      const dAlpha = dAlphaAll + (k === 0 ? PX : k === 1 ? QX : 0),
        dBeta = dBetaAll + (k === 0 ? PY : k === 1 ? QY : 0);
      // α_k = y_i·w_j − y_j·w_i
      dp[i + 1] += dAlpha * p[j + 3];
      dp[j + 3] += dAlpha * p[i + 1];
      dp[j + 1] -= dAlpha * p[i + 3];
      dp[i + 3] -= dAlpha * p[j + 1];
      // β_k = x_j·w_i − x_i·w_j
      dp[j] += dBeta * p[i + 3];
      dp[i + 3] += dBeta * p[j];
      dp[i] -= dBeta * p[j + 3];
      dp[j + 3] -= dBeta * p[i];
    }
  }

  // a0 = cross(q1, q2), a1 = cross(q2, q0), a2 = cross(q0, q1)
  const dq0x = da1 * -q2y + da2 * q1y,
    dq0y = da1 * q2x - da2 * q1x;
  const dq1x = da0 * q2y - da2 * q0y,
    dq1y = -da0 * q2x + da2 * q0x;
  const dq2x = -da0 * q1y + da1 * q0y,
    dq2y = da0 * q1x - da1 * q0x;
  dp[0] += dq0x;
  dp[1] += dq0y;
  dp[3] += -fx * dq0x - fy * dq0y;
  dp[4] += dq1x;
  dp[5] += dq1y;
  dp[7] += -fx * dq1x - fy * dq1y;
  dp[8] += dq2x;
  dp[9] += dq2y;
  dp[11] += -fx * dq2x - fy * dq2y;
}

export const rasterizeGradCpu: KernelFunc = ({inputs, backend, attrs}) => {
  const {pos, tri, rast, dy, ddb} = unpackInputs<RasterizeGradInputs>(inputs, attrs!);
  const posV = read(backend, pos) as Float32Array,
    triV = read(backend, tri) as Int32Array;
  const rastV = read(backend, rast) as Float32Array,
    dyV = read(backend, dy) as Float32Array;
  const ddbV = ddb ? (read(backend, ddb) as Float32Array) : null;
  const [numImages, height, width] = rast.shape;
  const {numVertices, numTriangles, vertexStride} = meshLayout(pos, tri, rast);
  const dpos = new Float64Array(posV.length);
  const p: Corners = new Float64Array(12),
    dp = new Float64Array(12),
    scratch = new Float64Array(6);
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
    dp.fill(0);
    current = -1;
  };
  for (let n = 0; n < numImages; n++) {
    const base = n * vertexStride;
    for (let py = 0; py < height; py++) {
      const fy = pixelCenter(py, height);
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
        }
        pixelGrad(p, pixelCenter(px, width), fy, width, height, dyV[o], dyV[o + 1], gdb, o, dp, scratch);
      }
    }
  }
  flush();
  return output(backend, pos.shape, dpos);
};

export const rasterizeGradConfig: KernelConfig = {
  kernelName: RasterizeGrad,
  backendName: 'cpu',
  kernelFunc: rasterizeGradCpu,
};
