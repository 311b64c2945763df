import type {MathBackendCPU} from '@tensorflow/tfjs-backend-cpu';
import type {KernelConfig, KernelFunc} from '@tensorflow/tfjs-core';

import {Texture, TextureAttrs, TextureInputs, unpackInputs} from '../names';

import {output, read} from './cpu_util';
import {TexLevel, TexturePixel, TextureScene} from './texture_math';

export function textureScene(cpu: MathBackendCPU, inputs: TextureInputs, attrs: TextureAttrs): TextureScene {
  const {tex, uv, uvDa, mipLevelBias, mips} = inputs;
  const r = tex.shape.length;
  const level = (t: typeof tex): TexLevel => ({
    data: read(cpu, t) as Float32Array,
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
    uv: read(cpu, uv) as Float32Array,
    uvDa: uvDa ? (read(cpu, uvDa) as Float32Array) : null,
    bias: mipLevelBias ? (read(cpu, mipLevelBias) as Float32Array) : null,
    pixels: uv.shape[1] * uv.shape[2],
  };
}

export const textureCpu: KernelFunc = ({inputs, backend, attrs}) => {
  const cpu = backend as MathBackendCPU;
  const named = unpackInputs<TextureInputs>(inputs, attrs!);
  const scene = textureScene(cpu, named, attrs as unknown as TextureAttrs);
  const [n, h, w] = named.uv.shape;
  const out = new Float32Array(n * h * w * scene.channels);
  const pixel = new TexturePixel(scene);
  for (let pix = 0; pix < n * h * w; pix++) pixel.evaluate(pix, out, null, null);
  return output(cpu, [n, h, w, scene.channels], out);
};

export const textureConfig: KernelConfig = {kernelName: Texture, backendName: 'cpu', kernelFunc: textureCpu};
