/**
 * Corner gradients of many small triangles whose stage has the positions (rasterize's position gradient:
 * CornerGradients.screen), where triangle_gather.ts would draw one point per pixel into its triangle's slot.
 * Points cost ~0.2 µs each here even when dropped and ~0.7 µs drawn, a fragment of an element pass a tenth
 * of that: so corner_tree.ts's first pass puts each pixel's key and three corner values into scratch grids (the key in
 * corner 0's z where the stage leaves it free, as rasterize's does: one grid and one fetch per walked pixel fewer),
 * then one fragment per triangle sums the values of its pixels within its tight screen box (the pixels whose
 * centers lie within BOX_MARGIN of the triangle's bounds: any coverage rule's, rounding included; found from tri and
 * pos, or read from the caller's table, ScreenMesh.boxes, as rasterize's gradient makes it) into its
 * slot: it first reads the box's keys four pixels a fetch (a grid of the keys, four a texel, made after the first
 * pass) to find its first and last pixel, then walks only the pixels between (none for the hidden triangles of a closed
 * mesh, whose boxes were ~half of the pixels walked), and the slots put four consecutive triangles in each 2×2 quad of
 * fragments (QUAD_CELLS), which SwiftShader runs in lockstep. A triangle whose box holds more than BOX_MAX_PIXELS pixels, or that has a corner not in front of the
 * eye (its box: the image), is left to compacted points that walk its box in chunks of CHUNK_PIXELS (their
 * count read back from compact.ts's pyramid), or, when those would walk more than CHUNKED_PIXELS times the
 * image, to one point per pixel of such triangles. Both kinds of point blend onto the slots. A triangle walked
 * whole adds its pixels in row-major order, the order in which their points blend: the same sums; chunks add
 * theirs per chunk (docs/backends.md#summation-order).
 */
import {DiffrastGL} from './gl_context';
import {GlSession} from './gl_session';
import {FETCH, HEADER, OUTPUT_INDEX} from './glsl_common';
import {GlProgram} from './gl_program';
import {COMPACTED_ITEM, countPyramid, itemCountProgram} from './compact';
import {CornerGradients, pixelGridReaders, pixelGrids, pixelGridSet, ScreenMesh} from './corner_tree';
import {VERTEX_FETCH} from './glsl_raster';
import {elementPass, elementProgram, ScratchGrid, shiftGrid} from './passes';
import {SCREEN_CORNERS} from './triangle_walk';

/**
 * A triangle's box is walked by its fragment when it holds at most this many pixels (per image). A larger box costs its
 * fragment's 2×2 quad the longer loop, but chunking it costs the pyramid's passes and walk and a point per chunk: on
 * the fit's perturbed 100k sphere at 512² (boxes of up to ~300 pixels, 10% above 64) a bound of 64 left chunks (35 ms)
 * and pyramid levels (24 ms) that took longer than the box pass gained by leaving them (docs/performance.md).
 */
const BOX_MAX_PIXELS = 512;
/** Else by points walking this many pixels of it each. */
const CHUNK_PIXELS = 64;
/** While the chunks add up to at most this many times the image's pixels; else their pixels are points. */
const CHUNKED_PIXELS = 8;

/**
 * Where the slots' cells lie (boxSlotGrid): the first uQuadCells cells (whole pairs of rows) by 2×2 quads of texels,
 * cells 4q .. 4q + 3 in quad q (row-major over the quads), so that the four fragments of a quad, which SwiftShader runs in
 * lockstep, walk four consecutive triangles (neighbours, mostly, with boxes alike and on the same side); the rest
 * row-major. The grid is 2^uSlotShift texels wide.
 */
