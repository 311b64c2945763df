/**
 * The rasterize backward pass's first stage (corner_tree.ts): per pixel, dL/d(x, y, w) of its
 * triangle's three corners at once; the tree sums them over blocks of pixels on one triangle and
 * scatters the sums into dpos.
 */
import {DiffrastGL} from './gl_context';
import {FETCH, HEADER, OUTPUT_INDEX, TRIANGLE_ID} from './glsl_common';
import {GlProgram} from './gl_program';
import {BARYCENTRIC, RESOLVE_GRAD, VERTEX_FETCH} from './glsl_raster';
import {elementProgram} from './passes';

const FIRST = `${HEADER}${FETCH}${TRIANGLE_ID}${VERTEX_FETCH}${BARYCENTRIC}${RESOLVE_GRAD}${OUTPUT_INDEX}
uniform sampler2D uRast;
uniform sampler2D uDy;
uniform sampler2D uDdb;
uniform bool uHasDb;
uniform ivec2 uImageSize;
uniform int uVertexStride;  // vertices per image (instanced mode), 0 in range mode
layout(location = 0) out vec4 outKey;  // x: the triangle id as rast stores it, 0: nothing to add
layout(location = 1) out vec4 outCorner0;
layout(location = 2) out vec4 outCorner1;
layout(location = 3) out vec4 outCorner2;

// Corner k's contribution: (dx, dy, 0, dw).
vec4 corner(vec4 dp) { return vec4(dp.xy, 0.0, dp.w); }

void main() {
  int pixel = outputIndex();
  outKey = outCorner0 = outCorner1 = outCorner2 = vec4(0.0);
  ivec3 k;
  float id = fetch(uRast, 4 * pixel + 3);
  if (!triangleOfId(decodeId(id), k)) return;
  vec2 g = fetch4(uDy, pixel).xy;
  vec4 gdb = uHasDb ? fetch4(uDdb, pixel) : vec4(0.0);
  bool hasDb = any(notEqual(gdb, vec4(0.0)));
  if (g == vec2(0.0) && !hasDb) return;
  ivec3 xyn = imagePixel(pixel, uImageSize);
  Center f = pixelCenter(xyn.xy, uImageSize);
  int base = xyn.z * uVertexStride;
  vec4 p[3] = vec4[3](vertexPos(base + k.x), vertexPos(base + k.y), vertexPos(base + k.z));
  vec4 dp[3];
  resolvePixelGrad(p, f, vec2(uImageSize), g, hasDb, gdb, dp);
  outKey.x = id;
  outCorner0 = corner(dp[0]);
  outCorner1 = corner(dp[1]);
  outCorner2 = corner(dp[2]);
}
`;

/** The first stage: a key and three corner contributions per pixel. */
export function rasterizeGradProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(ctx, 'rasterize-grad', () => FIRST);
}
