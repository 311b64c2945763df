/**
 * texture: filtered texture lookups (nearest, bilinear, trilinear mipmaps, cube maps).
 * docs/texture.md
 */
import * as tf from '@tensorflow/tfjs-core';

import {BoundaryMode, FilterMode, Texture, TextureForwardAttrs, TextureGrad, textureGradSplit} from '../kernels/names';
import {mipLevelSize} from '../kernels/shared/mip_sizes';

import {
  checkBatch,
  checkNonNegativeInt,
  checkOneOf,
  checkOptions,
  checkSameDims,
  checkShape,
  fail,
  optionNames,
  shapeStr,
  TensorOrLike,
  toTensor,
} from './checks';
import {gradientGroups, gradMap, runKernel, savedInputs, withoutGradient} from './grad_util';
import {checkMipLevels, checkTextureShape, TextureMip, textureConstructMip} from './texture_mip';

/** Options of {@link texture} (docs/texture.md#options). */
export interface TextureOptions {
  /**
   * `[N,H,W,4]` (ds/dX, ds/dY, dt/dX, dt/dY), cube `[N,H,W,6]`: selects the mip level
   * (docs/texture.md#level-of-detail). Exactly interpolate's `outDa` layout.
   * @defaultValue none
   */
  uvDa?: TensorOrLike;
  /**
   * `[N,H,W]`: added to the level of detail, or is the level when `uvDa` is not given.
   * @defaultValue none
   */
  mipLevelBias?: TensorOrLike;
  /**
   * Mip levels 1..L: a {@link textureConstructMip} result (gradients go back into `tex`), or an
   * array of level tensors (each gets its own gradient).
   * @defaultValue built from `tex` when a mipmap filter needs it
   */
  mip?: TextureMip | TensorOrLike[];
  /**
   * `'nearest'`, `'linear'`, `'linear-mipmap-nearest'`, `'linear-mipmap-linear'`, or `'auto'`:
   * trilinear when `uvDa` or `mipLevelBias` is given, else linear (docs/texture.md#filter-modes).
   * @defaultValue 'auto'
   */
  filterMode?: FilterMode | 'auto';
  /**
   * `'wrap'`, `'clamp'`, `'zero'`; cube maps need (and only they take) `'cube'`
   * (docs/texture.md#boundary-modes).
   * @defaultValue 'wrap'
   */
  boundaryMode?: BoundaryMode;
  /**
   * The last mip level used.
   * @defaultValue all levels
   */
  maxMipLevel?: number;
}

const OP = 'texture';
const OPTIONS = optionNames<TextureOptions>({
  uvDa: true,
  mipLevelBias: true,
  mip: true,
  filterMode: true,
  boundaryMode: true,
  maxMipLevel: true,
});
const FILTER_MODES = ['auto', 'nearest', 'linear', 'linear-mipmap-nearest', 'linear-mipmap-linear'] as const;
const BOUNDARY_MODES = ['wrap', 'clamp', 'zero', 'cube'] as const;

interface TextureOpAttrs extends TextureForwardAttrs {
  /**
   * The levels are tex's pyramid (a TextureMip, or built here): their gradients go into tex through the adjoint, inside
   * TextureGrad (its attribute of the same name).
   */
  mipGradToTex: boolean;
}

/**
 * Samples `tex` at `uv`: nearest, bilinear or trilinear (mipmapped), 2-D or cube map
 * (docs/texture.md).
 *
 * Gradients (docs/texture.md#backward): nearest → tex; linear → tex, uv; linear-mipmap-nearest →
 * tex, uv, mip levels; linear-mipmap-linear → tex, uv, uvDa, mipLevelBias, mip levels.
 *
 * @param tex - `[Nt,Ht,Wt,C]`, or a cube map `[Nt,6,S,S,C]` (faces +X, −X, +Y, −Y, +Z, −Z); Nt is
 *   1 (shared) or N; any C.
 * @param uv - `[N,H,W,2]` texture coordinates (s, t) with (0,0) the corner of texel row 0,
 *   column 0; for cube maps `[N,H,W,3]` directions.
 * @param options - filter and boundary modes, the level of detail, the mip pyramid.
 * @returns `[N,H,W,C]`.
 *
 * @example
 * ```ts
 * const {out: uv, outDa: uvDa} = dr.interpolate(uvs, rast, uvTri, {rastDb, diffAttrs: 'all'});
 * const color = dr.texture(tex, uv, {uvDa, filterMode: 'linear-mipmap-linear', boundaryMode: 'clamp'});
 * ```
 */
