/**
 * interpolate's backward passes (docs/interpolate.md#backward): dattr by point scatter (one point per pixel, corner
 * and group of four attributes), drast and drastDb by one element pass per pixel.
 */
import {DiffrastGL} from './gl_context';
import {HEADER, OUTPUT_INDEX} from './glsl_common';
import {GlProgram} from './gl_program';
import {interpolateSnippet} from './interpolate_program';
import {elementProgram} from './passes';
import {scatterProgram} from './scatter';

/** Incoming gradients: dy [N,H,W,A] on out and dyDa [N,H,W,2k] on outDa. */
const GRADIENTS = `
uniform sampler2D uDy;
uniform sampler2D uDyDa;
// (ex, ey) on listed attribute j.
vec2 daGradient(int pixel, int j) { return fetch2(uDyDa, pixel * NUM_DIFF + j); }
`;

export function interpolateAttrGradProgram(ctx: DiffrastGL, numDiff: number): GlProgram {
  return scatterProgram(
    ctx,
    `interpolate-dattr-${numDiff}`,
    () => `${interpolateSnippet(numDiff)}${GRADIENTS}
bool contribution(int point, out int texel, out vec4 value) {
  int groups = (uNumAttrs + 3) / 4;
  int pixel = point / (3 * groups), rest = point - pixel * 3 * groups;
  int corner = rest / groups, g = rest - corner * groups;
  ivec3 rows;
  vec2 uv;
  texel = 0;
  value = vec4(0.0);
  if (!pixelCorners(pixel, rows, uv)) return false;
  float weight = vec3(uv, 1.0 - uv.x - uv.y)[corner];
  value = weight * fetchGroup(uDy, pixel, uNumAttrs, 4 * g);
  if (NUM_DIFF > 0) {
    vec4 db = fetch4(uRastDb, pixel);
    for (int j = 0; j < NUM_DIFF; j++) {
      int a = uDiffAttrs[j];
      if (a / 4 != g) continue;
      vec2 e = daGradient(pixel, j);
      float dU = dot(e, db.xy), dV = dot(e, db.zw);
      value[a - 4 * g] += vec3(dU, dV, -dU - dV)[corner];
    }
  }
  texel = rows[corner] * groups + g;
  return true;
}
`,
  );
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
  if (pixelCorners(pixel, rows, uv)) {
    for (int a = 0; a < uNumAttrs; a++) dRast += fetch(uDy, pixel * uNumAttrs + a) * attrDifferences(rows, a);
    for (int j = 0; j < NUM_DIFF; j++) {
      vec2 e = daGradient(pixel, j), d = attrDifferences(rows, uDiffAttrs[j]);
      dDb += vec4(e * d.x, e * d.y);  // (ex·d0, ey·d0, ex·d1, ey·d1)
    }
  }
  outRast = vec4(dRast, 0.0, 0.0);
  outDb = dDb;
}
`,
  );
}