export const QUAD_CELLS = `
uniform int uSlotShift;
uniform int uQuadCells;
int cellAt(int texel) {
  if (texel >= uQuadCells) return texel;
  int x = texel & ((1 << uSlotShift) - 1), y = texel >> uSlotShift;
  return ((y >> 1) << (uSlotShift + 1)) | ((x >> 1) << 2) | ((y & 1) << 1) | (x & 1);
}
ivec2 slotCell(int cell) {
  if (cell >= uQuadCells) return ivec2(cell & ((1 << uSlotShift) - 1), cell >> uSlotShift);
  return ivec2((((cell >> 2) & ((1 << (uSlotShift - 1)) - 1)) << 1) | (cell & 1),
               ((cell >> (uSlotShift + 1)) << 1) | ((cell >> 1) & 1));
}
int texelOf(int cell) {
  ivec2 c = slotCell(cell);
  return (c.y << uSlotShift) | c.x;
}
`;

/**
 * GLSL: a triangle's box from its corners in pixels (screenOf's, `front` its result): the columns and rows
 * [lo, lo + size) of an image that may hold its pixels, true, or the whole image, false, when that is unknown (a
 * corner not in front of the eye, or not finite). Needs the uniform uWalkSize.
 */
export const CORNER_BOX = `
uniform float uMargin;
bool cornerBox(bool front, vec2 a, vec2 b, vec2 c, out ivec2 lo, out ivec2 size) {
  lo = ivec2(0);
  size = uWalkSize;
  if (!front) return false;
  vec2 mn = ceil(min(min(a, b), c) - uMargin), mx = floor(max(max(a, b), c) + uMargin);
  if (any(isnan(mn)) || any(isnan(mx)) || any(isinf(mn)) || any(isinf(mx))) return false;
  lo = ivec2(clamp(mn, vec2(0.0), vec2(uWalkSize)));
  size = max(ivec2(clamp(mx, vec2(-1.0), vec2(uWalkSize - 1))) - lo + 1, ivec2(0));
  return true;
}
`;

/** Found from tri and pos: triangleBox(n, t, lo, size), cornerBox's box of triangle t in image n (empty if invalid). */
const COMPUTED_BOX = `${SCREEN_CORNERS}${CORNER_BOX}
bool triangleBox(int n, int t, out ivec2 lo, out ivec2 size) {
  lo = ivec2(0);
  size = ivec2(0);
  ivec3 k = triangleCorners(t);
  if (!validCorners(k)) return true;
  vec2 a, b, c;
  bool front = screenCorners(n, k, a, b, c);
  return cornerBox(front, a, b, c, lo, size);
}
`;

/**
 * Read from the caller's table (ScreenMesh.boxes: texel n·uSlotsPerImage + t or t, 2^uBoxShift wide, as BOX_TEXEL
 * writes it): (lo, size), lo.x −1 where the box is unknown (the whole image).
 */
const TABLED_BOX = `
uniform sampler2D uBoxes;
uniform int uBoxShift;
bool triangleBox(int n, int t, out ivec2 lo, out ivec2 size) {
  vec4 box = fetchShifted(uBoxes, n * uSlotsPerImage + t, uBoxShift);
  lo = ivec2(max(box.xy, vec2(0.0)));
  size = ivec2(box.zw);
  return box.x >= 0.0;
}
`;

/** GLSL: cornerBox's box as a table texel (TABLED_BOX), of a triangle that is valid or not. */
export const BOX_TEXEL = `
vec4 boxTexel(bool valid, bool front, vec2 a, vec2 b, vec2 c) {
  ivec2 lo, size;
  bool known = cornerBox(front, a, b, c, lo, size);
  return valid ? vec4(known ? vec2(lo) : vec2(-1.0, 0.0), vec2(size)) : vec4(0.0);
}
`;

/** Pixels whose centers lie this far (in pixels) outside a triangle's bounds are in its box. */
export const BOX_MARGIN = 0.25;

/**
 * A triangle's box and the walk over it (needs FETCH, VERTEX_FETCH, pixelGridReaders), its box computed or read from a
 * table (`tabled`). Cell (n·uSlotsPerImage + t) (instanced: each image its own cells) or t (every image's pixels of t
 * in one cell).
 */
