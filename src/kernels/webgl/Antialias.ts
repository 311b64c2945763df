import type {KernelConfig, KernelFunc} from '@tensorflow/tfjs-core';

import {Antialias, AntialiasInputs, unpackInputs} from '../names';
import {meshLayout} from '../shared/layout';

import {GlSession, runGL} from './gl_session';
import {antialiasProgram} from './antialias_program';
import {channelGroupPass} from './passes';

/** The uniforms and textures of ANTIALIAS_ITEMS, for the forward and backward passes. */
export function antialiasBindings(s: GlSession, inputs: AntialiasInputs) {
  const {color, rast, pos, tri, topo} = inputs;
  const [, height, width, channels] = color.shape;
  const {numVertices, numTriangles, vertexStride, posRows} = meshLayout(pos, tri, rast);
  const [colorT, rastT, posT] = [color, rast, pos].map(t => s.input(t));
  const [triT, topoT] = [tri, topo].map(t => s.indices(t, numVertices));
  return {
    posRows,
    uniforms: {
      uImageSize: [width, height],
      uVertexStride: vertexStride,
      uChannels: channels,
      uNumVertices: numVertices,
      uNumTriangles: numTriangles,
    },
    textures: {
      uColor: colorT.texture,
      uRast: rastT.texture,
      uPos: posT.texture,
      uTri: triT.texture,
      uTopo: topoT.texture,
    },
  };
}

export const antialiasWebGL: KernelFunc = ({inputs, backend, attrs}) =>
  runGL(backend, Antialias, s => {
    const named = unpackInputs<AntialiasInputs>(inputs, attrs!);
    const {uniforms, textures} = antialiasBindings(s, named);
    const out = s.output(named.color.shape);
    channelGroupPass(s, antialiasProgram(s.ctx), out, uniforms.uChannels, uniforms, textures);
    return out.info;
  });

export const antialiasConfig: KernelConfig = {kernelName: Antialias, backendName: 'webgl', kernelFunc: antialiasWebGL};
