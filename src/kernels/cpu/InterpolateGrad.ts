import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';

import {InterpolateAttrs, InterpolateGrad, InterpolateGradInputs, unpackInputs} from '../names';
import {attributeLayout} from '../shared/layout';

import {output, read} from './tensor_io';
import {forEachCoveredPixel} from './Interpolate';

export const interpolateGradCpu: KernelFunc = ({inputs, backend, attrs}) => {
  const {attr, rast, tri, rastDb, dy, dyDa} = unpackInputs<InterpolateGradInputs>(inputs, attrs!);
  const {diffAttrs} = attrs as unknown as InterpolateAttrs;
  const layout = attributeLayout(attr, rast);
  const {numAttrs} = layout;
  const attrV = read(backend, attr) as Float32Array,
    rastV = read(backend, rast) as Float32Array;
  const dyV = read(backend, dy) as Float32Array;
  const dbV = rastDb ? (read(backend, rastDb) as Float32Array) : null;
  const dyDaV = dbV && dyDa ? (read(backend, dyDa) as Float32Array) : null;
  const numDa = 2 * diffAttrs.length;
  const dattr = new Float64Array(attrV.length);
  const drast = new Float64Array(rastV.length);
  const drastDb = dbV ? new Float64Array(rastV.length) : null;
  forEachCoveredPixel(layout, rastV, read(backend, tri) as Int32Array, (pix, o, c0, c1, c2) => {
    const u = rastV[o],
      v = rastV[o + 1],
      w = 1 - u - v;
    let du = 0,
      dv = 0;
    for (let a = 0; a < numAttrs; a++) {
      const g = dyV[pix * numAttrs + a];
      dattr[c0 + a] += u * g;
      dattr[c1 + a] += v * g;
      dattr[c2 + a] += w * g;
      du += g * (attrV[c0 + a] - attrV[c2 + a]);
      dv += g * (attrV[c1 + a] - attrV[c2 + a]);
    }
    drast[o] = du;
    drast[o + 1] = dv;
    if (!dbV || !dyDaV || !drastDb) return;
    diffAttrs.forEach((a, j) => {
      const ex = dyDaV[pix * numDa + 2 * j],
        ey = dyDaV[pix * numDa + 2 * j + 1];
      const dU = ex * dbV[o] + ey * dbV[o + 1],
        dV = ex * dbV[o + 2] + ey * dbV[o + 3];
      dattr[c0 + a] += dU;
      dattr[c1 + a] += dV;
      dattr[c2 + a] -= dU + dV;
      const d0 = attrV[c0 + a] - attrV[c2 + a],
        d1 = attrV[c1 + a] - attrV[c2 + a];
      drastDb[o] += ex * d0;
      drastDb[o + 1] += ey * d0;
      drastDb[o + 2] += ex * d1;
      drastDb[o + 3] += ey * d1;
    });
  });
  const outs: TensorInfo[] = [output(backend, attr.shape, dattr), output(backend, rast.shape, drast)];
  if (drastDb) outs.push(output(backend, rast.shape, drastDb));
  return outs;
};

export const interpolateGradConfig: KernelConfig = {
  kernelName: InterpolateGrad,
  backendName: 'cpu',
  kernelFunc: interpolateGradCpu,
};
