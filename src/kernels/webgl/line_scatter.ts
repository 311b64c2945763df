/**
 * Scatter-add of runs: one GL_LINES segment per run of up to four consecutive texels of one row of the target,
 * blended with (ONE, ONE) like scatter.ts's points. On SwiftShader a primitive costs about the same whether it
 * covers one texel or a few, so where contributions come in runs (a pixel's channels in tfjs's unpacked layout)
 * a line per run costs less than a point per texel (antialias's blends: docs/performance.md).
 *
 * A line program supplies `bool contribution(int line, out int texel, out int count, out vec4 values)`: the run's
 * first texel, its length (1–4, within the texel's row) and the values of its texels; false means the line adds
 * nothing.
 */
import {DiffrastGL} from './gl_context';
import {GlSession} from './gl_session';
import {HEADER} from './glsl_common';
import {GlProgram, UniformValues} from './gl_program';

/**
 * A run's segment along its row's center, from a quarter texel into its first texel to a quarter texel into the
 * one after its last: both line rules cover exactly its texels (the diamond-exit rule: the first texel's diamond
 * is left and the one after the last is not; rectangles: exactly its centers lie between the ends), with no
 * endpoint on a boundary. A run that ends at the row's end is drawn backwards (from a quarter texel before its
 * last texel's far edge to a quarter texel into the texel before its first), so that neither end leaves the
 * viewport; runs never fill a whole row (lineRunWidth).
 */
function vertexSource(body: string): string {
  return `${HEADER}${body}
uniform int uTargetWidth;
uniform int uTargetHeight;
flat out vec4 vValues;
flat out int vStart;
flat out int vCount;
void main() {
  int texel, count;
  vec4 values;
  vStart = vCount = 0;
  vValues = vec4(0.0);
  if (!contribution(gl_VertexID >> 1, texel, count, values)) {
    gl_Position = vec4(2.0, 2.0, 0.0, 1.0);  // outside the clip volume: dropped
    return;
  }
  int row = texel / uTargetWidth;
  int x = texel - row * uTargetWidth;
  bool first = (gl_VertexID & 1) == 0;
  float along = x + count < uTargetWidth ? (first ? 0.25 : float(count) + 0.25)
                                          : (first ? float(count) - 0.25 : -0.25);
  vec2 p = vec2(float(x) + along, float(row) + 0.5) / vec2(uTargetWidth, uTargetHeight);
  gl_Position = vec4(2.0 * p - 1.0, 0.0, 1.0);
  vValues = values;
  vStart = x;
  vCount = count;
}
`;
}

const FRAGMENT = `${HEADER}
flat in vec4 vValues;
flat in int vStart;
flat in int vCount;
out vec4 outValue;
void main() {
  int c = int(gl_FragCoord.x) - vStart;
  if (c < 0 || c >= vCount) discard;  // (never, by the segment's ends; a guard against a looser line rule)
  outValue = vec4(c == 0 ? vValues.x : c == 1 ? vValues.y : c == 2 ? vValues.z : vValues.w, 0.0, 0.0, 0.0);
}
`;

export function lineScatterProgram(ctx: DiffrastGL, key: string, body: () => string): GlProgram {
  return ctx.program(
    `lines-${key}`,
    () => vertexSource(body()),
    () => FRAGMENT,
  );
}

/**
 * How many texels a run of a pixel's `channels` channels may hold in a target `width` texels wide: four where each
 * pixel's channels lie in one row (width a multiple of channels) and a run cannot fill a whole row (width above
 * four), else one.
 */
export function lineRunWidth(width: number, channels: number): number {
  return width % channels === 0 && width > 4 ? 4 : 1;
}

/** Draws `lines` lines of `program` into the target (a texture of `width` × `height` texels), adding their values. */
export function lineScatter(
  s: GlSession,
  target: {texture: WebGLTexture; width: number; height: number},
  program: GlProgram,
  lines: number,
  uniforms: UniformValues,
  textures: {[sampler: string]: WebGLTexture | null},
) {
  if (target.width < 2) s.fail(`internal error: runs need a target at least 2 texels wide, got ${target.width}`);
  s.draw({
    program,
    targets: [target.texture],
    viewport: [0, 0, target.width, target.height],
    blend: true,
    uniforms: {...uniforms, uTargetWidth: target.width, uTargetHeight: target.height},
    textures,
    mode: s.gl.LINES,
    count: 2 * lines,
  });
}
