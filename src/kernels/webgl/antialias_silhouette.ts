/**
 * antialias's work list (docs/antialias.md): only pixel pairs along a silhouette carry an item, so
 * instead of evaluating every pixel's items, a pass per triangle flags those with an edge that may
 * be a silhouette, and the pairs whose triangles differ and one of them is flagged (candidates, a
 * superset of the items) are counted into a compaction pyramid (compact.ts); the kernels then draw
 * points for the candidates alone, each evaluating its item in full.
 *
 * Candidate k is item 2·pixel (the pixel and its right neighbour) or 2·pixel + 1 (its upper one).
 */
import {countPyramid, Pyramid} from './compact';
import {DiffrastGL} from './gl_context';
import {GlProgram} from './gl_program';
import {GlSession, GlTensor} from './gl_session';
import {FETCH, HEADER, OUTPUT_INDEX, TRIANGLE_ID} from './glsl_common';
import {VERTEX_FETCH} from './glsl_raster';
import {elementPass, elementProgram, scratchGrid} from './passes';

/**
 * GLSL: which pixel of a pair owns it (docs/antialias.md#work-items): the covered one, or of two covered the
 * nearer (z/w; P0 on ties). Used by the candidates' count and by evaluateItem.
 */
export const PAIR_OWNER = `
const int HORIZONTAL_PAIRS = 1, VERTICAL_PAIRS = 2;  // a triangle's flag's bits (flagsProgram)
bool pairOwnerIsP0(int id0, float zw0, int id1, float zw1) { return id1 == 0 || (id0 != 0 && !(zw1 < zw0)); }
`;

/**
 * Each vertex row in pixel units about the image center, (x/w·W/2, y/w·H/2, w, 0), and as it is (a
 * texel per row: one fetch where pos takes four).
 */
function projectProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(
    ctx,
    'antialias-project',
    () => `${HEADER}${FETCH}${OUTPUT_INDEX}
uniform sampler2D uPos;
uniform ivec2 uImageSize;
layout(location = 0) out vec4 outProj;
layout(location = 1) out vec4 outPos;
void main() {
  vec4 p = fetch4(uPos, outputIndex() - uOutStart);
  outProj = vec4(p.xy / p.w * vec2(uImageSize) / 2.0, p.w, 0.0);
  outPos = p;
}
`,
  );
}

/**
 * Per image (instanced; one set in range mode) and triangle: (flag, corners), the flag 0 when the
 * triangle is invalid or every edge surely is no silhouette. evaluateItem's test (the neighbour's far vertex on the owner's side, in a pixel frame
 * about a pixel center) is made here once per triangle about the image center; an edge is clear
 * only when the two far vertices are on opposite sides by a margin far above the rounding of
 * either frame (a few float32 ulps of the coordinates and lengths), so no item is lost. Else the
 * flag holds which pairs an edge that may be a silhouette can serve (evaluateItem takes an edge only
 * at least 45° steep to the pair's axis): HORIZONTAL_PAIRS where one may be as steep as wide or steeper,
 * VERTICAL_PAIRS where one may be as wide as steep or wider, both by the same margin (and both where a
 * vertex lies behind the eye); a pair is a candidate only when its owner's flag has its bit.
 */
function flagsProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(
    ctx,
    'antialias-flags',
    () => `${HEADER}${FETCH}${VERTEX_FETCH}${OUTPUT_INDEX}${PAIR_OWNER}
uniform sampler2D uProj;
uniform sampler2D uTopo;  // [T,3]: the vertex across edge e of triangle t, or −1
uniform int uVertexStride;
uniform float uReach;  // how far a pixel center is from the image center, at most
const float SIDE_MARGIN = 1e-4;
out vec4 outFlag;
float side(vec2 e1, vec2 e2, vec2 p) { return (e2.x - e1.x) * (p.y - e1.y) - (e2.y - e1.y) * (p.x - e1.x); }
float extent(vec4 c) { return max(abs(c.x), abs(c.y)); }
// Edge c1 → c2 of a triangle whose third vertex is c, with vertex o across it: the pairs it may serve as a
// silhouette (PAIR_BITS), none when it surely is none.
int maySilhouette(vec4 c1, vec4 c2, vec4 c, int o, int base) {
  vec4 f = o < 0 || o >= uNumVertices ? vec4(0.0, 0.0, 1.0, 0.0) : fetchTexel(uProj, base + o);
  if (!(c1.z > 0.0 && c2.z > 0.0 && c.z > 0.0 && f.z > 0.0)) return HORIZONTAL_PAIRS | VERTICAL_PAIRS;
  float scale = max(max(extent(c1), extent(c2)), max(extent(c), extent(f))) + uReach;
  vec2 d = abs(c2.xy - c1.xy);
  int pairs = (d.y >= d.x - SIDE_MARGIN * scale ? HORIZONTAL_PAIRS : 0) |
              (d.x >= d.y - SIDE_MARGIN * scale ? VERTICAL_PAIRS : 0);
  if (o < 0 || o >= uNumVertices) return pairs;
  float sc = side(c1.xy, c2.xy, c.xy), sf = side(c1.xy, c2.xy, f.xy);
  float l = length(c2.xy - c1.xy);
  return sc * sf < 0.0 && abs(sc) > SIDE_MARGIN * scale * (l + length(c.xy - c1.xy)) &&
         abs(sf) > SIDE_MARGIN * scale * (l + length(f.xy - c1.xy)) ? 0 : pairs;
}
void main() {
  int i = outputIndex() - uOutStart;
  int n = i / uNumTriangles, t = i - n * uNumTriangles;
  outFlag = vec4(0.0);
  ivec3 k;
  if (!triangleOfId(t + 1, k)) return;
  outFlag.yzw = vec3(k);
  int base = n * uVertexStride;
  vec4 c0 = fetchTexel(uProj, base + k.x), c1 = fetchTexel(uProj, base + k.y), c2 = fetchTexel(uProj, base + k.z);
  ivec3 o = ivec3(fetch3(uTopo, t));
  outFlag.x = float(maySilhouette(c1, c2, c0, o.x, base) | maySilhouette(c2, c0, c1, o.y, base) |
                    maySilhouette(c0, c1, c2, o.z, base));
}
`,
  );
}

/**
 * The pyramid's level 1: per texel t, the candidates among items 4t .. 4t + 3 (pixels 2t, 2t + 1):
 * pairs whose ids differ and whose owner (as evaluateItem picks it) is flagged for pairs of their axis.
 */
function candidatesProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(
    ctx,
    'antialias-candidates',
    () => `${HEADER}${FETCH}${TRIANGLE_ID}${OUTPUT_INDEX}${PAIR_OWNER}
uniform sampler2D uRast;
uniform sampler2D uFlags;
uniform ivec2 uImageSize;
uniform int uPixels;
uniform int uNumTriangles;
uniform int uFlagStride;  // flags per image: T (instanced) or 0 (one set)
out vec4 outCounts;
vec2 rastAt(int p) { vec2 r = fetch2(uRast, 2 * p + 1); return vec2(r.x, decodeId(r.y)); }  // (z/w, id)
float candidate(int n, vec2 r0, vec2 r1, int axis) {
  int id = int(pairOwnerIsP0(int(r0.y), r0.x, int(r1.y), r1.x) ? r0.y : r1.y);
  return r0.y != r1.y && id <= uNumTriangles &&
    (int(fetchTexel(uFlags, n * uFlagStride + id - 1).x) & axis) != 0 ? 1.0 : 0.0;
}
void main() {
  int t = outputIndex() - uOutStart;
  vec4 counts = vec4(0.0);
  // Straight-line: SwiftShader runs every branch for every lane, and loop-indexed vectors lane by lane.
  int p = 2 * t;
  ivec3 xyn = imagePixel(p, uImageSize);
  vec2 r = rastAt(p), right = rastAt(p + 1), up = rastAt(p + uImageSize.x);
  if (xyn.x + 1 < uImageSize.x) counts.x = candidate(xyn.z, r, right, HORIZONTAL_PAIRS);
  if (xyn.y + 1 < uImageSize.y) counts.y = candidate(xyn.z, r, up, VERTICAL_PAIRS);
  if (p + 1 < uPixels) {
    xyn = imagePixel(p + 1, uImageSize);
    if (xyn.x + 1 < uImageSize.x) counts.z = candidate(xyn.z, right, rastAt(p + 2), HORIZONTAL_PAIRS);
    if (xyn.y + 1 < uImageSize.y) counts.w = candidate(xyn.z, right, rastAt(p + 1 + uImageSize.x), VERTICAL_PAIRS);
  }
  outCounts = counts;
}
`,
  );
}

