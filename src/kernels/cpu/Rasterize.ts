import type {KernelConfig, KernelFunc} from '@tensorflow/tfjs-core';

import {drawnWinding, Rasterize, RasterizeAttrs, RasterizeInputs, unpackInputs} from '../names';
import {imageTriangles, meshLayout, validTriangle} from '../shared/layout';
import {decodeTriangleId, encodeTriangleId} from '../shared/triangle_id';

import {keptFloat64, keptInt32} from './scratch';
import {read, withOutputs} from './tensor_io';
import {
  clippedBounds,
  Corners,
  coveredSpan,
  covers,
  depthAt,
  edgeFunctions,
  edgeGradients,
  edgeRoundingBound,
  firstPixel,
  lastPixel,
  loadCorners,
  pixelCenters,
  rasterScratch,
  resolvePixel,
  screenDeterminant,
} from './raster_math';

function allInside(p: Corners): boolean {
  for (let c = 0; c < 3; c++) {
    const w = p[4 * c + 3];
    if (!(Math.abs(p[4 * c]) <= w && Math.abs(p[4 * c + 1]) <= w && Math.abs(p[4 * c + 2]) <= w)) return false;
  }
  return true;
}

/** The NDC bounding box [xmin, xmax, ymin, ymax] of a triangle inside the view volume, into `out`. */
function projectedBounds(p: Corners, out: Float64Array): Float64Array {
  out[0] = out[2] = Infinity;
  out[1] = out[3] = -Infinity;
  for (let c = 0; c < 3; c++) {
    const x = p[4 * c] / p[4 * c + 3],
      y = p[4 * c + 1] / p[4 * c + 3];
    out[0] = Math.min(out[0], x);
    out[1] = Math.max(out[1], x);
    out[2] = Math.min(out[2], y);
    out[3] = Math.max(out[3], y);
  }
  return out;
}

/**
 * Depth-tests every triangle of one image against `depth`, keeping in `winner` the triangle of each
 * pixel's nearest fragment (its depth in `depth`); pixels no fragment reached keep winner −1 (and their depth is
 * never read: only winner is cleared per image, half the bytes, and the resolve scans it alone).
 * With `peel` (the previous layer's rast for this image, at offset `out`), fragments at or in front of
 * its depth, and those of its own triangle, are discarded, and its empty pixels stay empty. `winding`
 * (see drawnWinding) skips culled triangles.
 */
function coverImage(
  pos: Float32Array,
  tri: Int32Array,
  first: number,
  count: number,
  base: number,
  numVertices: number,
  height: number,
  width: number,
  peel: Float32Array | null,
  out: number,
  depth: Float64Array,
  winner: Int32Array,
  winding: number,
) {
  const p: Corners = new Float64Array(12);
  const scratch = rasterScratch();
  const {a, alpha, beta} = scratch;
  const box = new Float64Array(4),
    span = new Float64Array(2);
  const centersX = pixelCenters(width),
    centersY = pixelCenters(height);
  for (let t = first; t < first + count; t++) {
    if (!validTriangle(tri, t, numVertices)) continue;
    loadCorners(pos, base, tri[3 * t], tri[3 * t + 1], tri[3 * t + 2], p);
    const det = screenDeterminant(p);
    if (!(det !== 0) || !Number.isFinite(det)) continue; // edge-on, degenerate or non-finite
    const s = Math.sign(det);
    if (winding !== 0 && s !== winding) continue; // culled
    const bounds = allInside(p) ? projectedBounds(p, box) : clippedBounds(p);
    if (bounds == null) continue;
    const x0 = firstPixel(bounds[0], width),
      x1 = lastPixel(bounds[1], width);
    const y0 = firstPixel(bounds[2], height),
      y1 = lastPixel(bounds[3], height);
    edgeGradients(p, alpha, beta);
    const bound = edgeRoundingBound(p);
    for (let py = y0; py <= y1; py++) {
      const fy = centersY[py];
      // Only the pixels of the row that can pass the exact test (two thirds of the box's fail it on the fit's
      // perturbed sphere).
      let first = x0,
        last = x1;
      if (bound < Infinity) {
        coveredSpan(p, alpha, s, bound, centersX[x0], fy, a, span);
        first = Math.max(x0, firstPixel(span[0], width));
        last = Math.min(x1, lastPixel(span[1], width));
      }
      for (let px = first; px <= last; px++) {
        edgeFunctions(p, centersX[px], fy, a);
        if (!covers(a, alpha, beta, s)) continue;
        const zw = depthAt(p, a);
        if (!(zw >= -1 && zw <= 1)) continue; // near and far clip planes
        const pix = py * width + px;
        if (peel) {
          const o = out + 4 * pix;
          const previous = decodeTriangleId(peel[o + 3]);
          if (previous === 0 || Math.fround(zw) <= peel[o + 2] || previous === t + 1) continue;
        }
        if (winner[pix] < 0 || zw < depth[pix]) {
          depth[pix] = zw;
          winner[pix] = t;
        }
      }
    }
  }
}

