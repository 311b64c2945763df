import type {KernelConfig, KernelFunc} from '@tensorflow/tfjs-core';

import {TextureAttrs, TextureGrad, TextureGradInputs, unpackInputs} from '../names';

import {read, withOutputs} from './tensor_io';
import {textureScene} from './Texture';
import {TexturePixel, TextureGrads} from './texture_math';

export const textureGradCpu: KernelFunc = ({inputs, backend, attrs}) => {
  const named = unpackInputs<TextureGradInputs>(inputs, attrs!);
  const {tex, uv, uvDa, mipLevelBias, mips} = named;
  // Outputs in order: tex, uv, then uvDa and mipLevelBias when given, then the mip levels.
  const specs = [tex, uv, uvDa, mipLevelBias, ...mips].filter(t => t != null).map(t => ({shape: t.shape}));
  return withOutputs(backend, specs, arrays => {
    const scene = textureScene(backend, named, attrs as unknown as TextureAttrs);
    const dy = read(backend, named.dy) as Float32Array;
    let k = 2;
    const grads: TextureGrads = {
      uv: arrays[1],
      uvDa: uvDa ? arrays[k++] : null,
      bias: mipLevelBias ? arrays[k++] : null,
      levels: [arrays[0], ...arrays.slice(k)],
    };
    const pixel = new TexturePixel(scene);
    const [n, h, w] = uv.shape;
    for (let pix = 0; pix < n * h * w; pix++) pixel.evaluate(pix, null, dy, grads);
  });
};

export const textureGradConfig: KernelConfig = {
  kernelName: TextureGrad,
  backendName: 'cpu',
  kernelFunc: textureGradCpu,
};
