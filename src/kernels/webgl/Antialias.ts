import type {KernelConfig, KernelFunc} from '@tensorflow/tfjs-core';

import {Antialias, AntialiasInputs, unpackInputs} from '../names';
import {meshLayout} from '../shared/layout';

import {GlSession, runGL} from './gl_session';
import {antialiasCandidatesProgram, antialiasItemsProgram, antialiasProgram} from './antialias_program';
import {AntialiasBound, silhouetteCandidates} from './antialias_silhouette';
import {Pyramid} from './compact';
import {
  channelGroupPass,
  copyFlatProgram,
  copyToTensors,
  elementPass,
  groupsOf,
  ScratchGrid,
  scratchGrid,
} from './passes';
import {groupTarget, scatter} from './scatter';

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

/**
 * The candidates' items (antialiasItemsProgram) into scratch grids: the items and, given dy, their
 * endpoint gradients; none without candidates.
 */
export function storedItems(
  s: GlSession,
  pyramid: Pyramid,
  bound: AntialiasBound,
  dy?: WebGLTexture | null,
): ScratchGrid[] {
  const withGrads = dy !== undefined;
  if (pyramid.total === 0) return [];
  const names = withGrads ? ['items', 'end0', 'end1'] : ['items'];
  const grids = names.map(name => scratchGrid(s, `antialias.${name}`, pyramid.total));
  const program = antialiasItemsProgram(s.ctx, withGrads);
  elementPass(
    s,
    program,
    grids,
    {...bound.uniforms, ...pyramid.uniforms},
    {...bound.textures, ...pyramid.textures, uDy: dy ?? null},
  );
  return grids;
}

export const antialiasWebGL: KernelFunc = ({inputs, backend, attrs}) =>
  runGL(backend, Antialias, s => {
    const named = unpackInputs<AntialiasInputs>(inputs, attrs!);
    const bound = antialiasBindings(s, named);
    const {uniforms, textures} = bound;
    const out = s.output(named.color.shape);
    const pyramid = silhouetteCandidates(s, named.color.shape[0], bound);
    if (pyramid) {
      const [items] = storedItems(s, pyramid, bound);
      if (items) {
        const channels = uniforms.uChannels;
        const target = groupTarget(s, 'antialias.out', textures.uColor, out.size / channels, channels);
        const program = antialiasCandidatesProgram(s.ctx);
        const points = pyramid.total * groupsOf(channels);
        scatter(s, target, program, points, uniforms, {uColor: textures.uColor, uItems: items.texture});
        copyToTensors(s, [target], {cols: channels, base: 0}, [out]);
      } else {
        elementPass(s, copyFlatProgram(s.ctx), [out], {}, {uSource: textures.uColor});
      }
    } else {
      channelGroupPass(s, antialiasProgram(s.ctx), out, uniforms.uChannels, uniforms, textures);
    }
    return out.info;
  });

export const antialiasConfig: KernelConfig = {kernelName: Antialias, backendName: 'webgl', kernelFunc: antialiasWebGL};
