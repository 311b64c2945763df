import type {KernelConfig, KernelFunc} from '@tensorflow/tfjs-core';

import {Antialias, AntialiasInputs, unpackInputs} from '../names';
import {meshLayout} from '../shared/layout';

import {GlSession, runGL} from './gl_session';
import {
  antialiasBlendProgram,
  antialiasItemsProgram,
  antialiasLiveProgram,
  antialiasProgram,
} from './antialias_program';
import {AntialiasBound, AntialiasItemsBound, silhouetteCandidates, withSilhouettes} from './antialias_silhouette';
import {countPyramid, Pyramid} from './compact';
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

/**
 * The uniforms and textures of antialias's passes, for the forward and backward kernels, before the
 * pre-pass (withSilhouettes adds its results, after the kernel's outputs are made).
 */
export function antialiasBindings(s: GlSession, inputs: AntialiasInputs): AntialiasBound {
  const {color, rast, pos, tri, topo} = inputs;
  const [images, height, width, channels] = color.shape;
  const {numVertices, numTriangles, vertexStride, posRows} = meshLayout(pos, tri, rast);
  const [colorT, rastT, posT] = [color, rast, pos].map(t => s.input(t));
  const [triT, topoT] = [tri, topo].map(t => s.indices(t, numVertices));
  return {
    posRows,
    images,
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
  bound: AntialiasItemsBound,
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

/**
 * The stored items of the `candidates` candidates (the others are pairs without an item) counted into
 * a pyramid: the passes after the items pass draw their points for the items alone.
 */
export function liveItems(s: GlSession, candidates: number, items: ScratchGrid): Pyramid {
  const first = {
    program: antialiasLiveProgram(s.ctx),
    uniforms: {uItems: candidates},
    textures: {uStoredItems: items.texture},
  };
  // (Never null: the candidates' own pyramid was exact, and a compacted draw is always taken.)
  return countPyramid(s, candidates, candidates, first, 1, 'antialias.live')!;
}

export const antialiasWebGL: KernelFunc = ({inputs, backend, attrs}) =>
  runGL(backend, Antialias, s => {
    const named = unpackInputs<AntialiasInputs>(inputs, attrs!);
    const base = antialiasBindings(s, named);
    const out = s.output(named.color.shape);
    const bound = withSilhouettes(s, base);
    const pyramid = bound && silhouetteCandidates(s, bound);
    if (bound && !pyramid) {
      channelGroupPass(s, antialiasProgram(s.ctx), out, bound.uniforms.uChannels, bound.uniforms, bound.textures);
      return out.info;
    }
    const [items] = pyramid ? storedItems(s, pyramid, bound!) : [];
    const live = items && liveItems(s, pyramid!.total, items);
    if (!live || live.total === 0) {
      elementPass(s, copyFlatProgram(s.ctx), [out], {}, {uSource: base.textures.uColor});
      return out.info;
    }
    const {uniforms, textures} = bound!;
    const channels = uniforms.uChannels;
    const target = groupTarget(s, 'antialias.out', textures.uColor, out.size / channels, channels);
    const groups = groupsOf(channels);
    scatter(
      s,
      target,
      antialiasBlendProgram(s.ctx),
      live.total * groups,
      {...uniforms, ...live.uniforms, uGroups: groups},
      {uColor: textures.uColor, uStoredItems: items.texture, ...live.textures},
    );
    copyToTensors(s, [target], {cols: channels, base: 0}, [out]);
    return out.info;
  });

export const antialiasConfig: KernelConfig = {kernelName: Antialias, backendName: 'webgl', kernelFunc: antialiasWebGL};
