/**
 * interpolate's backward passes (docs/interpolate.md#backward): dattr by point scatter (one point per pixel, corner
 * and group of four attributes), drast and drastDb by one element pass with two outputs.
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

/** drast (and, with rastDb, drastDb): per element of [N,H,W,4]. */
export function interpolateRastGradProgram(ctx: DiffrastGL, numDiff: number, withDb: boolean): GlProgram {
  return elementProgram(
    ctx,
    `interpolate-drast-${numDiff}-${withDb}`,
    () => `${HEADER}${interpolateSnippet(numDiff)}${GRADIENTS}${OUTPUT_INDEX}
layout(location = 0) out float outRast;
${withDb ? 'layout(location = 1) out float outDb;' : ''}
void main() {
  ivec2 pc = outputCell(4);
  int pixel = pc.x, c = pc.y;
  ivec3 rows;
  vec2 uv;
  float dRast = 0.0, dDb = 0.0;
  if (pixelCorners(pixel, rows, uv)) {
    if (c < 2) {
      for (int a = 0; a < uNumAttrs; a++) dRast += fetch(uDy, pixel * uNumAttrs + a) * attrDifferences(rows, a)[c];
    }
    for (int j = 0; j < NUM_DIFF; j++) {
      // (ex·d0, ey·d0, ex·d1, ey·d1)
      dDb += daGradient(pixel, j)[c % 2] * attrDifferences(rows, uDiffAttrs[j])[c / 2];
    }
  }
  outRast = dRast;
  ${withDb ? 'outDb = dDb;' : ''}
}
`,
  );
}
