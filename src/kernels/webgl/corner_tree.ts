/**
 * Gradients that each pixel adds to its triangle's three corners (rasterize's position gradient,
 * interpolate's attribute gradient), summed over blocks of pixels on one triangle before they are
 * scattered: on SwiftShader a scattered point costs about as much as a whole element pass's
 * fragment work per pixel, so a large triangle should cost a few points, not three per pixel.
 *
 * Each image's pixels form a quad tree: level 0 is the pixels, a cell of level L + 1 the 2×2
 * cells of level L below it (cut at the image's edge). Per cell a key: the triangle id (as rast
 * stores it) of every pixel in it that adds something, 0 when none does, −1 (mixed) when they
 * are on different triangles; and, where the key is a triangle, the sums of its pixels' three
 * corner values. Every pixel that adds something has exactly one ancestor-or-self whose key is
 * its triangle and whose parent is mixed (or the top): those cells are scattered, three points
 * each, compacted to the live ones where few are (compact.ts). Sums are pairwise in float32, so results differ
 * from a pixel-by-pixel sum in the last bits (docs/backends.md#summation-order).
 *
 * The caller's stage (CornerStage) gives level 0: per pixel, the key (0: adds nothing) and the
 * three corner values.
 */
import {DiffrastGL} from './gl_context';
import {GlSession} from './gl_session';
import {FETCH, HEADER, OUTPUT_INDEX, TRIANGLE_ID} from './glsl_common';
import {GlProgram, UniformValues} from './gl_program';
import {COMPACTED_ITEM, countPyramid, itemCountProgram} from './compact';
import {elementPass, elementProgram, ScratchGrid, scratchGrid, shiftGrid} from './passes';
import {scatter, scatterProgram} from './scatter';
import {VERTEX_FETCH} from './glsl_raster';

/** Levels above the pixels at most (cells of up to 2^MAX_LEVEL pixels a side). */
const MAX_LEVEL = 10;
const LEVELS = MAX_LEVEL + 1;

/** Where each level lives: levels alternate between two sets of grids (a pass cannot read what it writes). */
interface TreeLayout {
  /** Cells per image side, per level: (width, height). */
  sizes: Array<[number, number]>;
  /** First cell of each level in its set's grids. */
  bases: number[];
  /** First item of each level in the concatenation of all levels (the compaction's items). */
  firsts: number[];
  items: number;
  used: [number, number];
}

/**
 * The tree goes up to blocks about the size of an average triangle (at most MAX_LEVEL): above
 * that few blocks lie on one triangle, and its levels would cost more than they save.
 */
function treeLayout(images: number, height: number, width: number, triangles: number): TreeLayout {
  const top = Math.min(MAX_LEVEL, Math.floor(Math.log2(Math.max(1, (height * width) / Math.max(1, triangles))) / 2));
  const sizes: Array<[number, number]> = [[width, height]];
  while (sizes.length <= top) {
    const [w, h] = sizes[sizes.length - 1];
    if (w === 1 && h === 1) break;
    sizes.push([Math.ceil(w / 2), Math.ceil(h / 2)]);
  }
  const bases: number[] = [],
    firsts: number[] = [];
  const used: [number, number] = [0, 0];
  let items = 0;
  sizes.forEach(([w, h], l) => {
    const cells = images * w * h;
    bases.push(used[l % 2]);
    used[l % 2] += cells;
    firsts.push(items);
    items += cells;
  });
  return {sizes, bases, firsts, items, used};
}

/** The layout's uniforms, padded to LEVELS (GLSL arrays have a fixed size). */
function treeUniforms(t: TreeLayout): UniformValues {
  const pad = (xs: number[], fill: number, n = LEVELS) => [...xs, ...new Array<number>(n - xs.length).fill(fill)];
  return {
    uLevelSize: pad(
      t.sizes.flatMap(s => s),
      1,
      2 * LEVELS,
    ),
    uLevelBase: pad(t.bases, 0),
    uLevelFirst: pad(t.firsts, t.items),
    uTopLevel: t.sizes.length - 1,
  };
}

