/**
 * The raster pass: screen-space boxes, one per (image, triangle), drawn into an atlas of image
 * bands (rast and rastDb through two draw buffers, depth in a 32-bit depth buffer).
 *
 * Coverage is decided per fragment by the exact edge-function test of docs/rasterize.md#coverage (the cpu's rule),
 * not by the hardware's: hardware snaps vertices to a sub-pixel grid (1/16 pixel on SwiftShader,
 * measured 0.3% of a triangle's pixels wrong at 64×48), which breaks the 99.9% id agreement. So
 * each triangle draws a conservative shape, and the fragment shader tests coverage, the near and
 * far planes and the previous depth layer, and writes the analytic depth. The shape is the box of
 * exactly the pixels whose centers its projected bounds contain (the whole image when a vertex has
 * w ≤ 0), or, when smaller and inside the image, the triangle dilated by 1/8 pixel. Box edges fall
 * on pixel edges, half a pixel from any center; neither shape leaves its image's band.
 *
 * Two set-up passes (one fragment per box, into RGBA32F targets) first fetch each triangle's
 * vertices and bounds, then choose its shape and corners; the draw's four vertices per box (an
 * index list shares two between its triangles) then read one texel, and the two that carry the
 * flat outputs three more.
 */
import {DiffrastGL} from './gl_context';
import {FETCH, HEADER, OUTPUT_INDEX, TRIANGLE_ID} from './glsl_common';
import {GlProgram} from './gl_program';
import {BARYCENTRIC, VERTEX_FETCH} from './glsl_raster';
import {DRAW_FRAGMENT} from './glsl_raster_draw';
import {elementProgram} from './passes';
import {coverConstants} from '../shared/raster';

/** Box b of a draw: triangle uFirst + (b mod uCount) of image uImage0 + ⌊b / uCount⌋. */
const BOXES = `
uniform int uFirst;         // first triangle of each image
uniform int uCount;         // triangles per image
uniform int uImage0;        // image of box 0
uniform ivec2 uImageSize;   // (W, H)
int boxImage(int b) { return b / uCount; }
int boxTriangle(int b) { return uFirst + b - (b / uCount) * uCount; }
`;

const SETUP = `${HEADER}${FETCH}${VERTEX_FETCH}${BARYCENTRIC}${OUTPUT_INDEX}${BOXES}${coverConstants('glsl')}
uniform int uVertexStride;  // vertices per image (instanced mode), 0 in range mode
uniform int uWinding;       // the determinant sign drawn (0: both), see drawnWinding
layout(location = 0) out vec4 outBox;  // pixel edges (x0, y0, x1, y1); empty unless x0 < x1
layout(location = 1) out vec4 outP0;
layout(location = 2) out vec4 outP1;
layout(location = 3) out vec4 outP2;

void main() {
  int b = outputIndex();
  outBox = vec4(0.0);
  outP0 = outP1 = outP2 = vec4(0.0);
  int t = boxTriangle(b);
  ivec3 k = triangleCorners(t);
  if (!validCorners(k)) return;
  int base = (uImage0 + boxImage(b)) * uVertexStride;
  vec4 p0 = vertexPos(base + k.x), p1 = vertexPos(base + k.y), p2 = vertexPos(base + k.z);
  float det = screenDeterminant(p0, p1, p2);
  if (!(det != 0.0) || isinf(det) || isnan(det)) return;  // edge-on, degenerate or non-finite
  if (uWinding != 0 && sign(det) != float(uWinding)) return;  // culled
  vec3 x = vec3(p0.x, p1.x, p2.x), y = vec3(p0.y, p1.y, p2.y), z = vec3(p0.z, p1.z, p2.z), w = vec3(p0.w, p1.w, p2.w);
  // All three beyond one clip plane: nothing visible.
  if (all(greaterThan(x, w)) || all(lessThan(x, -w)) || all(greaterThan(y, w)) || all(lessThan(y, -w)) ||
      all(greaterThan(z, w)) || all(lessThan(z, -w))) return;
  vec2 size = vec2(uImageSize);
  vec4 box = vec4(0.0, 0.0, size);
  if (all(greaterThan(w, vec3(0.0)))) {
    // Pixels px with center px + ½ inside [min, max] (pixel units), with slack for rounding.
    vec3 X = (x / w + 1.0) * size.x / 2.0 - 0.5, Y = (y / w + 1.0) * size.y / 2.0 - 0.5;
    box = vec4(ceil(min(min(X.x, X.y), X.z) - BOX_SLACK), ceil(min(min(Y.x, Y.y), Y.z) - BOX_SLACK),
               floor(max(max(X.x, X.y), X.z) + BOX_SLACK) + 1.0, floor(max(max(Y.x, Y.y), Y.z) + BOX_SLACK) + 1.0);
    box = clamp(box, vec4(0.0), vec4(size, size));
  }
  if (!(box.x < box.z && box.y < box.w)) return;
  outBox = box;
  outP0 = p0;
  outP1 = p1;
  outP2 = p2;
}
`;

