/**
 * interpolate: vertex attributes at the pixels, with screen-space attribute derivatives.
 * docs/interpolate.md
 */
import * as tf from '@tensorflow/tfjs-core';

import {Interpolate, InterpolateAttrs, InterpolateGrad} from '../kernels/names';

import {
  checkBatch,
  checkOptions,
  checkShape,
  checkTriangles,
  fail,
  optionNames,
  shapeStr,
  TensorOrLike,
  toTensor,
} from './checks';
import {gradientGroups, gradMap, runKernel, savedInputs} from './grad_util';

/** Options of {@link interpolate} (docs/interpolate.md#options). */
export interface InterpolateOptions {
  /**
   * The `rastDb` output of {@link rasterize} `[N,H,W,4]`; required with `diffAttrs`.
   * @defaultValue none
   */
  rastDb?: TensorOrLike;
  /**
   * Attributes whose screen-space derivatives go to `outDa`: `'all'` or a list of indices
   * (negative ones count from the end).
   * @defaultValue none: `outDa` is `[N,H,W,0]`
   */
  diffAttrs?: 'all' | number[];
}

/** What {@link interpolate} returns. */
export type InterpolateResult = {
  /** `[N,H,W,A]`: the attributes at each pixel; zeros on empty pixels. */
  out: tf.Tensor4D;
  /** `[N,H,W,2k]`: (dA/dX, dA/dY) for each of the k listed attributes; `[N,H,W,0]` when none. */
  outDa: tf.Tensor4D;
};

const OP = 'interpolate';
const OPTIONS = optionNames<InterpolateOptions>({rastDb: true, diffAttrs: true});

function resolveDiffAttrs(diffAttrs: InterpolateOptions['diffAttrs'], numAttrs: number): number[] {
  if (diffAttrs == null) return [];
  if (diffAttrs === 'all') return Array.from({length: numAttrs}, (_, i) => i);
  if (!Array.isArray(diffAttrs)) {
    fail(OP, `diffAttrs must be 'all' or a list of attribute indices, got ${JSON.stringify(diffAttrs)}`);
  }
  return diffAttrs.map(i => {
    if (!Number.isInteger(i) || i < -numAttrs || i >= numAttrs) {
      fail(
        OP,
        `diffAttrs entries must be integers in [${-numAttrs}, ${numAttrs}) for ${numAttrs} attributes, got ${JSON.stringify(
          i,
        )}`,
      );
    }
    return i < 0 ? i + numAttrs : i;
  });
}

/**
 * Interpolates vertex attributes over the rasterized triangles (docs/interpolate.md):
 * out = u·attr[k0] + v·attr[k1] + (1 − u − v)·attr[k2] for the pixel's triangle (k0, k1, k2).
 *
 * Gradients: `attr`, `rast` (u and v channels) and `rastDb`.
 *
 * @param attr - `[V,A]` or `[1,V,A]` (shared by every image) or `[N,V,A]` (one set per image).
 * @param rast - the first output of {@link rasterize}, `[N,H,W,4]`.
 * @param tri - `[T,3]` int32; may differ from the rasterized one (e.g. a separate UV index
 *   buffer) but must have the same T. Pixels whose triangle has an index outside [0, V) get zeros.
 * @param options - `rastDb` and `diffAttrs`: also output the pixel-space derivatives of the listed
 *   attributes, in `outDa` as (dA/dX, dA/dY) pairs in the listed order.
 * @returns `out` `[N,H,W,A]` and `outDa` `[N,H,W,2k]` (k listed attributes).
 *
 * @example
 * ```ts
 * const {rast, rastDb} = dr.rasterize(pos, tri, [256, 256]);
 * const {out: color} = dr.interpolate(vertexColors, rast, tri);                  // [N,256,256,3]
 * const {out: uv, outDa: uvDa} = dr.interpolate(uvs, rast, uvTri, {rastDb, diffAttrs: 'all'});
 * ```
 */
export function interpolate(
  attr: TensorOrLike,
  rast: TensorOrLike,
  tri: TensorOrLike,
  options: InterpolateOptions = {},
): InterpolateResult {
  checkOptions(OP, options, OPTIONS);
  return tf.tidy(() => {
    const a = toTensor(attr, 'attr', OP, 'float32');
    const r = toTensor(rast, 'rast', OP, 'float32');
    const t = toTensor(tri, 'tri', OP, 'int32');
    checkShape(OP, 'attr', a, [2, 3], null, '[V,A], [1,V,A] or [N,V,A]');
    checkShape(OP, 'rast', r, [4], 4, '[N,H,W,4]');
    checkTriangles(OP, t);
    if (a.rank === 3) checkBatch(OP, 'attr', a.shape[0], r.shape[0], 'the batch of rast', true);
    const diffAttrs = resolveDiffAttrs(options.diffAttrs, a.shape[a.rank - 1]);
    let rastDb: tf.Tensor | undefined;
    if (diffAttrs.length > 0) {
      if (options.rastDb == null) fail(OP, `diffAttrs needs rastDb (the second output of rasterize), got none`);
      rastDb = toTensor(options.rastDb, 'rastDb', OP, 'float32');
      if (rastDb.shape.join() !== r.shape.join()) {
        fail(OP, `rastDb must have the shape of rast ${shapeStr(r.shape)}, got ${shapeStr(rastDb.shape)}`);
      }
    }
    const [out, outDa] = runKernel(Interpolate, {attr: a, rast: r, tri: t, rastDb}, {diffAttrs});
    return {out: out as tf.Tensor4D, outDa: outDa as tf.Tensor4D};
  });
}

tf.registerGradient({
  kernelName: Interpolate,
  saveAllInputs: true,
  gradFunc: (dys, saved, attrs) => {
    const [dy, dyDa] = dys as tf.Tensor[];
    const {inputNames, diffAttrs} = attrs as unknown as InterpolateAttrs;
    const {
      inputs: {attr, rast, tri, rastDb},
    } = savedInputs(saved, {inputNames});
    const named = {attr, rast, tri, rastDb, dy, dyDa: rastDb ? dyDa : undefined};
    // Each gradient only when tfjs asks for it (grad_util's gradientGroups): attr's (the costly sum over pixels) in its
    // thunk, which makes rast's and rastDb's too (one pass on webgpu: the pixels' triangles and attribute differences
    // found once for both); without attr's, as in a fit on a constant attribute (uv), rast's thunk makes them alone.
    const {first: attrGrad, second: rastGrad} = gradientGroups(
      outputs => runKernel(InterpolateGrad, named, {diffAttrs, outputs}),
      ['attr', 'rast'],
      ([dattr, ...rest]) => [[dattr], rest],
      false,
    );
    return gradMap({inputNames}, saved, {
      attr: () => attrGrad()[0],
      rast: () => rastGrad()[0],
      rastDb: () => rastGrad()[1],
    });
  },
});
