/**
 * Rasterize with hardware coverage (docs/rasterize.md#coverage): the triangles themselves, drawn
 * by the pipeline with its own coverage and depth test (early depth rejection stays on: the
 * fragment shader neither discards nor writes depth, except when peeling), one image per draw
 * into its band of the atlas (the viewport maps NDC onto the band and the pipeline clips to it).
 * The fragment shader resolves u, v, z/w and rastDb analytically at the exact pixel center for
 * the triangle it shades; the depth test keeps the nearest's. A center a hair outside that
 * triangle (the pipeline snaps vertices to a sub-pixel grid) gets clamped barycentrics.
 *
 * Each vertex reads its triangle's three corners: degenerate, non-finite, invalid and culled
 * triangles put all three at one point outside the view, which draws nothing.
 */
import {DiffrastGL} from './gl_context';
import {FETCH, HEADER, TRIANGLE_ID} from './glsl_common';
import {GlProgram} from './gl_program';
import {BARYCENTRIC, VERTEX_FETCH} from './glsl_raster';
import {DRAW_FRAGMENT} from './glsl_raster_draw';

const VERTEX = `${HEADER}${FETCH}${VERTEX_FETCH}${BARYCENTRIC}
uniform int uFirst;    // first triangle of the image
uniform int uBase;     // its first vertex row in pos
uniform int uWinding;  // the determinant sign drawn (0: both), see drawnWinding
flat out vec4 vP0;
flat out vec4 vP1;
flat out vec4 vP2;
flat out int vTriangle;

void main() {
  int t = uFirst + gl_VertexID / 3, corner = gl_VertexID - 3 * (gl_VertexID / 3);
  vTriangle = t;
  vP0 = vP1 = vP2 = vec4(0.0);
  gl_Position = vec4(2.0, 2.0, 0.0, 1.0);
  ivec3 k = triangleCorners(t);
  if (!validCorners(k)) return;
  vec4 p0 = vertexPos(uBase + k.x), p1 = vertexPos(uBase + k.y), p2 = vertexPos(uBase + k.z);
  float det = screenDeterminant(p0, p1, p2);
  if (!(det != 0.0) || isinf(det) || isnan(det)) return;  // edge-on, degenerate or non-finite
  if (uWinding != 0 && sign(det) != float(uWinding)) return;  // culled
  vP0 = p0;
  vP1 = p1;
  vP2 = p2;
  gl_Position = corner == 0 ? p0 : corner == 1 ? p1 : p2;
}
`;

function fragment(peel: boolean): string {
  return `${HEADER}${FETCH}${TRIANGLE_ID}${BARYCENTRIC}${DRAW_FRAGMENT}
uniform int uBand;   // atlas band of the image
uniform int uImage;

void main() {
  ivec2 px = ivec2(gl_FragCoord.xy) - ivec2(0, uBand * uImageSize.y);
  vec3 a = edgeFunctions(vP0, vP1, vP2, pixelCenter(px, uImageSize));
  vec3 alpha, beta;
  edgeGradients(vP0, vP1, vP2, alpha, beta);
  ${peel ? 'if (peeledAway(uImage, px, depthAt(vP0, vP1, vP2, a))) discard;' : ''}
  writeResolved(a, alpha, beta);
}
`;
}

/** The hardware-coverage raster program; the peeling variant discards (its own program). */
export function rasterHardwareProgram(ctx: DiffrastGL, peel: boolean): GlProgram {
  return ctx.program(
    `rasterize-hardware${peel ? '-peel' : ''}`,
    () => VERTEX,
    () => fragment(peel),
  );
}