/**
 * Resolves each pixel `coverImage` found a fragment for into `rast` and `db` at offset `out`, once, with
 * its nearest triangle (fragments can win the depth test several times per pixel: four on average on the
 * fit's perturbed sphere).
 */
function resolveImage(
  pos: Float32Array,
  tri: Int32Array,
  base: number,
  height: number,
  width: number,
  out: number,
  winner: Int32Array,
  rast: Float32Array,
  db: Float32Array,
) {
  const p: Corners = new Float64Array(12);
  const scratch = rasterScratch();
  const centersX = pixelCenters(width),
    centersY = pixelCenters(height);
  let loaded = -1;
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) {
      const pix = py * width + px;
      const t = winner[pix];
      if (t < 0) continue;
      if (t !== loaded) {
        loadCorners(pos, base, tri[3 * t], tri[3 * t + 1], tri[3 * t + 2], p);
        edgeGradients(p, scratch.alpha, scratch.beta);
        loaded = t;
      }
      const o = out + 4 * pix;
      scratch.center[0] = centersX[px];
      scratch.center[1] = centersY[py];
      resolvePixel(p, width, height, rast, db, o, scratch);
      rast[o + 3] = encodeTriangleId(t + 1);
    }
  }
}

export const rasterizeCpu: KernelFunc = ({inputs, backend, attrs}) => {
  const {pos, tri, peel} = unpackInputs<RasterizeInputs>(inputs, attrs!);
  const {height, width, ranges, cullMode} = attrs as unknown as RasterizeAttrs;
  const winding = drawnWinding(cullMode ?? 'none');
  const layout = meshLayout(pos, tri, {ranges});
  const {numImages, numVertices} = layout;
  const pixels = height * width;
  const shape = [numImages, height, width, 4];
  return withOutputs(backend, [{shape}, {shape}], ([rast, db]) => {
    const posV = read(backend, pos) as Float32Array,
      triV = read(backend, tri) as Int32Array;
    const peelV = peel ? (read(backend, peel) as Float32Array) : null;
    // Depth test in float64 (docs/rasterize.md#resolve); each image starts with no winner.
    const depth = keptFloat64(backend, 'rasterize depth', pixels),
      winner = keptInt32(backend, 'rasterize winner', pixels);
    for (let n = 0; n < numImages; n++) {
      const {first, count, base} = imageTriangles(layout, ranges, n);
      const out = n * pixels * 4;
      winner.fill(-1);
      coverImage(posV, triV, first, count, base, numVertices, height, width, peelV, out, depth, winner, winding);
      resolveImage(posV, triV, base, height, width, out, winner, rast, db);
    }
  });
};

export const rasterizeConfig: KernelConfig = {kernelName: Rasterize, backendName: 'cpu', kernelFunc: rasterizeCpu};