/** What antialias's passes bind besides the pre-pass's results (antialiasBindings). */
export interface AntialiasBound {
  uniforms: {
    uImageSize: number[];
    uVertexStride: number;
    uChannels: number;
    uNumVertices: number;
    uNumTriangles: number;
  };
  textures: {[sampler: string]: WebGLTexture | null};
  /** color's texture and texture shape. */
  color: GlTensor;
  posRows: number;
  images: number;
}

/** `bound` with the pre-pass's results: what ANTIALIAS_ITEMS reads. */
export interface AntialiasItemsBound extends AntialiasBound {
  uniforms: AntialiasBound['uniforms'] & {uFlagStride: number};
}

/**
 * The pre-pass (pos as texels, the flags) run and added to `bound`; null when no pair can hold an
 * item (no pixels or triangles).
 */
export function withSilhouettes(s: GlSession, bound: AntialiasBound): AntialiasItemsBound | null {
  const {uniforms, textures, posRows, images} = bound;
  const [width, height] = uniforms.uImageSize;
  const triangles = uniforms.uNumTriangles;
  if (images * width * height === 0 || triangles === 0 || posRows === 0) return null;
  const instanced = uniforms.uVertexStride > 0;
  const flags = scratchGrid(s, 'antialias.flags', (instanced ? images : 1) * triangles);
  const proj = scratchGrid(s, 'antialias.proj', posRows);
  const posTexels = scratchGrid(s, 'antialias.pos', posRows);
  elementPass(s, projectProgram(s.ctx), [proj, posTexels], uniforms, textures);
  const reach = Math.max(width, height) / 2;
  elementPass(s, flagsProgram(s.ctx), [flags], {...uniforms, uReach: reach}, {...textures, uProj: proj.texture});
  return {
    ...bound,
    uniforms: {...uniforms, uFlagStride: instanced ? triangles : 0},
    textures: {...textures, uFlags: flags.texture, uPosTexels: posTexels.texture},
  };
}

/**
 * The candidates counted into a pyramid (one point per candidate); null without float blending.
 * Compacted however many pairs are candidates: where all are (a mesh of silhouettes), the points
 * cost about what a pass over every pixel's items would.
 */
export function silhouetteCandidates(s: GlSession, bound: AntialiasItemsBound): Pyramid | null {
  if (!s.ctx.floatBlend) return null;
  const {uniforms, textures, images} = bound;
  const [width, height] = uniforms.uImageSize;
  const pixels = images * width * height;
  const first = {
    program: candidatesProgram(s.ctx),
    uniforms: {...uniforms, uPixels: pixels},
    textures: {uRast: textures.uRast, uFlags: textures.uFlags},
  };
  return countPyramid(s, 2 * pixels, 2 * pixels, first, 1, 'compact', true);
}

/**
 * GLSL: candidate `k` of a compacted draw (see COMPACTED_ITEM) as its item: pixel (x, y) of image
 * n and whether the pair is vertical. Needs COMPACTED_ITEM and uImageSize.
 */
export const CANDIDATE_ITEM = `
void candidateItem(int k, out int n, out int x, out int y, out bool vertical) {
  int rank;
  int item = compactedItem(k, rank);
  int p = item >> 1;
  vertical = (item & 1) == 1;
  ivec3 xyn = imagePixel(p, uImageSize);
  x = xyn.x;
  y = xyn.y;
  n = xyn.z;
}
`;