/** GLSL: the tree's layout, and cells of a level by (image, x, y). Needs FETCH. */
const TREE = `
const int LEVELS = ${LEVELS};
uniform ivec2 uLevelSize[LEVELS];
uniform int uLevelBase[LEVELS];
uniform int uLevelFirst[LEVELS];
uniform int uTopLevel;
// Cell (x, y) of image n at level l, as an index into its set's grids.
int cellIndex(int l, int n, int x, int y) {
  ivec2 s = uLevelSize[l];
  return uLevelBase[l] + (n * s.y + y) * s.x + x;
}
// The level, image and position of item i of the concatenated levels.
int itemLevel(int i) {
  int l = 0;
  for (int k = 1; k < LEVELS; k++) if (k <= uTopLevel && i >= uLevelFirst[k]) l = k;
  return l;
}
// (x, y, image), by float quotients (imagePixel).
ivec3 itemCell(int i, int l) {
  return imagePixel(i - uLevelFirst[l], uLevelSize[l]);
}
`;

/**
 * Level l + 1 from level l: the key and the three sums of each cell's (up to) four children.
 * Straight-line, with float-quotient cell coordinates (SwiftShader runs loop-indexed vectors and
 * integer divisions lane by lane); children that add nothing hold zeros, so summing all four in
 * order is the sum of those that add something.
 */
function levelProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(
    ctx,
    'corner-tree-level',
    () => `${HEADER}${FETCH}${OUTPUT_INDEX}${TREE}
uniform sampler2D uKeys;
uniform sampler2D uCorner0;
uniform sampler2D uCorner1;
uniform sampler2D uCorner2;
uniform int uLevel;  // of the cells written
layout(location = 0) out vec4 outKey;
layout(location = 1) out vec4 outCorner0;
layout(location = 2) out vec4 outCorner1;
layout(location = 3) out vec4 outCorner2;
// The four children's values in one corner texture, c the first's cell and d the one below it (children past
// the level's edge add nothing), summed in the same order for every corner.
vec4 childSum(sampler2D corner, int c, int d, bool right, bool down) {
  return fetchTexel(corner, c) + (right ? fetchTexel(corner, c + 1) : vec4(0.0)) +
         (down ? fetchTexel(corner, d) : vec4(0.0)) + (right && down ? fetchTexel(corner, d + 1) : vec4(0.0));
}
void main() {
  ivec3 xyn = imagePixel(outputIndex() - uLevelBase[uLevel], uLevelSize[uLevel]);
  ivec2 below = uLevelSize[uLevel - 1], child = 2 * xyn.xy;
  bool right = child.x + 1 < below.x, down = child.y + 1 < below.y;
  int c = cellIndex(uLevel - 1, xyn.z, child.x, child.y), d = c + below.x;
  vec4 keys = vec4(fetchTexel(uKeys, c).x, right ? fetchTexel(uKeys, c + 1).x : 0.0,
                   down ? fetchTexel(uKeys, d).x : 0.0, right && down ? fetchTexel(uKeys, d + 1).x : 0.0);
  // The children that add something all on one triangle: the largest key, which the others equal or are 0.
  float key = max(max(keys.x, keys.y), max(keys.z, keys.w));
  vec4 other = vec4(notEqual(keys, vec4(0.0))) * vec4(notEqual(keys, vec4(key)));
  bool mixed = any(lessThan(keys, vec4(0.0))) || any(greaterThan(other, vec4(0.0)));
  outKey = vec4(mixed ? -1.0 : key, 0.0, 0.0, 0.0);
  outCorner0 = outCorner1 = outCorner2 = vec4(0.0);
  if (mixed || key == 0.0) return;
  outCorner0 = childSum(uCorner0, c, d, right, down);
  outCorner1 = childSum(uCorner1, c, d, right, down);
  outCorner2 = childSum(uCorner2, c, d, right, down);
}
`,
  );
}

