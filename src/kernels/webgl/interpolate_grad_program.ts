/**
 * interpolate's backward passes (docs/interpolate.md#backward): dattr summed over blocks of pixels on one triangle
 * and scattered (corner_tree.ts), drast and drastDb by one element pass per pixel.
 */
import {DiffrastGL} from './gl_context';
import {HEADER, OUTPUT_INDEX} from './glsl_common';
import {GlProgram} from './gl_program';
import {interpolateSnippet} from './interpolate_program';
import {elementProgram} from './passes';

/** Incoming gradients: dy [N,H,W,A] on out and dyDa [N,H,W,2k] on outDa. */
const GRADIENTS = `
uniform sampler2D uDy;
uniform sampler2D uDyDa;
// (ex, ey) on listed attribute j.
vec2 daGradient(int pixel, int j) { return fetch2(uDyDa, pixel * NUM_DIFF + j); }
`;

/**
 * dattr's first stage (corner_tree.ts): per pixel, the key (its triangle id as rast stores it; 0
 * when it adds nothing) and what it adds to its three corners' attributes 4·uGroup .. 4·uGroup + 3.
 */
export function interpolateAttrGradProgram(ctx: DiffrastGL, numDiff: number): GlProgram {
  return elementProgram(
    ctx,
    `interpolate-dattr-${numDiff}`,
    () => `${HEADER}${interpolateSnippet(numDiff)}${GRADIENTS}${OUTPUT_INDEX}
uniform int uGroup;
layout(location = 0) out vec4 outKey;
layout(location = 1) out vec4 outCorner0;
layout(location = 2) out vec4 outCorner1;
layout(location = 3) out vec4 outCorner2;
void main() {
  int pixel = outputIndex();
  outKey = outCorner0 = outCorner1 = outCorner2 = vec4(0.0);
  ivec3 rows;
  vec2 uv;
  if (!pixelCorners(pixel, rows, uv)) return;
  vec4 dy = fetchGroup(uDy, pixel, uNumAttrs, 4 * uGroup);
  vec4 c[3] = vec4[3](uv.x * dy, uv.y * dy, (1.0 - uv.x - uv.y) * dy);
  if (NUM_DIFF > 0) {
    vec4 db = fetch4(uRastDb, pixel);
    for (int j = 0; j < NUM_DIFF; j++) {
      int a = uDiffAttrs[j];
      if (a / 4 != uGroup) continue;
      vec2 e = daGradient(pixel, j);
      float dU = dot(e, db.xy), dV = dot(e, db.zw);
      c[0][a - 4 * uGroup] += dU;
      c[1][a - 4 * uGroup] += dV;
      c[2][a - 4 * uGroup] += -dU - dV;
    }
  }
  if (c[0] == vec4(0.0) && c[1] == vec4(0.0) && c[2] == vec4(0.0)) return;
  outKey.x = fetch(uRast, 4 * pixel + 3);
  outCorner0 = c[0];
  outCorner1 = c[1];
  outCorner2 = c[2];
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
