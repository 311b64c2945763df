/**
 * interpolate's forward passes (docs/interpolate.md#forward): one element pass for `out` [N,H,W,A], one for `outDa`
 * [N,H,W,2k].
 */
import {DiffrastGL} from './gl_context';
import {FETCH, HEADER, OUTPUT_INDEX, TRIANGLE_ID} from './glsl_common';
import {GlProgram} from './gl_program';
import {VERTEX_FETCH} from './glsl_raster';
import {elementProgram} from './passes';

/**
 * A pixel's triangle as attribute rows (attr is [V,A] or [N,V,A]), and the attributes there.
 * Uniforms: uNumVertices (attr's V), uNumTriangles, uNumAttrs, uAttrStride (V when attr has
 * one set per image, else 0), uPixels (H·W), and when `numDiff` > 0 the listed attributes.
 */
export function interpolateSnippet(numDiff: number): string {
  return `${FETCH}${TRIANGLE_ID}${VERTEX_FETCH}
uniform sampler2D uAttr;
uniform sampler2D uRast;
uniform sampler2D uRastDb;
uniform int uNumAttrs;
uniform int uAttrStride;
uniform int uPixels;
uniform int uDiffAttrs[${Math.max(numDiff, 1)}];  // the listed attributes (NUM_DIFF of them)
const int NUM_DIFF = ${numDiff};
bool pixelCorners(int pixel, out ivec3 rows, out vec2 uv) {
  uv = vec2(0.0);
  rows = ivec3(0);
  // The id first: background pixels read nothing else.
  if (!triangleOfId(decodeId(fetch(uRast, 4 * pixel + 3)), rows)) return false;
  uv = fetch2(uRast, 2 * pixel);
  rows += cellOf(pixel, uPixels).y * uAttrStride;  // (the image: a float quotient, see FETCH)
  return true;
}
float attrAt(int row, int a) { return fetch(uAttr, row * uNumAttrs + a); }
// (s0 − s2, s1 − s2) of attribute a.
vec2 attrDifferences(ivec3 rows, int a) {
  float s2 = attrAt(rows.z, a);
  return vec2(attrAt(rows.x, a) - s2, attrAt(rows.y, a) - s2);
}
`;
}

export function interpolateProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(
    ctx,
    'interpolate',
    () => `${HEADER}${interpolateSnippet(0)}${OUTPUT_INDEX}
out float outValue;
void main() {
  ivec2 pa = outputCell(uNumAttrs);
  int pixel = pa.x, a = pa.y;
  ivec3 rows;
  vec2 uv;
  outValue = 0.0;
  if (!pixelCorners(pixel, rows, uv)) return;
  outValue = uv.x * attrAt(rows.x, a) + uv.y * attrAt(rows.y, a) + (1.0 - uv.x - uv.y) * attrAt(rows.z, a);
}
`,
  );
}

/**
 * outDa: (dA/dX, dA/dY) of each listed attribute, one fragment per pixel and pair of listed attributes
 * (channelGroupPass: the pixel's triangle, attributes and rastDb are read once for four channels).
 */
export function interpolateDaProgram(ctx: DiffrastGL, numDiff: number): GlProgram {
  return elementProgram(
    ctx,
    `interpolate-da-${numDiff}`,
    () => `${HEADER}${interpolateSnippet(numDiff)}${OUTPUT_INDEX}
out vec4 outValue;
// (dA/dX, dA/dY) of attribute a: (du/dX·d0 + dv/dX·d1, du/dY·d0 + dv/dY·d1).
vec2 screenDerivatives(ivec3 rows, int a, vec4 db) {
  vec2 d = attrDifferences(rows, a);
  return vec2(db.x * d.x + db.z * d.y, db.y * d.x + db.w * d.y);
}
void main() {
  ivec2 pg = outputCell((NUM_DIFF + 1) / 2);
  int pixel = pg.x, j = 2 * pg.y;
  ivec3 rows;
  vec2 uv;
  outValue = vec4(0.0);
  if (!pixelCorners(pixel, rows, uv)) return;
  vec4 db = fetch4(uRastDb, pixel);
  outValue.xy = screenDerivatives(rows, uDiffAttrs[j], db);
  if (j + 1 < NUM_DIFF) outValue.zw = screenDerivatives(rows, uDiffAttrs[j + 1], db);
}
`,
  );
}
