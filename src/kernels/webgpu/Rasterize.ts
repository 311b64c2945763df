import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';

import {drawnWinding, Rasterize, RasterizeAttrs, RasterizeInputs, unpackInputs} from '../names';
import {imageTriangles, meshLayout} from '../shared/layout';
import {provokingMesh, provokingMeshBytes} from '../shared/provoking';

import {gpuKernel} from './gpu_context';
import {recordRasterize} from './rasterize_program';

export const rasterizeWebGPU: KernelFunc = gpuKernel(Rasterize, (call, {inputs, attrs}) => {
  const {pos, tri, peel} = unpackInputs<RasterizeInputs>(inputs, attrs!);
  const {height, width, ranges, coverage, cullMode} = attrs as unknown as RasterizeAttrs;
  const layout = meshLayout(pos, tri, {ranges});
  const {rangeMode, numImages} = layout;
  const draws = Array.from({length: numImages}, (_, n) => imageTriangles(layout, ranges, n));
  const shape = [numImages, height, width, 4];
  const hardware = (coverage ?? 'hardware') === 'hardware';
  const {VERTEX, INDEX} = GPUBufferUsage;
  // The indexed draw's arrays, kept per tri tensor; none when tfjs holds tri only on the GPU or they would
  // be too big to keep (then three vertices per triangle).
  const {numVertices, numTriangles} = layout;
  const meshBuffers =
    hardware && numTriangles > 0
      ? call.meshBuffers(tri, `provoking:${numVertices}`, provokingMeshBytes(numVertices, numTriangles), values => {
          const {indices, triangle, corners} = provokingMesh(values, numVertices, 'first');
          return [
            {data: indices, usage: INDEX},
            {data: triangle, usage: VERTEX},
            {data: corners, usage: VERTEX},
          ];
        })
      : null;
  const posBuffer = call.buffer(pos),
    triBuffer = call.buffer(tri),
    peelBuffer = peel ? call.buffer(peel) : null;
  const rast = call.output(shape, 'rast'),
    rastDb = call.output(shape, 'rastDb');
  if (rast.buffer && rastDb.buffer) {
    recordRasterize(call, {
      pos: posBuffer,
      tri: triBuffer,
      peel: peelBuffer,
      rast: rast.buffer,
      rastDb: rastDb.buffer,
      numImages,
      numVertices: layout.numVertices,
      height,
      width,
      draws,
      rangeMode,
      hardware,
      winding: drawnWinding(cullMode ?? 'none'),
      mesh: meshBuffers && {indices: meshBuffers[0], triangle: meshBuffers[1], corners: meshBuffers[2]},
    });
  }
  return [rast.info, rastDb.info] as TensorInfo[];
});

export const rasterizeConfig: KernelConfig = {
  kernelName: Rasterize,
  backendName: 'webgpu',
  kernelFunc: rasterizeWebGPU,
};