export function texture(tex: TensorOrLike, uv: TensorOrLike, options: TextureOptions = {}): tf.Tensor4D {
  checkOptions(OP, options, OPTIONS);
  return tf.tidy(() => {
    const t = toTensor(tex, 'tex', OP, 'float32');
    const u = toTensor(uv, 'uv', OP, 'float32');
    const boundaryMode = checkOneOf(OP, 'boundaryMode', options.boundaryMode ?? 'wrap', BOUNDARY_MODES);
    const cube = boundaryMode === 'cube';
    if (t.rank === 5 && !cube) {
      fail(OP, `boundaryMode must be 'cube' for a cube map tex ${shapeStr(t.shape)}, got '${boundaryMode}'`);
    }
    checkTextureShape(OP, t, cube);
    checkShape(OP, 'uv', u, [4], cube ? 3 : 2, cube ? '[N,H,W,3] (directions, for a cube map)' : '[N,H,W,2]');
    checkBatch(OP, 'tex', t.shape[0], u.shape[0], 'the batch of uv', true);

    const uvDa = options.uvDa == null ? undefined : toTensor(options.uvDa, 'uvDa', OP, 'float32');
    if (uvDa) {
      const expected = cube ? '[N,H,W,6]' : '[N,H,W,4]';
      checkShape(OP, 'uvDa', uvDa, [4], cube ? 6 : 4, expected);
      checkSameDims(OP, 'uvDa', uvDa, u, 'uv', 3);
    }
    const bias =
      options.mipLevelBias == null ? undefined : toTensor(options.mipLevelBias, 'mipLevelBias', OP, 'float32');
    if (bias) {
      checkShape(OP, 'mipLevelBias', bias, [3], null, '[N,H,W]');
      checkSameDims(OP, 'mipLevelBias', bias, u, 'uv', 3);
    }
    let filterMode = checkOneOf(OP, 'filterMode', options.filterMode ?? 'auto', FILTER_MODES);
    if (filterMode === 'auto') filterMode = uvDa || bias ? 'linear-mipmap-linear' : 'linear';
    const mipmapped = filterMode === 'linear-mipmap-nearest' || filterMode === 'linear-mipmap-linear';
    if (mipmapped && !uvDa && !bias) {
      fail(OP, `filterMode '${filterMode}' needs uvDa or mipLevelBias to choose the mip level, got neither`);
    }
    const maxMipLevel =
      options.maxMipLevel == null ? undefined : checkNonNegativeInt(OP, 'maxMipLevel', options.maxMipLevel);

    let levels: tf.Tensor[] = [];
    let mipGradToTex = false;
    if (mipmapped) {
      if (options.mip instanceof TextureMip) {
        if (options.mip.cube !== cube) {
          fail(
            OP,
            `mip was built ${options.mip.cube ? 'with' : 'without'} cubeMode but tex ${
              cube ? 'is' : 'is not'
            } a cube map`,
          );
        }
        levels = options.mip.levels.slice(0, maxMipLevel);
        mipGradToTex = true;
      } else if (options.mip != null) {
        if (!Array.isArray(options.mip)) {
          fail(OP, `mip must be a textureConstructMip result or an array of level tensors, got ${typeof options.mip}`);
        }
        levels = options.mip.slice(0, maxMipLevel).map((l, i) => toTensor(l, `mip[${i}]`, OP, 'float32'));
      } else {
        checkMipLevels(OP, t, maxMipLevel);
        levels = textureConstructMip(t, {maxMipLevel, cubeMode: cube}).levels;
        mipGradToTex = true;
      }
      checkLevelShapes(t, levels, cube);
    }
    // Whether tfjs records this call for a gradient (its own test, Engine.isTapeOn): only then may a backend's
    // hidden second output, for the backward, be worth its cost.
    const {gradientDepth, kernelDepth} = tf.engine().state;
    const recording = gradientDepth > 0 && kernelDepth === 0;
    const attrs: Omit<TextureOpAttrs, 'inputNames'> = {filterMode, boundaryMode, mipGradToTex, recording};
    // Levels of tex's pyramid reach tex through its adjoint inside TextureGrad (mipGradToTex), not through the tape's
    // TextureMip nodes (a pass and an add per level).
    const mips = mipGradToTex ? levels.map(withoutGradient) : levels;
    return runKernel(
      Texture,
      {tex: t, uv: u, uvDa: mipmapped ? uvDa : undefined, mipLevelBias: mipmapped ? bias : undefined, mips},
      attrs,
    )[0] as tf.Tensor4D; // (a second output, if any, is the backend's own, for the gradient: the tidy disposes it)
  });
}