/** GLSL: whether item i is scattered (a triangle's cell under a mixed parent, or at the top). */
const LIVE = `
uniform sampler2D uKeysEven;
uniform sampler2D uKeysOdd;
float keyAt(int l, int c) { return (l & 1) == 0 ? fetchTexel(uKeysEven, c).x : fetchTexel(uKeysOdd, c).x; }
bool liveItem(int i, out int l, out int c, out int n, out float key) {
  l = itemLevel(i);
  ivec3 p = itemCell(i, l);
  n = p.z;
  c = cellIndex(l, n, p.x, p.y);
  key = keyAt(l, c);
  if (key <= 0.0) return false;
  return l == uTopLevel || keyAt(l + 1, cellIndex(l + 1, n, p.x >> 1, p.y >> 1)) < 0.0;
}
`;

/** The compaction's level 1: three points per live item. */
function countProgram(ctx: DiffrastGL): GlProgram {
  return itemCountProgram(
    ctx,
    'corner-tree-count',
    () => `${TREE}${LIVE}
float itemPoints(int i) {
  int l, c, n;
  float key;
  return liveItem(i, l, c, n, key) ? 3.0 : 0.0;
}
`,
  );
}

/**
 * The scatter: corner k of a live item adds its sum into texel (n·uRowStride + tri[id][k])·uGroups
 * + uGroup of the target. Compacted: point p is the p-th live point; else point 3i + k is corner k
 * of item i.
 */
function pointProgram(ctx: DiffrastGL, compacted: boolean): GlProgram {
  return scatterProgram(
    ctx,
    `corner-tree${compacted ? '-compacted' : ''}`,
    () => `${FETCH}${TRIANGLE_ID}${VERTEX_FETCH}${TREE}${LIVE}${compacted ? COMPACTED_ITEM : ''}
uniform sampler2D uCorner0Even;
uniform sampler2D uCorner1Even;
uniform sampler2D uCorner2Even;
uniform sampler2D uCorner0Odd;
uniform sampler2D uCorner1Odd;
uniform sampler2D uCorner2Odd;
uniform int uRowStride;
uniform int uGroups;
uniform int uGroup;
vec4 cornerSum(int l, int k, int c) {
  if ((l & 1) == 0) return k == 0 ? fetchTexel(uCorner0Even, c) : k == 1 ? fetchTexel(uCorner1Even, c) : fetchTexel(uCorner2Even, c);
  return k == 0 ? fetchTexel(uCorner0Odd, c) : k == 1 ? fetchTexel(uCorner1Odd, c) : fetchTexel(uCorner2Odd, c);
}
bool contribution(int point, out int texel, out vec4 value) {
  texel = 0;
  value = vec4(0.0);
  int item, k, l, c, n;
  ${compacted ? 'item = compactedItem(point, k);' : 'item = point / 3;\n  k = point - 3 * item;'}
  float key;
  if (!liveItem(item, l, c, n, key)) return false;
  value = cornerSum(l, k, c);
  texel = (n * uRowStride + triangleCorners(decodeId(key) - 1)[k]) * uGroups + uGroup;
  return true;
}
`,
  );
}

/**
 * GLSL (with FETCH and TRIANGLE_ID) declaring `uniform int uGroup` (the four columns written) and
 * defining `bool pixelCornerGradients(int pixel, out float key, out vec4 c0, out vec4 c1, out vec4
 * c2)`: false (and zeros) when the pixel adds nothing, else its triangle id as rast stores it and
 * what it adds to the triangle's three corners. Run per pixel by an element pass here, in the
 * vertex shader of triangle_gather.ts's point draw there.
 */
