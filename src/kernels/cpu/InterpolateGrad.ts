import type {KernelConfig, KernelFunc} from '@tensorflow/tfjs-core';

import {
  InterpolateGrad,
  InterpolateGradAttrs,
  InterpolateGradInputs,
  interpolateGradOutputs,
  unpackInputs,
} from '../names';
import {attributeLayout} from '../shared/layout';

import {read, withOutputs} from './tensor_io';
import {forEachCoveredPixel} from './Interpolate';

export const interpolateGradCpu: KernelFunc = ({inputs, backend, attrs}) => {
  const {attr, rast, tri, rastDb, dy, dyDa} = unpackInputs<InterpolateGradInputs>(inputs, attrs!);
  const {diffAttrs} = attrs as unknown as InterpolateGradAttrs;
  const wants = interpolateGradOutputs(attrs as unknown as InterpolateGradAttrs);
  const layout = attributeLayout(attr, rast);
  const {numAttrs} = layout;
  const specs = [
    ...(wants.attr ? [{shape: attr.shape}] : []),
    ...(wants.rast ? (rastDb ? [{shape: rast.shape}, {shape: rast.shape}] : [{shape: rast.shape}]) : []),
  ];
  return withOutputs(backend, specs, outs => {
    const dattrOut = wants.attr ? outs[0] : null;
    const [drast, drastDbOut] = wants.rast ? outs.slice(wants.attr ? 1 : 0) : [null, null];
    const attrV = read(backend, attr) as Float32Array,
      rastV = read(backend, rast) as Float32Array;
    const dyV = read(backend, dy) as Float32Array;
    const dbV = rastDb ? (read(backend, rastDb) as Float32Array) : null;
    const dyDaV = dbV && dyDa ? (read(backend, dyDa) as Float32Array) : null;
    const numDa = 2 * diffAttrs.length;
    // Attributes gather from many pixels: float64 sums (vertex-sized). Each pixel's own gradients are
    // summed in locals and stored once, straight into the float32 outputs.
    const dattr = dattrOut ? new Float64Array(attrV.length) : null;
    const drastDb = dbV && dyDaV ? drastDbOut : null;
    forEachCoveredPixel(layout, rastV, read(backend, tri) as Int32Array, (pix, o, c0, c1, c2) => {
      const u = rastV[o],
        v = rastV[o + 1],
        w = 1 - u - v;
      let du = 0,
        dv = 0;
      for (let a = 0, g0 = pix * numAttrs; a < numAttrs; a++) {
        const g = dyV[g0 + a];
        if (dattr) {
          dattr[c0 + a] += u * g;
          dattr[c1 + a] += v * g;
          dattr[c2 + a] += w * g;
        }
        du += g * (attrV[c0 + a] - attrV[c2 + a]);
        dv += g * (attrV[c1 + a] - attrV[c2 + a]);
      }
      if (drast) {
        drast[o] = du;
        drast[o + 1] = dv;
      }
      if (!dyDaV || (!dattr && !drastDb)) return;
      const uX = dbV![o],
        uY = dbV![o + 1],
        vX = dbV![o + 2],
        vY = dbV![o + 3];
      let dUX = 0,
        dUY = 0,
        dVX = 0,
        dVY = 0;
      for (let j = 0; j < diffAttrs.length; j++) {
        const a = diffAttrs[j];
        const ex = dyDaV[pix * numDa + 2 * j],
          ey = dyDaV[pix * numDa + 2 * j + 1];
        if (dattr) {
          const dU = ex * uX + ey * uY,
            dV = ex * vX + ey * vY;
          dattr[c0 + a] += dU;
          dattr[c1 + a] += dV;
          dattr[c2 + a] -= dU + dV;
        }
        const d0 = attrV[c0 + a] - attrV[c2 + a],
          d1 = attrV[c1 + a] - attrV[c2 + a];
        dUX += ex * d0;
        dUY += ey * d0;
        dVX += ex * d1;
        dVY += ey * d1;
      }
      if (!drastDb) return;
      drastDb[o] = dUX;
      drastDb[o + 1] = dUY;
      drastDb[o + 2] = dVX;
      drastDb[o + 3] = dVY;
    });
    if (dattr) dattrOut!.set(dattr);
  });
};

export const interpolateGradConfig: KernelConfig = {
  kernelName: InterpolateGrad,
  backendName: 'cpu',
  kernelFunc: interpolateGradCpu,
};
