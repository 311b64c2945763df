/**
 * texture's saved lookup on webgl (docs/texture.md#backward): what the forward, under a gradient tape, hands its
 * backward as the op's hidden second output, so that the backward need not find each pixel's lookup and read its
 * texels again. A float32 tensor [K, P, 4] (P = N·H·W pixels): plane k holds one RGBA value per pixel, written by the
 * forward's lookup pass as its fragment output 1 + k (`lookupPlanes` names them in order):
 * - slot0, slot1: the pixel's block in each level slot (SLOT_BLOCK), the block scatter's first stage (with two slots:
 *   its even level's, then its odd level's, parityBlock);
 * - ds, dt, dlod: the value's derivatives per channel (valueDerivatives), which dy turns into duv, dbias and, with
 *   dlod/duvDa found again from uvDa (a few fetches: not worth a plane, and WebGL 2 promises only four draw buffers),
 *   duvDa.
 * Saved for 2-D textures of at most four channels under the bilinear filters, where the block scatter runs; cube maps,
 * more channels and nearest (no per-pixel gradients) find their lookup again in the backward. The forward's grids of
 * the planes (`planeGrid`) stay as they are until the next such forward: its backward reads them there rather than
 * copying them back from the tensor (`keptPlaneGrids`).
 */
import {FilterMode} from '../names';

import {DiffrastGL} from './gl_context';
import {GlSession} from './gl_session';
import {FETCH, HEADER, OUTPUT_INDEX} from './glsl_common';
import {GlProgram} from './gl_program';
import {LOD_FROM_DERIVATIVES, PIXEL_GRADIENT_SUMS} from './glsl_texture';
import {elementProgram, groupsOf, ScratchGrid, scratchGrid} from './passes';
import {BlockLayout, PixelGradGrids, pixelGradOutputDecls} from './texture_grad_program';

export type LookupPlane = 'slot0' | 'ds' | 'dt' | 'slot1' | 'dlod';

/** The planes saved for a lookup in `filterMode`, in their order. */
export function lookupPlanes(filterMode: FilterMode): LookupPlane[] {
  return ['slot0', 'ds', 'dt', ...(filterMode === 'linear-mipmap-linear' ? (['slot1', 'dlod'] as const) : [])];
}

/** The scratch grid where the forward's lookup pass writes `plane` (or 'value') of `pixels` pixels. */
export function planeGrid(s: GlSession, plane: LookupPlane | 'value', pixels: number): ScratchGrid {
  return scratchGrid(s, `texture.${plane}`, pixels);
}

/** Per context: the lookup (its dataId) whose planes the grids 'texture.<plane>' last received, and those textures. */
const keptPlanes = new WeakMap<DiffrastGL, {dataId: unknown; textures: WebGLTexture[]}>();

/** The forward's record of what its plane grids hold: the planes of `lookup` (its dataId). */
export function keepPlanes(s: GlSession, dataId: unknown, grids: ScratchGrid[]) {
  keptPlanes.set(s.ctx, {dataId, textures: grids.map(g => g.texture)});
}

/**
 * The grids of `planes` of `pixels` pixels where they still hold the planes of the lookup `dataId` (no forward wrote
 * them since, and the textures are still the scratch grids of those names), else null.
 */
export function keptPlaneGrids(
  s: GlSession,
  dataId: unknown,
  planes: LookupPlane[],
  pixels: number,
): Map<LookupPlane, ScratchGrid> | null {
  const kept = keptPlanes.get(s.ctx);
  if (!kept || kept.dataId !== dataId || kept.textures.length !== planes.length) return null;
  const grids = planes.map(p => planeGrid(s, p, pixels));
  if (grids.some((g, k) => g.texture !== kept.textures[k])) return null;
  return new Map(planes.map((p, k) => [p, grids[k]]));
}

/** Whether the texel gradient's block scatter runs for `blocks` here (else one point per tap). */
export function blockScatterFits(s: GlSession, blocks: BlockLayout): boolean {
  const max = s.ctx.maxRenderSize;
  return blocks.width <= max && blocks.height <= max && s.ctx.maxPointSize >= 2;
}

/**
 * The planes a lookup of `pixels` pixels saves here, or null where none is saved: cube maps, nearest, more than four
 * channels, no block scatter, fewer draw buffers than the value and the planes, or a tensor larger than a texture.
 */
export function savedPlanes(
  s: GlSession,
  opts: {
    cube: boolean;
    filterMode: FilterMode;
    channels: number;
    blocks: BlockLayout;
    pixels: number;
  },
): LookupPlane[] | null {
  if (opts.cube || opts.filterMode === 'nearest' || groupsOf(opts.channels) !== 1) return null;
  if (!blockScatterFits(s, opts.blocks)) return null;
  const planes = lookupPlanes(opts.filterMode);
  if (s.ctx.maxDrawBuffers < 1 + planes.length) return null;
  const max = s.ctx.maxTextureSize;
  if (planes.length * opts.pixels * 4 > max * max) return null;
  return planes;
}

/**
 * Per-pixel gradients from a saved lookup, one fragment per pixel: dy and the planes ds, dt and, where `dlod` was saved
 * (linear-mipmap-linear; else the level gets no gradient), dlod (in grids of the output grids' shape: scratchGrid's of
 * as many texels, so a pixel's texel is the fragment's own) into the grids `g` asks for (pixelGradGridList: duv, and
 * dbias and duvDa where asked for; dlod/duvDa found again from uvDa).
 */
export function texturePixelGradLookupProgram(ctx: DiffrastGL, g: PixelGradGrids, dlod: boolean): GlProgram {
  return elementProgram(
    ctx,
    `texture-dpixel-lookup-${dlod ? 'l' : ''}${g.uvDa ? 'a' : ''}${g.bias ? 'b' : ''}`,
    () => `${HEADER}${FETCH}${OUTPUT_INDEX}${PIXEL_GRADIENT_SUMS}${LOD_FROM_DERIVATIVES}
uniform sampler2D uDs;
uniform sampler2D uDt;
uniform sampler2D uDlod;
uniform sampler2D uDy;
uniform sampler2D uUvDa;
uniform int uChannels;
uniform vec2 uTexSize;  // (w, h) of level 0
${pixelGradOutputDecls(0, g)}
void main() {
  int pixel = outputIndex();
  ivec2 own = ivec2(gl_FragCoord.xy);
  vec4 dlod = ${dlod ? 'texelFetch(uDlod, own, 0)' : 'vec4(0.0)'};
  vec4 dsc = vec4(0.0), dtc = vec4(0.0), dLodc = vec4(0.0);
  addPixelGradients(fetchRun(uDy, uChannels * pixel, uChannels), texelFetch(uDs, own, 0), texelFetch(uDt, own, 0),
                    dlod, dsc, dtc, dLodc);
  // dlod is 0 where the level fraction gets no gradient (where the backward's own lookup makes dLod 0).
  float dLod = all(equal(dlod, vec4(0.0))) ? 0.0 : dot(dLodc, vec4(1.0));
  outUv = vec2(dot(dsc, vec4(1.0)), dot(dtc, vec4(1.0)));
  ${g.bias ? 'outBias = dLod;' : ''}
  ${
    g.uvDa
      ? `// uvDa read only where it gets a gradient (not in the background, nor where lod is clamped).
  outUvDa = vec4(0.0);
  if (dLod != 0.0) {
    vec4 lodGrad;
    lodFromDerivatives(fetchRun(uUvDa, 4 * pixel, 4), uTexSize, lodGrad);
    outUvDa = dLod * lodGrad;
  }`
      : ''
  }
}
`,
  );
}
