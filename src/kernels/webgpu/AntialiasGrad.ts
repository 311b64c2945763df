import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';

import {AntialiasGrad, AntialiasGradInputs, unpackInputs} from '../names';

import {antialiasArgs} from './Antialias';
import {recordAntialiasGrad} from './antialias_program';
import {asWebGPU, GpuCall} from './gpu_context';

export const antialiasGradWebGPU: KernelFunc = ({inputs, backend, attrs}) => {
  const call = new GpuCall(asWebGPU(backend), AntialiasGrad);
  const named = unpackInputs<AntialiasGradInputs>(inputs, attrs!);
  const a = antialiasArgs(call, named);
  const dcolor = call.output(named.color.shape, 'dcolor'),
    dpos = call.output(named.pos.shape, 'dpos');
  recordAntialiasGrad(call, a, call.buffer(named.dy), dcolor.buffer, dpos.buffer);
  call.submit();
  return [dcolor.info, dpos.info] as TensorInfo[];
};

export const antialiasGradConfig: KernelConfig = {
  kernelName: AntialiasGrad,
  backendName: 'webgpu',
  kernelFunc: antialiasGradWebGPU,
};
