import type {KernelConfig, KernelFunc} from '@tensorflow/tfjs-core';

import {Texture, TextureAttrs, TextureForwardAttrs, TextureInputs, unpackInputs} from '../names';

import {copyTexelsToTensor} from './buffer_copy';

import {DiffrastGL} from './gl_context';
import {GlSession, runGL} from './gl_session';
import {BOUNDARY_MODES, FILTER_MODES, TextureLayout} from './glsl_texture';
import {channelGroupPass, copyToTensors, elementPass, groupsOf, scratchGrid} from './passes';
import {groupsFromTensorProgram} from './scatter';
import {blockLayout, BlockLayout} from './texture_grad_program';
import {keepPlanes, planeGrid, savedPlanes} from './texture_lookup';
import {textureProgram} from './texture_program';

/** Per context: the texture 'texture.texels' last packed and the dataIds of the levels it holds (see fillTexels). */
const packedTexels = new WeakMap<DiffrastGL, unknown[]>();

/**
 * The uniforms and textures of textureSnippet, for the forward and backward passes. Every level is
 * read from one RGBA texture, which `fillTexels` (call it once the inputs are taken) makes: level after level,
 * each texel's channels in groups of four (a tap is one texelFetch per group, not one per channel; the
 * layout of the tap scatter's target too: `texelBase`).
 */
export function textureBindings(s: GlSession, inputs: TextureInputs, attrs: TextureAttrs) {
  const {tex, uv, uvDa, mipLevelBias, mips} = inputs;
  const r = tex.shape.length;
  const channels = tex.shape[r - 1],
    groups = groupsOf(channels);
  const levels = [tex, ...mips].map(l => s.input(l));
  const layout: TextureLayout = {cube: r === 5, numLevels: levels.length};
  const texelBase: number[] = [];
  let texels = 0;
  for (const l of levels) {
    texelBase.push(texels);
    texels += (l.size / channels) * groups;
  }
  const textures: {[name: string]: WebGLTexture | null} = {uTexels: null};
  textures.uUv = s.input(uv).texture;
  textures.uUvDa = uvDa ? s.input(uvDa).texture : null;
  textures.uBias = mipLevelBias ? s.input(mipLevelBias).texture : null;
  return {
    layout,
    texels,
    texelBase,
    uniforms: {
      uLevelSize: levels.flatMap(l => [l.info.shape[r - 2], l.info.shape[r - 3]]),
      uTexelBase: texelBase,
      uHasUvDa: uvDa != null,
      uHasBias: mipLevelBias != null,
      uFilter: FILTER_MODES.indexOf(attrs.filterMode),
      uBoundary: BOUNDARY_MODES.indexOf(attrs.boundaryMode),
      uChannels: channels,
      uTexBatch: tex.shape[0],
      uPixels: uv.shape[1] * uv.shape[2],
    },
    textures,
    fillTexels() {
      const grid = scratchGrid(s, 'texture.texels', texels);
      textures.uTexels = grid.texture;
      // What the grid holds: tensors never change their values, so the same levels packed into the same texture
      // (a forward's, for its backward) need no second packing.
      const holds = [grid.texture, ...[tex, ...mips].map(l => l.dataId)];
      const had = packedTexels.get(s.ctx);
      if (had && had.length === holds.length && had.every((x, i) => x === holds[i])) return;
      packedTexels.delete(s.ctx);
      levels.forEach((l, i) =>
        elementPass(
          s,
          groupsFromTensorProgram(s.ctx),
          [grid],
          {uCols: channels},
          {uSource: l.texture},
          texelBase[i],
          texelBase[i] + (l.size / channels) * groups,
        ),
      );
      packedTexels.set(s.ctx, holds);
    },
  };
}

/** The block scatter's layout of the texel gradients of `inputs`' levels (texture_grad_program.ts). */
export function textureBlockLayout(inputs: TextureInputs, cube: boolean): BlockLayout {
  const {tex, mips} = inputs;
  const r = tex.shape.length;
  const sizes = [tex, ...mips].map(l => [l.shape[r - 2], l.shape[r - 3]] as [number, number]);
  return blockLayout(sizes, tex.shape[0] * (cube ? 6 : 1), groupsOf(tex.shape[r - 1]));
}

export const textureWebGL: KernelFunc = ({inputs, backend, attrs}) =>
  runGL(backend, Texture, s => {
    const named = unpackInputs<TextureInputs>(inputs, attrs!);
    const {filterMode, recording} = attrs as unknown as TextureForwardAttrs;
    const {layout, uniforms, textures, fillTexels} = textureBindings(s, named, attrs as unknown as TextureAttrs);
    const [n, h, w] = named.uv.shape;
    const channels = uniforms.uChannels,
      pixels = n * h * w;
    const out = s.output([n, h, w, channels]);
    // Under a gradient tape, the lookup's planes for the backward (texture_lookup.ts), where they are saved.
    const blocks = recording ? textureBlockLayout(named, layout.cube) : null;
    const planes = blocks ? savedPlanes(s, {cube: layout.cube, filterMode, channels, blocks, pixels}) : null;
    const lookup = planes ? s.output([planes.length, pixels, 4]) : null;
    fillTexels();
    if (!planes || !lookup || !blocks) {
      channelGroupPass(s, textureProgram(s.ctx, layout), out, channels, uniforms, textures);
      return out.info;
    }
    const grids = (['value', ...planes] as const).map(name => planeGrid(s, name, pixels));
    elementPass(
      s,
      textureProgram(s.ctx, layout, planes),
      grids,
      {...uniforms, uLevelRow: blocks.levelRows, uBlockWidth: blocks.width},
      textures,
    );
    copyToTensors(s, [grids[0]], {cols: channels, base: 0}, [out]);
    grids.slice(1).forEach((g, k) => copyTexelsToTensor(s, g.texture, g.width, 0, pixels, lookup, 4 * k * pixels));
    keepPlanes(s, lookup.info.dataId, grids.slice(1));
    return [out.info, lookup.info];
  });

export const textureConfig: KernelConfig = {kernelName: Texture, backendName: 'webgl', kernelFunc: textureWebGL};
