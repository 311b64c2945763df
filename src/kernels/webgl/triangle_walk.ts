/**
 * Corner gradients of a mesh of few triangles whose stage has the positions (rasterize's position
 * gradient: CornerGradients.screen): corner_tree.ts's first pass puts each pixel's key and three corner values
 * into scratch grids, then one fragment per (triangle, band of image rows) walks the pixels of the band
 * within the triangle's screen box, each row cut to the triangle's span, and sums the values of its triangle's pixels; triangle_gather.ts's
 * vertex pass adds up each vertex's (corner, triangle) slots, band by band. For a few large triangles that
 * is one per-pixel pass and some hundred fragments, where the quad tree made a pass per level, a count
 * pyramid read back to the CPU and a scatter. Each band's sum runs over its pixels row by row
 * (docs/backends.md#summation-order).
 *
 * The walk reads each pixel's key once per triangle whose box holds it, hidden triangles' too, so its
 * cost grows with the triangles: it is used for at most WALK_MAX_TRIANGLES of them (at worst, boxes over
 * the whole image, that many full-image reads).
 */
import {DiffrastGL} from './gl_context';
import {GlSession} from './gl_session';
import {FETCH, HEADER, OUTPUT_INDEX} from './glsl_common';
import {GlProgram} from './gl_program';
import {CornerGradients, pixelGridReaders, pixelGrids, pixelGridSet, ScreenMesh} from './corner_tree';
import {VERTEX_FETCH} from './glsl_raster';
import {elementPass, elementProgram, ScratchGrid} from './passes';

/**
 * Triangle k's corners in image n, in pixels (pixel X's center at X), and whether all three lie in front of the eye
 * (else a, b and c mean nothing). Needs VERTEX_FETCH and the uniforms uWalkSize (an image's width, height) and
 * uVertexStride; triangle_boxes.ts's tight boxes use it too.
 */
export const SCREEN_CORNERS = `
// Clip-space corners p0, p1, p2 of a triangle in pixels, as screenCorners.
bool screenOf(vec4 p0, vec4 p1, vec4 p2, out vec2 a, out vec2 b, out vec2 c) {
  vec2 h = 0.5 * vec2(uWalkSize);
  // Pixel (X, Y)'s center is at NDC ((2X + 1)/W − 1, ...): X = (x/w + 1)·W/2 − ½.
  a = (p0.xy / p0.w + 1.0) * h - 0.5;
  b = (p1.xy / p1.w + 1.0) * h - 0.5;
  c = (p2.xy / p2.w + 1.0) * h - 0.5;
  return p0.w > 0.0 && p1.w > 0.0 && p2.w > 0.0;
}
bool screenCorners(int n, ivec3 k, out vec2 a, out vec2 b, out vec2 c) {
  int base = n * uVertexStride;
  return screenOf(vertexPos(base + k.x), vertexPos(base + k.y), vertexPos(base + k.z), a, b, c);
}
`;

/**
 * A row's walk is cut to the columns within this many pixels of the triangle (its box alone, the cube's large
 * triangles at 512², holds about twice the triangle's pixels), where its corners lie within SPAN_LIMIT pixels of the
 * image's corner.
 */
const SPAN_MARGIN = 1;
const SPAN_LIMIT = 65536;
/** Meshes of at most this many triangles are walked. */
export const WALK_MAX_TRIANGLES = 64;
/** About this many fragments per image: bands of rows per triangle (SwiftShader shares fragments among its threads). */
const WALK_FRAGMENTS = 1024;

/** The bands of rows a triangle's walk is split into, for `triangles` triangles. */
export function walkBands(height: number, triangles: number): {bands: number; rows: number} {
  const bands = Math.max(1, Math.min(height, Math.ceil(WALK_FRAGMENTS / Math.max(1, triangles))));
  const rows = Math.ceil(height / bands);
  return {bands: 2 * Math.ceil(Math.ceil(height / rows) / 2), rows};
}

