import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs-core';

import {Antialias, AntialiasInputs, unpackInputs} from '../names';
import {meshLayout} from '../shared/layout';

import {GlSession, GlTensor, requireFloatBlend, runGL} from './gl_session';
import {GlProgram, UniformValues} from './gl_program';
import {
  antialiasBlendGridProgram,
  antialiasBlendProgram,
  antialiasItemsProgram,
  antialiasListProgram,
  antialiasLiveProgram,
  antialiasProgram,
} from './antialias_program';
import {AntialiasBound, AntialiasItemsBound, silhouetteCandidates, withSilhouettes} from './antialias_silhouette';
import {countPyramid} from './compact';
import {channelGroupPass, copyToTensors, elementPass, scratchGrid} from './passes';
import {lineRunWidth, lineScatter} from './line_scatter';

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
    color: colorT,
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

/** The live list's shape for `live` items: three texels each (LIVE_ITEM). */
const listShape = (live: number) => [3, live, 4];

/** The forward's hidden output when it made no live list (it gathered): the backward makes its own. */
const NO_LIST = [0];

/** Whether the forward's hidden output is a live list. */
export const isList = (list: TensorInfo | undefined): list is TensorInfo => list != null && list.shape.length === 3;

/**
 * The live list (LIVE_ITEM): every item of the image, found among the silhouette candidates, into a
 * tensor that `make` allocates (after draws: GlSession.afterDrawing): the forward's hidden output, which tfjs saves for the backward, or the
 * backward's own when it was called without one. Null when the candidates could not be compacted
 * (silhouetteCandidates). With `blends` (at most four channels), the list pass also writes each item's blend, and
 * `blends` gets the grids BLEND_GRIDS reads (none when no item lives).
 */
export function liveList(
  s: GlSession,
  bound: AntialiasItemsBound | null,
  make: (shape: number[]) => GlTensor,
  blends?: {[sampler: string]: WebGLTexture | null},
): GlTensor | null {
  if (!bound) return make(listShape(0));
  const candidates = silhouetteCandidates(s, bound);
  if (!candidates) return null;
  if (candidates.total === 0) return make(listShape(0));
  const names = ['pairs', 'edges', 'crossings'];
  const items = names.map(name => scratchGrid(s, `antialias.${name}`, candidates.total));
  elementPass(
    s,
    antialiasItemsProgram(s.ctx),
    items,
    {...bound.uniforms, ...candidates.uniforms},
    {...bound.textures, ...candidates.textures},
  );
  const first = {
    program: antialiasLiveProgram(s.ctx),
    uniforms: {uItems: candidates.total},
    textures: {uPairs: items[0].texture},
  };
  // (Never null: the candidates' own pyramid was exact, and a compacted draw is always taken.)
  const live = countPyramid(s, candidates.total, candidates.total, first, 1, 'antialias.live', true)!;
  const list = make(listShape(live.total));
  if (live.total === 0) return list;
  const dense = [...names, ...(blends ? ['blends'] : [])].map(name =>
    scratchGrid(s, `antialias.list.${name}`, live.total),
  );
  const [uPairs, uEdges, uCrossings] = items.map(grid => grid.texture);
  elementPass(
    s,
    antialiasListProgram(s.ctx, blends != null),
    dense,
    {...live.uniforms, ...(blends ? bound.uniforms : {})},
    {uPairs, uEdges, uCrossings, ...live.textures, ...(blends ? {uColor: bound.textures.uColor} : {})},
  );
  if (blends) Object.assign(blends, {uListPairs: dense[0].texture, uListBlends: dense[3].texture});
  dense
    .slice(0, names.length)
    .forEach((grid, j) =>
      copyToTensors(s, [grid], {cols: 4, base: 0}, [list], 4 * j * live.total, 4 * (j + 1) * live.total),
    );
  return list;
}

/** The bindings of `list` for LIVE_ITEM, and its number of items. */
export function listBindings(list: GlTensor) {
  const live = list.info.shape[1];
  return {live, uniforms: {uLive: live}, textures: {uList: list.texture}};
}

/** A scatter-add's target: an output's texture and its size in texels. */
export interface ImageTarget {
  texture: WebGLTexture;
  width: number;
  height: number;
}

/**
 * `out` as `source` (a tensor of out's shape) plus what `draw` scatters onto it when there are live items: source
 * copied into out (a GPU memory copy), then the draw's primitives blended into out's own texture, each element's sum
 * in item order as through a scratch target (and no full-image pass either way).
 */
export function scatterOntoImage(
  s: GlSession,
  out: GlTensor,
  source: GlTensor,
  live: number,
  draw: (target: ImageTarget) => void,
) {
  if (out.size === 0) return;
  if (source.texShape[0] !== out.texShape[0] || source.texShape[1] !== out.texShape[1]) {
    s.fail(`expected a source of the output's texture shape [${out.texShape}], got [${source.texShape}]`);
  }
  s.copyTexture(source.texture!, out);
  if (live === 0) return;
  requireFloatBlend(s);
  const [height, width] = out.texShape;
  draw({texture: out.texture!, width, height});
}

/**
 * Draws `ends` lines of `program` per live item and run of channels (line_scatter.ts) onto `target`, an image of
 * `channels` channels.
 */
export function lineRunsOnto(
  s: GlSession,
  target: ImageTarget,
  channels: number,
  program: GlProgram,
  live: number,
  ends: number,
  uniforms: UniformValues,
  textures: {[sampler: string]: WebGLTexture | null},
) {
  const runWidth = lineRunWidth(target.width, channels);
  lineScatter(
    s,
    target,
    program,
    live * ends * Math.ceil(channels / runWidth),
    {...uniforms, uRunWidth: runWidth},
    textures,
  );
}

/**
 * antialias (docs/antialias.md) as a scatter of its live items onto color; its second output, hidden by
 * the op, is the live list, which the backward reuses (ops/antialias.ts saves it).
 */
export const antialiasWebGL: KernelFunc = ({inputs, backend, attrs}) =>
  runGL(backend, Antialias, s => {
    const named = unpackInputs<AntialiasInputs>(inputs, attrs!);
    const base = antialiasBindings(s, named);
    const {uniforms, textures} = base;
    const out = s.output(named.color.shape);
    const bound = withSilhouettes(s, base);
    const blends: {[sampler: string]: WebGLTexture | null} | undefined = uniforms.uChannels <= 4 ? {} : undefined;
    const list = liveList(s, bound, shape => s.afterDrawing(() => s.output(shape)), blends);
    if (!list) {
      // Without float blending, or too many candidates to count exactly: a gather over every pixel's items.
      channelGroupPass(s, antialiasProgram(s.ctx), out, uniforms.uChannels, bound!.uniforms, bound!.textures);
      return [out.info, s.afterDrawing(() => s.output(NO_LIST)).info];
    }
    const {live, uniforms: listUniforms, textures: listTextures} = listBindings(list);
    // Where the list pass left each item's blend, the lines fetch it; else they compute it.
    scatterOntoImage(s, out, base.color, live, target =>
      blends
        ? lineRunsOnto(s, target, uniforms.uChannels, antialiasBlendGridProgram(s.ctx), live, 1, uniforms, blends)
        : lineRunsOnto(
            s,
            target,
            uniforms.uChannels,
            antialiasBlendProgram(s.ctx),
            live,
            1,
            {...uniforms, ...listUniforms},
            {uColor: textures.uColor, ...listTextures},
          ),
    );
    return [out.info, list.info];
  });

export const antialiasConfig: KernelConfig = {kernelName: Antialias, backendName: 'webgl', kernelFunc: antialiasWebGL};
