import type {KernelConfig, KernelFunc} from '@tensorflow/tfjs-core';

import {Texture, TextureAttrs, TextureInputs, unpackInputs} from '../names';

import {Backend, read, withOutput} from './tensor_io';
import {TexLevel, TexturePixel, TextureScene} from './texture_math';

export function textureScene(backend: Backend, inputs: TextureInputs, attrs: TextureAttrs): TextureScene {
  const {tex, uv, uvDa, mipLevelBias, mips} = inputs;
  const r = tex.shape.length;
  const level = (t: typeof tex): TexLevel => ({
    data: read(backend, t) as Float32Array,
    height: t.shape[r - 3],
    width: t.shape[r - 2],
  });
  return {
    levels: [tex, ...mips].map(level),
    texBatch: tex.shape[0],
    channels: tex.shape[r - 1],
    cube: r === 5,
    filterMode: attrs.filterMode,
    boundaryMode: attrs.boundaryMode,
    uv: read(backend, uv) as Float32Array,
    uvDa: uvDa ? (read(backend, uvDa) as Float32Array) : null,
    bias: mipLevelBias ? (read(backend, mipLevelBias) as Float32Array) : null,
    pixels: uv.shape[1] * uv.shape[2],
  };
}

export const textureCpu: KernelFunc = ({inputs, backend, attrs}) => {
  const named = unpackInputs<TextureInputs>(inputs, attrs!);
  const [n, h, w] = named.uv.shape;
  const channels = named.tex.shape[named.tex.shape.length - 1];
  return withOutput(backend, {shape: [n, h, w, channels]}, out => {
    const pixel = new TexturePixel(textureScene(backend, named, attrs as unknown as TextureAttrs));
    for (let pix = 0; pix < n * h * w; pix++) pixel.evaluate(pix, out, null, null);
  });
};

export const textureConfig: KernelConfig = {kernelName: Texture, backendName: 'cpu', kernelFunc: textureCpu};
