import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';

import {TextureAttrs, TextureGrad, TextureGradInputs, unpackInputs} from '../names';

import {output, read} from './tensor_io';
import {textureScene} from './Texture';
import {TexturePixel, TextureGrads} from './texture_math';

export const textureGradCpu: KernelFunc = ({inputs, backend, attrs}) => {
  const named = unpackInputs<TextureGradInputs>(inputs, attrs!);
  const scene = textureScene(backend, named, attrs as unknown as TextureAttrs);
  const {tex, uv, uvDa, mipLevelBias, mips} = named;
  const dy = read(backend, named.dy) as Float32Array;
  const grads: TextureGrads = {
    levels: scene.levels.map(l => new Float64Array(l.data.length)),
    uv: new Float32Array(scene.uv.length),
    uvDa: scene.uvDa ? new Float32Array(scene.uvDa.length) : null,
    bias: scene.bias ? new Float32Array(scene.bias.length) : null,
  };
  const pixel = new TexturePixel(scene);
  const [n, h, w] = uv.shape;
  for (let pix = 0; pix < n * h * w; pix++) pixel.evaluate(pix, null, dy, grads);
  const outs: TensorInfo[] = [output(backend, tex.shape, grads.levels[0]), output(backend, uv.shape, grads.uv)];
  if (uvDa) outs.push(output(backend, uvDa.shape, grads.uvDa!));
  if (mipLevelBias) outs.push(output(backend, mipLevelBias.shape, grads.bias!));
  mips.forEach((m, i) => outs.push(output(backend, m.shape, grads.levels[i + 1])));
  return outs;
};

export const textureGradConfig: KernelConfig = {
  kernelName: TextureGrad,
  backendName: 'cpu',
  kernelFunc: textureGradCpu,
};
