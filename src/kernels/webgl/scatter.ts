/**
 * Scatter-add on the GPU, used by every backward pass that accumulates into vertices or texels:
 * one GL_POINTS vertex per contribution, each landing on the texel it adds to, blended with
 * (ONE, ONE) into a zeroed RGBA32F scratch texture (needs EXT_float_blend); then a copy pass moves
 * the sums into the tfjs output.
 *
 * A scatter program supplies `bool contribution(int point, out int texel, out vec4 value)`; false
 * means the point adds nothing. Where a pixel's contributions share costly work, a first element
 * pass does it once per pixel and the points only fetch the results (FOUR_GRIDS).
 */
import {DiffrastGL} from './gl_context';
import {GlSession, requireFloatBlend} from './gl_session';
import {FETCH, HEADER, OUTPUT_INDEX} from './glsl_common';
import {GlProgram, UniformValues} from './gl_program';
import {elementProgram, scratchGrid, ScratchGrid} from './passes';

/**
 * A target texel as a float that render targets store exactly: the index's bits with bit 30 set,
 * a normal float (bare small ints would be denormals, which a target may flush to zero); valid
 * below 2^29. 0.0 decodes to no texel.
 */
export const TEXEL_INDEX = `
float encodeTexel(int index) { return intBitsToFloat(index | 0x40000000); }
int decodeTexel(float v) { return floatBitsToInt(v) & 0x3FFFFFFF; }
`;

/**
 * Up to four scratch grids of per-pixel results a second stage's points read (bind them with
 * gridSamplers): texel i of grid k. Needs FETCH.
 */
export const FOUR_GRIDS = `
uniform sampler2D uGrid0;
uniform sampler2D uGrid1;
uniform sampler2D uGrid2;
uniform sampler2D uGrid3;
vec4 gridTexel(int k, int i) {
  return k == 0 ? fetchTexel(uGrid0, i) : k == 1 ? fetchTexel(uGrid1, i) : k == 2 ? fetchTexel(uGrid2, i) : fetchTexel(uGrid3, i);
}
`;

export function gridSamplers(grids: ScratchGrid[]): {[sampler: string]: WebGLTexture | null} {
  const samplers: {[sampler: string]: WebGLTexture | null} = {uGrid0: null, uGrid1: null, uGrid2: null, uGrid3: null};
  grids.forEach((g, k) => (samplers[`uGrid${k}`] = g.texture));
  return samplers;
}

const FRAGMENT = `${HEADER}
flat in vec4 vValue;
out vec4 outValue;
void main() { outValue = vValue; }
`;

/** Wraps a `contribution` function (and its uniforms and helpers) into a point vertex shader. */
function vertexSource(body: string): string {
  return `${HEADER}${body}
uniform int uTargetWidth;
uniform int uTargetHeight;
flat out vec4 vValue;
void main() {
  gl_PointSize = 1.0;
  int texel;
  vec4 value;
  if (!contribution(gl_VertexID, texel, value)) {
    gl_Position = vec4(2.0, 2.0, 0.0, 1.0);  // outside the clip volume: dropped
    vValue = vec4(0.0);
    return;
  }
  int row = texel / uTargetWidth;
  vec2 p = (vec2(texel - row * uTargetWidth, row) + 0.5) / vec2(uTargetWidth, uTargetHeight);
  gl_Position = vec4(2.0 * p - 1.0, 0.0, 1.0);
  vValue = value;
}
`;
}

export function scatterProgram(ctx: DiffrastGL, key: string, body: () => string): GlProgram {
  return ctx.program(
    `scatter-${key}`,
    () => vertexSource(body()),
    () => FRAGMENT,
  );
}

/** A zeroed scratch texture of `texels` texels, filled row-major. */
export function scatterTarget(s: GlSession, texels: number): ScratchGrid {
  requireFloatBlend(s);
  const target = scratchGrid(s, 'scatter', texels);
  s.clear([target.texture]);
  return target;
}

/** Draws `count` vertices of `program` (points, unless `mode` says otherwise) into the target, adding their values. */
export function scatter(
  s: GlSession,
  target: Pick<ScratchGrid, 'texture' | 'width' | 'height'>,
  program: GlProgram,
  count: number,
  uniforms: UniformValues,
  textures: {[sampler: string]: WebGLTexture | null},
  mode: number = s.gl.POINTS,
) {
  s.draw({
    program,
    targets: [target.texture],
    viewport: [0, 0, target.width, target.height],
    blend: true,
    uniforms: {...uniforms, uTargetWidth: target.width, uTargetHeight: target.height},
    textures,
    mode,
    count,
  });
}

/** Row r of a [rows, cols] tensor uSource into texels uOutStart + r·groups .. (groups of four columns). */
export function groupsFromTensorProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(
    ctx,
    'groups-from-tensor',
    () => `${HEADER}${FETCH}${OUTPUT_INDEX}
uniform sampler2D uSource;
uniform int uCols;
out vec4 outValue;
void main() {
  int groups = (uCols + 3) / 4;
  ivec2 gr = cellOf(outputIndex() - uOutStart, groups);  // (group, row)
  outValue = fetchGroup(uSource, gr.y, uCols, 4 * gr.x);
}
`,
  );
}
