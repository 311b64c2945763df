/**
 * GLSL ES 3.00 pieces every program shares: the header, reading tensors by flat index, the output
 * element a fragment writes, triangle ids (docs/conventions.md#triangle-ids) and the full-screen pass.
 *
 * Indices are ints throughout: tfjs's own samplers compute flat indices in float, which is exact
 * only below 2^24 elements, and our index buffers can exceed that.
 */
import {EXACT_ID_LIMIT, LARGE_ID_BIAS} from '../shared/triangle_id';

export const HEADER = `#version 300 es
precision highp float;
precision highp int;
precision highp sampler2D;
`;

/** Reading tfjs tensors (R32F, one element per texel, row-major over the texture). */
export const FETCH = `
// Cell i of a row-major grid w wide, as (column, row): a float quotient, off by at most one row
// for any cell of a texture (float(i) and the division err by < 2^-9 rows there), then corrected;
// cheaper than an integer division, which SwiftShader runs lane by lane.
ivec2 cellOf(int i, int w) {
  int row = int(floor((float(i) + 0.5) / float(w)));
  int col = i - row * w;
  if (col < 0) return ivec2(col + w, row - 1);
  if (col >= w) return ivec2(col - w, row + 1);
  return ivec2(col, row);
}
// Pixel p of a batch of images of \`size\`, as (x, y, image).
ivec3 imagePixel(int p, ivec2 size) {
  ivec2 image = cellOf(p, size.x * size.y);  // (pixel in the image, image)
  return ivec3(cellOf(image.x, size.x), image.y);
}
float fetch(sampler2D s, int i) {
  return texelFetch(s, cellOf(i, textureSize(s, 0).x), 0).r;
}
// The cell after cell c of a row-major grid w wide: along the row and on to the next (no quotient, as cellOf needs).
ivec2 nextCell(ivec2 c, int w) {
  c.x++;
  return c.x == w ? ivec2(0, c.y + 1) : c;
}
// Elements i .. i + 3 of a tensor, zero from the n-th on: one cellOf, then nextCell (cellOf's quotient is the costly
// part). Straight-line: SwiftShader runs loop-indexed vectors lane by lane.
vec4 fetchRun(sampler2D s, int i, int n) {
  int w = textureSize(s, 0).x;
  ivec2 c0 = cellOf(i, w), c1 = nextCell(c0, w), c2 = nextCell(c1, w), c3 = nextCell(c2, w);
  return vec4(n > 0 ? texelFetch(s, c0, 0).r : 0.0, n > 1 ? texelFetch(s, c1, 0).r : 0.0,
              n > 2 ? texelFetch(s, c2, 0).r : 0.0, n > 3 ? texelFetch(s, c3, 0).r : 0.0);
}
vec2 fetch2(sampler2D s, int i) { return fetchRun(s, 2 * i, 2).xy; }
vec3 fetch3(sampler2D s, int i) { return fetchRun(s, 3 * i, 3).xyz; }
// Columns c0 .. c0 + 3 of row \`row\` of a [rows, cols] tensor (zero past the last column).
vec4 fetchGroup(sampler2D s, int row, int cols, int c0) { return fetchRun(s, row * cols + c0, cols - c0); }
vec4 fetch4(sampler2D s, int i) { return fetchRun(s, 4 * i, 4); }
// Texel i of one of our RGBA32F scratch textures, row-major.
vec4 fetchTexel(sampler2D s, int i) {
  return texelFetch(s, cellOf(i, textureSize(s, 0).x), 0);
}
// fetchTexel for a texture 2^shift texels wide (shiftGrid): a mask and a shift.
vec4 fetchShifted(sampler2D s, int i, int shift) {
  return texelFetch(s, ivec2(i & ((1 << shift) - 1), i >> shift), 0);
}
`;

/**
 * A pass over a tfjs output texture: each fragment writes the element at its flat index. The
 * viewport covers the rows of [uOutStart, uOutEnd); fragments outside that range are discarded.
 */
export const OUTPUT_INDEX = `
uniform int uOutWidth;
uniform int uOutStart;
uniform int uOutEnd;
int outputIndex() {
  ivec2 p = ivec2(gl_FragCoord.xy);
  int i = p.y * uOutWidth + p.x;
  if (i < uOutStart || i >= uOutEnd) discard;
  return i;
}
// The output element as (row, column) of a row-major matrix with \`cols\` columns.
ivec2 outputCell(int cols) {
  int i = outputIndex();
  return ivec2(i / cols, i - (i / cols) * cols);
}
`;

/** Triangle ids as rast stores them (docs/conventions.md#triangle-ids): exact floats up to 2^24, bit-encoded above. */
export const TRIANGLE_ID = `
float encodeId(int id) {
  return id <= ${EXACT_ID_LIMIT} ? float(id) : uintBitsToFloat(${LARGE_ID_BIAS >>> 0}u + uint(id));
}
int decodeId(float v) {
  return v <= ${EXACT_ID_LIMIT}.0 ? int(v) : int(floatBitsToUint(v) - ${LARGE_ID_BIAS >>> 0}u);
}
`;

/** One triangle over the whole viewport, from gl_VertexID alone (draw 3 vertices). */
export const FULLSCREEN_VERTEX = `${HEADER}
void main() {
  gl_Position = vec4(float((gl_VertexID & 1) * 4 - 1), float((gl_VertexID >> 1) * 4 - 1), 0.0, 1.0);
}
`;

/** The vertex shader of a point scatter: the point's target texel and value come from `scatter`. */
export const POINT_FRAGMENT = `${HEADER}
flat in vec4 vValue;
out vec4 outValue;
void main() { outValue = vValue; }
`;
