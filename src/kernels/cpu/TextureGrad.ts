import type {MathBackendCPU} from '@tensorflow/tfjs-backend-cpu';
import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';

import {TextureAttrs, TextureGrad, TextureGradInputs, unpackInputs} from '../names';

import {output, read} from './cpu_util';
import {textureScene} from './Texture';
import {TexturePixel, TextureGrads} from './texture_math';

export const textureGradCpu: KernelFunc = ({inputs, backend, attrs}) => {
  const cpu = backend as MathBackendCPU;
  const named = unpackInputs<TextureGradInputs>(inputs, attrs!);
  const scene = textureScene(cpu, named, attrs as unknown as TextureAttrs);
  const {tex, uv, uvDa, mipLevelBias, mips} = named;
  const dy = read(cpu, named.dy) as Float32Array;
  const grads: TextureGrads = {
    levels: scene.levels.map(l => new Float64Array(l.data.length)),
    uv: new Float64Array(scene.uv.length),
    uvDa: scene.uvDa ? new Float64Array(scene.uvDa.length) : null,
    bias: scene.bias ? new Float64Array(scene.bias.length) : null,
  };
  const pixel = new TexturePixel(scene);
  const [n, h, w] = uv.shape;
  for (let pix = 0; pix < n * h * w; pix++) pixel.evaluate(pix, null, dy, grads);
  const outs: TensorInfo[] = [output(cpu, tex.shape, grads.levels[0]), output(cpu, uv.shape, grads.uv)];
  if (uvDa) outs.push(output(cpu, uvDa.shape, grads.uvDa!));
  if (mipLevelBias) outs.push(output(cpu, mipLevelBias.shape, grads.bias!));
  mips.forEach((m, i) => outs.push(output(cpu, m.shape, grads.levels[i + 1])));
  return outs;
};

export const textureGradConfig: KernelConfig = {
  kernelName: TextureGrad,
  backendName: 'cpu',
  kernelFunc: textureGradCpu,
};