/**
 * The walk's slots: `cells`·groups texels (cells a multiple of bands, bands even) row-major, bands/2 texels a row,
 * so that each 2×2 quad of fragments (which SwiftShader runs in lockstep) walks one triangle's box, and the
 * rows spread over its threads.
 */
export function walkSlots(s: GlSession, name: string, cells: number, bands: number): ScratchGrid {
  const width = bands / 2,
    height = cells / width;
  if (height > s.ctx.maxRenderSize) {
    s.fail(
      `${cells} texels of intermediate results do not fit ${width}-texel rows of a ${s.ctx.maxRenderSize}-row ` +
        'render target here; use a smaller batch',
    );
  }
  return {texture: s.scratchTexture(name, width, height), texShape: [height, width], size: cells, width, height};
}

/**
 * Slot uGroup·cells + (n·uSlotsPerImage + t)·uBands + b: the sums of corner values (outputs 0–2) of triangle
 * t's pixels in rows b·uBandRows .. of image n (each image when uSlotsPerImage > 0, else all images), within
 * the triangle's screen box, one pixel wider (pixels a hair outside a triangle may be its own under hardware
 * coverage), each row cut to the columns within SPAN_MARGIN of the triangle; or the whole band where a corner is
 * not in front of the eye.
 */
function walkProgram(ctx: DiffrastGL, keyed: boolean): GlProgram {
  return elementProgram(
    ctx,
    `triangle-walk${keyed ? '-keyed' : ''}`,
    () => `${HEADER}${FETCH}${VERTEX_FETCH}${OUTPUT_INDEX}${pixelGridReaders(keyed)}
uniform int uImages;
uniform ivec2 uWalkSize;  // (width, height) of an image
uniform int uSlotsPerImage;
uniform int uBands;
uniform int uBandRows;
uniform int uVertexStride;
${SCREEN_CORNERS}
layout(location = 0) out vec4 outCorner0;
layout(location = 1) out vec4 outCorner1;
layout(location = 2) out vec4 outCorner2;
// Columns and rows [lo, hi] of image n that triangle t may hold; its corners a, b, c in pixels and s the sign of its
// winding where a row's span is to be cut to it (clipToEdge), else s = 0 (every column of the box).
void walkBox(int n, int t, out ivec2 lo, out ivec2 hi, out vec2 a, out vec2 b, out vec2 c, out float s) {
  lo = ivec2(0);
  hi = uWalkSize - 1;
  s = 0.0;
  ivec3 k = triangleCorners(t);
  if (!validCorners(k)) {
    hi = ivec2(-1);
    return;
  }
  if (!screenCorners(n, k, a, b, c)) return;
  vec2 mn = floor(min(min(a, b), c)) - 1.0, mx = ceil(max(max(a, b), c)) + 1.0;
  if (any(isnan(mn)) || any(isnan(mx))) return;
  lo = ivec2(clamp(mn, vec2(0.0), vec2(uWalkSize - 1)));
  hi = ivec2(clamp(mx, vec2(-1.0), vec2(uWalkSize - 1)));
  // Spans only for corners within SPAN_LIMIT pixels (there the rounding of clipToEdge's terms stays far below its
  // margin) and a triangle with area.
  vec2 far = max(max(abs(a), abs(b)), abs(c));
  s = max(far.x, far.y) <= ${SPAN_LIMIT}.0 ? sign((b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)) : 0.0;
}
// Narrows the columns [xl, xh] of row Y to those whose centers lie within SPAN_MARGIN pixels of the inner side of
// the edge from p along e (the side where s·cross(e, X − p) > 0): s·e.y·(x − p.x) ≤ s·e.x·(Y − p.y) + margin·|e|.
void clipToEdge(vec2 p, vec2 e, float s, float Y, inout float xl, inout float xh) {
  float k = s * e.y, rhs = s * e.x * (Y - p.y) + ${SPAN_MARGIN}.0 * length(e);
  if (k > 0.0) xh = min(xh, p.x + rhs / k);
  if (k < 0.0) xl = max(xl, p.x + rhs / k);
  if (k == 0.0 && rhs < 0.0) xh = xl - 1.0;
}
void main() {
  int cell = outputIndex() - uOutStart;
  int nt = cell / uBands;
  int b = cell - nt * uBands;
  int t = uSlotsPerImage > 0 ? nt - (nt / uSlotsPerImage) * uSlotsPerImage : nt;
  int n0 = uSlotsPerImage > 0 ? nt / uSlotsPerImage : 0, n1 = uSlotsPerImage > 0 ? n0 + 1 : uImages;
  vec4 s0 = vec4(0.0), s1 = vec4(0.0), s2 = vec4(0.0);
  float key = float(t + 1);  // (the keys are ids as rast stores them: exact floats below 2^24)
  int pixelsPerImage = uWalkSize.x * uWalkSize.y, gridWidth = textureSize(uCorner0, 0).x;
  for (int n = n0; n < n1; n++) {
    ivec2 lo, hi;
    vec2 p0, p1, p2;
    float s;
    walkBox(n, t, lo, hi, p0, p1, p2, s);
    int y0 = max(lo.y, b * uBandRows), y1 = min(hi.y, b * uBandRows + uBandRows - 1);
    for (int y = y0; y <= y1; y++) {
      float xl = float(lo.x), xh = float(hi.x), Y = float(y);
      if (s != 0.0) {
        clipToEdge(p0, p1 - p0, s, Y, xl, xh);
        clipToEdge(p1, p2 - p1, s, Y, xl, xh);
        clipToEdge(p2, p0 - p2, s, Y, xl, xh);
      }
      int x0 = int(ceil(xl)), x1 = int(floor(xh));
      // The row's texels of the grids (all of one shape), stepped along without a division per pixel.
      ivec2 c = cellOf(n * pixelsPerImage + y * uWalkSize.x + x0, gridWidth);
      for (int x = x0; x <= x1; x++) {
        vec4 v0;
        if (pixelKey(c, v0) == key) {
          s0 += corner0(c, v0);
          s1 += texelFetch(uCorner1, c, 0);
          s2 += texelFetch(uCorner2, c, 0);
        }
        if (++c.x == gridWidth) c = ivec2(0, c.y + 1);
      }
    }
  }
  outCorner0 = s0;
  outCorner1 = s1;
  outCorner2 = s2;
}
`,
  );
}