export interface CornerStage {
  /** Names the programs made from it. */
  key: string;
  source: string;
  /**
   * pixelGrids runs it only on tiles with a drawn pixel: it costs more per pixel than the tiles' clear and check
   * (rasterize's: 48.7 -> 17.9 ms GPU on the cube at 512², one profiled call at load ~15; interpolate's: 23.9 ->
   * 31.5, so it runs on every pixel).
   */
  tiled: boolean;
  /**
   * Its corner values' z is always 0 (rasterize's (dx, dy, 0, dw)): pixelGrids may then write the key into corner
   * 0's z instead of a grid of its own (KEYED_GRID_NAMES), one output and, for a reader, one fetch fewer per pixel.
   */
  freeZ?: boolean;
}

/**
 * The per-pixel grids as pixelGrids writes them: key, corner 0, 1, 2 (four grids), or, keyed (a stage with freeZ),
 * corner 0 with the key in its z, corner 1, 2 (three grids).
 */
const PIXEL_GRID_NAMES = ['keys', 'corner0', 'corner1', 'corner2'];
const KEYED_GRID_NAMES = ['corner0', 'corner1', 'corner2'];

/**
 * GLSL: the per-pixel grids' samplers and readers: texel i of a grid 2^uShift wide (gridCell); cell c's key, from the
 * grid of keys or, keyed (KEYED_GRID_NAMES), from corner 0's z, which then reads as 0 (triangle_boxes.ts,
 * triangle_walk.ts).
 */
export const pixelGridReaders = (keyed: boolean) => `
${keyed ? '' : 'uniform sampler2D uKeys;'}
uniform sampler2D uCorner0;
uniform sampler2D uCorner1;
uniform sampler2D uCorner2;
uniform int uShift;
ivec2 gridCell(int i) { return ivec2(i & ((1 << uShift) - 1), i >> uShift); }
// Cell c's key, and what corner0 needs of the cell (keyed: its corner 0 value, z read as 0; else nothing).
float pixelKey(ivec2 c, out vec4 v0) {
${
  keyed
    ? `  v0 = texelFetch(uCorner0, c, 0);
  float key = v0.z;
  v0.z = 0.0;
  return key;`
    : `  v0 = vec4(0.0);
  return texelFetch(uKeys, c, 0).x;`
}
}
// Cell c's corner 0 value, v0 from pixelKey.
vec4 corner0(ivec2 c, vec4 v0) { return ${keyed ? 'v0' : 'texelFetch(uCorner0, c, 0)'}; }
`;

/**
 * The per-pixel grids `name`.<grid> for `pixels` pixels of rows `width` long (shiftGrid; named as PIXEL_GRID_NAMES, or
 * keyed as KEYED_GRID_NAMES), and the textures of pixelGridReaders(keyed)'s samplers.
 */
export function pixelGridSet(
  s: GlSession,
  name: string,
  pixels: number,
  width: number,
  keyed: boolean,
): {grids: Array<ScratchGrid & {shift: number}>; samplers: {[sampler: string]: WebGLTexture}} {
  const grids = (keyed ? KEYED_GRID_NAMES : PIXEL_GRID_NAMES).map(n => shiftGrid(s, `${name}.${n}`, pixels, width));
  const [c0, c1, c2] = keyed ? grids : grids.slice(1);
  const corners = {uCorner0: c0.texture, uCorner1: c1.texture, uCorner2: c2.texture};
  return {grids, samplers: keyed ? corners : {uKeys: grids[0].texture, ...corners}};
}

/**
 * The stage's key (output 0, x) and three corner values (outputs 1–3) of the fragment's pixel; keyed: the three
 * corner values (outputs 0–2), the key in corner 0's z.
 */