const boxWalk = (tabled: boolean) => `
uniform int uImages;
uniform ivec2 uWalkSize;  // (width, height) of an image
uniform int uSlotsPerImage;
uniform int uVertexStride;
uniform int uMaxPixels;
uniform int uChunk;
${QUAD_CELLS}
// The cell's triangle and its images [n0, n1).
int cellTriangle(int cell, out int n0, out int n1) {
  int n = uSlotsPerImage > 0 ? cell / uSlotsPerImage : 0;
  n0 = n;
  n1 = uSlotsPerImage > 0 ? n + 1 : uImages;
  return cell - n * uSlotsPerImage;
}
${tabled ? TABLED_BOX : COMPUTED_BOX}
// Whether the first pass walks the box (else it is left to chunks of uChunk pixels), and how many chunks.
bool walkedWhole(bool known, int pixels, out int chunks) {
  bool whole = known && pixels <= uMaxPixels;
  chunks = whole ? 0 : (pixels + uChunk - 1) / uChunk;
  return whole;
}
// The four keys of pixels 4q .. 4q + 3 of image row r (zero past the row's end) are texel r·uKeyRow + q of uKeys4
// (keyRowsProgram).
uniform sampler2D uKeys4;
uniform int uKeyRow;
uniform int uKeyShift;
// The first and last of the box's pixels (row-major, as walkPixels counts them) that have the key, from the keys four
// at a time (one fetch, no corner values): last < first where none has it. Branch-free: SwiftShader runs both sides of
// a branch, and a loop as often as its longest lane needs.
void keySpan(int n, ivec2 lo, ivec2 size, float key, out int first, out int last) {
  int q0 = lo.x >> 2, texels = size.x > 0 ? ((lo.x + size.x - 1) >> 2) - q0 + 1 : 0;
  int k = (n * uWalkSize.y + lo.y) * uKeyRow + q0, q = 0, count = texels * size.y;
  // Column offsets from lo.x of the texel's four pixels, and the row's first pixel in the box.
  vec4 dx = vec4(4 * q0 - lo.x) + vec4(0.0, 1.0, 2.0, 3.0);
  float j = 0.0, w = float(size.x), lo1 = 1e9, hi1 = -1.0;
  for (int i = 0; i < count; i++) {
    vec4 keys = texelFetch(uKeys4, ivec2(k & ((1 << uKeyShift) - 1), k >> uKeyShift), 0);
    vec4 col = dx + vec4(4 * q);
    bvec4 has = equal(vec4(equal(keys, vec4(key))) * step(0.0, col) * step(col, vec4(w - 1.0)), vec4(1.0));
    vec4 at = j + col;
    vec4 a = mix(vec4(1e9), at, has), b = mix(vec4(-1.0), at, has);  // (selects: exact)
    lo1 = min(lo1, min(min(a.x, a.y), min(a.z, a.w)));
    hi1 = max(hi1, max(max(b.x, b.y), max(b.z, b.w)));
    bool wrap = ++q == texels;
    k += wrap ? uKeyRow - texels + 1 : 1;
    q = wrap ? 0 : q;
    j += wrap ? w : 0.0;
  }
  first = int(lo1);
  last = int(hi1);
}
// Adds the corner values of the box's pixels j0 .. j0 + count − 1 (row-major) with the key to s0 .. s2.
void walkPixels(int n, ivec2 lo, ivec2 size, int j0, int count, float key, inout vec4 s0, inout vec4 s1, inout vec4 s2) {
  int y = j0 / max(size.x, 1), x = j0 - y * size.x;
  int i = (n * uWalkSize.y + lo.y + y) * uWalkSize.x + lo.x + x;
  // One loop (SwiftShader runs a loop as often as its longest lane needs).
  for (int j = 0; j < count; j++) {
    ivec2 c = gridCell(i);
    vec4 v0;
    if (pixelKey(c, v0) == key) {
      s0 += corner0(c, v0);
      s1 += texelFetch(uCorner1, c, 0);
      s2 += texelFetch(uCorner2, c, 0);
    }
    bool wrap = ++x == size.x;
    x = wrap ? 0 : x;
    i += wrap ? uWalkSize.x - size.x + 1 : 1;
  }
}
`;