/**
 * The walk of `g` over [images, height, width] pixels into `slots`, three grids of groups·cells texels
 * (cells = (each image its rows ? images : 1)·T·bands): group g's slots are texels g·cells .. (g + 1)·cells − 1.
 */
export function walkCornerGradients(
  s: GlSession,
  slots: ScratchGrid[],
  images: number,
  height: number,
  width: number,
  groups: number,
  g: CornerGradients,
  bands: {bands: number; rows: number},
  screen: ScreenMesh,
) {
  const slotsPerImage = g.rowStride > 0 ? g.numTriangles : 0;
  const cells = (slotsPerImage > 0 ? images : 1) * g.numTriangles * bands.bands;
  const keyed = groups === 1 && g.stage.freeZ === true;
  const {grids: pixels, samplers} = pixelGridSet(s, 'triangle-walk', images * height * width, width, keyed);
  for (let group = 0; group < groups; group++) {
    pixelGrids(s, g.stage, pixels, {...g.uniforms, uGroup: group}, g.textures);
    elementPass(
      s,
      walkProgram(s.ctx, keyed),
      slots,
      {
        uNumVertices: g.numVertices,
        uNumTriangles: g.numTriangles,
        uVertexStride: screen.vertexStride,
        uImages: images,
        uWalkSize: [width, height],
        uSlotsPerImage: slotsPerImage,
        uBands: bands.bands,
        uBandRows: bands.rows,
      },
      {
        ...samplers,
        uPos: screen.pos,
        uTri: screen.tri,
      },
      group * cells,
      (group + 1) * cells,
    );
  }
}
