import type {KernelConfig, KernelFunc} from '@tensorflow/tfjs-core';

import {drawnWinding, Rasterize, RasterizeAttrs, RasterizeInputs, unpackInputs} from '../names';
import {meshLayout} from '../shared/layout';
import {provokingMesh, provokingMeshBytes} from '../shared/provoking';

import {copyTensorToTexels} from './buffer_copy';
import {BOX_BATCH} from './gl_context';
import {runGL} from './gl_session';
import {copyToTensors, elementPass, scratchGrid, shiftGrid} from './passes';
import {rasterHardwareProgram, rasterPositionsProgram} from './rasterize_hardware_program';
import {rasterProgram, rasterSetupPrograms} from './rasterize_program';
import {rememberRastSource} from './rast_source';

export const rasterizeWebGL: KernelFunc = ({inputs, backend, attrs}) =>
  runGL(backend, Rasterize, s => {
    const {pos, tri, peel} = unpackInputs<RasterizeInputs>(inputs, attrs!);
    const {height, width, ranges, coverage, cullMode} = attrs as unknown as RasterizeAttrs;
    const {rangeMode, numImages, numVertices, numTriangles, posRows} = meshLayout(pos, tri, {ranges});
    const hardware = (coverage ?? 'hardware') === 'hardware';
    // Before tri's upload, which moves its values off the CPU. None when they would pass the kept budget: then
    // three vertices per triangle.
    const elements =
      hardware && numTriangles > 0
        ? s.meshArrays(tri, `provoking:${numVertices}`, provokingMeshBytes(numVertices, numTriangles), values => {
            const {indices, triangle, corners} = provokingMesh(values, numVertices, 'last');
            return {
              indices,
              attributes: [
                {data: triangle, size: 1},
                {data: corners, size: 4},
              ],
            };
          })
        : undefined;
    const posT = s.input(pos),
      triT = s.indices(tri, numVertices),
      peelT = peel ? s.input(peel) : null;
    const rast = s.output([numImages, height, width, 4]),
      db = s.output([numImages, height, width, 4]);
    if (rast.size === 0) return [rast.info, db.info];
    rememberRastSource(rast.info, pos, tri);

    // Images go to bands of one atlas, as many as fit; each batch of bands is one draw (range mode:
    // one per image) and one copy into the outputs.
    const bands = Math.min(numImages, Math.floor(s.ctx.maxRenderSize / height));
    const targets = [
      s.scratchTexture('raster.rast', width, bands * height),
      s.scratchTexture('raster.db', width, bands * height),
    ];
    const depth = s.scratchDepth('raster.depth', width, bands * height);
    const pixels = height * width;
    const uWinding = drawnWinding(cullMode ?? 'none');
    const copyChunk = (n0: number, n1: number) =>
      copyToTensors(
        s,
        targets.map(texture => ({texture, width})),
        {cols: 4, base: 0},
        [rast, db],
        n0 * pixels * 4,
        n1 * pixels * 4,
      );

    if (hardware) {
      // pos as RGBA texels (a memory copy where the context allows it, else a pass), then one draw per image, into its band (see rasterize_hardware_program.ts).
      const positions = shiftGrid(s, 'raster.positions', posRows);
      if (!copyTensorToTexels(s, posT, posRows, positions)) {
        elementPass(s, rasterPositionsProgram(s.ctx), [positions], {}, {uPos: posT.texture});
      }
      const program = rasterHardwareProgram(s.ctx, peelT != null, elements != null);
      // The pipeline culls too, so that culled faces shade no fragment; the vertex shader's determinant test
      // stays the rule (the pipeline's, from snapped vertices, can differ for slivers).
      const cull = uWinding > 0 ? s.gl.BACK : uWinding < 0 ? s.gl.FRONT : undefined;
      for (let n0 = 0; n0 < numImages; n0 += bands) {
        const n1 = Math.min(numImages, n0 + bands);
        for (let n = n0; n < n1; n++) {
          const count = rangeMode ? ranges[2 * n + 1] : numTriangles;
          s.draw({
            program,
            targets,
            depth,
            clear: n === n0,
            viewport: [0, (n - n0) * height, width, height],
            uniforms: {
              uImageSize: [width, height],
              uNumVertices: numVertices,
              uNumTriangles: numTriangles,
              uBase: rangeMode ? 0 : n * numVertices,
              uWinding,
              uBand: n - n0,
              uImage: n,
              uPositionsShift: positions.shift,
            },
            textures: {
              uPos: posT.texture,
              uTri: triT.texture,
              uPositions: positions.texture,
              ...(peelT ? {uPrevious: peelT.texture} : {}),
            },
            cull,
            mode: s.gl.TRIANGLES,
            elements: elements ?? undefined,
            first: 3 * (rangeMode ? ranges[2 * n] : 0),
            count: 3 * count,
          });
        }
        copyChunk(n0, n1);
      }
      return [rast.info, db.info];
    }

    const [setup, shape] = rasterSetupPrograms(s.ctx),
      program = rasterProgram(s.ctx);
    const common = {uImageSize: [width, height], uNumVertices: numVertices, uNumTriangles: numTriangles, uWinding};
    // Set-up textures, one texel per box, sized for the largest draw of this call.
    let maxBoxes = rangeMode ? 0 : bands * numTriangles;
    for (let n = 0; rangeMode && n < numImages; n++) maxBoxes = Math.max(maxBoxes, ranges[2 * n + 1]);
    const grids =
      maxBoxes > 0
        ? ['box', 'p0', 'p1', 'p2', 'corners01', 'corners23'].map(name => scratchGrid(s, `raster.${name}`, maxBoxes))
        : null;

    /**
     * Boxes of `images` images from image0 (in band band0 of `chunk` bands), triangles
     * [first, first + count) of each.
     */
    const draw = (chunk: number, image0: number, band0: number, images: number, first: number, count: number) => {
      const boxes = images * count;
      const uniforms = {...common, uFirst: first, uCount: Math.max(count, 1), uImage0: image0};
      const boxTextures: {[name: string]: WebGLTexture | null} = {
        uCorners01: null,
        uCorners23: null,
        uP0: null,
        uP1: null,
        uP2: null,
      };
      if (boxes > 0 && grids) {
        const [box, p0, p1, p2, corners01, corners23] = grids;
        elementPass(
          s,
          setup,
          [box, p0, p1, p2],
          {...uniforms, uVertexStride: rangeMode ? 0 : numVertices},
          {uPos: posT.texture, uTri: triT.texture},
          0,
          boxes,
        );
        Object.assign(boxTextures, {uBoxes: box.texture, uP0: p0.texture, uP1: p1.texture, uP2: p2.texture});
        elementPass(s, shape, [corners01, corners23], uniforms, boxTextures, 0, boxes);
        Object.assign(boxTextures, {uCorners01: corners01.texture, uCorners23: corners23.texture});
      }
      // Two triangles per box from the box index list, in batches. (Instancing would be natural,
      // but SwiftShader pays a draw's set-up per instance: 5 s for 100k.)
      for (let offset = 0; offset < Math.max(boxes, 1); offset += BOX_BATCH) {
        s.draw({
          program,
          targets,
          depth,
          clear: band0 === 0 && offset === 0,
          viewport: [0, 0, width, chunk * height],
          uniforms: {
            ...uniforms,
            uBand0: band0,
            uBands: chunk,
            uPeel: peelT != null,
            uBoxOffset: offset,
            uGridWidth: grids?.[0].width ?? 1,
          },
          textures: {...boxTextures, uPrevious: peelT?.texture ?? null},
          mode: s.gl.TRIANGLES,
          count: 6 * Math.min(BOX_BATCH, boxes - offset),
          boxIndexed: true,
        });
      }
    };

    for (let n0 = 0; n0 < numImages; n0 += bands) {
      const n1 = Math.min(numImages, n0 + bands);
      if (rangeMode) {
        for (let n = n0; n < n1; n++) draw(n1 - n0, n, n - n0, 1, ranges[2 * n], ranges[2 * n + 1]);
      } else {
        draw(n1 - n0, n0, 0, n1 - n0, 0, numTriangles);
      }
      copyChunk(n0, n1);
    }
    return [rast.info, db.info];
  });

export const rasterizeConfig: KernelConfig = {kernelName: Rasterize, backendName: 'webgl', kernelFunc: rasterizeWebGL};
