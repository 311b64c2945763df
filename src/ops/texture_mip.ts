/**
 * textureConstructMip: the box-filtered mip pyramid of a texture (docs/texture.md#mip-pyramid), and the TextureMip
 * object that carries it to `texture`.
 */
import * as tf from '@tensorflow/tfjs-core';

import {TextureMip as TextureMipKernel, TextureMipGrad, TextureMipGradAttrs} from '../kernels/names';
import {mipLevelCount} from '../kernels/shared/mip_sizes';

import {
  checkNonNegativeInt,
  checkOptions,
  checkShape,
  fail,
  optionNames,
  shapeStr,
  TensorOrLike,
  toTensor,
} from './checks';
import {gradMap, runKernel, savedInputs} from './grad_util';

/**
 * A texture's mip levels 1..L (level 0 is the texture itself), made by `textureConstructMip`.
 * Passing it to `texture` sends the levels' gradients back into that texture through the
 * pyramid's adjoint. Like any tensor, its levels belong to the enclosing `tf.tidy`; outside
 * one, call `dispose()`.
 */
export class TextureMip {
  /**
   * Made by {@link textureConstructMip}; rarely constructed directly.
   * @param levels - levels 1..L, each the 2×2 box average of the one above.
   * @param cube - the levels are cube maps `[Nt,6,S,S,C]`.
   */
  constructor(
    /** Levels 1..L (level 0 is the texture itself). */
    readonly levels: tf.Tensor[],
    /** The levels are cube maps `[Nt,6,S,S,C]`. */
    readonly cube: boolean,
  ) {}

  /** Disposes every level. */
  dispose() {
    this.levels.forEach(l => l.dispose());
  }
}

/** Options of {@link textureConstructMip} (docs/texture.md#options). */
export interface TextureConstructMipOptions {
  /**
   * The last level to build.
   * @defaultValue the level where both sides reach 1
   */
  maxMipLevel?: number;
  /**
   * `tex` is a cube map `[Nt,6,S,S,C]`; faces are filtered independently.
   * @defaultValue false
   */
  cubeMode?: boolean;
}

const MIP_OPTIONS = optionNames<TextureConstructMipOptions>({maxMipLevel: true, cubeMode: true});

/** Checks the texture's sides and returns how many levels below 0 to build. */
export function checkMipLevels(op: string, tex: tf.Tensor, maxMipLevel: number | undefined): number {
  const [h, w] = tex.shape.slice(tex.rank - 3, tex.rank - 1);
  const {levels, oddAt, sizes} = mipLevelCount(h, w, maxMipLevel);
  if (oddAt != null) {
    const list = sizes.map(([sh, sw], i) => `level ${i}: ${sw}x${sh}`).join(', ');
    fail(
      op,
      `tex level ${oddAt} has an odd side > 1, so it cannot be halved exactly (${list}); ` +
        `pass maxMipLevel: ${oddAt} or fewer, or use a texture whose sides are powers of two`,
    );
  }
  return levels;
}

/** Checks a texture's shape: `[Nt,H,W,C]`, or `[Nt,6,S,S,C]` for a cube map. */
export function checkTextureShape(op: string, tex: tf.Tensor, cube: boolean) {
  if (cube) {
    checkShape(op, 'tex', tex, [5], null, '[Nt,6,S,S,C] (a cube map)');
    if (tex.shape[1] !== 6) fail(op, `tex must have shape [Nt,6,S,S,C] (6 cube faces), got ${shapeStr(tex.shape)}`);
    if (tex.shape[2] !== tex.shape[3]) {
      fail(op, `tex cube faces must be square, [Nt,6,S,S,C], got ${shapeStr(tex.shape)}`);
    }
  } else {
    checkShape(op, 'tex', tex, [4], null, '[Nt,H,W,C] (or [Nt,6,S,S,C] with cube mode)');
  }
}

/**
 * Builds the mip pyramid of a texture (docs/texture.md#mip-pyramid): each level is the 2×2 box
 * average of the one above. Every side > 1 must be even at every level built; otherwise the error
 * lists the level sizes and suggests `maxMipLevel`.
 *
 * Gradients: passing the result to {@link texture} sends the levels' gradients into `tex` through
 * the exact adjoint of the box filter.
 *
 * @param texLike - `[Nt,H,W,C]`, or `[Nt,6,S,S,C]` with `cubeMode`.
 * @param options - `maxMipLevel`, `cubeMode`.
 * @returns a {@link TextureMip} holding levels 1..L; dispose it (or build it inside `tf.tidy`).
 *
 * @example
 * ```ts
 * const mip = dr.textureConstructMip(tex);           // once per step, from the variable
 * const color = dr.texture(tex, uv, {uvDa, mip});     // gradients reach tex through every level
 * ```
 */
export function textureConstructMip(texLike: TensorOrLike, options: TextureConstructMipOptions = {}): TextureMip {
  const op = 'textureConstructMip';
  checkOptions(op, options, MIP_OPTIONS);
  const cube = options.cubeMode ?? false;
  if (typeof cube !== 'boolean') fail(op, `cubeMode must be a boolean, got ${JSON.stringify(cube)}`);
  const tex = toTensor(texLike, 'tex', op, 'float32');
  if (tex.rank === 5 && !cube) fail(op, `tex of shape ${shapeStr(tex.shape)} is a cube map: pass cubeMode: true`);
  checkTextureShape(op, tex, cube);
  const maxMipLevel =
    options.maxMipLevel == null ? undefined : checkNonNegativeInt(op, 'maxMipLevel', options.maxMipLevel);
  const count = checkMipLevels(op, tex, maxMipLevel);
  const levels: tf.Tensor[] = [];
  let above = tex;
  for (let i = 0; i < count; i++) {
    above = runKernel(TextureMipKernel, {x: above})[0];
    levels.push(above);
  }
  if (tex !== texLike) tex.dispose();
  return new TextureMip(levels, cube);
}

tf.registerGradient({
  kernelName: TextureMipKernel,
  saveAllInputs: true,
  gradFunc: (dy, saved, attrs) => {
    const {inputNames} = attrs as unknown as {inputNames: string[]};
    const {
      inputs: {x},
    } = savedInputs(saved, {inputNames});
    return gradMap({inputNames}, saved, {x: () => mipLevelAdjoint(dy as tf.Tensor, x.shape)});
  },
});

/** The adjoint of one box-filter step: spreads a level's gradient over the level above. */
export function mipLevelAdjoint(dy: tf.Tensor, aboveShape: number[]): tf.Tensor {
  const rank = aboveShape.length;
  const attrs: TextureMipGradAttrs = {inHeight: aboveShape[rank - 3], inWidth: aboveShape[rank - 2]};
  return runKernel(TextureMipGrad, {dy}, attrs as unknown as {[k: string]: unknown})[0];
}
