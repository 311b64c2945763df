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
import {GlProgram, UniformValues} from './gl_program';
import {GlSession} from './gl_session';
import {FETCH, HEADER, OUTPUT_INDEX, TRIANGLE_ID} from './glsl_common';
import {VERTEX_FETCH} from './glsl_raster';
import {elementPass, elementProgram, scratchGrid} from './passes';

/** Each vertex row in pixel units about the image center: (x/w·W/2, y/w·H/2, w, 0). */
function projectProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(
    ctx,
    'antialias-project',
    () => `${HEADER}${FETCH}${OUTPUT_INDEX}
uniform sampler2D uPos;
uniform ivec2 uImageSize;
out vec4 outValue;
void main() {
  vec4 p = fetch4(uPos, outputIndex() - uOutStart);
  outValue = vec4(p.xy / p.w * vec2(uImageSize) / 2.0, p.w, 0.0);
}
`,
  );
}

/**
 * Per image (instanced; one set in range mode) and triangle: 1 unless every edge surely is no
 * silhouette. evaluateItem's test (the neighbour's far vertex on the owner's side, in a pixel frame
 * about a pixel center) is made here once per triangle about the image center; an edge is clear
 * only when the two far vertices are on opposite sides by a margin far above the rounding of
 * either frame (a few float32 ulps of the coordinates and lengths), so no item is lost.
 */
function flagsProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(
    ctx,
    'antialias-flags',
    () => `${HEADER}${FETCH}${VERTEX_FETCH}${OUTPUT_INDEX}
uniform sampler2D uProj;
uniform sampler2D uTopo;  // [T,3]: the vertex across edge e of triangle t, or −1
uniform int uVertexStride;
uniform float uReach;  // how far a pixel center is from the image center, at most
const float SIDE_MARGIN = 1e-4;
out vec4 outFlag;
float side(vec2 e1, vec2 e2, vec2 p) { return (e2.x - e1.x) * (p.y - e1.y) - (e2.y - e1.y) * (p.x - e1.x); }
float extent(vec4 c) { return max(abs(c.x), abs(c.y)); }
// Edge c1 → c2 of a triangle whose third vertex is c, with vertex o across it.
bool maySilhouette(vec4 c1, vec4 c2, vec4 c, int o, int base) {
  if (o < 0 || o >= uNumVertices) return true;
  vec4 f = fetchTexel(uProj, base + o);
  if (!(c1.z > 0.0 && c2.z > 0.0 && c.z > 0.0 && f.z > 0.0)) return true;
  float scale = max(max(extent(c1), extent(c2)), max(extent(c), extent(f))) + uReach;
  float sc = side(c1.xy, c2.xy, c.xy), sf = side(c1.xy, c2.xy, f.xy);
  float l = length(c2.xy - c1.xy);
  return !(sc * sf < 0.0 && abs(sc) > SIDE_MARGIN * scale * (l + length(c.xy - c1.xy)) &&
           abs(sf) > SIDE_MARGIN * scale * (l + length(f.xy - c1.xy)));
}
void main() {
  int i = outputIndex() - uOutStart;
  int n = i / uNumTriangles, t = i - n * uNumTriangles;
  outFlag = vec4(0.0);
  ivec3 k;
  if (!triangleOfId(t + 1, k)) return;
  int base = n * uVertexStride;
  vec4 c0 = fetchTexel(uProj, base + k.x), c1 = fetchTexel(uProj, base + k.y), c2 = fetchTexel(uProj, base + k.z);
  ivec3 o = ivec3(fetch3(uTopo, t));
  if (maySilhouette(c1, c2, c0, o.x, base) || maySilhouette(c2, c0, c1, o.y, base) ||
      maySilhouette(c0, c1, c2, o.z, base)) outFlag.x = 1.0;
}
`,
  );
}

/** The pyramid's level 1: per texel t, the candidates among items 4t .. 4t + 3 (pixels 2t, 2t + 1). */
function candidatesProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(
    ctx,
    'antialias-candidates',
    () => `${HEADER}${FETCH}${TRIANGLE_ID}${OUTPUT_INDEX}
uniform sampler2D uRast;
uniform sampler2D uFlags;
uniform ivec2 uImageSize;
uniform int uPixels;
uniform int uNumTriangles;
uniform int uFlagStride;  // flags per image: T (instanced) or 0 (one set)
out vec4 outCounts;
int idAt(int p) { return decodeId(fetch(uRast, 4 * p + 3)); }
bool flagged(int n, int id) {
  return id > 0 && id <= uNumTriangles && fetchTexel(uFlags, n * uFlagStride + id - 1).x != 0.0;
}
float candidate(int n, int id0, int id1) { return id0 != id1 && (flagged(n, id0) || flagged(n, id1)) ? 1.0 : 0.0; }
void main() {
  int t = outputIndex() - uOutStart;
  vec4 counts = vec4(0.0);
  for (int h = 0; h < 2; h++) {
    int p = 2 * t + h;
    if (p >= uPixels) break;
    ivec3 xyn = imagePixel(p, uImageSize);
    int id = idAt(p);
    if (xyn.x + 1 < uImageSize.x) counts[2 * h] = candidate(xyn.z, id, idAt(p + 1));
    if (xyn.y + 1 < uImageSize.y) counts[2 * h + 1] = candidate(xyn.z, id, idAt(p + uImageSize.x));
  }
  outCounts = counts;
}
`,
  );
}

/** What antialias's passes bind (antialiasBindings). */
export interface AntialiasBound {
  uniforms: UniformValues & {uImageSize: number[]; uVertexStride: number; uNumTriangles: number};
  textures: {[sampler: string]: WebGLTexture | null};
  posRows: number;
}

/**
 * The candidates of `images` images counted into a pyramid (one point per candidate); null without
 * pixels or float blending. Compacted however many pairs are candidates: where all are (a mesh of
 * silhouettes), the points cost about what a pass over every pixel's items would.
 */
export function silhouetteCandidates(s: GlSession, images: number, bound: AntialiasBound): Pyramid | null {
  const {uniforms, textures, posRows} = bound;
  const [width, height] = uniforms.uImageSize;
  const pixels = images * width * height;
  if (!s.ctx.floatBlend || pixels === 0) return null;
  const triangles = uniforms.uNumTriangles;
  const flagSets = uniforms.uVertexStride > 0 ? images : 1;
  const flags = scratchGrid(s, 'antialias.flags', Math.max(1, flagSets * triangles));
  if (triangles > 0) {
    const proj = scratchGrid(s, 'antialias.proj', Math.max(1, posRows));
    elementPass(s, projectProgram(s.ctx), [proj], uniforms, textures);
    const reach = Math.max(width, height) / 2;
    elementPass(s, flagsProgram(s.ctx), [flags], {...uniforms, uReach: reach}, {...textures, uProj: proj.texture});
  }
  return countPyramid(
    s,
    2 * pixels,
    2 * pixels,
    {
      program: candidatesProgram(s.ctx),
      uniforms: {
        uImageSize: uniforms.uImageSize,
        uPixels: pixels,
        uNumTriangles: triangles,
        uFlagStride: uniforms.uVertexStride > 0 ? triangles : 0,
      },
      textures: {uRast: textures.uRast, uFlags: flags.texture},
    },
    1,
  );
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
