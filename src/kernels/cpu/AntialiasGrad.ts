import type {KernelConfig, KernelFunc} from '@tensorflow/tfjs-core';

import {AntialiasGrad, AntialiasGradInputs, unpackInputs} from '../names';

import {antialiasScene} from './Antialias';
import {crossingGrad, forEachAntialiasItem} from './antialias_math';
import {output, read} from './tensor_io';

export const antialiasGradCpu: KernelFunc = ({inputs, backend, attrs}) => {
  const named = unpackInputs<AntialiasGradInputs>(inputs, attrs!);
  const scene = antialiasScene(backend, named);
  const {pos, width, height} = scene;
  const color = read(backend, named.color) as Float32Array,
    dy = read(backend, named.dy) as Float32Array;
  const channels = named.color.shape[3];
  const dcolor = new Float64Array(dy);
  const dpos = new Float64Array(pos.length);
  forEachAntialiasItem(scene, item => {
    const {p0, p1, target, alpha} = item;
    let dd = 0;
    for (let ch = 0; ch < channels; ch++) {
      const g = dy[target * channels + ch];
      dcolor[p0 * channels + ch] -= alpha * g;
      dcolor[p1 * channels + ch] += alpha * g;
      dd += g * (color[p1 * channels + ch] - color[p0 * channels + ch]);
    }
    if (item.clamped || dd === 0) return;
    const [ga1, gb1, ga2, gb2] = crossingGrad(item, dd);
    const ends: Array<[number, number, number]> = [
      [item.v1, ga1, gb1],
      [item.v2, ga2, gb2],
    ];
    for (const [v, ga, gb] of ends) {
      const gX = item.vertical ? gb : ga,
        gY = item.vertical ? ga : gb;
      const o = 4 * v,
        x = pos[o],
        y = pos[o + 1],
        w = pos[o + 3];
      dpos[o] += (gX * width) / (2 * w);
      dpos[o + 1] += (gY * height) / (2 * w);
      dpos[o + 3] -= ((gX * x * width) / 2 + (gY * y * height) / 2) / (w * w);
    }
  });
  return [output(backend, named.color.shape, dcolor), output(backend, named.pos.shape, dpos)];
};

export const antialiasGradConfig: KernelConfig = {
  kernelName: AntialiasGrad,
  backendName: 'cpu',
  kernelFunc: antialiasGradCpu,
};
