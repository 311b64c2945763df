import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';

import {
  InterpolateGrad,
  InterpolateGradAttrs,
  InterpolateGradInputs,
  interpolateGradOutputs,
  unpackInputs,
} from '../names';

import {gpuKernel} from './gpu_context';
import {interpolateArgs} from './Interpolate';
import {recordInterpolateGrad} from './interpolate_program';

export const interpolateGradWebGPU: KernelFunc = gpuKernel(InterpolateGrad, (call, {inputs, attrs}) => {
  const named = unpackInputs<InterpolateGradInputs>(inputs, attrs!);
  const {diffAttrs} = attrs as unknown as InterpolateGradAttrs;
  const wants = interpolateGradOutputs(attrs as unknown as InterpolateGradAttrs);
  const a = interpolateArgs(call, named, diffAttrs);
  const dy = call.buffer(named.dy),
    dyDa = named.dyDa && named.rastDb ? call.buffer(named.dyDa) : null;
  const dattr = wants.attr ? call.output(named.attr.shape, 'dattr') : null,
    drast = wants.rast ? call.output(named.rast.shape, 'drast') : null;
  const drastDb = wants.rast && named.rastDb ? call.output(named.rast.shape, 'drastDb') : null;
  recordInterpolateGrad(call, {
    ...a,
    dy,
    dyDa,
    dattr: dattr?.buffer ?? null,
    drast: drast?.buffer ?? null,
    drastDb: drastDb?.buffer ?? null,
  });
  return [dattr, drast, drastDb].filter(o => o != null).map(o => o.info) as TensorInfo[];
});

export const interpolateGradConfig: KernelConfig = {
  kernelName: InterpolateGrad,
  backendName: 'webgpu',
  kernelFunc: interpolateGradWebGPU,
};