/**
 * Per cell: outputs 0–2 the sums of corner values of its triangle's pixels in the boxes walked whole, output 3 (x)
 * the number of chunks left to the chunk points.
 */
function boxProgram(ctx: DiffrastGL, keyed: boolean, tabled: boolean): GlProgram {
  return elementProgram(
    ctx,
    `triangle-boxes${keyed ? '-keyed' : ''}${tabled ? '-tabled' : ''}`,
    () => `${HEADER}${FETCH}${VERTEX_FETCH}${OUTPUT_INDEX}${pixelGridReaders(keyed)}${boxWalk(tabled)}
layout(location = 0) out vec4 outCorner0;
layout(location = 1) out vec4 outCorner1;
layout(location = 2) out vec4 outCorner2;
layout(location = 3) out vec4 outChunks;
void main() {
  int n0, n1;
  int t = cellTriangle(cellAt(outputIndex()), n0, n1);
  float key = float(t + 1);  // (the keys are ids as rast stores them: exact floats below 2^24)
  vec4 s0 = vec4(0.0), s1 = vec4(0.0), s2 = vec4(0.0);
  int chunks = 0;
  for (int n = n0; n < n1; n++) {
    ivec2 lo, size;
    bool known = triangleBox(n, t, lo, size);
    int pixels = size.x * size.y, more;
    int first, last;
    keySpan(n, lo, walkedWhole(known, pixels, more) ? size : ivec2(0), key, first, last);
    walkPixels(n, lo, size, first, max(last - first + 1, 0), key, s0, s1, s2);
    chunks += more;
  }
  outCorner0 = s0;
  outCorner1 = s1;
  outCorner2 = s2;
  outChunks = vec4(float(chunks), 0.0, 0.0, 0.0);
}
`,
  );
}

/**
 * Texel r·uKeyRow + q: the keys of pixels 4q .. 4q + 3 of image row r (zero past the row's end), from the pixel grids
 * (keySpan reads a box's keys four at a time).
 */
function keyRowsProgram(ctx: DiffrastGL, keyed: boolean): GlProgram {
  return elementProgram(
    ctx,
    `triangle-boxes-key-rows${keyed ? '-keyed' : ''}`,
    () => `${HEADER}${FETCH}${OUTPUT_INDEX}${pixelGridReaders(keyed)}
uniform int uKeyRow;
uniform int uRowWidth;
out vec4 outKeys;
float keyAt(int i, bool inRow) {
  vec4 v0;
  return inRow ? pixelKey(gridCell(i), v0) : 0.0;
}
void main() {
  ivec2 qr = cellOf(outputIndex(), uKeyRow);
  int x = 4 * qr.x, i = qr.y * uRowWidth + x;
  outKeys = vec4(keyAt(i, true), keyAt(i + 1, x + 1 < uRowWidth), keyAt(i + 2, x + 2 < uRowWidth),
                 keyAt(i + 3, x + 3 < uRowWidth));
}
`,
  );
}

/** The three corner outputs of a point draw into the slots (here and triangle_gather.ts's slot pass). */
export const CORNER_SLOT_FRAGMENT = `${HEADER}
flat in vec4 vCorner0;
flat in vec4 vCorner1;
flat in vec4 vCorner2;
layout(location = 0) out vec4 outCorner0;
layout(location = 1) out vec4 outCorner1;
layout(location = 2) out vec4 outCorner2;
void main() {
  outCorner0 = vCorner0;
  outCorner1 = vCorner1;
  outCorner2 = vCorner2;
}
`;

/** Point (varying) to the center of slot texel `cell`. */
const SLOT_POINT = `
uniform int uTargetWidth;
uniform int uTargetHeight;
vec4 slotPosition(int cell) {
  int row = cell / uTargetWidth;
  vec2 q = (vec2(cell - row * uTargetWidth, row) + 0.5) / vec2(uTargetWidth, uTargetHeight);
  return vec4(2.0 * q - 1.0, 0.0, 1.0);
}
`;

