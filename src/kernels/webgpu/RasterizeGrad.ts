import type {KernelConfig, KernelFunc} from '@tensorflow/tfjs-core';

import {RasterizeGrad, RasterizeGradInputs, unpackInputs} from '../names';
import {meshLayout} from '../shared/layout';

import {gpuKernel} from './gpu_context';
import {recordRasterizeGrad} from './rasterize_grad_program';

export const rasterizeGradWebGPU: KernelFunc = gpuKernel(RasterizeGrad, (call, {inputs, attrs}) => {
  const {pos, tri, rast, dy, ddb} = unpackInputs<RasterizeGradInputs>(inputs, attrs!);
  const [numImages, height, width] = rast.shape;
  const {numVertices, numTriangles, rangeMode} = meshLayout(pos, tri, rast);
  const buffers = {
    pos: call.buffer(pos),
    tri: call.buffer(tri),
    rast: call.buffer(rast),
    dy: call.buffer(dy),
    ddb: ddb ? call.buffer(ddb) : null,
  };
  const dpos = call.output(pos.shape, 'dpos', true);
  if (dpos.buffer && buffers.rast && buffers.dy) {
    recordRasterizeGrad(call, {
      ...buffers,
      rast: buffers.rast,
      dy: buffers.dy,
      dpos: dpos.buffer,
      numImages,
      height,
      width,
      numVertices,
      numTriangles,
      rangeMode,
    });
  }
  return dpos.info;
});

export const rasterizeGradConfig: KernelConfig = {
  kernelName: RasterizeGrad,
  backendName: 'webgpu',
  kernelFunc: rasterizeGradWebGPU,
};
