/**
 * rasterize: clip-space triangles to per-pixel (u, v, z/w, triangle id) and the pixel-space
 * derivatives of (u, v). docs/rasterize.md
 */
import * as tf from '@tensorflow/tfjs-core';

import {maxResolution} from '../kernels/limits';
import {Rasterize, RasterizeAttrs, RasterizeGrad} from '../kernels/names';

import {
  checkOptions,
  checkPositions,
  checkTriangles,
  fail,
  optionNames,
  shapeStr,
  TensorOrLike,
  toTensor,
} from './checks';
import {gradMap, runKernel, savedInputs} from './grad_util';

export interface RasterizeOptions {
  /**
   * Range mode: `[N,2]` int32 (first triangle, count) per image; `pos` is then `[V,4]` and image n
   * draws triangles `ranges[n]` of `tri`. Read on the CPU (the draw calls need the numbers).
   */
  ranges?: TensorOrLike;
  /** Propagate gradients arriving on `rastDb` into `pos` (default true). */
  gradDb?: boolean;
}

export type RasterizeResult = {
  /** `[N,H,W,4]`: (u, v, z/w, triangle id + 1); all zeros where no triangle covers the pixel. */
  rast: tf.Tensor4D;
  /** `[N,H,W,4]`: (du/dX, du/dY, dv/dX, dv/dY) in pixels. */
  rastDb: tf.Tensor4D;
};

/** The checked arguments of a rasterize call, shared with DepthPeeler. */
export interface RasterizeSetup {
  pos: tf.Tensor;
  tri: tf.Tensor;
  height: number;
  width: number;
  ranges: number[];
  gradDb: boolean;
}

const OP = 'rasterize';
/** The names of rasterize's (and DepthPeeler's) options. */
const OPTIONS = optionNames<RasterizeOptions>({ranges: true, gradDb: true});

/** Checks and converts rasterize's arguments; `op` names the caller in messages. */
export function setupRasterize(
  posLike: TensorOrLike,
  triLike: TensorOrLike,
  resolution: [number, number],
  options: RasterizeOptions,
  op = OP,
): RasterizeSetup {
  checkOptions(op, options, OPTIONS);
  const pos = toTensor(posLike, 'pos', op, 'float32');
  const tri = toTensor(triLike, 'tri', op, 'int32');
  checkPositions(op, pos);
  checkTriangles(op, tri);
  const [height, width] = checkResolution(op, resolution);
  const numTriangles = tri.shape[0];
  let ranges: number[] = [];
  if (pos.rank === 2) {
    if (options.ranges == null) {
      fail(
        op,
        `ranges is required when pos has shape [V,4] (range mode), got pos ${shapeStr(pos.shape)} and no ranges`,
      );
    }
    ranges = readRanges(op, options.ranges, numTriangles);
  } else if (options.ranges != null) {
    fail(op, `ranges is only for range mode (pos [V,4]), got pos ${shapeStr(pos.shape)}`);
  }
  const gradDb = options.gradDb ?? true;
  if (typeof gradDb !== 'boolean') fail(op, `gradDb must be a boolean, got ${JSON.stringify(gradDb)}`);
  return {pos, tri, height, width, ranges, gradDb};
}

function checkResolution(op: string, resolution: unknown): [number, number] {
  const max = maxResolution();
  if (
    !Array.isArray(resolution) ||
    resolution.length !== 2 ||
    !resolution.every(r => Number.isInteger(r) && r > 0 && r <= max)
  ) {
    fail(
      op,
      `resolution must be [height, width], two integers in [1, ${max}] on this backend, got ${JSON.stringify(
        resolution,
      )}`,
    );
  }
  return resolution as [number, number];
}

function readRanges(op: string, rangesLike: TensorOrLike, numTriangles: number): number[] {
  const ranges = toTensor(rangesLike, 'ranges', op, 'int32');
  if (ranges.rank !== 2 || ranges.shape[1] !== 2) {
    fail(op, `ranges must have shape [N,2], got ${shapeStr(ranges.shape)}`);
  }
  if (ranges.shape[0] < 1) fail(op, `ranges must have at least one row, got ${shapeStr(ranges.shape)}`);
  const values = Array.from(ranges.dataSync());
  if (ranges !== rangesLike) ranges.dispose();
  for (let n = 0; n < values.length; n += 2) {
    const [first, count] = [values[n], values[n + 1]];
    if (first < 0 || count < 0 || first + count > numTriangles) {
      fail(
        op,
        `ranges[${n / 2}] must be (first, count) with 0 <= first and first + count <= ${
          numTriangles
        } (the number of triangles), got (${first}, ${count})`,
      );
    }
  }
  return values;
}

/** Runs the rasterize kernel; `peel` is the previous depth layer's rast (DepthPeeler). */
export function runRasterize(setup: RasterizeSetup, peel?: tf.Tensor): RasterizeResult {
  const {pos, tri, height, width, ranges, gradDb} = setup;
  const attrs: Omit<RasterizeAttrs, 'inputNames'> & {gradDb: boolean} = {height, width, ranges, gradDb};
  const [rast, rastDb] = runKernel(Rasterize, {pos, tri, peel}, attrs);
  return {rast: rast as tf.Tensor4D, rastDb: rastDb as tf.Tensor4D};
}

/**
 * Rasterizes triangles into an image of `[height, width]` pixels.
 *
 * - `pos`: clip-space vertex positions (x, y, z, w): `[N,V,4]` (instanced: image n uses pos[n]
 *   with all of `tri`), or `[V,4]` with `options.ranges` (range mode).
 * - `tri`: `[T,3]` int32 vertex indices. Triangles with an index outside [0, V) are skipped.
 * - returns `rast` `[N,H,W,4]` = (u, v, z/w, id) with id the row of `tri` plus one (0 = empty;
 *   ids above 2^24 are bit-encoded, see `decodeTriangleId`), and `rastDb` `[N,H,W,4]` =
 *   (du/dX, du/dY, dv/dX, dv/dY) per pixel. Row 0 is the bottom of the image.
 *
 * Gradients: `pos` receives them through u and v, and through rastDb when `gradDb` is true.
 * The z/w and id channels and coverage itself get none (visibility gradients come from
 * `antialias`).
 */
export function rasterize(
  pos: TensorOrLike,
  tri: TensorOrLike,
  resolution: [number, number],
  options: RasterizeOptions = {},
): RasterizeResult {
  return tf.tidy(() => runRasterize(setupRasterize(pos, tri, resolution, options)));
}

tf.registerGradient({
  kernelName: Rasterize,
  saveAllInputs: true,
  outputsToSave: [true, false],
  gradFunc: (dys, saved, attrs) => {
    const [drast, drastDb] = dys as tf.Tensor[];
    const {inputNames, gradDb} = attrs as unknown as RasterizeAttrs & {gradDb: boolean};
    const {
      inputs: {pos, tri},
      outputs: [rast],
    } = savedInputs(saved, {inputNames});
    return gradMap({inputNames}, saved, {
      pos: () => runKernel(RasterizeGrad, {pos, tri, rast, dy: drast, ddb: gradDb ? drastDb : undefined})[0],
    });
  },
});
