import type {KernelConfig, KernelFunc} from '@tensorflow/tfjs-core';

import {
  TextureGrad,
  TextureGradAttrs,
  TextureGradInputs,
  textureGradOrder,
  textureGradOutputs,
  unpackInputs,
} from '../names';

import {read, withOutputs} from './tensor_io';
import {textureScene} from './Texture';
import {TexturePixel, TextureGrads} from './texture_math';

export const textureGradCpu: KernelFunc = ({inputs, backend, attrs}) => {
  const named = unpackInputs<TextureGradInputs>(inputs, attrs!);
  const {tex, uv, uvDa, mipLevelBias, mips} = named;
  const wants = textureGradOutputs(attrs as unknown as TextureGradAttrs);
  // Outputs in order: tex, uv, then uvDa and mipLevelBias when given, then the mip levels (those asked for).
  const pixelInputs = wants.pixels ? [uv, uvDa, mipLevelBias] : [];
  const texelInputs = wants.texels ? [tex, ...mips] : [];
  const specs = textureGradOrder(texelInputs, pixelInputs).map(t => ({shape: t.shape}));
  return withOutputs(backend, specs, arrays => {
    const scene = textureScene(backend, named, attrs as unknown as TextureGradAttrs);
    const dy = read(backend, named.dy) as Float32Array;
    let k = wants.texels ? 1 : 0;
    const grads: TextureGrads = {
      uv: wants.pixels ? arrays[k++] : null,
      uvDa: wants.pixels && uvDa ? arrays[k++] : null,
      bias: wants.pixels && mipLevelBias ? arrays[k++] : null,
      levels: wants.texels ? [arrays[0], ...arrays.slice(k)] : null,
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