/**
 * Conservative triangles: in pixel units, the triangle with each edge moved out by d (far more
 * than the hardware's vertex snapping, ≤ 1/32 pixel, so every center inside or on the triangle is
 * rasterized). Needs BARYCENTRIC (cross2).
 */
const DILATE = `${coverConstants('glsl')}
// Inward unit normal of the edge from a to b of a triangle with orientation s.
vec2 inwardNormal(vec2 a, vec2 b, float s) { return s * normalize(vec2(a.y - b.y, b.x - a.x)); }
// Corner P, on the edges with inward normals nA and nB, moved so that both edges move out by
// DILATION: its offset δ has nA·δ = nB·δ = −DILATION.
vec2 dilatedCorner(vec2 P, vec2 nA, vec2 nB) { return P - DILATION * vec2(nB.y - nA.y, nA.x - nB.x) / cross2(nA, nB); }
bool inside(vec2 p, vec2 size) { return all(greaterThanEqual(p, vec2(0.0))) && all(lessThanEqual(p, size)); }
// The corners of the dilated triangle of P0, P1, P2, or false when its area is not below
// \`limit\` (sharp corners push far out: then the box is cheaper) or it leaves [0, size].
// (Written out without arrays: SwiftShader runs indexed locals through memory.)
bool dilate(vec2 P0, vec2 P1, vec2 P2, float limit, vec2 size, out vec2 D0, out vec2 D1, out vec2 D2) {
  float area2 = cross2(P1 - P0, P2 - P0);
  D0 = D1 = D2 = vec2(0.0);
  if (!(abs(area2) > 0.0)) return false;
  float s = sign(area2);
  vec2 n0 = inwardNormal(P0, P1, s), n1 = inwardNormal(P1, P2, s), n2 = inwardNormal(P2, P0, s);
  D0 = dilatedCorner(P0, n2, n0);
  D1 = dilatedCorner(P1, n0, n1);
  D2 = dilatedCorner(P2, n1, n2);
  float area = abs(cross2(D1 - D0, D2 - D0)) / 2.0;
  return area < limit && inside(D0, size) && inside(D1, size) && inside(D2, size);
}
`;

/** Set-up, second pass: each box's four corners (pixel units), from the box and the vertices. */
const SHAPE = `${HEADER}${FETCH}${BARYCENTRIC}${OUTPUT_INDEX}${DILATE}
uniform ivec2 uImageSize;
uniform sampler2D uBoxes;
uniform sampler2D uP0;
uniform sampler2D uP1;
uniform sampler2D uP2;
layout(location = 0) out vec4 outCorners01;
layout(location = 1) out vec4 outCorners23;

void main() {
  int b = outputIndex();
  vec4 box = fetchTexel(uBoxes, b);
  outCorners01 = outCorners23 = vec4(0.0);  // culled: all corners at one point, no fragments
  if (!(box.x < box.z)) return;
  outCorners01 = box.xyzy;
  outCorners23 = box.xwzw;
  vec4 p0 = fetchTexel(uP0, b), p1 = fetchTexel(uP1, b), p2 = fetchTexel(uP2, b);
  if (!(p0.w > 0.0 && p1.w > 0.0 && p2.w > 0.0)) return;
  vec2 size = vec2(uImageSize);
  vec2 D0, D1, D2;
  // The dilated triangle instead when it is smaller (corner 3 repeats corner 2: no second triangle).
  if (dilate((p0.xy / p0.w + 1.0) * size / 2.0, (p1.xy / p1.w + 1.0) * size / 2.0, (p2.xy / p2.w + 1.0) * size / 2.0,
             (box.z - box.x) * (box.w - box.y), size, D0, D1, D2)) {
    outCorners01 = vec4(D0, D1);
    outCorners23 = vec4(D2, D2);
  }
}
`;

