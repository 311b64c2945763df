import type {KernelConfig, KernelFunc} from '@tensorflow/tfjs-core';

import {Rasterize, RasterizeAttrs, RasterizeInputs, unpackInputs} from '../names';

import {runGL} from './gl_session';
import {copyToTensors} from './passes';
import {rasterProgram} from './rasterize_program';

export const rasterizeWebGL: KernelFunc = ({inputs, backend, attrs}) => runGL(backend, Rasterize, s => {
  const {pos, tri, peel} = unpackInputs<RasterizeInputs>(inputs, attrs!);
  const {height, width, ranges} = attrs as unknown as RasterizeAttrs;
  const rangeMode = pos.shape.length === 2;
  const numImages = rangeMode ? ranges.length / 2 : pos.shape[0];
  const numVertices = pos.shape[pos.shape.length - 2], numTriangles = tri.shape[0];
  const posT = s.input(pos), triT = s.input(tri), peelT = peel ? s.input(peel) : null;
  const rast = s.output([numImages, height, width, 4]), db = s.output([numImages, height, width, 4]);
  if (rast.size === 0) return [rast.info, db.info];

  // Images go to bands of one atlas, as many as fit; each batch of bands is one draw (range mode:
  // one per image) and one copy into the outputs.
  const bands = Math.min(numImages, Math.floor(s.ctx.maxRenderSize / height));
  const targets = [s.scratchTexture('raster.rast', width, bands * height), s.scratchTexture('raster.db', width, bands * height)];
  const depth = s.scratchDepth('raster.depth', width, bands * height);
  const program = rasterProgram(s.ctx);
  const gl = s.gl;
  const pixels = height * width;
  for (let n0 = 0; n0 < numImages; n0 += bands) {
    const n1 = Math.min(numImages, n0 + bands);
    const draw = (uniforms: {uFirst: number, uCount: number, uImage0: number, uBand0: number}, instances: number, clear: boolean) =>
        s.draw({
          program, targets, depth, clear, viewport: [0, 0, width, (n1 - n0) * height],
          uniforms: {
            ...uniforms, uBands: n1 - n0, uVertexStride: rangeMode ? 0 : numVertices, uImageSize: [width, height],
            uNumVertices: numVertices, uNumTriangles: numTriangles, uPeel: peelT != null,
          },
          textures: {uPos: posT.texture, uTri: triT.texture, uPrevious: peelT?.texture ?? null},
          mode: gl.TRIANGLE_STRIP, count: 4, instances,
        });
    if (rangeMode) {
      for (let n = n0; n < n1; n++) {
        const [first, count] = [ranges[2 * n], ranges[2 * n + 1]];
        draw({uFirst: first, uCount: Math.max(count, 1), uImage0: n, uBand0: n - n0}, count, n === n0);
      }
    } else {
      draw({uFirst: 0, uCount: Math.max(numTriangles, 1), uImage0: n0, uBand0: 0}, (n1 - n0) * numTriangles, true);
    }
    copyToTensors(s, targets, {cols: 4, base: 0}, [rast, db], n0 * pixels * 4, n1 * pixels * 4);
  }
  return [rast.info, db.info];
});

export const rasterizeConfig: KernelConfig = {kernelName: Rasterize, backendName: 'webgl', kernelFunc: rasterizeWebGL};
