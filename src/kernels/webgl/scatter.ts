/**
 * Scatter-add on the GPU, used by every backward pass that accumulates into vertices or texels:
 * one GL_POINTS vertex per contribution, each landing on the texel it adds to, blended with
 * (ONE, ONE) into a zeroed RGBA32F scratch texture (needs EXT_float_blend); then a copy pass moves
 * the sums into the tfjs output.
 *
 * A scatter program supplies `bool contribution(int point, out int texel, out vec4 value)`; false
 * means the point adds nothing.
 */
import {DiffrastGL} from './gl_context';
import {GlSession, GlTensor, requireFloatBlend} from './gl_session';
import {HEADER} from './glsl_common';
import {GlProgram, UniformValues} from './gl_program';
import {copyToTensors, groupsOf, scratchGrid, ScratchGrid} from './passes';

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
  return ctx.program(`scatter-${key}`, () => vertexSource(body()), () => FRAGMENT);
}

/** A zeroed scratch texture of `texels` texels, filled row-major. */
export function scatterTarget(s: GlSession, texels: number): ScratchGrid {
  requireFloatBlend(s);
  const target = scratchGrid(s, 'scatter', texels);
  s.clear([target.texture]);
  return target;
}

/** Draws `points` points of `program` into the target, adding their values. */
export function scatter(
    s: GlSession, target: ScratchGrid, program: GlProgram, points: number, uniforms: UniformValues,
    textures: {[sampler: string]: WebGLTexture | null}) {
  s.draw({
    program, targets: [target.texture], viewport: [0, 0, target.width, target.height], blend: true,
    uniforms: {...uniforms, uTargetWidth: target.width, uTargetHeight: target.height}, textures,
    mode: s.gl.POINTS, count: points,
  });
}

/**
 * The common case: gradients for a [rows, cols] matrix (vertex attributes, texels), scattered
 * with cols padded to groups of four per texel, then copied into `output`.
 */
export function scatterToTensor(
    s: GlSession, output: GlTensor, rows: number, cols: number, program: GlProgram, points: number,
    uniforms: UniformValues, textures: {[sampler: string]: WebGLTexture | null}) {
  if (output.size === 0) return;
  const target = scatterTarget(s, rows * groupsOf(cols));
  scatter(s, target, program, points, uniforms, textures);
  copyToTensors(s, [target], {cols, base: 0}, [output]);
}
