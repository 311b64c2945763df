import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';

import {InterpolateAttrs, InterpolateGrad, InterpolateGradInputs, unpackInputs} from '../names';

import {gpuKernel} from './gpu_context';
import {interpolateArgs} from './Interpolate';
import {recordInterpolateGrad} from './interpolate_program';

export const interpolateGradWebGPU: KernelFunc = gpuKernel(InterpolateGrad, (call, {inputs, attrs}) => {
  const named = unpackInputs<InterpolateGradInputs>(inputs, attrs!);
  const {diffAttrs} = attrs as unknown as InterpolateAttrs;
  const a = interpolateArgs(call, named, diffAttrs);
  const dy = call.buffer(named.dy),
    dyDa = named.dyDa && named.rastDb ? call.buffer(named.dyDa) : null;
  const dattr = call.output(named.attr.shape, 'dattr'),
    drast = call.output(named.rast.shape, 'drast');
  const drastDb = named.rastDb ? call.output(named.rast.shape, 'drastDb') : null;
  recordInterpolateGrad(call, {
    ...a,
    dy,
    dyDa,
    dattr: dattr.buffer,
    drast: drast.buffer,
    drastDb: drastDb?.buffer ?? null,
  });
  const outs: TensorInfo[] = [dattr.info, drast.info];
  if (drastDb) outs.push(drastDb.info);
  return outs;
});

export const interpolateGradConfig: KernelConfig = {
  kernelName: InterpolateGrad,
  backendName: 'webgpu',
  kernelFunc: interpolateGradWebGPU,
};
