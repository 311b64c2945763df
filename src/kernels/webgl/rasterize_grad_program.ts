/**
 * The rasterize backward pass's per-pixel stage (corner_tree.ts's CornerStage): dL/d(x, y, w) of a
 * pixel's triangle's three corners at once, summed per block of pixels on one triangle
 * (corner_tree.ts) or per triangle (triangle_gather.ts, triangle_walk.ts) into dpos.
 *
 * Its cost is in its texel fetches, not its arithmetic (on SwiftShader, the cube at 512²: the resolve's math left
 * out 0.97× of the backward's CPU time, the twelve fetches of the triangle's corners left out 0.87×). So a mesh
 * of few triangles first gets a corner table (cornerTable: per triangle, per image where each image has its
 * own vertices, its three corners' (x, y, w) in three texels) and a pixel reads three texels of it; so does any mesh
 * whose gradient takes triangle_boxes.ts's path, whose table also holds each triangle's screen box, which the box pass
 * would otherwise find again from tri and pos (the 100k sphere at 512²: 0.93× of the call). Else (a larger mesh's
 * table alone costs more than the fetches it saves: 1.06× on the 100k sphere) its pixels read tri and pos, each row by
 * one cellOf and steps along it.
 */
import {GlSession} from './gl_session';
import {FETCH, HEADER, OUTPUT_INDEX, TRIANGLE_ID} from './glsl_common';
import {BARYCENTRIC, RESOLVE_GRAD, VERTEX_FETCH} from './glsl_raster';
import {CornerStage} from './corner_tree';
import {elementPass, elementProgram, shiftGrid} from './passes';
import {BOX_MARGIN, BOX_TEXEL, CORNER_BOX} from './triangle_boxes';
import {SCREEN_CORNERS} from './triangle_walk';

/** A mesh gets a corner table when the images have at least this many pixels per table entry. */
const TABLE_PIXELS_PER_TRIANGLE = 16;

const COMMON = `${FETCH}${TRIANGLE_ID}${VERTEX_FETCH}${BARYCENTRIC}${RESOLVE_GRAD}
uniform sampler2D uRast;
uniform sampler2D uDy;
uniform sampler2D uDdb;
uniform bool uHasDb;
uniform ivec2 uImageSize;
uniform int uVertexStride;  // vertices per image (instanced mode), 0 in range mode
uniform int uGroup;  // CornerStage's: dpos has one group of four columns

// Corner k's contribution: (dx, dy, 0, dw).
vec4 corner(vec4 dp) { return vec4(dp.xy, 0.0, dp.w); }
// The cell of element i + k of a tensor w texels wide, from element i's cell c: a step along the row instead of
// cellOf's float quotient and corrections (the loop runs only where the row ends, so any width is right).
ivec2 cellAfter(ivec2 c, int k, int w) {
  c.x += k;
  while (c.x >= w) {
    c.x -= w;
    c.y++;
  }
  return c;
}
float fetchAt(sampler2D s, ivec2 c) { return texelFetch(s, c, 0).r; }
// Elements i, i + 1, i + 2, i + 3 of a tensor: one cellOf, then steps.
vec4 fetchRun4(sampler2D s, int i) {
  int w = textureSize(s, 0).x;
  ivec2 c0 = cellOf(i, w), c1 = cellAfter(c0, 1, w), c2 = cellAfter(c1, 1, w), c3 = cellAfter(c2, 1, w);
  return vec4(fetchAt(s, c0), fetchAt(s, c1), fetchAt(s, c2), fetchAt(s, c3));
}
`;

/** pixelTriangle from tri and pos. */
const DIRECT = `
// Vertex row's (x, y, 0, w): the gradient does not read z (three fetches fewer per pixel).
vec4 vertexXYW(int row) {
  int w = textureSize(uPos, 0).x;
  ivec2 c = cellOf(4 * row, w), cy = cellAfter(c, 1, w);
  return vec4(fetchAt(uPos, c), fetchAt(uPos, cy), 0.0, fetchAt(uPos, cellAfter(cy, 2, w)));
}
// The (x, y, 0, w) of the corners of the triangle with id (row + 1) in image n, or false when it is empty or invalid
// (as VERTEX_FETCH's triangleOfId).
bool pixelTriangle(int n, int id, out vec4 p[3]) {
  p[0] = p[1] = p[2] = vec4(0.0);
  if (id <= 0 || id > uNumTriangles) return false;
  int w = textureSize(uTri, 0).x;
  ivec2 c0 = cellOf(3 * (id - 1), w), c1 = cellAfter(c0, 1, w);
  ivec3 k = ivec3(fetchAt(uTri, c0), fetchAt(uTri, c1), fetchAt(uTri, cellAfter(c1, 1, w)));
  if (!validCorners(k)) return false;
  int base = n * uVertexStride;
  p[0] = vertexXYW(base + k.x);
  p[1] = vertexXYW(base + k.y);
  p[2] = vertexXYW(base + k.z);
  return true;
}
`;

/** pixelTriangle from cornerTable's grids. */
const TABLE = `
uniform sampler2D uCorners0;
uniform sampler2D uCorners1;
uniform sampler2D uCorners2;
uniform int uCornersShift;
bool pixelTriangle(int n, int id, out vec4 p[3]) {
  p[0] = p[1] = p[2] = vec4(0.0);
  if (id <= 0 || id > uNumTriangles) return false;
  int cell = (uVertexStride > 0 ? n * uNumTriangles : 0) + id - 1;
  p[0] = fetchShifted(uCorners0, cell, uCornersShift);
  p[1] = fetchShifted(uCorners1, cell, uCornersShift);
  p[2] = fetchShifted(uCorners2, cell, uCornersShift);
  bool valid = p[0].z != 0.0;
  p[0].z = p[1].z = p[2].z = 0.0;
  return valid;
}
`;

