/**
 * The two kinds of pass most kernels are made of: an element pass (one fragment per element of
 * tfjs output tensors) and the copy of one of our RGBA32F scratch textures into a tfjs tensor.
 */
import {DiffrastGL, GlSession, GlTensor} from './gl_session';
import {FETCH, FULLSCREEN_VERTEX, HEADER, OUTPUT_INDEX} from './glsl_common';
import {GlProgram, UniformValues} from './gl_program';

/** A fragment program for element passes, compiled once per key. */
export function elementProgram(ctx: DiffrastGL, key: string, fragmentSource: () => string): GlProgram {
  return ctx.program(key, () => FULLSCREEN_VERTEX, fragmentSource);
}

/**
 * Runs `program` over elements [start, end) of `outputs` (all of one texture shape; fragment
 * output k writes outputs[k]).
 */
export function elementPass(
    s: GlSession, program: GlProgram, outputs: GlTensor[], uniforms: UniformValues,
    textures: {[sampler: string]: WebGLTexture | null}, start = 0, end = outputs[0].size) {
  if (end <= start) return;
  const width = outputs[0].texShape[1];
  const row0 = Math.floor(start / width), row1 = Math.ceil(end / width);
  s.draw({
    program, targets: outputs.map(o => o.texture!), viewport: [0, row0, width, row1 - row0],
    uniforms: {...uniforms, uOutWidth: width, uOutStart: start, uOutEnd: end}, textures, mode: s.gl.TRIANGLES, count: 3,
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
void main() {
  int e = outputIndex() - uOutStart;
  int row = e / uCols, col = e - row * uCols;
  int texel = uBase + row * ((uCols + 3) / 4) + col / 4;
  ${ks.map(k => `out${k} = fetchTexel(uSrc${k}, texel)[col % 4];`).join('\n  ')}
}
`;
  });
}

/**
 * Copies matrices from scratch textures (laid out as `layout`) into elements [start, end) of tfjs
 * outputs of one texture shape; element start maps to row 0, column 0.
 */
export function copyToTensors(
    s: GlSession, sources: WebGLTexture[], layout: PaddedLayout, outputs: GlTensor[], start = 0,
    end = outputs[0].size) {
  const textures: {[name: string]: WebGLTexture} = {};
  sources.forEach((t, k) => textures[`uSrc${k}`] = t);
  elementPass(s, copyProgram(s.ctx, sources.length), outputs, {uCols: layout.cols, uBase: layout.base}, textures, start, end);
}
