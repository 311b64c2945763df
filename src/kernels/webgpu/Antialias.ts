import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';

import {Antialias, AntialiasInputs, unpackInputs} from '../names';
import {meshLayout} from '../shared/layout';

import {AntialiasGpuArgs, listShape, recordAntialias} from './antialias_program';
import {gpuKernel, GpuCall} from './gpu_context';

/** The buffers and sizes shared by antialias's forward and backward kernels. */
export function antialiasArgs(call: GpuCall, inputs: AntialiasInputs): AntialiasGpuArgs {
  const {color, rast, pos, tri, topo} = inputs;
  const [numImages, height, width, channels] = color.shape;
  const {numVertices, numTriangles, rangeMode} = meshLayout(pos, tri, rast);
  return {
    color: call.buffer(color),
    rast: call.buffer(rast),
    pos: call.buffer(pos),
    tri: call.buffer(tri),
    topo: call.buffer(topo),
    numImages,
    height,
    width,
    channels,
    numVertices,
    numTriangles,
    rangeMode,
  };
}

export const antialiasWebGPU: KernelFunc = gpuKernel(Antialias, (call, {inputs, attrs}) => {
  const named = unpackInputs<AntialiasInputs>(inputs, attrs!);
  const a = antialiasArgs(call, named);
  const out = call.output(named.color.shape, 'the output');
  // The hidden second output (ops/antialias.ts saves it for the backward): the list of item pairs and their α.
  const list = call.output(listShape(a), 'the list of item pixel pairs');
  recordAntialias(call, a, out.buffer, list.buffer);
  return [out.info, list.info] as TensorInfo[];
});

export const antialiasConfig: KernelConfig = {
  kernelName: Antialias,
  backendName: 'webgpu',
  kernelFunc: antialiasWebGPU,
};
