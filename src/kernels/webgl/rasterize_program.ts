/**
 * The raster pass: one instanced draw of screen-space boxes, one per (image, triangle), into an
 * atlas of image bands (rast and rastDb through two draw buffers, depth in a 32-bit depth buffer).
 *
 * Coverage is decided per fragment by the exact edge-function test of SPEC §3 (the cpu's rule),
 * not by the hardware's: hardware snaps vertices to a sub-pixel grid (1/16 pixel on SwiftShader,
 * measured 0.3% of a triangle's pixels wrong at 64×48), which breaks the 99.9% id agreement. So
 * each triangle draws a box that surely contains its pixels (its projected bounds plus a pixel,
 * or the whole image when a vertex has w ≤ 0), and the fragment shader tests coverage, the near
 * and far planes and the previous depth layer, and writes the analytic depth. Boxes never leave
 * their image's band, so images cannot bleed into each other.
 */
import {DiffrastGL} from './gl_session';
import {FETCH, HEADER, TRIANGLE_ID} from './glsl_common';
import {GlProgram} from './gl_program';
import {BARYCENTRIC, VERTEX_FETCH} from './glsl_raster';

const VERTEX = `${HEADER}${FETCH}${VERTEX_FETCH}${BARYCENTRIC}
uniform int uFirst;         // first triangle of each image
uniform int uCount;         // triangles per image
uniform int uImage0;        // image of instance 0
uniform int uBand0;         // atlas band of instance 0
uniform int uBands;         // bands in the viewport
uniform int uVertexStride;  // vertices per image (instanced mode), 0 in range mode
uniform ivec2 uImageSize;   // (W, H)
flat out vec4 vP0;
flat out vec4 vP1;
flat out vec4 vP2;
flat out float vDeterminant;
flat out int vTriangle;
flat out int vImage;
flat out int vBand;

void main() {
  gl_Position = vec4(-2.0, -2.0, 0.0, 1.0);  // culled unless a box is made below
  int local = gl_InstanceID / uCount;
  int t = uFirst + gl_InstanceID - local * uCount;
  vTriangle = t;
  vImage = uImage0 + local;
  vBand = uBand0 + local;
  ivec3 k = triangleCorners(t);
  if (!validCorners(k)) return;
  int base = vImage * uVertexStride;
  vec4 p0 = vertexPos(base + k.x), p1 = vertexPos(base + k.y), p2 = vertexPos(base + k.z);
  vP0 = p0;
  vP1 = p1;
  vP2 = p2;
  float det = screenDeterminant(p0, p1, p2);
  vDeterminant = det;
  if (!(det != 0.0) || isinf(det) || isnan(det)) return;  // edge-on, degenerate or non-finite
  vec3 x = vec3(p0.x, p1.x, p2.x), y = vec3(p0.y, p1.y, p2.y), z = vec3(p0.z, p1.z, p2.z), w = vec3(p0.w, p1.w, p2.w);
  // All three beyond one clip plane: nothing visible.
  if (all(greaterThan(x, w)) || all(lessThan(x, -w)) || all(greaterThan(y, w)) || all(lessThan(y, -w)) ||
      all(greaterThan(z, w)) || all(lessThan(z, -w))) return;
  vec4 box = vec4(-1.0, -1.0, 1.0, 1.0);  // (xmin, ymin, xmax, ymax) in NDC
  if (all(greaterThan(w, vec3(0.0)))) {
    vec3 X = x / w, Y = y / w;
    vec2 margin = 2.0 / vec2(uImageSize);
    box = clamp(vec4(min(min(X.x, X.y), X.z) - margin.x, min(min(Y.x, Y.y), Y.z) - margin.y,
                     max(max(X.x, X.y), X.z) + margin.x, max(max(Y.x, Y.y), Y.z) + margin.y), -1.0, 1.0);
    if (!(box.x < box.z && box.y < box.w)) return;
  }
  vec2 ndc = mix(box.xy, box.zw, vec2(gl_VertexID & 1, gl_VertexID >> 1));
  // Band b of the viewport holds NDC y in [-1, 1] of its image.
  gl_Position = vec4(ndc.x, (ndc.y + 1.0 + 2.0 * float(vBand)) / float(uBands) - 1.0, 0.0, 1.0);
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

export function rasterProgram(ctx: DiffrastGL): GlProgram {
  return ctx.program('rasterize', () => VERTEX, () => FRAGMENT);
}