const STAGE = `
bool pixelCornerGradients(int pixel, out float key, out vec4 c0, out vec4 c1, out vec4 c2) {
  key = 0.0;
  c0 = c1 = c2 = vec4(0.0);
  float id = fetch(uRast, 4 * pixel + 3);
  ivec3 xyn = imagePixel(pixel, uImageSize);
  vec4 p[3];
  if (!pixelTriangle(xyn.z, decodeId(id), p)) return false;
  int w = textureSize(uDy, 0).x;
  ivec2 c = cellOf(4 * pixel, w);
  vec2 g = vec2(fetchAt(uDy, c), fetchAt(uDy, cellAfter(c, 1, w)));
  vec4 gdb = uHasDb ? fetchRun4(uDdb, 4 * pixel) : vec4(0.0);
  bool hasDb = any(notEqual(gdb, vec4(0.0)));
  if (g == vec2(0.0) && !hasDb) return false;
  Center f = pixelCenter(xyn.xy, uImageSize);
  vec4 dp[3];
  resolvePixelGrad(p, f, vec2(uImageSize), g, hasDb, gdb, dp);
  key = id;
  c0 = corner(dp[0]);
  c1 = corner(dp[1]);
  c2 = corner(dp[2]);
  return true;
}
`;

const STAGES = {
  direct: {key: 'rasterize-grad', source: `${COMMON}${DIRECT}${STAGE}`, tiled: true, freeZ: true},
  table: {key: 'rasterize-grad-table', source: `${COMMON}${TABLE}${STAGE}`, tiled: true, freeZ: true},
} satisfies {[name: string]: CornerStage};

/**
 * Texel (n·T + t when each image has its own vertices, else t) of grid k: corner k of triangle t (x, y, valid, w),
 * valid 1 where the triangle's corners are vertices, else 0; `boxes`: and of a fourth grid, the triangle's screen box
 * (triangle_boxes.ts's BOX_TEXEL), which the box pass then reads instead of finding it from tri and pos again.
 */
function tableProgram(s: GlSession, boxes: boolean) {
  return elementProgram(
    s.ctx,
    `rasterize-grad-corners${boxes ? '-boxes' : ''}`,
    () => `${HEADER}${FETCH}${VERTEX_FETCH}${OUTPUT_INDEX}
uniform int uVertexStride;
layout(location = 0) out vec4 outCorner0;
layout(location = 1) out vec4 outCorner1;
layout(location = 2) out vec4 outCorner2;
${boxes ? `uniform ivec2 uWalkSize;\n${SCREEN_CORNERS}${CORNER_BOX}${BOX_TEXEL}layout(location = 3) out vec4 outBox;` : ''}
void main() {
  int cell = outputIndex();
  int n = uVertexStride > 0 ? cell / uNumTriangles : 0;
  ivec3 k = triangleCorners(cell - n * uNumTriangles);
  bool valid = validCorners(k);
  k = valid ? k + n * uVertexStride : ivec3(0);
  vec4 p0 = vertexPos(k.x), p1 = vertexPos(k.y), p2 = vertexPos(k.z);
  float v = valid ? 1.0 : 0.0;
  outCorner0 = vec4(p0.xy, v, p0.w);
  outCorner1 = vec4(p1.xy, v, p1.w);
  outCorner2 = vec4(p2.xy, v, p2.w);
  ${
    boxes
      ? `vec2 a, b, c;
  bool front = screenOf(p0, p1, p2, a, b, c);
  outBox = boxTexel(valid, front, a, b, c);`
      : ''
  }
}
`,
  );
}

export interface RasterizeGradMesh {
  images: number;
  pixels: number;
  numVertices: number;
  numTriangles: number;
  vertexStride: number;
  pos: WebGLTexture | null;
  tri: WebGLTexture | null;
}

/**
 * The stage for `mesh`, and the textures and uniforms it reads beyond the caller's (rast, dy, ddb, pos, tri): with a
 * corner table where the mesh has few enough triangles for the pixels, or where `boxes` asks for the triangles' screen
 * boxes (images of that size) too, for triangle_boxes.ts (ScreenMesh.boxes).
 */
export function rasterizeGradStage(
  s: GlSession,
  mesh: RasterizeGradMesh,
  boxes?: {width: number; height: number},
): {
  stage: CornerStage;
  textures: {[sampler: string]: WebGLTexture | null};
  uniforms: {[name: string]: number};
  boxes?: {texture: WebGLTexture; shift: number};
} {
  const cells = (mesh.vertexStride > 0 ? mesh.images : 1) * mesh.numTriangles;
  if (!boxes && cells * TABLE_PIXELS_PER_TRIANGLE > mesh.pixels)
    return {stage: STAGES.direct, textures: {}, uniforms: {}};
  const grids = [0, 1, 2, ...(boxes ? [3] : [])].map(k => shiftGrid(s, `rasterize-grad.corners${k}`, cells));
  elementPass(
    s,
    tableProgram(s, boxes != null),
    grids,
    {
      uNumVertices: mesh.numVertices,
      uNumTriangles: mesh.numTriangles,
      uVertexStride: mesh.vertexStride,
      ...(boxes ? {uWalkSize: [boxes.width, boxes.height], uMargin: BOX_MARGIN} : {}),
    },
    {uPos: mesh.pos, uTri: mesh.tri},
  );
  return {
    stage: STAGES.table,
    textures: {uCorners0: grids[0].texture, uCorners1: grids[1].texture, uCorners2: grids[2].texture},
    uniforms: {uCornersShift: grids[0].shift},
    boxes: boxes ? {texture: grids[3].texture, shift: grids[3].shift} : undefined,
  };
}
