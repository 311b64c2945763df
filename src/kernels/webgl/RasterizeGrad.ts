import type {KernelConfig, KernelFunc} from '@tensorflow/tfjs-core';

import {RasterizeGrad, RasterizeGradInputs, unpackInputs} from '../names';
import {meshLayout} from '../shared/layout';

import {runGL} from './gl_session';
import {copyToTensors} from './passes';
import {rasterizeGradStage} from './rasterize_grad_program';
import {scatterTarget} from './scatter';
import {addCornerGradients, takesBoxes, vertexTriangles} from './triangle_gather';

export const rasterizeGradWebGL: KernelFunc = ({inputs, backend, attrs}) =>
  runGL(backend, RasterizeGrad, s => {
    const {pos, tri, rast, dy, ddb} = unpackInputs<RasterizeGradInputs>(inputs, attrs!);
    const [numImages, height, width] = rast.shape;
    const {numVertices, numTriangles, vertexStride, posRows} = meshLayout(pos, tri, rast);
    const [posT, rastT, dyT] = [pos, rast, dy].map(t => s.input(t));
    const triT = s.indices(tri, numVertices);
    const ddbT = ddb ? s.input(ddb) : null;
    const dpos = s.output(pos.shape);
    if (dpos.size === 0) return dpos.info;
    const pixels = numImages * height * width;
    const list = vertexTriangles(s, tri, numVertices, numTriangles, pixels, true, 1); // (screen known, one group)
    const target = scatterTarget(s, posRows);
    const mesh = {uNumVertices: numVertices, uNumTriangles: numTriangles};
    // The triangle boxes' path (triangle_gather.ts's addCornerGradients) takes their boxes from the corner table.
    const boxes = takesBoxes(list, true, 1);
    const stage = rasterizeGradStage(
      s,
      {images: numImages, pixels, numVertices, numTriangles, vertexStride, pos: posT.texture, tri: triT.texture},
      boxes ? {width, height} : undefined,
    );
    addCornerGradients(
      s,
      target,
      numImages,
      height,
      width,
      1,
      {
        stage: stage.stage,
        uniforms: {
          ...mesh,
          ...stage.uniforms,
          uHasDb: ddbT != null,
          uImageSize: [width, height],
          uVertexStride: vertexStride,
        },
        textures: {
          ...stage.textures,
          uPos: posT.texture,
          uTri: triT.texture,
          uRast: rastT.texture,
          uDy: dyT.texture,
          uDdb: ddbT?.texture ?? null,
        },
        rowStride: vertexStride,
        tri: triT.texture,
        numVertices,
        numTriangles,
        screen: {pos: posT.texture, tri: triT.texture, vertexStride, boxes: stage.boxes},
      },
      list,
    );
    copyToTensors(s, [target], {cols: 4, base: 0}, [dpos]);
    return dpos.info;
  });

export const rasterizeGradConfig: KernelConfig = {
  kernelName: RasterizeGrad,
  backendName: 'webgl',
  kernelFunc: rasterizeGradWebGL,
};
