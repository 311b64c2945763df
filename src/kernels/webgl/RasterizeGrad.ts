import type {KernelConfig, KernelFunc} from '@tensorflow/tfjs-core';

import {RasterizeGrad, RasterizeGradInputs, unpackInputs} from '../names';

import {runGL} from './gl_session';
import {rasterizeGradProgram} from './rasterize_grad_program';
import {scatterPrecomputed} from './scatter';

export const rasterizeGradWebGL: KernelFunc = ({inputs, backend, attrs}) =>
  runGL(backend, RasterizeGrad, s => {
    const {pos, tri, rast, dy, ddb} = unpackInputs<RasterizeGradInputs>(inputs, attrs!);
    const [numImages, height, width] = rast.shape;
    const rangeMode = pos.shape.length === 2;
    const numVertices = pos.shape[pos.shape.length - 2];
    const [posT, rastT, dyT] = [pos, rast, dy].map(t => s.input(t));
    const triT = s.indices(tri, numVertices);
    const ddbT = ddb ? s.input(ddb) : null;
    const dpos = s.output(pos.shape);
    const rows = rangeMode ? numVertices : numImages * numVertices;
    scatterPrecomputed(
      s,
      dpos,
      rows,
      rasterizeGradProgram(s.ctx),
      3,
      numImages * height * width,
      {
        uNumVertices: numVertices,
        uNumTriangles: tri.shape[0],
        uHasDb: ddbT != null,
        uImageSize: [width, height],
        uVertexStride: rangeMode ? 0 : numVertices,
      },
      {uPos: posT.texture, uTri: triT.texture, uRast: rastT.texture, uDy: dyT.texture, uDdb: ddbT?.texture ?? null},
    );
    return dpos.info;
  });

export const rasterizeGradConfig: KernelConfig = {
  kernelName: RasterizeGrad,
  backendName: 'webgl',
  kernelFunc: rasterizeGradWebGL,
};
