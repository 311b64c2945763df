import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';

import {AntialiasGrad, AntialiasGradInputs, unpackInputs} from '../names';

import {antialiasArgs} from './Antialias';
import {recordAntialiasGrad} from './antialias_program';
import {gpuKernel} from './gpu_context';

export const antialiasGradWebGPU: KernelFunc = gpuKernel(AntialiasGrad, (call, {inputs, attrs}) => {
  const named = unpackInputs<AntialiasGradInputs>(inputs, attrs!);
  const a = antialiasArgs(call, named);
  const dcolor = call.output(named.color.shape, 'dcolor'),
    dpos = call.output(named.pos.shape, 'dpos');
  recordAntialiasGrad(call, a, call.buffer(named.dy), dcolor.buffer, dpos.buffer);
  return [dcolor.info, dpos.info] as TensorInfo[];
});

export const antialiasGradConfig: KernelConfig = {
  kernelName: AntialiasGrad,
  backendName: 'webgpu',
  kernelFunc: antialiasGradWebGPU,
};
