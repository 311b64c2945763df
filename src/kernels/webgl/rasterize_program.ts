/**
 * The raster pass: screen-space boxes, one per (image, triangle), drawn into an atlas of image
 * bands (rast and rastDb through two draw buffers, depth in a 32-bit depth buffer).
 *
 * Coverage is decided per fragment by the exact edge-function test of SPEC §3 (the cpu's rule),
 * not by the hardware's: hardware snaps vertices to a sub-pixel grid (1/16 pixel on SwiftShader,
 * measured 0.3% of a triangle's pixels wrong at 64×48), which breaks the 99.9% id agreement. So
 * each triangle draws a box of exactly the pixels whose centers its projected bounds contain (the
 * whole image when a vertex has w ≤ 0), and the fragment shader tests coverage, the near and far
 * planes and the previous depth layer, and writes the analytic depth. Box edges fall on pixel
 * edges, half a pixel from any center, and never leave their image's band.
 *
 * A set-up pass first computes each box and fetches its triangle's vertices once (one fragment
 * per box, into four RGBA32F targets); the draw's six vertices per box then read four texels.
 */
import {DiffrastGL} from './gl_session';
import {FETCH, HEADER, OUTPUT_INDEX, TRIANGLE_ID} from './glsl_common';
import {GlProgram} from './gl_program';
import {BARYCENTRIC, VERTEX_FETCH} from './glsl_raster';
import {elementProgram} from './passes';

/** Box b of a draw: triangle uFirst + (b mod uCount) of image uImage0 + ⌊b / uCount⌋. */
const BOXES = `
uniform int uFirst;         // first triangle of each image
uniform int uCount;         // triangles per image
uniform int uImage0;        // image of box 0
uniform ivec2 uImageSize;   // (W, H)
int boxImage(int b) { return b / uCount; }
int boxTriangle(int b) { return uFirst + b - (b / uCount) * uCount; }
`;

const SETUP = `${HEADER}${FETCH}${VERTEX_FETCH}${BARYCENTRIC}${OUTPUT_INDEX}${BOXES}
uniform int uVertexStride;  // vertices per image (instanced mode), 0 in range mode
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
  vec3 x = vec3(p0.x, p1.x, p2.x), y = vec3(p0.y, p1.y, p2.y), z = vec3(p0.z, p1.z, p2.z), w = vec3(p0.w, p1.w, p2.w);
  // All three beyond one clip plane: nothing visible.
  if (all(greaterThan(x, w)) || all(lessThan(x, -w)) || all(greaterThan(y, w)) || all(lessThan(y, -w)) ||
      all(greaterThan(z, w)) || all(lessThan(z, -w))) return;
  vec2 size = vec2(uImageSize);
  vec4 box = vec4(0.0, 0.0, size);
  if (all(greaterThan(w, vec3(0.0)))) {
    // Pixels px with center px + ½ inside [min, max] (pixel units), with slack for rounding.
    vec3 X = (x / w + 1.0) * size.x / 2.0 - 0.5, Y = (y / w + 1.0) * size.y / 2.0 - 0.5;
    const float SLACK = 1e-3;
    box = vec4(ceil(min(min(X.x, X.y), X.z) - SLACK), ceil(min(min(Y.x, Y.y), Y.z) - SLACK),
               floor(max(max(X.x, X.y), X.z) + SLACK) + 1.0, floor(max(max(Y.x, Y.y), Y.z) + SLACK) + 1.0);
    box = clamp(box, vec4(0.0), vec4(size, size));
  }
  if (!(box.x < box.z && box.y < box.w)) return;
  outBox = box;
  outP0 = p0;
  outP1 = p1;
  outP2 = p2;
}
`;