const firstFragment = (stage: CornerStage, keyed: boolean) => `${HEADER}${stage.source}${OUTPUT_INDEX}
${keyed ? '' : 'layout(location = 0) out vec4 outKey;'}
layout(location = ${keyed ? 0 : 1}) out vec4 outCorner0;
layout(location = ${keyed ? 1 : 2}) out vec4 outCorner1;
layout(location = ${keyed ? 2 : 3}) out vec4 outCorner2;
void main() {
  if (int(gl_FragCoord.x) >= uOutWidth) discard;  // (a tile past the grid's edge)
  float key;
  vec4 c0, c1, c2;
  bool adds = pixelCornerGradients(outputIndex(), key, c0, c1, c2);
  ${keyed ? 'c0.z = adds ? key : 0.0;' : 'outKey = vec4(adds ? key : 0.0, 0.0, 0.0, 0.0);'}
  outCorner0 = c0;
  outCorner1 = c1;
  outCorner2 = c2;
}
`;

/** Level 0 of the tree (and pixelGrids of an untiled stage): firstFragment per pixel. */
export function firstProgram(ctx: DiffrastGL, stage: CornerStage, keyed = false): GlProgram {
  return elementProgram(ctx, `${stage.key}${keyed ? '-keyed' : ''}`, () => firstFragment(stage, keyed));
}

/** The side of the tiles of pixelGrids's points. */
const TILE = 8;

/**
 * One point per TILE×TILE tile of the grids, of that size, where a pixel of the tile is drawn (rast's id not 0):
 * firstFragment runs on those tiles only (an element pass runs it, all of it, on every pixel).
 */
function tileProgram(ctx: DiffrastGL, stage: CornerStage, keyed: boolean): GlProgram {
  return ctx.program(
    `${stage.key}-tiles${keyed ? '-keyed' : ''}`,
    () => `${HEADER}${stage.source}
uniform int uOutWidth;
uniform int uOutEnd;
uniform ivec2 uTiles;  // per row, rows
void main() {
  int row = gl_VertexID / uTiles.x;
  ivec2 corner = ${TILE} * ivec2(gl_VertexID - row * uTiles.x, row);
  bool drawn = false;
  for (int j = 0; j < ${TILE * TILE}; j++) {
    ivec2 c = corner + ivec2(j % ${TILE}, j / ${TILE});
    int i = c.y * uOutWidth + c.x;
    if (c.x < uOutWidth && i < uOutEnd && fetch(uRast, 4 * i + 3) != 0.0) {
      drawn = true;
      break;
    }
  }
  gl_PointSize = float(${TILE});
  vec2 center = (vec2(corner) + 0.5 * float(${TILE})) / vec2(${TILE} * uTiles);
  gl_Position = drawn ? vec4(2.0 * center - 1.0, 0.0, 1.0) : vec4(2.0, 2.0, 0.0, 1.0);  // (outside: dropped)
}
`,
    () => firstFragment(stage, keyed),
  );
}

/**
 * The stage's key and three corner values of every pixel into `grids` (of one shape, named as PIXEL_GRID_NAMES, or
 * as KEYED_GRID_NAMES for a stage with freeZ; the stage declares rast's uRast). A tiled stage: zeros where no pixel
 * of a TILE×TILE tile of the grids is drawn, else firstFragment, by one point per tile that has one (a background
 * pixel costs its tile's check, not the stage).
 */
export function pixelGrids(
  s: GlSession,
  stage: CornerStage,
  grids: ScratchGrid[],
  uniforms: UniformValues,
  textures: {[sampler: string]: WebGLTexture | null},
) {
  const keyed = grids.length === KEYED_GRID_NAMES.length;
  if (keyed && !stage.freeZ) throw new Error(`pixelGrids: ${stage.key} has no free z for the key`);
  if (!stage.tiled) {
    elementPass(s, firstProgram(s.ctx, stage, keyed), grids, uniforms, textures);
    return;
  }
  const {width, height, size} = grids[0];
  const tiles = [Math.ceil(width / TILE), Math.ceil(height / TILE)];
  s.clear(grids.map(g => g.texture));
  s.draw({
    program: tileProgram(s.ctx, stage, keyed),
    targets: grids.map(g => g.texture),
    viewport: [0, 0, TILE * tiles[0], TILE * tiles[1]],
    uniforms: {...uniforms, uOutWidth: width, uOutStart: 0, uOutEnd: size, uTiles: tiles},
    textures,
    mode: s.gl.POINTS,
    count: tiles[0] * tiles[1],
  });
}

