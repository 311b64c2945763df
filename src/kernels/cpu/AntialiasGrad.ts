import type {KernelConfig, KernelFunc} from '@tensorflow/tfjs-core';

import {AntialiasGrad, AntialiasGradInputs, unpackInputs} from '../names';

import {antialiasScene} from './Antialias';
import {crossingGrad, forEachAntialiasItem} from './antialias_math';
import {read, withOutputs} from './tensor_io';

export const antialiasGradCpu: KernelFunc = ({inputs, backend, attrs}) => {
  const named = unpackInputs<AntialiasGradInputs>(inputs, attrs!);
  const specs = [{shape: named.color.shape}, {shape: named.pos.shape}];
  return withOutputs(backend, specs, ([dcolor, dposOut]) => {
    const scene = antialiasScene(backend, named);
    const {pos, width, height} = scene;
    const color = read(backend, named.color) as Float32Array,
      dy = read(backend, named.dy) as Float32Array;
    const channels = named.color.shape[3];
    dcolor.set(dy); // a pixel is in at most a few items: float32 sums lose nothing measurable
    const dpos = new Float64Array(pos.length); // vertices gather from many pixels
    const ends = new Float64Array(4);
    /** Adds the gradient (ga, gb) on endpoint v's owner-relative pixel coordinates to its clip-space x, y, w. */
    const addEndpoint = (v: number, ga: number, gb: number, vertical: boolean) => {
      const gX = vertical ? gb : ga,
        gY = vertical ? ga : gb;
      const o = 4 * v,
        x = pos[o],
        y = pos[o + 1],
        w = pos[o + 3];
      dpos[o] += (gX * width) / (2 * w);
      dpos[o + 1] += (gY * height) / (2 * w);
      dpos[o + 3] -= ((gX * x * width) / 2 + (gY * y * height) / 2) / (w * w);
    };
    forEachAntialiasItem(scene, item => {
      const {p0, p1, dest, alpha} = item;
      let dd = 0;
      for (let ch = 0; ch < channels; ch++) {
        const g = dy[dest * channels + ch];
        dcolor[p0 * channels + ch] -= alpha * g;
        dcolor[p1 * channels + ch] += alpha * g;
        dd += g * (color[p1 * channels + ch] - color[p0 * channels + ch]);
      }
      if (item.clamped || dd === 0) return;
      crossingGrad(item, dd, ends);
      addEndpoint(item.v1, ends[0], ends[1], item.vertical);
      addEndpoint(item.v2, ends[2], ends[3], item.vertical);
    });
    dposOut.set(dpos);
  });
};

export const antialiasGradConfig: KernelConfig = {
  kernelName: AntialiasGrad,
  backendName: 'cpu',
  kernelFunc: antialiasGradCpu,
};