const VERTEX = `${HEADER}${FETCH}${BARYCENTRIC}${BOXES}
uniform sampler2D uCorners01;
uniform sampler2D uCorners23;
uniform sampler2D uP0;
uniform sampler2D uP1;
uniform sampler2D uP2;
uniform int uBand0;         // atlas band of box 0's image
uniform int uBands;         // bands in the viewport
uniform int uBoxOffset;     // box of vertex 0 (draws go in batches of the box index list)
uniform int uGridWidth;     // width of the set-up textures
flat out vec4 vP0;
flat out vec4 vP1;
flat out vec4 vP2;
flat out float vDeterminant;
flat out int vTriangle;
flat out int vImage;
flat out int vBand;

void main() {
  // Vertex 4b + corner of the box index list: triangles (0, 1, 2) and (2, 1, 3) of each box.
  int corner = gl_VertexID % 4;
  int b = uBoxOffset + gl_VertexID / 4;
  ivec2 cell = ivec2(b % uGridWidth, b / uGridWidth);  // box b's texel in the set-up textures
  vec4 pair = corner < 2 ? texelFetch(uCorners01, cell, 0) : texelFetch(uCorners23, cell, 0);
  vec2 at = corner % 2 == 0 ? pair.xy : pair.zw;
  int image = boxImage(b);
  vBand = uBand0 + image;
  vImage = uImage0 + image;
  vTriangle = boxTriangle(b);
  // Flat outputs come from each triangle's last (provoking) vertex: only those read the vertices.
  vP0 = vP1 = vP2 = vec4(0.0);
  vDeterminant = 0.0;
  if (corner >= 2) {
    vP0 = texelFetch(uP0, cell, 0);
    vP1 = texelFetch(uP1, cell, 0);
    vP2 = texelFetch(uP2, cell, 0);
    vDeterminant = screenDeterminant(vP0, vP1, vP2);
  }
  // Band v of the viewport holds rows [v·H, (v+1)·H).
  vec2 atlas = vec2(float(uImageSize.x), float(uBands * uImageSize.y));
  gl_Position = vec4(2.0 * (at + vec2(0.0, float(vBand * uImageSize.y))) / atlas - 1.0, 0.0, 1.0);
}
`;

const FRAGMENT = `${HEADER}${FETCH}${TRIANGLE_ID}${BARYCENTRIC}${DRAW_FRAGMENT}
uniform bool uPeel;
flat in vec4 vP0;
flat in vec4 vP1;
flat in vec4 vP2;
flat in float vDeterminant;
flat in int vTriangle;
flat in int vImage;
flat in int vBand;

void main() {
  ivec2 px = ivec2(gl_FragCoord.xy) - ivec2(0, vBand * uImageSize.y);
  vec3 a = edgeFunctions(vP0, vP1, vP2, pixelCenter(px, uImageSize));
  if (any(lessThan(sign(vDeterminant) * a, vec3(0.0)))) discard;  // outside: what covers() says first
  vec3 alpha, beta;
  edgeGradients(vP0, vP1, vP2, alpha, beta);
  if (!covers(a, alpha, beta, sign(vDeterminant))) discard;
  float zw = depthAt(vP0, vP1, vP2, a);
  if (!(zw >= -1.0 && zw <= 1.0)) discard;  // near and far planes
  float id = encodeId(vTriangle + 1);
  if (uPeel && peeledAway(vImage, px, zw, id)) discard;
  gl_FragDepth = 0.5 * zw + 0.5;
  vec3 uvz;
  vec4 db;
  resolvePixel(vP0, vP1, vP2, a, alpha, beta, vec2(uImageSize), uvz, db);
  writeResolved(uvz, db, id);
}
`;

/** The set-up passes (element passes over boxes): vertices and bounds, then corners. */
export function rasterSetupPrograms(ctx: DiffrastGL): [GlProgram, GlProgram] {
  return [elementProgram(ctx, 'rasterize-setup', () => SETUP), elementProgram(ctx, 'rasterize-shape', () => SHAPE)];
}

export function rasterProgram(ctx: DiffrastGL): GlProgram {
  return ctx.program(
    'rasterize',
    () => VERTEX,
    () => FRAGMENT,
  );
}
