import type {KernelConfig, KernelFunc} from '@tensorflow/tfjs-core';
import {util} from '@tensorflow/tfjs-core';

import {
  TextureAttrs,
  TextureGrad,
  TextureGradAttrs,
  TextureGradInputs,
  textureGradOrder,
  textureGradOutputs,
  unpackInputs,
} from '../names';

import {copyTensorToTexels} from './buffer_copy';
import {countPyramid} from './compact';
import {GlProgram, UniformValues} from './gl_program';
import {GlSession, requireFloatBlend, runGL} from './gl_session';
import {copyToTensors, elementPass, groupsOf, scratchGrid} from './passes';
import {pyramidAdjointPasses} from './texture_mip_program';
import {gridSamplers, scatter, scatterTarget} from './scatter';
import {textureBindings, textureBlockLayout} from './Texture';
import {mipBoxWeight} from '../shared/mip_sizes';
import {
  textureBlockRestCountProgram,
  textureBlockRestProgram,
  textureBlockScatterProgram,
  textureBlocksProgram,
  textureLevelBorderProgram,
  textureLevelProgram,
  pixelGradGridList,
  texturePixelGradCubeUvDaProgram,
  texturePixelGradProgram,
  textureTapsProgram,
  textureTexelGradProgram,
} from './texture_grad_program';
import {
  blockScatterFits,
  keptPlaneGrids,
  LookupPlane,
  savedPlanes,
  texturePixelGradLookupProgram,
} from './texture_lookup';

/** Cells a side of the largest point the block scatter draws for a quad of pixels. */
const MAX_BLOCK_POINT = 8;

/** Whether every level's grid of texels and groups (textureLevelProgram) fits a render target. */
function levelGridsFit(s: GlSession, sizes: Array<[number, number]>, groups: number, slices: number): boolean {
  const max = s.ctx.maxRenderSize;
  return sizes.every(([w, h]) => w * groups <= max && slices * h <= max);
}

