/**
 * Rasterize with hardware coverage (docs/rasterize.md#coverage): the triangles themselves, drawn
 * by the pipeline with its own coverage and depth test (the fragment shader writes no depth; it
 * discards only skipped triangles' fragments, and peeled ones), one image per draw into its band
 * of the atlas (the viewport maps NDC onto the band and the pipeline clips to it). The fragment
 * shader resolves u, v, z/w and rastDb analytically at the exact pixel center for the triangle it
 * shades; the depth test keeps the nearest's. A center a hair outside that triangle (the pipeline
 * snaps vertices to a sub-pixel grid) gets clamped barycentrics.
 *
 * The draw is indexed (src/kernels/shared/provoking.ts): vertices are shared by their triangles, and
 * each triangle's last (provoking) vertex, which provokes no other, gives the flat outputs. Every
 * vertex reads the three corners of one triangle (its attributes name it; the same work for all, so
 * no SIMD lanes wait on others) and sits at its own corner. A skipped triangle (degenerate,
 * non-finite or culled) cannot move its shared vertices: its provoking vertex flags it (id −1)
 * and its fragments are discarded. (SwiftShader runs depth tests after the fragment shader whether
 * or not it may discard: measured no slower.)
 */
import {DiffrastGL} from './gl_context';
import {FETCH, HEADER, OUTPUT_INDEX, TRIANGLE_ID} from './glsl_common';
import {GlProgram} from './gl_program';
import {BARYCENTRIC, TRIANGLE_PLANES, VERTEX_FETCH} from './glsl_raster';
import {DRAW_FRAGMENT} from './glsl_raster_draw';
import {elementProgram} from './passes';

const vertex = (indexed: boolean) => `${HEADER}${FETCH}${TRIANGLE_ID}${VERTEX_FETCH}${BARYCENTRIC}${TRIANGLE_PLANES}
uniform sampler2D uPositions;  // pos, one RGBA texel per row (rasterPositionsProgram)
uniform int uPositionsShift;   // its width is 2^uPositionsShift (shiftGrid)
${
  indexed
    ? `layout(location = 0) in int aTriangle;   // the triangle whose corners this vertex reads, −1: none
layout(location = 1) in ivec4 aCorners;  // its vertex indices, and which of them this vertex is`
    : `// Three vertices per triangle: vertex 3t + c is triangle t's corner c (triangle −1: invalid).
int aTriangle;
ivec4 aCorners;
void readVertex() {
  int t = gl_VertexID / 3;
  ivec3 k = triangleCorners(t);
  aTriangle = validCorners(k) ? t : -1;
  aCorners = ivec4(k, gl_VertexID - 3 * t);
}`
}
uniform int uBase;     // the image's first vertex row in pos
uniform int uWinding;  // the determinant sign drawn (0: both), see drawnWinding
uniform ivec2 uImageSize;
uniform int uBand;     // atlas band of the image
// The triangle's planes about the center of its reference pixel (trianglePlanes), that center in the target's
// window coordinates (gl_FragCoord's) and the triangle's id as rast stores it (−1: skipped).
flat out vec4 vAt;
flat out vec4 vDx;
flat out vec4 vDy;
flat out vec3 vReference;

void main() {
  ${indexed ? '' : 'readVertex();'}
  vReference = vec3(0.0, 0.0, -1.0);
  vAt = vDx = vDy = vec4(0.0);
  gl_Position = vec4(0.0, 0.0, 0.0, 1.0);
  if (aTriangle < 0) return;  // an invalid triangle's: drawn three times, no area
  vec4 p0 = fetchShifted(uPositions, uBase + aCorners.x, uPositionsShift),
       p1 = fetchShifted(uPositions, uBase + aCorners.y, uPositionsShift),
       p2 = fetchShifted(uPositions, uBase + aCorners.z, uPositionsShift);
  gl_Position = aCorners.w == 0 ? p0 : aCorners.w == 1 ? p1 : p2;
  float det = screenDeterminant(p0, p1, p2);
  if (!(det != 0.0) || isinf(det) || isnan(det)) return;  // edge-on, degenerate or non-finite
  if (uWinding != 0 && sign(det) != float(uWinding)) return;  // culled
  ivec2 reference = referencePixel(p0, p1, p2, uImageSize);
  // Integers and halves: exact in float32 up to the render size.
  vReference = vec3(vec2(reference) + vec2(0.5, 0.5 + float(uBand * uImageSize.y)), encodeId(aTriangle + 1));
  Planes planes = trianglePlanes(p0, p1, p2, reference, uImageSize);
  vAt = planes.at;
  vDx = planes.dx;
  vDy = planes.dy;
}
`;

// Per fragment only what each needs (SwiftShader runs every instruction for every fragment, hidden ones too): the
// offset from the reference pixel straight from gl_FragCoord, the stored id from the vertex stage.
function fragment(peel: boolean): string {
  return `${HEADER}${FETCH}${TRIANGLE_ID}${BARYCENTRIC}${DRAW_FRAGMENT}
uniform int uBand;   // atlas band of the image
uniform int uImage;

flat in vec4 vAt;
flat in vec4 vDx;
flat in vec4 vDy;
flat in vec3 vReference;

void main() {
  if (vReference.z < 0.0) discard;  // skipped (see the header)
  vec2 d = gl_FragCoord.xy - vReference.xy;  // whole pixels, exactly
  vec4 e = vAt + vDx * d.x + vDy * d.y;  // (a_0, a_1, A, z/w) at the pixel's center
  ${
    peel
      ? `ivec2 px = ivec2(gl_FragCoord.xy) - ivec2(0, uBand * uImageSize.y);
  if (peeledAway(uImage, px, e.w, vReference.z)) discard;`
      : ''
  }
  vec3 uvz;
  vec4 db;
  resolveEdges(e, vDx.xyz, vDy.xyz, uvz, db);
  writeResolved(uvz, db, vReference.z);
}
`;
}

/**
 * pos's rows as RGBA texels: the draw's vertices read three texels each, not twelve floats (each
 * with its own cell arithmetic).
 */
export function rasterPositionsProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(
    ctx,
    'rasterize-positions',
    () => `${HEADER}${FETCH}${OUTPUT_INDEX}
uniform sampler2D uPos;
out vec4 outPosition;
void main() { outPosition = fetch4(uPos, outputIndex()); }
`,
  );
}

/**
 * The hardware-coverage raster program; the peeling variant discards (its own program). Not `indexed`: drawn as
 * three vertices per triangle from tri (when the indexed draw's arrays are not kept), with the same results.
 */
export function rasterHardwareProgram(ctx: DiffrastGL, peel: boolean, indexed: boolean): GlProgram {
  return ctx.program(
    `rasterize-hardware${peel ? '-peel' : ''}${indexed ? '' : '-list'}`,
    () => vertex(indexed),
    () => fragment(peel),
  );
}
