/**
 * Scatter-add onto an image of a pixel pair's channels (antialias's color gradient): one triangle per pair covering
 * both pixels' channels, blended with (ONE, ONE) like line_scatter.ts's runs. It needs a target that holds an image
 * row per texel row (W·C texels wide) and at most four channels: then a horizontal pair's 2·C texels lie side by
 * side in one row and a vertical pair's two runs of C texels one above the other. On SwiftShader a primitive costs
 * about the same whatever it covers, so one triangle per pair costs about half of a line per pixel
 * (docs/performance.md).
 *
 * The triangle (x, r), (x + 2w, r), (x, r + 2h) holds every texel center of the w × h block at its corner: center
 * (x + i + ½, r + j + ½) of the block has (i + ½)/2w + (j + ½)/2h ≤ 1 − 1/4w − 1/4h, strictly inside. Its fragments
 * outside the block discard.
 *
 * A pair program supplies `bool contribution(int pair, out int texel, out bool vertical, out vec4 first, out vec4
 * second)`: the first texel of P0's channels, whether P1 is the pixel above P0 (a texel row on) rather than the one
 * to its right (C texels on), and the values added to P0's and to P1's channels; false means it adds nothing. Each
 * texel gets its pairs' values in pair order, as from a line per pixel drawn pair by pair.
 */
import {DiffrastGL} from './gl_context';
import {GlSession} from './gl_session';
import {HEADER} from './glsl_common';
import {GlProgram, UniformValues} from './gl_program';
import {scatter} from './scatter';

/** Whether a target of texture shape `texShape` takes pairs of an image `width` pixels wide with `channels` channels. */
export function pairScatterFits(texShape: [number, number], width: number, channels: number): boolean {
  return channels <= 4 && texShape[1] === width * channels;
}

/** The vertex shader around `body` (which declares uChannels, int). */
function vertexSource(body: string): string {
  return `${HEADER}${body}
uniform int uTargetWidth;
uniform int uTargetHeight;
flat out vec4 vFirst;
flat out vec4 vSecond;
flat out ivec2 vCorner;
flat out int vVertical;
void main() {
  int pair = gl_VertexID / 3, k = gl_VertexID - 3 * pair;
  int texel;
  bool vertical;
  vec4 first, second;
  vFirst = vSecond = vec4(0.0);
  vCorner = ivec2(0);
  vVertical = 0;
  if (!contribution(pair, texel, vertical, first, second)) {
    gl_Position = vec4(2.0, 2.0, 0.0, 1.0);  // outside the clip volume: dropped
    return;
  }
  int row = texel / uTargetWidth;
  ivec2 corner = ivec2(texel - row * uTargetWidth, row);
  vec2 block = vertical ? vec2(uChannels, 2) : vec2(2 * uChannels, 1);
  vec2 p = vec2(corner) + (k == 1 ? vec2(2.0 * block.x, 0.0) : k == 2 ? vec2(0.0, 2.0 * block.y) : vec2(0.0));
  gl_Position = vec4(2.0 * p / vec2(uTargetWidth, uTargetHeight) - 1.0, 0.0, 1.0);
  vFirst = first;
  vSecond = second;
  vCorner = corner;
  vVertical = vertical ? 1 : 0;
}
`;
}

const FRAGMENT = `${HEADER}
uniform int uChannels;
flat in vec4 vFirst;
flat in vec4 vSecond;
flat in ivec2 vCorner;
flat in int vVertical;
out vec4 outValue;
void main() {
  ivec2 d = ivec2(gl_FragCoord.xy) - vCorner;
  bool vertical = vVertical != 0;
  bool second = vertical ? d.y == 1 : d.x >= uChannels;
  int c = second && !vertical ? d.x - uChannels : d.x;
  if (d.x < 0 || d.y < 0 || c >= uChannels || d.y >= (vertical ? 2 : 1)) discard;
  vec4 v = second ? vSecond : vFirst;
  outValue = vec4(c == 0 ? v.x : c == 1 ? v.y : c == 2 ? v.z : v.w, 0.0, 0.0, 0.0);
}
`;

export function pairScatterProgram(ctx: DiffrastGL, key: string, body: () => string): GlProgram {
  return ctx.program(
    `pairs-${key}`,
    () => vertexSource(body()),
    () => FRAGMENT,
  );
}

/**
 * Draws `pairs` triangles of `program` into the target (a texture of `width` × `height` texels, pairScatterFits),
 * adding their values; uniforms must hold uChannels.
 */
export function pairScatter(
  s: GlSession,
  target: {texture: WebGLTexture; width: number; height: number},
  program: GlProgram,
  pairs: number,
  uniforms: UniformValues,
  textures: {[sampler: string]: WebGLTexture | null},
) {
  scatter(s, target, program, 3 * pairs, uniforms, textures, s.gl.TRIANGLES);
}
