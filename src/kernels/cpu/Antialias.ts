import type {MathBackendCPU} from '@tensorflow/tfjs-backend-cpu';
import type {KernelConfig, KernelFunc} from '@tensorflow/tfjs-core';

import {Antialias, AntialiasInputs, unpackInputs} from '../names';
import {meshLayout} from '../shared/layout';

import {forEachAntialiasItem, AntialiasScene} from './antialias_math';
import {output, read} from './cpu_util';

export function antialiasScene(cpu: MathBackendCPU, inputs: AntialiasInputs): AntialiasScene {
  const {rast, pos, tri, topo} = inputs;
  const [numImages, height, width] = rast.shape;
  const {numVertices, vertexStride} = meshLayout(pos, tri, rast);
  return {
    rast: read(cpu, rast) as Float32Array,
    pos: read(cpu, pos) as Float32Array,
    tri: read(cpu, tri) as Int32Array,
    topo: read(cpu, topo) as Int32Array,
    numImages,
    height,
    width,
    numVertices,
    vertexStride,
  };
}

export const antialiasCpu: KernelFunc = ({inputs, backend, attrs}) => {
  const cpu = backend as MathBackendCPU;
  const named = unpackInputs<AntialiasInputs>(inputs, attrs!);
  const color = read(cpu, named.color) as Float32Array;
  const channels = named.color.shape[3];
  const out = new Float64Array(color);
  forEachAntialiasItem(antialiasScene(cpu, named), ({p0, p1, target, alpha}) => {
    for (let ch = 0; ch < channels; ch++) {
      out[target * channels + ch] += alpha * (color[p1 * channels + ch] - color[p0 * channels + ch]);
    }
  });
  return output(cpu, named.color.shape, out);
};

export const antialiasConfig: KernelConfig = {kernelName: Antialias, backendName: 'cpu', kernelFunc: antialiasCpu};
