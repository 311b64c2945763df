import type {KernelConfig, KernelFunc} from '@tensorflow/tfjs-core';

import {Texture, TextureAttrs, TextureInputs, unpackInputs} from '../names';

import {GlSession, runGL} from './gl_session';
import {FETCH, HEADER, OUTPUT_INDEX} from './glsl_common';
import {BOUNDARY_MODES, FILTER_MODES, TextureLayout} from './glsl_texture';
import {elementPass, elementProgram} from './passes';
import {textureProgram} from './texture_program';

const copyProgram = (s: GlSession) => elementProgram(s.ctx, 'copy-flat', () => `${HEADER}${FETCH}${OUTPUT_INDEX}
uniform sampler2D uSource;
out float outValue;
void main() { outValue = fetch(uSource, outputIndex() - uOutStart); }
`);

/**
 * The uniforms and textures of textureSnippet, for the forward and backward passes. Levels,
 * uv, uvDa, mipLevelBias and dy each take a texture unit; when the context has too few, the
 * smaller levels go to an atlas, which `fillAtlas` (call it once the outputs exist) fills.
 */
export function textureBindings(s: GlSession, inputs: TextureInputs, attrs: TextureAttrs) {
  const {tex, uv, uvDa, mipLevelBias, mips} = inputs;
  const r = tex.shape.length;
  const levels = [tex, ...mips].map(l => s.input(l));
  const units = s.ctx.maxSamplers;
  const direct = levels.length + 4 <= units ? levels.length : Math.max(1, units - 5);
  const layout: TextureLayout = {cube: r === 5, numLevels: levels.length, direct};
  const bases = levels.map(() => 0);
  let atlasSize = 0;
  levels.slice(direct).forEach((l, i) => {
    bases[direct + i] = atlasSize;
    atlasSize += l.size;
  });
  const atlas = atlasSize > 0 ? s.intermediate([atlasSize]) : null;
  const textures: {[name: string]: WebGLTexture | null} = {uAtlas: atlas?.texture ?? null};
  levels.slice(0, direct).forEach((l, i) => textures[`uLevel${i}`] = l.texture);
  textures.uUv = s.input(uv).texture;
  textures.uUvDa = uvDa ? s.input(uvDa).texture : null;
  textures.uBias = mipLevelBias ? s.input(mipLevelBias).texture : null;
  return {
    layout,
    uniforms: {
      uLevelSize: levels.flatMap(l => [l.info.shape[r - 2], l.info.shape[r - 3]]), uAtlasBase: bases,
      uHasUvDa: uvDa != null, uHasBias: mipLevelBias != null, uFilter: FILTER_MODES.indexOf(attrs.filterMode),
      uBoundary: BOUNDARY_MODES.indexOf(attrs.boundaryMode), uChannels: tex.shape[r - 1], uTexBatch: tex.shape[0],
      uPixels: uv.shape[1] * uv.shape[2],
    },
    textures,
    fillAtlas() {
      if (!atlas) return;
      levels.slice(direct).forEach((l, i) => {
        const base = bases[direct + i];
        elementPass(s, copyProgram(s), [atlas], {}, {uSource: l.texture}, base, base + l.size);
      });
    },
  };
}

export const textureWebGL: KernelFunc = ({inputs, backend, attrs}) => runGL(backend, Texture, s => {
  const named = unpackInputs<TextureInputs>(inputs, attrs!);
  const {layout, uniforms, textures, fillAtlas} = textureBindings(s, named, attrs as unknown as TextureAttrs);
  const [n, h, w] = named.uv.shape;
  const out = s.output([n, h, w, uniforms.uChannels]);
  fillAtlas();
  elementPass(s, textureProgram(s.ctx, layout), [out], uniforms, textures);
  return out.info;
});

export const textureConfig: KernelConfig = {kernelName: Texture, backendName: 'webgl', kernelFunc: textureWebGL};
