import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';

import {AntialiasGrad, AntialiasGradInputs, unpackInputs} from '../names';

import {antialiasArgs} from './Antialias';
import {listShape, recordAntialiasGrad} from './antialias_program';
import {gpuKernel} from './gpu_context';

export const antialiasGradWebGPU: KernelFunc = gpuKernel(AntialiasGrad, (call, {inputs, attrs}) => {
  const named = unpackInputs<AntialiasGradInputs>(inputs, attrs!);
  const a = antialiasArgs(call, named);
  const dcolor = call.output(named.color.shape, 'dcolor'),
    dpos = call.output(named.pos.shape, 'dpos');
  // The forward's list of pairs when it made one (webgl's hidden output has another shape).
  const {list} = named;
  const given = list && list.shape.length === 1 && list.shape[0] === listShape(a)[0] ? call.buffer(list) : null;
  recordAntialiasGrad(call, a, call.buffer(named.dy), dcolor.buffer, dpos.buffer, given);
  return [dcolor.info, dpos.info] as TensorInfo[];
});

export const antialiasGradConfig: KernelConfig = {
  kernelName: AntialiasGrad,
  backendName: 'webgpu',
  kernelFunc: antialiasGradWebGPU,
};