export interface CornerGradients {
  stage: CornerStage;
  uniforms: UniformValues;
  textures: {[sampler: string]: WebGLTexture | null};
  /** Rows of an image's corners apart (attributes or positions per image; 0 when shared). */
  rowStride: number;
  /** The tri [T,3] texture and the number of vertices (VERTEX_FETCH). */
  tri: WebGLTexture | null;
  numVertices: number;
  numTriangles: number;
  /** Where the triangles lie on screen, when known: triangle_walk.ts and triangle_boxes.ts walk their boxes. */
  screen?: ScreenMesh;
}

/**
 * The clip-space positions and triangles that rast was drawn from (VERTEX_FETCH's uPos and uTri, with the
 * CornerGradients' numVertices and numTriangles), and how far apart two images' vertices lie in pos (0: shared).
 */
export interface ScreenMesh {
  pos: WebGLTexture | null;
  tri: WebGLTexture | null;
  vertexStride: number;
  /** Each triangle's box, where the caller has made them (triangle_boxes.ts's BOX_TEXEL, cells as its slots'). */
  boxes?: {texture: WebGLTexture; shift: number};
}

/**
 * Adds the corner gradients of `g` over [images, height, width] pixels into `target`, texels
 * (row·groups + group).
 */
export function scatterCornerGradients(
  s: GlSession,
  target: ScratchGrid,
  images: number,
  height: number,
  width: number,
  groups: number,
  group: number,
  g: CornerGradients,
) {
  const t = treeLayout(images, height, width, g.numTriangles);
  const sets = t.used.map((cells, set) =>
    cells === 0 ? null : PIXEL_GRID_NAMES.map(name => scratchGrid(s, `corner-tree.${set}.${name}`, cells)),
  );
  const tree = treeUniforms(t);
  elementPass(
    s,
    firstProgram(s.ctx, g.stage),
    sets[0]!,
    {...g.uniforms, ...tree},
    g.textures,
    0,
    images * height * width,
  );
  for (let l = 1; l < t.sizes.length; l++) {
    const below = sets[(l - 1) % 2]!,
      here = sets[l % 2]!;
    const [w, h] = t.sizes[l];
    elementPass(
      s,
      levelProgram(s.ctx),
      here,
      {...tree, uLevel: l},
      {uKeys: below[0].texture, uCorner0: below[1].texture, uCorner1: below[2].texture, uCorner2: below[3].texture},
      t.bases[l],
      t.bases[l] + images * w * h,
    );
  }
  const keys = {uKeysEven: sets[0]![0].texture, uKeysOdd: sets[1]?.[0].texture ?? null};
  const pyramid = countPyramid(s, t.items, 3 * t.items, {
    program: countProgram(s.ctx),
    uniforms: {...tree, uItems: t.items},
    textures: keys,
  });
  const textures: {[sampler: string]: WebGLTexture | null} = {...keys, uTri: g.tri, uPos: null};
  (['Even', 'Odd'] as const).forEach((parity, set) =>
    [0, 1, 2].forEach(k => (textures[`uCorner${k}${parity}`] = sets[set]?.[k + 1].texture ?? null)),
  );
  const uniforms = {
    ...tree,
    uRowStride: g.rowStride,
    uGroups: groups,
    uGroup: group,
    uNumVertices: g.numVertices,
    uNumTriangles: g.numTriangles,
  };
  if (pyramid) {
    scatter(
      s,
      target,
      pointProgram(s.ctx, true),
      pyramid.total,
      {...uniforms, ...pyramid.uniforms},
      {
        ...textures,
        ...pyramid.textures,
      },
    );
  } else {
    scatter(s, target, pointProgram(s.ctx, false), 3 * t.items, uniforms, textures);
  }
}
