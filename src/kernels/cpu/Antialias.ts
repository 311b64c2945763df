import type {KernelConfig, KernelFunc} from '@tensorflow/tfjs-core';

import {Antialias, AntialiasInputs, unpackInputs} from '../names';
import {meshLayout} from '../shared/layout';

import {forEachAntialiasItem, AntialiasScene} from './antialias_math';
import {Backend, read, withOutput} from './tensor_io';

export function antialiasScene(backend: Backend, inputs: AntialiasInputs): AntialiasScene {
  const {rast, pos, tri, topo} = inputs;
  const [numImages, height, width] = rast.shape;
  const {numVertices, vertexStride} = meshLayout(pos, tri, rast);
  return {
    rast: read(backend, rast) as Float32Array,
    pos: read(backend, pos) as Float32Array,
    tri: read(backend, tri) as Int32Array,
    topo: read(backend, topo) as Int32Array,
    numImages,
    height,
    width,
    numVertices,
    vertexStride,
  };
}

export const antialiasCpu: KernelFunc = ({inputs, backend, attrs}) => {
  const named = unpackInputs<AntialiasInputs>(inputs, attrs!);
  const channels = named.color.shape[3];
  return withOutput(backend, {shape: named.color.shape}, out => {
    const color = read(backend, named.color) as Float32Array;
    out.set(color); // a pixel gets at most a few items: float32 sums lose nothing measurable
    forEachAntialiasItem(antialiasScene(backend, named), ({p0, p1, dest, alpha}) => {
      for (let ch = 0; ch < channels; ch++) {
        out[dest * channels + ch] += alpha * (color[p1 * channels + ch] - color[p0 * channels + ch]);
      }
    });
  });
};

export const antialiasConfig: KernelConfig = {kernelName: Antialias, backendName: 'cpu', kernelFunc: antialiasCpu};
