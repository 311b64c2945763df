/**
 * The two kinds of pass most kernels are made of: an element pass (one fragment per element of
 * tfjs output tensors) and the copy of one of our RGBA32F scratch textures into a tfjs tensor.
 */
import {copyTexelsToTensor, readsFloat} from './buffer_copy';
import {DiffrastGL} from './gl_context';
import {GlSession, GlTensor, TexelComponents} from './gl_session';
import {FETCH, FULLSCREEN_VERTEX, HEADER, OUTPUT_INDEX} from './glsl_common';
import {GlProgram, UniformValues} from './gl_program';

/** A fragment program for element passes, compiled once per key. */
export function elementProgram(ctx: DiffrastGL, key: string, fragmentSource: () => string): GlProgram {
  return ctx.program(key, () => FULLSCREEN_VERTEX, fragmentSource);
}

/** Where an element pass writes: a tfjs output (GlTensor) or a ScratchGrid. */
export interface PassTarget {
  texture: WebGLTexture | null;
  /** [rows, columns] of the texture. */
  texShape: [number, number];
  /** Elements (texels) in use, row-major from the first. */
  size: number;
}

/**
 * One of our float32 scratch textures holding `texels` texels row-major, as wide as allowed: RGBA32F unless
 * `components` says fewer channels.
 */
export interface ScratchGrid extends PassTarget {
  texture: WebGLTexture;
  width: number;
  height: number;
  components?: TexelComponents;
}

export function scratchGrid(s: GlSession, name: string, texels: number, components: TexelComponents = 4): ScratchGrid {
  return gridOfWidth(s, name, texels, Math.max(1, Math.min(texels, s.ctx.maxRenderSize)), components);
}

/**
 * A scratch grid whose width is 2^shift: a shader finds texel i at (i & (2^shift − 1), i >> shift), two integer
 * operations instead of cellOf's float quotient and corrections (and no textureSize query).
 */
export function shiftGrid(s: GlSession, name: string, texels: number, row = texels): ScratchGrid & {shift: number} {
  // The least power of two that holds `row` texels (by default all) and lets the rows fit a target, but never
  // wider than a target may be (clamped before rounding up: e.g. 50k vertices' rows must not make a grid 2^16 wide,
  // which WebGL refuses, leaving an empty texture and a draw of nothing).
  const max = s.ctx.maxRenderSize;
  let shift = Math.ceil(Math.log2(Math.max(1, Math.min(texels, max, Math.max(row, Math.ceil(texels / max))))));
  if (2 ** shift > max) shift--;
  return {...gridOfWidth(s, name, texels, 2 ** shift), shift};
}

function gridOfWidth(
  s: GlSession,
  name: string,
  texels: number,
  width: number,
  components: TexelComponents = 4,
): ScratchGrid {
  const max = s.ctx.maxRenderSize;
  const height = Math.max(1, Math.ceil(texels / width));
  if (height > max) {
    s.fail(
      `${texels} texels of intermediate results do not fit one ${max}x${max} ` +
        'render target here; use a smaller batch, resolution or mesh',
    );
  }
  return {
    texture: s.scratchTexture(name, width, height, components),
    texShape: [height, width],
    size: texels,
    width,
    height,
    components,
  };
}

/**
 * Runs `program` over elements [start, end) of `outputs` (all of one texture shape; fragment
 * output k writes outputs[k]).
 */
export function elementPass(
  s: GlSession,
  program: GlProgram,
  outputs: PassTarget[],
  uniforms: UniformValues,
  textures: {[sampler: string]: WebGLTexture | null},
  start = 0,
  end = outputs[0].size,
) {
  if (end <= start) return;
  const width = outputs[0].texShape[1];
  const row0 = Math.floor(start / width),
    row1 = Math.ceil(end / width);
  s.draw({
    program,
    targets: outputs.map(o => o.texture!),
    viewport: [0, row0, width, row1 - row0],
    uniforms: {...uniforms, uOutWidth: width, uOutStart: start, uOutEnd: end},
    textures,
    mode: s.gl.TRIANGLES,
    count: 3,
  });
}

/**
 * Where a [rows, cols] matrix lives in a scratch texture: row r, column c is channel c % 4 of
 * texel base + r·groups + ⌊c/4⌋ (groups = ⌈cols/4⌉), texels row-major.
 */
export interface PaddedLayout {
  cols: number;
  base: number;
}

export function groupsOf(cols: number): number {
  return Math.max(1, Math.ceil(cols / 4));
}

function copyProgram(ctx: DiffrastGL, count: number): GlProgram {
  return elementProgram(ctx, `copy-padded-${count}`, () => {
    const ks = Array.from({length: count}, (_, k) => k);
    return `${HEADER}${FETCH}${OUTPUT_INDEX}
${ks.map(k => `uniform sampler2D uSrc${k};\nlayout(location = ${k}) out float out${k};`).join('\n')}
uniform int uCols;
uniform int uBase;
uniform int uSkip;  // elements before uOutStart copied already
void main() {
  int e = outputIndex() - uOutStart + uSkip;  // (element uOutStart − uSkip is row 0, column 0)
  int row = e / uCols, col = e - row * uCols;
  int texel = uBase + row * ((uCols + 3) / 4) + col / 4;
  ${ks.map(k => `out${k} = fetchTexel(uSrc${k}, texel)[col % 4];`).join('\n  ')}
}
`;
  });
}