/** Each given level must have the size the pyramid of tex has there. */
function checkLevelShapes(tex: tf.Tensor, levels: tf.Tensor[], cube: boolean) {
  const r = tex.rank;
  const [h, w] = tex.shape.slice(r - 3, r - 1);
  if (levels.length > 0 && checkMipLevels(OP, tex, levels.length) < levels.length) {
    fail(
      OP,
      `mip has ${levels.length} levels, but the pyramid of tex ${shapeStr(tex.shape)} ends at level ${checkMipLevels(
        OP,
        tex,
        undefined,
      )} (1x1)`,
    );
  }
  levels.forEach((level, i) => {
    const [lh, lw] = mipLevelSize(h, w, i + 1);
    const expected = [...tex.shape.slice(0, r - 3), lh, lw, tex.shape[r - 1]];
    if (level.shape.join() !== expected.join()) {
      fail(
        OP,
        `mip level ${i + 1} must have shape ${shapeStr(expected)} for tex ${shapeStr(tex.shape)}${
          cube ? ' (cube)' : ''
        }, got ${shapeStr(level.shape)}`,
      );
    }
  });
}

tf.registerGradient({
  kernelName: Texture,
  saveAllInputs: true,
  // A backend's second output (webgl: each pixel's taps and derivatives) goes to TextureGrad's `lookup`, which then
  // need not find them again; the cpu, wasm and webgpu kernels make none (webgpu may: its own content).
  outputsToSave: [false, true],
  gradFunc: (dys, saved, attrs) => {
    const {inputNames, filterMode, boundaryMode, mipGradToTex} = attrs as unknown as TextureOpAttrs;
    const {
      inputs: {tex, uv, uvDa, mipLevelBias},
      levels,
      outputs: [lookup],
    } = savedInputs(saved, {inputNames});
    const dy = Array.isArray(dys) ? dys[0] : dys;
    const named = {tex, uv, uvDa, mipLevelBias, mips: levels, dy, lookup};
    const numPixelGrads = 1 + (uvDa ? 1 : 0) + (mipLevelBias ? 1 : 0);
    // Each gradient only when tfjs asks for it (grad_util's gradientGroups): the texels' (the costly scatter) in tex's
    // thunk or a mip level's, which makes the pixels' (uv, uvDa, mipLevelBias) too unless they are made already (one
    // pass finds each pixel's lookup once for both); without tex's, as in a fit of the pose on a constant texture, no
    // texel scatter runs. A mip array's levels have thunks of their own, so the texels' are kept for them.
    const {first: texels, second: pixels} = gradientGroups(
      outputs => runKernel(TextureGrad, named, {filterMode, boundaryMode, outputs, mipGradToTex}),
      ['texels', 'pixels'],
      all => {
        const {texels, pixels} = textureGradSplit(all, numPixelGrads);
        return [texels, pixels];
      },
      !mipGradToTex,
    );
    const levelFns = mipGradToTex ? [] : levels.map((_, l) => () => texels()[1 + l]);
    const uvDaAt = 1,
      biasAt = uvDa ? 2 : 1;
    return gradMap(
      {inputNames},
      saved,
      {
        tex: () => texels()[0],
        uv: () => pixels()[0],
        uvDa: () => pixels()[uvDaAt],
        mipLevelBias: () => pixels()[biasAt],
      },
      levelFns,
    );
  },
});
