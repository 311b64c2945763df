import type {KernelConfig, KernelFunc} from '@tensorflow/tfjs-core';

import {Texture, TextureAttrs, TextureInputs, unpackInputs} from '../names';

import {GlSession, runGL} from './gl_session';
import {BOUNDARY_MODES, FILTER_MODES} from './glsl_texture';
import {elementPass} from './passes';
import {textureProgram} from './texture_program';

/** The uniforms and textures of textureSnippet, for the forward and backward passes. */
export function textureBindings(s: GlSession, inputs: TextureInputs, attrs: TextureAttrs) {
  const {tex, uv, uvDa, mipLevelBias, mips} = inputs;
  const r = tex.shape.length;
  const levels = [tex, ...mips];
  // Levels, uv, uvDa, mipLevelBias and dy each take a sampler, in vertex (scatter) and fragment shaders.
  const units = s.ctx.maxSamplers;
  if (levels.length + 4 > units) {
    throw new Error(`${s.kernel} on webgl: ${levels.length} texture levels need ${levels.length + 4} texture units, ` +
                    `this context has ${units}; pass maxMipLevel: ${units - 5} or less`);
  }
  const textures: {[name: string]: WebGLTexture | null} = {};
  levels.forEach((l, i) => textures[`uLevel${i}`] = s.input(l).texture);
  textures.uUv = s.input(uv).texture;
  textures.uUvDa = uvDa ? s.input(uvDa).texture : null;
  textures.uBias = mipLevelBias ? s.input(mipLevelBias).texture : null;
  return {
    cube: r === 5,
    numLevels: levels.length,
    uniforms: {
      uLevelSize: levels.flatMap(l => [l.shape[r - 2], l.shape[r - 3]]), uHasUvDa: uvDa != null,
      uHasBias: mipLevelBias != null, uFilter: FILTER_MODES.indexOf(attrs.filterMode),
      uBoundary: BOUNDARY_MODES.indexOf(attrs.boundaryMode), uChannels: tex.shape[r - 1], uTexBatch: tex.shape[0],
      uPixels: uv.shape[1] * uv.shape[2],
    },
    textures,
  };
}

export const textureWebGL: KernelFunc = ({inputs, backend, attrs}) => runGL(backend, Texture, s => {
  const named = unpackInputs<TextureInputs>(inputs, attrs!);
  const {cube, numLevels, uniforms, textures} = textureBindings(s, named, attrs as unknown as TextureAttrs);
  const [n, h, w] = named.uv.shape;
  const out = s.output([n, h, w, uniforms.uChannels]);
  elementPass(s, textureProgram(s.ctx, cube, numLevels), [out], uniforms, textures);
  return out.info;
});

export const textureConfig: KernelConfig = {kernelName: Texture, backendName: 'webgl', kernelFunc: textureWebGL};
