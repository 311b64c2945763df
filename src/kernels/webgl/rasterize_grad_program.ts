/**
 * The rasterize backward pass, in two stages (scatterPrecomputed): per pixel, dL/d(x, y, w) of
 * its triangle's three corners at once, then one point per corner adding it into dpos.
 */
import {DiffrastGL} from './gl_context';
import {FETCH, HEADER, OUTPUT_INDEX, TRIANGLE_ID} from './glsl_common';
import {GlProgram} from './gl_program';
import {BARYCENTRIC, RASTER_GRAD, VERTEX_FETCH} from './glsl_raster';
import {elementProgram} from './passes';
import {TEXEL_INDEX} from './scatter';

const FIRST = `${HEADER}${FETCH}${TRIANGLE_ID}${VERTEX_FETCH}${BARYCENTRIC}${RASTER_GRAD}${TEXEL_INDEX}${OUTPUT_INDEX}
uniform sampler2D uRast;
uniform sampler2D uDy;
uniform sampler2D uDdb;
uniform bool uHasDb;
uniform ivec2 uImageSize;
uniform int uVertexStride;  // vertices per image (instanced mode), 0 in range mode
layout(location = 0) out vec4 outCorner0;
layout(location = 1) out vec4 outCorner1;
layout(location = 2) out vec4 outCorner2;
layout(location = 3) out vec4 outCounts;  // z: live contributions (for the compaction)

// Corner k's contribution: (dx, dy, its dpos row, dw).
vec4 corner(vec4 dp, int row) { return vec4(dp.xy, encodeTexel(row), dp.w); }

void main() {
  int pixel = outputIndex();
  outCorner0 = outCorner1 = outCorner2 = outCounts = vec4(0.0);
  ivec3 k;
  if (!triangleOfId(decodeId(fetch(uRast, 4 * pixel + 3)), k)) return;
  vec2 g = fetch4(uDy, pixel).xy;
  vec4 gdb = uHasDb ? fetch4(uDdb, pixel) : vec4(0.0);
  bool hasDb = any(notEqual(gdb, vec4(0.0)));
  if (g == vec2(0.0) && !hasDb) return;
  int perImage = uImageSize.x * uImageSize.y;
  int n = pixel / perImage, local = pixel - n * perImage;
  int y = local / uImageSize.x;
  Center f = pixelCenter(ivec2(local - y * uImageSize.x, y), uImageSize);
  int base = n * uVertexStride;
  vec4 p[3] = vec4[3](vertexPos(base + k.x), vertexPos(base + k.y), vertexPos(base + k.z));
  vec4 dp[3];
  rasterGrad(p, f, vec2(uImageSize), g, hasDb, gdb, dp);
  outCorner0 = corner(dp[0], base + k.x);
  outCorner1 = corner(dp[1], base + k.y);
  outCorner2 = corner(dp[2], base + k.z);
  outCounts.z = 3.0;
}
`;

/** The first stage: three contributions per pixel, and their count. */
export function rasterizeGradProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(ctx, 'rasterize-grad', () => FIRST);
}