export const textureGradWebGL: KernelFunc = ({inputs, backend, attrs}) =>
  runGL(backend, TextureGrad, s => {
    requireFloatBlend(s);
    const named = unpackInputs<TextureGradInputs>(inputs, attrs!);
    const {filterMode, boundaryMode} = attrs as unknown as TextureAttrs;
    const wants = textureGradOutputs(attrs as unknown as TextureGradAttrs);
    const {tex, uv, uvDa, mipLevelBias, mips, lookup} = named;
    const {layout, uniforms, textures, texels, texelBase, fillTexels} = textureBindings(
      s,
      named,
      attrs as unknown as TextureAttrs,
    );
    textures.uDy = s.input(named.dy).texture;
    const {mipGradToTex} = attrs as unknown as TextureGradAttrs;
    const levels = [tex, ...mips];
    // Where the levels are tex's pyramid, tex's whole gradient alone (docs/texture.md#mip-pyramid).
    const dlevels = wants.texels ? (mipGradToTex ? [tex] : levels).map(l => s.output(l.shape)) : [];
    const duv = wants.pixels ? s.output(uv.shape) : null;
    const duvDa = wants.pixels && uvDa ? s.output(uvDa.shape) : null;
    const dbias = wants.pixels && mipLevelBias ? s.output(mipLevelBias.shape) : null;

    const channels = uniforms.uChannels,
      groups = groupsOf(channels);
    const pixels = util.sizeFromShape(uv.shape.slice(0, 3));
    const slots = filterMode === 'linear-mipmap-linear' ? 2 : 1;
    const blocks = textureBlockLayout(named, layout.cube);
    const sizes = blocks.levelSizes;
    const slices = util.sizeFromShape(tex.shape.slice(0, tex.shape.length - 3));
    // The forward's saved lookup (texture_lookup.ts), where it made one for these inputs here; an input, so taken
    // before the first draw (fillTexels) like every other (a lookup that lives on the CPU is uploaded here).
    const planes = lookup ? savedPlanes(s, {cube: layout.cube, filterMode, channels, blocks, pixels}) : null;
    const saved = planes && lookup!.shape.join() === [planes.length, pixels, 4].join() ? s.input(lookup!) : null;
    // Where the forward's grids still hold those planes, they are read there (no copy back from the tensor).
    const kept = saved ? keptPlaneGrids(s, lookup!.dataId, planes!, pixels) : null;
    fillTexels();
    const planeAt = (p: LookupPlane) => planes!.indexOf(p);
    const pixelGradGrids = {cube: layout.cube, uvDa: duvDa != null, bias: dbias != null};
    const pixelGridList = wants.pixels ? pixelGradGridList(pixelGradGrids) : [];
    const pixelGrids = pixelGridList.map(g => scratchGrid(s, `texture-grad.${g.name}`, pixels, g.components));
    const pixelGrid = (name: string) => pixelGrids[pixelGridList.findIndex(g => g.name === name)];
    let pixelGradsDone = false;
    if (!wants.texels) {
      // The per-pixel gradients alone (below): no texel scatter.
    } else if (filterMode !== 'nearest' && blockScatterFits(s, blocks) && levelGridsFit(s, sizes, groups, slices)) {
      // Bilinear taps: a pixel's four are a 2×2 block of cells (see blockLayout); one point per 2×2 quad of pixels,
      // level slot and group adds the blocks that lie close together, a 2×2 point each the others.
      const slotGrids = Array.from(
        {length: slots},
        (_, k) => kept?.get(k ? 'slot1' : 'slot0') ?? scratchGrid(s, `texture-grad.blocks${k}`, pixels),
      );
      // The blocks the forward saved, in its grids or by memory copies; else found here.
      const copied =
        kept != null ||
        (saved != null &&
          slotGrids.every((g, k) =>
            copyTensorToTexels(s, saved, pixels, g, 4 * pixels * planeAt(k ? 'slot1' : 'slot0')),
          ));
      // The per-pixel gradients come from the same lookup where that many outputs are allowed.
      pixelGradsDone = !saved && wants.pixels && s.ctx.maxDrawBuffers >= slots + pixelGrids.length;
      if (!copied) {
        elementPass(
          s,
          textureBlocksProgram(s.ctx, layout, slots, pixelGradsDone ? pixelGradGrids : null),
          pixelGradsDone ? [...slotGrids, ...pixelGrids] : slotGrids,
          {...uniforms, uLevelRow: blocks.levelRows, uBlockWidth: blocks.width},
          textures,
        );
      }
      const target = s.scratchTexture('texture-grad.block-target', blocks.width, blocks.height);
      s.clear([target]);
      const quadSlots = uv.shape[0] * Math.ceil(uv.shape[1] / 2) * Math.ceil(uv.shape[2] / 2) * slots;
      const scatterUniforms = {
        uChannels: channels,
        uSlots: slots,
        uGroupRows: blocks.groupRows,
        uCopyRows: blocks.copyRows,
        uTargetSize: [blocks.width, blocks.height],
        uImageSize: [uv.shape[2], uv.shape[1]],
        uMaxPoint: Math.min(MAX_BLOCK_POINT, Math.floor(s.ctx.maxPointSize)),
      };
      const slotTextures = {uSlot0: slotGrids[0].texture, uSlot1: slotGrids[slots - 1].texture, uDy: textures.uDy};
      const drawBlocks = (program: GlProgram, count: number, more: UniformValues = {}, moreTextures = {}) =>
        s.draw({
          program,
          targets: [target],
          viewport: [0, 0, blocks.width, blocks.height],
          blend: true,
          uniforms: {...scatterUniforms, ...more},
          textures: {...slotTextures, ...moreTextures},
          mode: s.gl.POINTS,
          count,
        });
      drawBlocks(textureBlockScatterProgram(s.ctx), quadSlots * groups);
      // The blocks no quad point added: few (silhouettes, wrapped seams), so compacted.
      const rest = countPyramid(
        s,
        4 * quadSlots,
        4 * quadSlots * groups,
        {program: textureBlockRestCountProgram(s.ctx), uniforms: scatterUniforms, textures: slotTextures},
        1,
        'texture-grad.rest',
      );
      if (rest) {
        if (rest.total > 0) drawBlocks(textureBlockRestProgram(s.ctx, true), rest.total, rest.uniforms, rest.textures);
      } else {
        drawBlocks(textureBlockRestProgram(s.ctx, false), 4 * quadSlots * groups);
      }
      // Each level's gradient from the block target into a grid of texels and groups (textureLevelProgram), from the
      // last level up; where the levels are tex's pyramid, each adds the level below's (S_ℓ = dlevel_ℓ + ω_ℓ·S_ℓ₊₁)
      // and only level 0's, tex's whole gradient, is copied out.
      const borders = layout.cube || boundaryMode !== 'zero';
      let below: {texture: WebGLTexture; width: number} | null = null;
      for (let l = (mipGradToTex ? levels : dlevels).length - 1; l >= 0; l--) {
        const [w, h] = sizes[l];
        const grid = {texture: s.scratchTexture(`texture-grad.level${l}`, w * groups, slices * h), width: w * groups};
        const withBelow = below != null;
        const program = textureLevelProgram(s.ctx, groups, withBelow);
        const cells = {
          uSize: sizes[l],
          uLevelRow: blocks.levelRows[l],
          uGroupRows: blocks.groupRows,
          uCopyRows: blocks.copyRows,
          uWeight: mipBoxWeight(h, w),
          uBelowHeight: withBelow ? sizes[l + 1][1] : 0,
          uOutSize: [w * groups, slices * h],
          uBoundary: uniforms.uBoundary,
        };
        const levelTextures = {uBlocks: target, uBelow: below?.texture ?? null};
        const viewport: [number, number, number, number] = [0, 0, w * groups, slices * h];
        const pass = {targets: [grid.texture], viewport, uniforms: cells, textures: levelTextures};
        s.draw({...pass, program, mode: s.gl.TRIANGLES, count: 3});
        if (borders) {
          const border = textureLevelBorderProgram(s.ctx, layout.cube, groups, withBelow);
          s.draw({...pass, program: border, mode: s.gl.POINTS, count: slices * 2 * (w + h) * groups});
        }
        if (!mipGradToTex || l === 0) copyToTensors(s, [grid], {cols: channels, base: 0}, [dlevels[l]]);
        below = mipGradToTex ? grid : null;
      }
    } else {
      // Texels (nearest, or targets too large): every level's gradient in one target laid out as the texels
      // read (textureBindings), one point per tap.
      const taps = filterMode === 'nearest' ? 1 : 4;
      const tapGrids = [0, 1, 2, 3].map(k => scratchGrid(s, `texture-grad.taps${k}`, pixels));
      elementPass(s, textureTapsProgram(s.ctx, layout), tapGrids, uniforms, textures);
      const target = scatterTarget(s, texels);
      scatter(
        s,
        target,
        textureTexelGradProgram(s.ctx),
        pixels * slots * taps * groups,
        {uChannels: channels, uSlots: slots, uTaps: taps},
        {uDy: textures.uDy, ...gridSamplers(tapGrids)},
      );
      // Where the levels are tex's pyramid, every level's gradient first, then through the adjoint into dtex.
      const adjoint = mipGradToTex && mips.length > 0;
      const outs = adjoint ? s.afterDrawing(() => levels.map(l => s.intermediate(l.shape))) : dlevels;
      outs.forEach((d, l) => copyToTensors(s, [target], {cols: channels, base: texelBase[l]}, [d]));
      if (adjoint) pyramidAdjointPasses(s, outs, dlevels[0], channels);
    }

    if (wants.pixels && saved) {
      // Per-pixel gradients from the saved derivatives and dy, into the grids the lookup's pass would fill.
      const names: LookupPlane[] = ['ds', 'dt', ...(slots === 2 ? (['dlod'] as const) : [])];
      const grids = names.map(name => kept?.get(name) ?? scratchGrid(s, `texture-grad.${name}`, pixels));
      if (kept || grids.every((g, k) => copyTensorToTexels(s, saved, pixels, g, 4 * pixels * planeAt(names[k])))) {
        const [uDs, uDt, uDlod] = grids.map(g => g.texture);
        elementPass(
          s,
          texturePixelGradLookupProgram(s.ctx, pixelGradGrids, uDlod != null),
          pixelGrids,
          {uChannels: channels, uTexSize: sizes[0]},
          {uDs, uDt, uDlod: uDlod ?? null, uDy: textures.uDy, uUvDa: textures.uUvDa},
        );
        pixelGradsDone = true;
      }
    }
    // Per-pixel gradients: all of a pixel's at once into the grids, then copied into the outputs.
    if (wants.pixels && !pixelGradsDone) {
      elementPass(s, texturePixelGradProgram(s.ctx, layout, pixelGradGrids), pixelGrids, uniforms, textures);
    }
    if (duv) copyToTensors(s, [pixelGrid('Uv')], {cols: uv.shape[3], base: 0}, [duv]);
    if (dbias) copyToTensors(s, [pixelGrid('Bias')], {cols: 1, base: 0}, [dbias]);
    if (duvDa && !layout.cube) copyToTensors(s, [pixelGrid('UvDa')], {cols: 4, base: 0}, [duvDa]);
    if (duvDa && layout.cube) {
      const [uUvDa, uUvDa2] = ['UvDa', 'UvDa2'].map(name => pixelGrid(name).texture);
      elementPass(s, texturePixelGradCubeUvDaProgram(s.ctx), [duvDa], {}, {uUvDa, uUvDa2});
    }
    return textureGradOrder(dlevels, [duv, duvDa, dbias]).map(o => o.info);
  });

export const textureGradConfig: KernelConfig = {
  kernelName: TextureGrad,
  backendName: 'webgl',
  kernelFunc: textureGradWebGL,
};
