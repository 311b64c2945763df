/**
 * interpolate's backward passes (docs/interpolate.md#backward): dattr summed per triangle or over blocks of pixels
 * on one triangle (triangle_gather.ts), drast and drastDb by one element pass per pixel.
 */
import {DiffrastGL} from './gl_context';
import {HEADER, OUTPUT_INDEX} from './glsl_common';
import {GlProgram} from './gl_program';
import {interpolateSnippet} from './interpolate_program';
import {elementProgram} from './passes';
import {CornerStage} from './corner_tree';

/** Incoming gradients: dy [N,H,W,A] on out and dyDa [N,H,W,2k] on outDa. */
const GRADIENTS = `
uniform sampler2D uDy;
uniform sampler2D uDyDa;
// (ex, ey) on listed attribute j.
vec2 daGradient(int pixel, int j) { return fetch2(uDyDa, pixel * NUM_DIFF + j); }
// drast's (du, dv) and drastDb of a drawn pixel with corners \`rows\`.
void rastGradients(int pixel, ivec3 rows, out vec2 dRast, out vec4 dDb) {
  dRast = vec2(0.0);
  dDb = vec4(0.0);
  for (int a = 0; a < uNumAttrs; a++) dRast += fetch(uDy, pixel * uNumAttrs + a) * attrDifferences(rows, a);
  for (int j = 0; j < NUM_DIFF; j++) {
    vec2 e = daGradient(pixel, j), d = attrDifferences(rows, uDiffAttrs[j]);
    dDb += vec4(e * d.x, e * d.y);  // (ex·d0, ey·d0, ex·d1, ey·d1)
  }
}
`;

/**
 * dattr's per-pixel stage (corner_tree.ts's CornerStage): what a pixel adds to its three corners'
 * attributes 4·uGroup .. 4·uGroup + 3.
 */
export function interpolateAttrGradStage(numDiff: number): CornerStage {
  return {
    key: `interpolate-dattr-${numDiff}`,
    tiled: false,
    source: `${interpolateSnippet(numDiff)}${GRADIENTS}
uniform int uGroup;
// What drawn pixel \`pixel\` (barycentrics uv) adds to its corners; false when nothing.
bool cornerGradients(int pixel, vec2 uv, out float key, out vec4 c0, out vec4 c1, out vec4 c2) {
  key = 0.0;
  vec4 dy = fetchGroup(uDy, pixel, uNumAttrs, 4 * uGroup);
  c0 = uv.x * dy;
  c1 = uv.y * dy;
  c2 = (1.0 - uv.x - uv.y) * dy;
  if (NUM_DIFF > 0) {
    vec4 db = fetch4(uRastDb, pixel);
    for (int j = 0; j < NUM_DIFF; j++) {
      // Attribute a's channel in this group, selected without indexing a vector by a variable
      // (SwiftShader runs that lane by lane).
      bvec4 channel = equal(ivec4(0, 1, 2, 3), ivec4(uDiffAttrs[j] - 4 * uGroup));
      if (!any(channel)) continue;
      vec2 e = daGradient(pixel, j);
      float dU = dot(e, db.xy), dV = dot(e, db.zw);
      c0 = mix(c0, c0 + dU, channel);
      c1 = mix(c1, c1 + dV, channel);
      c2 = mix(c2, c2 + (-dU - dV), channel);
    }
  }
  if (c0 == vec4(0.0) && c1 == vec4(0.0) && c2 == vec4(0.0)) return false;
  key = fetch(uRast, 4 * pixel + 3);
  return true;
}
bool pixelCornerGradients(int pixel, out float key, out vec4 c0, out vec4 c1, out vec4 c2) {
  key = 0.0;
  c0 = c1 = c2 = vec4(0.0);
  ivec3 rows;
  vec2 uv;
  if (!pixelCorners(pixel, rows, uv)) return false;
  return cornerGradients(pixel, uv, key, c0, c1, c2);
}
`,
  };
}

/**
 * drast and drastDb, one fragment per pixel (the pixel's corners and attribute differences are
 * found once for all eight values), into two scratch grids.
 */
export function interpolateRastGradProgram(ctx: DiffrastGL, numDiff: number): GlProgram {
  return elementProgram(
    ctx,
    `interpolate-drast-${numDiff}`,
    () => `${HEADER}${interpolateSnippet(numDiff)}${GRADIENTS}${OUTPUT_INDEX}
layout(location = 0) out vec4 outRast;
layout(location = 1) out vec4 outDb;
void main() {
  int pixel = outputIndex();
  ivec3 rows;
  vec2 uv;
  vec2 dRast = vec2(0.0);
  vec4 dDb = vec4(0.0);
  if (pixelCorners(pixel, rows, uv)) rastGradients(pixel, rows, dRast, dDb);
  outRast = vec4(dRast, 0.0, 0.0);
  outDb = dDb;
}
`,
  );
}

/**
 * Both in one pass where dattr's pixel grids are filled by an element pass (triangle_boxes.ts): outputs 0–3 the
 * stage's key and corner values (as corner_tree.ts's pixelGrids writes them), 4 and 5 drast and drastDb; the
 * pixel's triangle and barycentrics are read once. The same values as the two passes.
 */
export function interpolatePixelGradProgram(ctx: DiffrastGL, numDiff: number): GlProgram {
  const stage = interpolateAttrGradStage(numDiff);
  return elementProgram(
    ctx,
    `interpolate-pixel-grad-${numDiff}`,
    () => `${HEADER}${stage.source}${OUTPUT_INDEX}
layout(location = 0) out vec4 outKey;
layout(location = 1) out vec4 outCorner0;
layout(location = 2) out vec4 outCorner1;
layout(location = 3) out vec4 outCorner2;
layout(location = 4) out vec4 outRast;
layout(location = 5) out vec4 outDb;
void main() {
  int pixel = outputIndex();
  ivec3 rows;
  vec2 uv;
  float key = 0.0;
  vec4 c0 = vec4(0.0), c1 = vec4(0.0), c2 = vec4(0.0), dDb = vec4(0.0);
  vec2 dRast = vec2(0.0);
  if (pixelCorners(pixel, rows, uv)) {
    cornerGradients(pixel, uv, key, c0, c1, c2);  // (key 0 where it adds nothing)
    rastGradients(pixel, rows, dRast, dDb);
  }
  outKey = vec4(key, 0.0, 0.0, 0.0);
  outCorner0 = c0;
  outCorner1 = c1;
  outCorner2 = c2;
  outRast = vec4(dRast, 0.0, 0.0);
  outDb = dDb;
}
`,
  );
}