/** Chunk point k of the compacted draw: the sums of its uChunk pixels of its cell's box into the cell's slot. */
function chunkPointProgram(ctx: DiffrastGL, keyed: boolean, tabled: boolean): GlProgram {
  return ctx.program(
    `triangle-boxes-chunks${keyed ? '-keyed' : ''}${tabled ? '-tabled' : ''}`,
    () => `${HEADER}${FETCH}${VERTEX_FETCH}${pixelGridReaders(keyed)}${boxWalk(tabled)}${COMPACTED_ITEM}${SLOT_POINT}
flat out vec4 vCorner0;
flat out vec4 vCorner1;
flat out vec4 vCorner2;
void main() {
  gl_PointSize = 1.0;
  int rank, n0, n1;
  int cell = compactedItem(gl_VertexID, rank);  // (a texel of the chunks' grid)
  int t = cellTriangle(cellAt(cell), n0, n1);
  vec4 s0 = vec4(0.0), s1 = vec4(0.0), s2 = vec4(0.0);
  for (int n = n0; n < n1; n++) {
    ivec2 lo, size;
    bool known = triangleBox(n, t, lo, size);
    int pixels = size.x * size.y, chunks;
    walkedWhole(known, pixels, chunks);
    if (rank < chunks) {
      int j0 = rank * uChunk;
      walkPixels(n, lo, size, j0, min(uChunk, pixels - j0), float(t + 1), s0, s1, s2);
      break;
    }
    rank -= chunks;
  }
  vCorner0 = s0;
  vCorner1 = s1;
  vCorner2 = s2;
  gl_Position = slotPosition(cell);
}
`,
    () => CORNER_SLOT_FRAGMENT,
  );
}

/** Pixel p's point, if its triangle has chunks left: its three corner values into the triangle's slot. */
function flaggedPointProgram(ctx: DiffrastGL, keyed: boolean): GlProgram {
  return ctx.program(
    `triangle-boxes-points${keyed ? '-keyed' : ''}`,
    () => `${HEADER}${FETCH}${pixelGridReaders(keyed)}${SLOT_POINT}${QUAD_CELLS}
uniform sampler2D uChunks;
uniform int uPixelsPerImage;
uniform int uSlotsPerImage;
flat out vec4 vCorner0;
flat out vec4 vCorner1;
flat out vec4 vCorner2;
void main() {
  gl_PointSize = 1.0;
  int p = gl_VertexID;
  ivec2 c = gridCell(p);
  vec4 v0;
  int t = int(pixelKey(c, v0)) - 1;
  int cell = texelOf((uSlotsPerImage > 0 ? (p / uPixelsPerImage) * uSlotsPerImage : 0) + t);
  vCorner0 = corner0(c, v0);
  vCorner1 = texelFetch(uCorner1, c, 0);
  vCorner2 = texelFetch(uCorner2, c, 0);
  gl_Position = t < 0 || fetchTexel(uChunks, cell).x == 0.0 ? vec4(2.0, 2.0, 0.0, 1.0) : slotPosition(cell);
}
`,
    () => CORNER_SLOT_FRAGMENT,
  );
}

/** The slots of boxCornerGradients (and its chunk counts): a grid about as tall as wide, cells laid out as QUAD_CELLS. */
export type BoxSlots = ScratchGrid & {shift: number; quadCells: number};

export function boxSlotGrid(s: GlSession, name: string, cells: number): BoxSlots {
  const grid = shiftGrid(s, name, cells, 2 ** Math.max(1, Math.ceil(Math.log2(Math.sqrt(cells)))));
  const quadCells = grid.shift >= 1 ? Math.floor(cells / (2 * grid.width)) * 2 * grid.width : 0;
  return {...grid, quadCells};
}

/**
 * Fills the four per-pixel grids (key, three corner values; of one shape) as corner_tree.ts's pixelGrids would
 * with the stage's group 0, in a pass of the caller's that may write more of the same shape
 * (interpolate_grad_program.ts's interpolatePixelGradProgram).
 */
