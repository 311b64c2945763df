import type {KernelConfig, KernelFunc} from '@tensorflow/tfjs-core';

import {Texture, TextureAttrs, TextureInputs, unpackInputs} from '../names';

import {GlSession, runGL} from './gl_session';
import {BOUNDARY_MODES, FILTER_MODES, TextureLayout} from './glsl_texture';
import {channelGroupPass, copyFlatProgram, elementPass} from './passes';
import {textureProgram} from './texture_program';

/**
 * The uniforms and textures of textureSnippet, for the forward and backward passes. Level 0 is
 * read from its own texture, every smaller level from one atlas, which `fillAtlas` (call it
 * once the outputs exist) fills: one texelFetch instead of a branch per level (on SwiftShader the
 * trilinear forward pass of a 10-level pyramid at 512² went from 610 to 220 ms).
 */
export function textureBindings(s: GlSession, inputs: TextureInputs, attrs: TextureAttrs) {
  const {tex, uv, uvDa, mipLevelBias, mips} = inputs;
  const r = tex.shape.length;
  const levels = [tex, ...mips].map(l => s.input(l));
  const layout: TextureLayout = {cube: r === 5, numLevels: levels.length};
  const bases = levels.map(() => 0);
  let atlasSize = 0;
  levels.slice(1).forEach((l, i) => {
    bases[1 + i] = atlasSize;
    atlasSize += l.size;
  });
  const atlas = atlasSize > 0 ? s.intermediate([atlasSize]) : null;
  const textures: {[name: string]: WebGLTexture | null} = {uAtlas: atlas?.texture ?? null, uLevel0: levels[0].texture};
  textures.uUv = s.input(uv).texture;
  textures.uUvDa = uvDa ? s.input(uvDa).texture : null;
  textures.uBias = mipLevelBias ? s.input(mipLevelBias).texture : null;
  return {
    layout,
    uniforms: {
      uLevelSize: levels.flatMap(l => [l.info.shape[r - 2], l.info.shape[r - 3]]),
      uAtlasBase: bases,
      uHasUvDa: uvDa != null,
      uHasBias: mipLevelBias != null,
      uFilter: FILTER_MODES.indexOf(attrs.filterMode),
      uBoundary: BOUNDARY_MODES.indexOf(attrs.boundaryMode),
      uChannels: tex.shape[r - 1],
      uTexBatch: tex.shape[0],
      uPixels: uv.shape[1] * uv.shape[2],
    },
    textures,
    fillAtlas() {
      if (!atlas) return;
      levels.slice(1).forEach((l, i) => {
        const base = bases[1 + i];
        elementPass(s, copyFlatProgram(s.ctx), [atlas], {}, {uSource: l.texture}, base, base + l.size);
      });
    },
  };
}

export const textureWebGL: KernelFunc = ({inputs, backend, attrs}) =>
  runGL(backend, Texture, s => {
    const named = unpackInputs<TextureInputs>(inputs, attrs!);
    const {layout, uniforms, textures, fillAtlas} = textureBindings(s, named, attrs as unknown as TextureAttrs);
    const [n, h, w] = named.uv.shape;
    const out = s.output([n, h, w, uniforms.uChannels]);
    fillAtlas();
    channelGroupPass(s, textureProgram(s.ctx, layout), out, uniforms.uChannels, uniforms, textures);
    return out.info;
  });

export const textureConfig: KernelConfig = {kernelName: Texture, backendName: 'webgl', kernelFunc: textureWebGL};
