import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';

import {
  InterpolateGrad,
  InterpolateGradAttrs,
  InterpolateGradInputs,
  interpolateGradOutputs,
  unpackInputs,
} from '../names';

import {runGL} from './gl_session';
import {interpolateBindings} from './Interpolate';
import {
  interpolateAttrGradStage,
  interpolatePixelGradProgram,
  interpolateRastGradProgram,
} from './interpolate_grad_program';
import {addCornerGradients, vertexTriangles} from './triangle_gather';
import {rastScreenMesh} from './rast_source';
import {copyToTensors, elementPass, groupsOf, ScratchGrid, scratchGrid, shiftGrid} from './passes';
import {scatterTarget} from './scatter';

/**
 * dattr is summed per triangle over the screen of the triangles rast was drawn from where it knows them
 * (rast_source.ts) and there are at most as many triangles as pixels (triangle_gather.ts's vertexTriangles picks the
 * walk, the boxes or the quad tree); beyond that a box fragment per triangle costs more than the point per pixel it
 * saves (1M triangles at 512²: 1.26x the points' GPU-process CPU time, 01:17).
 */
export const interpolateGradWebGL: KernelFunc = ({inputs, backend, attrs}) =>
  runGL(backend, InterpolateGrad, s => {
    const named = unpackInputs<InterpolateGradInputs>(inputs, attrs!);
    const {attr, rast, rastDb} = named;
    // Without the incoming outDa gradient, the listed attributes get none through it.
    const diffAttrs = rastDb && named.dyDa ? (attrs as unknown as InterpolateGradAttrs).diffAttrs : [];
    const wants = interpolateGradOutputs(attrs as unknown as InterpolateGradAttrs);
    const {uniforms, textures, layout} = interpolateBindings(s, named, diffAttrs);
    const dyT = s.input(named.dy),
      dyDaT = diffAttrs.length > 0 ? s.input(named.dyDa!) : null;
    const allTextures = {...textures, uDy: dyT.texture, uDyDa: dyDaT?.texture ?? null};
    const dattr = wants.attr ? s.output(attr.shape) : null,
      drast = wants.rast ? s.output(rast.shape) : null,
      drastDb = wants.rast && rastDb ? s.output(rast.shape) : null;
    const [n, h, w] = rast.shape;
    const groups = groupsOf(uniforms.uNumAttrs);
    // drast and drastDb's grids when the box walk's per-pixel pass wrote them too.
    const fused: {grids?: ScratchGrid[]} = {};
    if (dattr && dattr.size > 0) {
      const {uNumVertices: numVertices, uNumTriangles: numTriangles} = uniforms;
      const boxes = numTriangles <= n * h * w;
      const screen = boxes ? rastScreenMesh(s, rast, numVertices, numTriangles) : null;
      const list = vertexTriangles(s, named.tri, numVertices, numTriangles, n * h * w, screen != null, groups);
      const target = scatterTarget(s, layout.attrRows * groups);
      const fuse = drast && s.ctx.maxDrawBuffers >= 6;
      addCornerGradients(
        s,
        target,
        n,
        h,
        w,
        groups,
        {
          stage: interpolateAttrGradStage(diffAttrs.length),
          uniforms,
          textures: allTextures,
          rowStride: layout.attrStride,
          tri: allTextures.uTri,
          numVertices,
          numTriangles,
          screen: screen ?? undefined,
        },
        list,
        fuse
          ? pixels => {
              const grids = ['rast', 'db'].map(name => shiftGrid(s, `interpolate-grad.${name}`, n * h * w, w));
              const program = interpolatePixelGradProgram(s.ctx, diffAttrs.length);
              elementPass(s, program, [...pixels, ...grids], {...uniforms, uGroup: 0}, allTextures);
              fused.grids = grids;
            }
          : undefined,
      );
      copyToTensors(s, [target], {cols: uniforms.uNumAttrs, base: 0}, [dattr]);
    }
    if (drast) {
      let grids = fused.grids;
      if (!grids) {
        grids = ['rast', 'db'].map(name => scratchGrid(s, `interpolate-grad.${name}`, n * h * w));
        elementPass(s, interpolateRastGradProgram(s.ctx, diffAttrs.length), grids, uniforms, allTextures);
      }
      copyToTensors(s, drastDb ? grids : grids.slice(0, 1), {cols: 4, base: 0}, drastDb ? [drast, drastDb] : [drast]);
    }
    return [dattr, drast, drastDb].filter(o => o != null).map(o => o.info) as TensorInfo[];
  });

export const interpolateGradConfig: KernelConfig = {
  kernelName: InterpolateGrad,
  backendName: 'webgl',
  kernelFunc: interpolateGradWebGL,
};
