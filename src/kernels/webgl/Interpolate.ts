import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';

import {Interpolate, InterpolateAttrs, InterpolateInputs, unpackInputs} from '../names';
import {attributeLayout} from '../shared/layout';

import {GlSession, GlTensor, runGL} from './gl_session';
import {interpolateDaProgram, interpolateProgram} from './interpolate_program';
import {channelGroupPass, elementPass} from './passes';

/** The uniforms and textures of interpolateSnippet, for forward and backward passes. */
export function interpolateBindings(s: GlSession, inputs: InterpolateInputs, diffAttrs: number[]) {
  const {attr, rast, tri, rastDb} = inputs;
  const layout = attributeLayout(attr, rast);
  const {numVertices} = layout;
  const [attrT, rastT] = [attr, rast].map(t => s.input(t));
  const triT = s.indices(tri, numVertices);
  const dbT: GlTensor | null = rastDb ? s.input(rastDb) : null;
  return {
    layout,
    uniforms: {
      uNumVertices: numVertices,
      uNumTriangles: tri.shape[0],
      uNumAttrs: layout.numAttrs,
      uAttrStride: layout.attrStride,
      uPixels: layout.pixels,
      uDiffAttrs: diffAttrs,
    },
    textures: {
      uAttr: attrT.texture,
      uRast: rastT.texture,
      uTri: triT.texture,
      uRastDb: dbT?.texture ?? null,
      uPos: null,
    },
  };
}

export const interpolateWebGL: KernelFunc = ({inputs, backend, attrs}) =>
  runGL(backend, Interpolate, s => {
    const named = unpackInputs<InterpolateInputs>(inputs, attrs!);
    const {diffAttrs} = attrs as unknown as InterpolateAttrs;
    const {uniforms, textures} = interpolateBindings(s, named, diffAttrs);
    const [n, h, w] = named.rast.shape;
    const out = s.output([n, h, w, uniforms.uNumAttrs]),
      outDa = s.output([n, h, w, 2 * diffAttrs.length]);
    elementPass(s, interpolateProgram(s.ctx), [out], uniforms, textures);
    if (outDa.size > 0) {
      const program = interpolateDaProgram(s.ctx, diffAttrs.length);
      channelGroupPass(s, program, outDa, 2 * diffAttrs.length, uniforms, textures);
    }
    return [out.info, outDa.info] as TensorInfo[];
  });

export const interpolateConfig: KernelConfig = {
  kernelName: Interpolate,
  backendName: 'webgl',
  kernelFunc: interpolateWebGL,
};
