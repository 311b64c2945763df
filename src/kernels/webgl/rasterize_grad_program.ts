/**
 * The rasterize backward pass's per-pixel stage (corner_tree.ts's CornerStage): dL/d(x, y, w) of a
 * pixel's triangle's three corners at once, summed per block of pixels on one triangle
 * (corner_tree.ts) or per triangle (triangle_gather.ts, triangle_walk.ts) into dpos.
 */
import {FETCH, TRIANGLE_ID} from './glsl_common';
import {BARYCENTRIC, RESOLVE_GRAD, VERTEX_FETCH} from './glsl_raster';
import {CornerStage} from './corner_tree';

const SOURCE = `${FETCH}${TRIANGLE_ID}${VERTEX_FETCH}${BARYCENTRIC}${RESOLVE_GRAD}
uniform sampler2D uRast;
uniform sampler2D uDy;
uniform sampler2D uDdb;
uniform bool uHasDb;
uniform ivec2 uImageSize;
uniform int uVertexStride;  // vertices per image (instanced mode), 0 in range mode
uniform int uGroup;  // CornerStage's: dpos has one group of four columns

// Corner k's contribution: (dx, dy, 0, dw).
vec4 corner(vec4 dp) { return vec4(dp.xy, 0.0, dp.w); }
// Vertex row's (x, y, 0, w): the gradient does not read z (three fetches fewer per pixel).
vec4 vertexXYW(int row) { return vec4(fetch(uPos, 4 * row), fetch(uPos, 4 * row + 1), 0.0, fetch(uPos, 4 * row + 3)); }

bool pixelCornerGradients(int pixel, out float key, out vec4 c0, out vec4 c1, out vec4 c2) {
  key = 0.0;
  c0 = c1 = c2 = vec4(0.0);
  ivec3 k;
  float id = fetch(uRast, 4 * pixel + 3);
  if (!triangleOfId(decodeId(id), k)) return false;
  vec2 g = vec2(fetch(uDy, 4 * pixel), fetch(uDy, 4 * pixel + 1));
  vec4 gdb = uHasDb ? fetch4(uDdb, pixel) : vec4(0.0);
  bool hasDb = any(notEqual(gdb, vec4(0.0)));
  if (g == vec2(0.0) && !hasDb) return false;
  ivec3 xyn = imagePixel(pixel, uImageSize);
  Center f = pixelCenter(xyn.xy, uImageSize);
  int base = xyn.z * uVertexStride;
  vec4 p[3] = vec4[3](vertexXYW(base + k.x), vertexXYW(base + k.y), vertexXYW(base + k.z));
  vec4 dp[3];
  resolvePixelGrad(p, f, vec2(uImageSize), g, hasDb, gdb, dp);
  key = id;
  c0 = corner(dp[0]);
  c1 = corner(dp[1]);
  c2 = corner(dp[2]);
  return true;
}
`;

export const RASTERIZE_GRAD_STAGE: CornerStage = {key: 'rasterize-grad', source: SOURCE, tiled: true};
