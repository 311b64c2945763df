import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';

import {InterpolateAttrs, InterpolateGrad, InterpolateGradInputs, unpackInputs} from '../names';

import {asWebGPU, GpuCall} from './gpu_context';
import {interpolateArgs} from './Interpolate';
import {recordInterpolateGrad} from './interpolate_program';

export const interpolateGradWebGPU: KernelFunc = ({inputs, backend, attrs}) => {
  const call = new GpuCall(asWebGPU(backend), InterpolateGrad);
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
  call.submit();
  const outs: TensorInfo[] = [dattr.info, drast.info];
  if (drastDb) outs.push(drastDb.info);
  return outs;
};

export const interpolateGradConfig: KernelConfig = {
  kernelName: InterpolateGrad,
  backendName: 'webgpu',
  kernelFunc: interpolateGradWebGPU,
};
