import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';

import {Interpolate, InterpolateAttrs, InterpolateInputs, unpackInputs} from '../names';
import {attributeLayout} from '../shared/layout';

import {gpuKernel, GpuCall} from './gpu_context';
import {InterpolateGpuArgs, recordInterpolate} from './interpolate_program';

/** The buffers and sizes shared by interpolate's forward and backward kernels. */
export function interpolateArgs(call: GpuCall, inputs: InterpolateInputs, diff: number[]): InterpolateGpuArgs {
  const {attr, rast, tri, rastDb} = inputs;
  const {numImages, height, width, numAttrs, numVertices, perImage} = attributeLayout(attr, rast);
  return {
    attr: call.buffer(attr),
    rast: call.buffer(rast),
    tri: call.buffer(tri),
    rastDb: rastDb ? call.buffer(rastDb) : null,
    diff,
    numImages,
    height,
    width,
    numAttrs,
    numVertices,
    numTriangles: tri.shape[0],
    perImage,
  };
}

export const interpolateWebGPU: KernelFunc = gpuKernel(Interpolate, (call, {inputs, attrs}) => {
  const named = unpackInputs<InterpolateInputs>(inputs, attrs!);
  const {diffAttrs} = attrs as unknown as InterpolateAttrs;
  const a = interpolateArgs(call, named, diffAttrs);
  const lead = [a.numImages, a.height, a.width];
  const out = call.output([...lead, a.numAttrs], 'out'),
    outDa = call.output([...lead, 2 * diffAttrs.length], 'outDa');
  recordInterpolate(call, a, out.buffer, outDa.buffer);
  return [out.info, outDa.info] as TensorInfo[];
});

export const interpolateConfig: KernelConfig = {
  kernelName: Interpolate,
  backendName: 'webgpu',
  kernelFunc: interpolateWebGPU,
};
