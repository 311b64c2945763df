/**
 * The rasterize backward pass: three points per pixel (one per corner of its triangle), each
 * adding that corner's dL/d(x, y, w) into dpos.
 */
import {DiffrastGL} from './gl_context';
import {FETCH, TRIANGLE_ID} from './glsl_common';
import {GlProgram} from './gl_program';
import {BARYCENTRIC, RASTER_GRAD, VERTEX_FETCH} from './glsl_raster';
import {scatterProgram} from './scatter';

const BODY = `${FETCH}${TRIANGLE_ID}${VERTEX_FETCH}${BARYCENTRIC}${RASTER_GRAD}
uniform sampler2D uRast;
uniform sampler2D uDy;
uniform sampler2D uDdb;
uniform bool uHasDb;
uniform ivec2 uImageSize;
uniform int uVertexStride;  // vertices per image (instanced mode), 0 in range mode

bool contribution(int point, out int texel, out vec4 value) {
  int pixel = point / 3, corner = point - 3 * pixel;
  texel = 0;
  value = vec4(0.0);
  ivec3 k;
  if (!triangleOfId(decodeId(fetch(uRast, 4 * pixel + 3)), k)) return false;
  vec2 g = fetch4(uDy, pixel).xy;
  vec4 gdb = uHasDb ? fetch4(uDdb, pixel) : vec4(0.0);
  bool hasDb = any(notEqual(gdb, vec4(0.0)));
  if (g == vec2(0.0) && !hasDb) return false;
  int perImage = uImageSize.x * uImageSize.y;
  int n = pixel / perImage, local = pixel - n * perImage;
  int y = local / uImageSize.x;
  Center f = pixelCenter(ivec2(local - y * uImageSize.x, y), uImageSize);
  int base = n * uVertexStride;
  vec4 p[3] = vec4[3](vertexPos(base + k.x), vertexPos(base + k.y), vertexPos(base + k.z));
  vec4 dp[3];
  rasterGrad(p, f, vec2(uImageSize), g, hasDb, gdb, dp);
  texel = base + k[corner];
  value = dp[corner];
  return true;
}
`;

export function rasterizeGradProgram(ctx: DiffrastGL): GlProgram {
  return scatterProgram(ctx, 'rasterize-grad', () => BODY);
}