const VERTEX = `${HEADER}${FETCH}${BARYCENTRIC}${BOXES}
uniform sampler2D uBoxes;
uniform sampler2D uP0;
uniform sampler2D uP1;
uniform sampler2D uP2;
uniform int uBand0;         // atlas band of box 0's image
uniform int uBands;         // bands in the viewport
flat out vec4 vP0;
flat out vec4 vP1;
flat out vec4 vP2;
flat out float vDeterminant;
flat out int vTriangle;
flat out int vImage;
flat out int vBand;

// Two triangles per box, corners as (x, y) in {0, 1}².
const ivec2 CORNERS[6] = ivec2[6](ivec2(0, 0), ivec2(1, 0), ivec2(0, 1), ivec2(0, 1), ivec2(1, 0), ivec2(1, 1));

void main() {
  int b = gl_VertexID / 6;
  vec4 box = fetchTexel(uBoxes, b);
  gl_Position = vec4(-2.0, -2.0, 0.0, 1.0);
  if (!(box.x < box.z)) return;  // culled
  vTriangle = boxTriangle(b);
  vImage = uImage0 + boxImage(b);
  vBand = uBand0 + boxImage(b);
  vP0 = fetchTexel(uP0, b);
  vP1 = fetchTexel(uP1, b);
  vP2 = fetchTexel(uP2, b);
  vDeterminant = screenDeterminant(vP0, vP1, vP2);
  vec2 corner = mix(box.xy, box.zw, vec2(CORNERS[gl_VertexID - 6 * b]));
  // Band v of the viewport holds rows [v·H, (v+1)·H).
  vec2 atlas = vec2(float(uImageSize.x), float(uBands * uImageSize.y));
  gl_Position = vec4(2.0 * (corner + vec2(0.0, float(vBand * uImageSize.y))) / atlas - 1.0, 0.0, 1.0);
}
`;

const FRAGMENT = `${HEADER}${FETCH}${TRIANGLE_ID}${BARYCENTRIC}
uniform ivec2 uImageSize;
uniform bool uPeel;
uniform sampler2D uPrevious;  // the previous depth layer's rast (depth peeling)
flat in vec4 vP0;
flat in vec4 vP1;
flat in vec4 vP2;
flat in float vDeterminant;
flat in int vTriangle;
flat in int vImage;
flat in int vBand;
layout(location = 0) out vec4 outRast;
layout(location = 1) out vec4 outDb;

void main() {
  ivec2 px = ivec2(gl_FragCoord.xy) - ivec2(0, vBand * uImageSize.y);
  vec2 size = vec2(uImageSize);
  vec3 a = edgeFunctions(vP0, vP1, vP2, pixelCenter(px, size));
  vec3 alpha, beta;
  edgeGradients(vP0, vP1, vP2, alpha, beta);
  if (!covers(a, alpha, beta, sign(vDeterminant))) discard;
  float zw = depthOf(vP0, vP1, vP2, a);
  if (!(zw >= -1.0 && zw <= 1.0)) discard;  // near and far planes
  if (uPeel) {
    vec4 previous = fetch4(uPrevious, (vImage * uImageSize.y + px.y) * uImageSize.x + px.x);
    // SPEC's rule is zw ≤ previous z/w. The previous layer's own triangle is also recognised by id:
    // its z/w recomputed here in float32 may differ in the last bit from the stored one (e.g. the
    // cpu's, rounded from float64), and must never come back.
    if (previous.w == 0.0 || zw <= previous.z || decodeId(previous.w) == vTriangle + 1) discard;
  }
  gl_FragDepth = 0.5 * zw + 0.5;
  vec3 uvz;
  vec4 db;
  resolve(vP0, vP1, vP2, a, alpha, beta, size, uvz, db);
  outRast = vec4(uvz, encodeId(vTriangle + 1));
  outDb = db;
}
`;

/** The set-up pass (an element pass over boxes, four outputs). */
export function rasterSetupProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(ctx, 'rasterize-setup', () => SETUP);
}

export function rasterProgram(ctx: DiffrastGL): GlProgram {
  return ctx.program('rasterize', () => VERTEX, () => FRAGMENT);
}