/**
 * Copies matrices from scratch textures of one format (laid out as `layout`; RGBA32F unless they say fewer `components`, whose
 * texels then hold that many columns) into elements [start, end) of tfjs outputs of one texture shape; element start
 * maps to row 0, column 0. Whole texels (columns a multiple of 4, or a source of as many channels as columns that
 * readPixels reads here) go through a pixel buffer; other RGBA32F layouts are first packed four elements a texel
 * (denseCopyProgram), the last elements, fewer than four, through a copy pass; other sources through a copy pass.
 */
export function copyToTensors(
  s: GlSession,
  sources: Array<{texture: WebGLTexture; width: number; components?: TexelComponents}>,
  layout: PaddedLayout,
  outputs: PassTarget[],
  start = 0,
  end = outputs[0].size,
) {
  if (end <= start) return;
  const components = sources[0].components ?? 4;
  const tight = components < 4 && layout.cols === components;
  if ((components === 4 && layout.cols % 4 === 0) || (tight && readsFloat(s, sources[0].texture, components))) {
    sources.forEach((src, k) =>
      copyTexelsToTensor(
        s,
        src.texture,
        src.width,
        layout.base,
        (end - start) / components,
        outputs[k],
        start,
        components,
      ),
    );
    return;
  }
  const textures: {[name: string]: WebGLTexture} = {};
  sources.forEach((t, k) => (textures[`uSrc${k}`] = t.texture));
  // Four elements a texel into scratch grids laid out as the tensors (a fragment per four floats, not per float), then
  // through a pixel buffer; the last elements, fewer than four, by the copy pass.
  const whole = components === 4 ? Math.floor((end - start) / 4) : 0;
  if (whole > 0) {
    const grids = sources.map((_, k) => scratchGrid(s, `copy-dense.${k}`, whole));
    elementPass(
      s,
      denseCopyProgram(s.ctx, sources.length, layout.cols),
      grids,
      {uCols: layout.cols, uBase: layout.base},
      textures,
    );
    grids.forEach((g, k) => copyTexelsToTensor(s, g.texture, g.width, 0, whole, outputs[k], start));
  }
  elementPass(
    s,
    copyProgram(s.ctx, sources.length),
    outputs,
    {uCols: layout.cols, uBase: layout.base, uSkip: 4 * whole},
    textures,
    start + 4 * whole,
    end,
  );
}

/**
 * Texel q of the dense grids: elements 4q .. 4q + 3 of the matrices (from element 0). For one to three columns (a
 * texel per row) the rows' texels are fetched once each and their lanes picked; for more, element by element.
 */
function denseCopyProgram(ctx: DiffrastGL, count: number, cols: number): GlProgram {
  const key = cols < 4 ? `${cols}` : 'n';
  return elementProgram(ctx, `copy-dense-${count}-${key}`, () => {
    const ks = Array.from({length: count}, (_, k) => k);
    const take = (i: number) => `
  texel = uBase + row * groups + (col >> 2);
  ${ks.map(k => `out${k}.${'xyzw'[i]} = fetchTexel(uSrc${k}, texel)[col & 3];`).join('\n  ')}
  col++;
  if (col == uCols) { col = 0; row++; }`;
    // Rows r, r + 1, ... hold the four elements; lane picks by the first element's column.
    const rows = (n: number, body: (k: number) => string) =>
      ks
        .map(
          k => `{
    ${Array.from({length: n}, (_, r) => `vec4 t${r} = fetchTexel(uSrc${k}, uBase + row + ${r});`).join(' ')}
    out${k} = ${body(k)};
  }`,
        )
        .join('\n  ');
    const body =
      cols === 1
        ? rows(4, () => 'vec4(t0.x, t1.x, t2.x, t3.x)')
        : cols === 2
          ? rows(2, () => 'vec4(t0.xy, t1.xy)')
          : cols === 3
            ? rows(2, () => 'col == 0 ? vec4(t0.xyz, t1.x) : col == 1 ? vec4(t0.yz, t1.xy) : vec4(t0.z, t1.xyz)')
            : `int groups = (uCols + 3) >> 2, texel;${[0, 1, 2, 3].map(take).join('')}`;
    return `${HEADER}${FETCH}${OUTPUT_INDEX}
${ks.map(k => `uniform sampler2D uSrc${k};\nlayout(location = ${k}) out vec4 out${k};`).join('\n')}
uniform int uCols;
uniform int uBase;
void main() {
  int e = 4 * outputIndex();
  int row = e / uCols, col = e - row * uCols;
  ${body}
}
`;
  });
}

/**
 * An element pass with one fragment per pixel and group of four channels (the program writes a
 * vec4; lanes past `channels` are ignored) into a scratch grid, then copied into `output`
 * [..., channels]. For programs whose per-pixel work (a texture lookup, antialias's items) all
 * of a pixel's channels share: it is done once per group instead of once per channel.
 */
export function channelGroupPass(
  s: GlSession,
  program: GlProgram,
  output: GlTensor,
  channels: number,
  uniforms: UniformValues,
  textures: {[sampler: string]: WebGLTexture | null},
) {
  const grid = scratchGrid(s, `${program.label}.groups`, (output.size / channels) * groupsOf(channels));
  elementPass(s, program, [grid], uniforms, textures);
  copyToTensors(s, [grid], {cols: channels, base: 0}, [output]);
}
