import type {KernelConfig, KernelFunc} from '@tensorflow/tfjs-core';

import {RasterizeGrad, RasterizeGradInputs, unpackInputs} from '../names';
import {meshLayout} from '../shared/layout';

import {runGL} from './gl_session';
import {rasterizeGradProgram} from './rasterize_grad_program';
import {scratchGrid} from './passes';
import {scatterPrecomputed} from './scatter';

export const rasterizeGradWebGL: KernelFunc = ({inputs, backend, attrs}) =>
  runGL(backend, RasterizeGrad, s => {
    const {pos, tri, rast, dy, ddb} = unpackInputs<RasterizeGradInputs>(inputs, attrs!);
    const [numImages, height, width] = rast.shape;
    const {numVertices, numTriangles, vertexStride, posRows} = meshLayout(pos, tri, rast);
    const [posT, rastT, dyT] = [pos, rast, dy].map(t => s.input(t));
    const triT = s.indices(tri, numVertices);
    const ddbT = ddb ? s.input(ddb) : null;
    const dpos = s.output(pos.shape);
    scatterPrecomputed(
      s,
      dpos,
      posRows,
      rasterizeGradProgram(s.ctx),
      3,
      numImages * height * width,
      {
        uNumVertices: numVertices,
        uNumTriangles: numTriangles,
        uHasDb: ddbT != null,
        uImageSize: [width, height],
        uVertexStride: vertexStride,
      },
      {uPos: posT.texture, uTri: triT.texture, uRast: rastT.texture, uDy: dyT.texture, uDdb: ddbT?.texture ?? null},
      scratchGrid(s, 'rasterize-grad.counts', numImages * height * width),
    );
    return dpos.info;
  });

export const rasterizeGradConfig: KernelConfig = {
  kernelName: RasterizeGrad,
  backendName: 'webgl',
  kernelFunc: rasterizeGradWebGL,
};
