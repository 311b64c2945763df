/**
 * rasterize: clip-space triangles to per-pixel (u, v, z/w, triangle id) and the pixel-space
 * derivatives of (u, v). docs/rasterize.md
 */
import * as tf from '@tensorflow/tfjs-core';

import {maxResolution} from '../kernels/limits';
import {Coverage, CullMode, Rasterize, RasterizeAttrs, RasterizeGrad} from '../kernels/names';

import {
  checkOneOf,
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

/** Options of {@link rasterize} and {@link DepthPeeler} (docs/rasterize.md#options). */
export interface RasterizeOptions {
  /**
   * Range mode: `[N,2]` int32 (first triangle, count) per image; `pos` is then `[V,4]` and image n
   * draws triangles `ranges[n]` of `tri`. Read on the CPU (the draw calls need the numbers).
   * @defaultValue none: instanced mode, `pos` is `[N,V,4]`
   */
  ranges?: TensorOrLike;
  /**
   * Propagate gradients arriving on `rastDb` into `pos`.
   * @defaultValue `true`
   */
  gradDb?: boolean;
  /**
   * How webgl and webgpu decide which pixels a triangle covers (docs/rasterize.md#coverage):
   * - `'hardware'` (default): the graphics pipeline's own coverage and depth test (32-bit float
   *   depth, none written by the shader), then u, v, z/w and rastDb resolved analytically at the
   *   pixel center for the triangle that won. The pipeline snaps vertices to a sub-pixel grid
   *   (1/256 px on desktop GPUs, 1/16 px on SwiftShader), so within that distance of an edge a pixel
   *   may go to the neighbour the exact rule would not pick; a pixel whose center lies a hair outside
   *   its triangle gets clamped barycentrics (u, v clamped to [0,1], divided by u + v when above 1).
   * - `'exact'`: coverage by the exact edge test at the pixel center (the cpu's rule), slower:
   *   the shader decides coverage and writes depth, which turns early depth rejection off.
   *
   * The cpu backend is always exact and accepts both values.
   * @defaultValue 'hardware'
   */
  coverage?: Coverage;
  /**
   * Which triangles not to draw, by their winding in NDC (x/w, y/w): counter-clockwise is the
   * front, as in OpenGL (docs/rasterize.md#culling). `'back'` draws only counter-clockwise
   * triangles, `'front'` only clockwise ones. Antialias sees an edge between a drawn and a culled
   * triangle of a consistently wound mesh as a silhouette, so visibility gradients survive culling.
   * @defaultValue 'none'
   */
  cullMode?: CullMode;
}

/** What {@link rasterize} and `DepthPeeler.rasterizeNextLayer` return (docs/rasterize.md#outputs). */
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
  coverage: Coverage;
  cullMode: CullMode;
}

const OP = 'rasterize';
/** The names of rasterize's (and DepthPeeler's) options. */
const OPTIONS = optionNames<RasterizeOptions>({ranges: true, gradDb: true, coverage: true, cullMode: true});

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
  const coverage = checkOneOf(op, 'coverage', options.coverage ?? 'hardware', COVERAGES);
  const cullMode = checkOneOf(op, 'cullMode', options.cullMode ?? 'none', CULL_MODES);
  return {pos, tri, height, width, ranges, gradDb, coverage, cullMode};
}

const COVERAGES: readonly Coverage[] = ['hardware', 'exact'];
const CULL_MODES: readonly CullMode[] = ['none', 'back', 'front'];

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
  const {pos, tri, height, width, ranges, gradDb, coverage, cullMode} = setup;
  const attrs: Omit<RasterizeAttrs, 'inputNames'> & {gradDb: boolean} = {
    height,
    width,
    ranges,
    gradDb,
    coverage,
    cullMode,
  };
  const [rast, rastDb] = runKernel(Rasterize, {pos, tri, peel}, attrs);
  return {rast: rast as tf.Tensor4D, rastDb: rastDb as tf.Tensor4D};
}

/**
 * Rasterizes triangles into an image of `[height, width]` pixels (docs/rasterize.md): per pixel the
 * nearest covering triangle's perspective-correct barycentrics, depth and id, and the barycentrics'
 * pixel-space derivatives. Row 0 is the bottom of the image.
 *
 * Gradients: `pos` receives them through u and v, and through rastDb when `gradDb` is true.
 * The z/w and id channels and coverage itself get none (visibility gradients come from
 * {@link antialias}).
 *
 * @param pos - clip-space vertex positions (x, y, z, w): `[N,V,4]` (instanced: image n uses
 *   pos[n] with all of `tri`), or `[V,4]` with `options.ranges` (range mode).
 * @param tri - `[T,3]` int32 vertex indices. Triangles with an index outside [0, V) are skipped.
 * @param resolution - `[height, width]` in pixels, each in [1, the backend's limit].
 * @param options - `ranges` (range mode), `gradDb`, and the options of {@link RasterizeOptions}.
 * @returns `rast` `[N,H,W,4]` = (u, v, z/w, id) with id the row of `tri` plus one (0 = empty; ids
 *   above 2^24 are bit-encoded, see {@link decodeTriangleId}), and `rastDb` `[N,H,W,4]` =
 *   (du/dX, du/dY, dv/dX, dv/dY) per pixel.
 *
 * @example
 * ```ts
 * const pos = tf.tensor3d([[[-0.8, -0.8, 0, 1], [0.8, -0.8, 0, 1], [0, 0.8, 0, 1]]]);
 * const tri = tf.tensor2d([[0, 1, 2]], [1, 3], 'int32');
 * const {rast, rastDb} = dr.rasterize(pos, tri, [256, 256]);   // both [1,256,256,4]
 * ```
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
