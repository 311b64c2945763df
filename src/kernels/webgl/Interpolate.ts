import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';

import {Interpolate, InterpolateAttrs, InterpolateInputs, unpackInputs} from '../names';

import {GlSession, GlTensor, runGL} from './gl_session';
import {interpolateDaProgram, interpolateProgram} from './interpolate_program';
import {elementPass} from './passes';

/** The uniforms and textures of interpolateSnippet, for forward and backward passes. */
export function interpolateBindings(s: GlSession, inputs: InterpolateInputs, diffAttrs: number[]) {
  const {attr, rast, tri, rastDb} = inputs;
  const [, height, width] = rast.shape;
  const r = attr.shape.length;
  const numVertices = attr.shape[r - 2];
  const perImage = r === 3 && attr.shape[0] > 1;
  const [attrT, rastT] = [attr, rast].map(t => s.input(t));
  const triT = s.indices(tri, numVertices);
  const dbT: GlTensor | null = rastDb ? s.input(rastDb) : null;
  return {
    uniforms: {
      uNumVertices: numVertices,
      uNumTriangles: tri.shape[0],
      uNumAttrs: attr.shape[r - 1],
      uAttrStride: perImage ? numVertices : 0,
      uPixels: height * width,
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
    if (outDa.size > 0) elementPass(s, interpolateDaProgram(s.ctx, diffAttrs.length), [outDa], uniforms, textures);
    return [out.info, outDa.info] as TensorInfo[];
  });

export const interpolateConfig: KernelConfig = {
  kernelName: Interpolate,
  backendName: 'webgl',
  kernelFunc: interpolateWebGL,
};