export type PixelFill = (grids: ScratchGrid[]) => void;

/**
 * The sums of `g`'s corner values (one group of four columns) over [images, height, width] pixels per triangle
 * into `slots` (three grids of cells texels, cells = (each image its rows ? images : 1)·T: cell n·T + t or t), as
 * triangle_gather.ts's vertex pass reads them. The pixel grids by `fillPixels` where given.
 */
export function boxCornerGradients(
  s: GlSession,
  slots: BoxSlots[],
  images: number,
  height: number,
  width: number,
  g: CornerGradients,
  screen: ScreenMesh,
  fillPixels?: PixelFill,
) {
  const slotsPerImage = g.rowStride > 0 ? g.numTriangles : 0;
  const cells = slots[0].size;
  const pixelCount = images * height * width;
  const keyed = !fillPixels && g.stage.freeZ === true;
  const tabled = screen.boxes != null;
  const {grids: pixels, samplers} = pixelGridSet(s, 'triangle-boxes', pixelCount, width, keyed);
  const chunks = boxSlotGrid(s, 'triangle-boxes.chunks', cells); // (of the slots' shape: one pass writes both)
  if (fillPixels) fillPixels(pixels);
  else pixelGrids(s, g.stage, pixels, {...g.uniforms, uGroup: 0}, g.textures);
  const keyRow = Math.ceil(width / 4);
  const keys4 = shiftGrid(s, 'triangle-boxes.keys4', images * height * keyRow, keyRow);
  elementPass(
    s,
    keyRowsProgram(s.ctx, keyed),
    [keys4],
    {uShift: pixels[0].shift, uKeyRow: keyRow, uRowWidth: width},
    samplers,
  );
  const uniforms = {
    uSlotShift: slots[0].shift,
    uQuadCells: slots[0].quadCells,
    uKeyRow: keyRow,
    uKeyShift: keys4.shift,
    uBoxShift: screen.boxes?.shift ?? 0,
    uNumVertices: g.numVertices,
    uNumTriangles: g.numTriangles,
    uVertexStride: screen.vertexStride,
    uImages: images,
    uWalkSize: [width, height],
    uSlotsPerImage: slotsPerImage,
    uMaxPixels: BOX_MAX_PIXELS,
    uChunk: CHUNK_PIXELS,
    uMargin: BOX_MARGIN,
    uShift: pixels[0].shift,
    uPixelsPerImage: height * width,
    uTargetWidth: slots[0].width,
    uTargetHeight: slots[0].height,
  };
  const textures = {
    ...samplers,
    uKeys4: keys4.texture,
    uBoxes: screen.boxes?.texture ?? null,
    uPos: screen.pos,
    uTri: screen.tri,
    uChunks: chunks.texture,
  };
  elementPass(s, boxProgram(s.ctx, keyed, tabled), [...slots, chunks], uniforms, textures);
  const pyramid = countPyramid(
    s,
    cells,
    cells,
    {
      program: itemCountProgram(
        s.ctx,
        'triangle-boxes-count',
        () => `uniform sampler2D uChunks;\nfloat itemPoints(int item) { return fetchTexel(uChunks, item).x; }\n`,
      ),
      uniforms: {uItems: cells},
      textures: {uChunks: chunks.texture},
    },
    Infinity,
    'triangle-boxes.count',
  );
  if (pyramid?.total === 0) return;
  const chunked = pyramid && pyramid.total * CHUNK_PIXELS <= CHUNKED_PIXELS * pixelCount ? pyramid : null;
  s.draw({
    program: chunked ? chunkPointProgram(s.ctx, keyed, tabled) : flaggedPointProgram(s.ctx, keyed),
    targets: slots.map(t => t.texture),
    viewport: [0, 0, slots[0].width, slots[0].height],
    blend: true,
    uniforms: chunked ? {...uniforms, ...chunked.uniforms} : uniforms,
    textures: chunked ? {...textures, ...chunked.textures} : textures,
    mode: s.gl.POINTS,
    count: chunked ? chunked.total : pixelCount,
  });
}
