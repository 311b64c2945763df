/**
 * Corner gradients of small triangles (rasterize's position gradient, interpolate's attribute
 * gradient) summed per triangle, then gathered per vertex: where triangles cover a few pixels each,
 * corner_tree.ts's blocks rarely lie on one triangle and it scatters three points per pixel; here
 * each pixel blends one point (its three corner values at once, into three targets) into its
 * triangle's slot, the values found by the caller's stage in the point's vertex shader (no
 * per-pixel scratch pass), and one fragment per vertex adds up the slots of its triangles through a
 * vertex → (corner, triangle) list built on the CPU from tri. Sums: per slot in the order points
 * blend, per vertex in list order: its triangles as corner 0 by id, then as corner 1, then 2
 * (docs/backends.md#summation-order).
 */
import type {TensorInfo} from '@tensorflow/tfjs-core';

import {DiffrastGL} from './gl_context';
import {GlSession} from './gl_session';
import {FETCH, HEADER, OUTPUT_INDEX} from './glsl_common';
import {GlProgram} from './gl_program';
import {elementPass, elementProgram, ScratchGrid, scratchGrid} from './passes';
import {CornerGradients, CornerStage, scatterCornerGradients} from './corner_tree';
import {validTriangle} from '../shared/layout';
import {boxCornerGradients, boxSlotGrid, BoxSlots, CORNER_SLOT_FRAGMENT, PixelFill, QUAD_CELLS} from './triangle_boxes';
import {walkBands, walkCornerGradients, walkSlots, WALK_MAX_TRIANGLES} from './triangle_walk';

/**
 * Gather when the image has fewer pixels than this per triangle: the tree would stop at blocks of
 * 2×2 pixels or less (see corner_tree.ts's treeLayout), and three points per pixel cost more than
 * one point per pixel and a fragment per vertex.
 */
const GATHER_PIXELS_PER_TRIANGLE = 16;
/** List entries (3·triangle + corner) are float32 texels: exact below 2^24. */
const EXACT_ENTRY = 1 << 24;

/**
 * Which triangles each vertex is corner k of: entries first[3v + k] .. first[3v + k + 1] − 1 of `entries` (triangle
 * ids t, ascending), for k = 0, 1, 2 in turn; and how the slots are filled (`walk`: by triangle_walk.ts, else by
 * points or triangle_boxes.ts).
 */
export interface VertexTriangles {
  first: WebGLTexture;
  entries: WebGLTexture;
  walk: boolean;
}

/**
 * Before the first draw: the vertex → (corner, triangle) list of `tri` if the gather pays for
 * `pixels` pixels (all images), or else, where the triangles' screen positions are known (`screen`,
 * CornerGradients.screen), if the mesh is few enough triangles to walk (triangle_walk.ts) or its corner
 * gradients are one group (`groups`), which the screen boxes sum (triangle_boxes.ts: cheaper than the quad tree's
 * passes over every pixel for the mid-size meshes between); and the list can be kept; else null (the quad tree).
 * Built on the CPU from tri's values and kept on the GPU per tri tensor (GlSession.keptTextures): a
 * fit's constant tri is read, sorted and uploaded once.
 */
export function vertexTriangles(
  s: GlSession,
  tri: TensorInfo,
  numVertices: number,
  numTriangles: number,
  pixels: number,
  screen: boolean,
  groups: number,
): VertexTriangles | null {
  const sparse = pixels >= GATHER_PIXELS_PER_TRIANGLE * numTriangles;
  const walk = sparse && numTriangles <= WALK_MAX_TRIANGLES;
  if ((sparse && !(screen && (walk || groups === 1))) || 3 * numTriangles >= EXACT_ENTRY) return null;
  const bytes = 4 * (3 * numVertices + 1 + Math.max(1, 3 * numTriangles));
  const textures = s.keptTextures(tri, `triangle-gather:${numVertices}`, bytes, values => {
    const {first, entries} = buildList(values, numVertices, numTriangles);
    return [first, entries];
  });
  return textures && {first: textures[0], entries: textures[1], walk};
}

function buildList(indices: ArrayLike<number>, numVertices: number, numTriangles: number) {
  const first = new Float32Array(3 * numVertices + 1);
  const valid = (t: number) => validTriangle(indices, t, numVertices);
  for (let t = 0; t < numTriangles; t++)
    if (valid(t)) for (let k = 0; k < 3; k++) first[3 * indices[3 * t + k] + k + 1]++;
  for (let i = 0; i < 3 * numVertices; i++) first[i + 1] += first[i];
  const next = first.slice(0, 3 * numVertices);
  const entries = new Float32Array(Math.max(1, first[3 * numVertices]));
  for (let t = 0; t < numTriangles; t++)
    if (valid(t)) for (let k = 0; k < 3; k++) entries[next[3 * indices[3 * t + k] + k]++] = t;
  return {first, entries};
}

/**
 * Pixel p's point: the stage's three corner values (run here, in the vertex shader: no per-pixel
 * scratch) into its triangle's slot (n·uSlotsPerImage + t)·uGroups + uGroup.
 */
function slotProgram(ctx: DiffrastGL, stage: CornerStage): GlProgram {
  return ctx.program(
    `triangle-gather-slots-${stage.key}`,
    () => `${HEADER}${stage.source}
uniform int uPixelsPerImage;
uniform int uSlotsPerImage;
uniform int uGroups;
uniform int uTargetWidth;
uniform int uTargetHeight;
flat out vec4 vCorner0;
flat out vec4 vCorner1;
flat out vec4 vCorner2;
void main() {
  gl_PointSize = 1.0;
  int p = gl_VertexID;
  float key;
  if (!pixelCornerGradients(p, key, vCorner0, vCorner1, vCorner2)) {
    gl_Position = vec4(2.0, 2.0, 0.0, 1.0);  // outside the clip volume: dropped
    return;
  }
  int n = p / uPixelsPerImage;
  int texel = (n * uSlotsPerImage + decodeId(key) - 1) * uGroups + uGroup;
  int row = texel / uTargetWidth;
  vec2 q = (vec2(texel - row * uTargetWidth, row) + 0.5) / vec2(uTargetWidth, uTargetHeight);
  gl_Position = vec4(2.0 * q - 1.0, 0.0, 1.0);
}
`,
    () => CORNER_SLOT_FRAGMENT,
  );
}

/**
 * Target texel row·uGroups + g: the sum of the slots of row's vertex's (corner, triangle) pairs, corner 0's first (each
 * triangle's uBands slots in order), then corner 1's and 2's: a loop per corner, whose slots are in one texture, so a
 * pair costs one fetch of it (a pick among the three textures would fetch all three here); slot (cell, g) is texel
 * cell·uCellStep + g·uGroupStep, cell = (n·uSlotsPerImage + t)·uBands + b; `boxes` (triangle_boxes.ts's slots: one band,
 * one group) cell n·uSlotsPerImage + t at QUAD_CELLS's slotCell, found by shifts without the loop over bands (0.91× of
 * the rasterize gradient's time on the 100k spheres). The list is read by steps along its rows, one float quotient
 * (cellOf) per corner's run, not per entry.
 */
function gatherProgram(ctx: DiffrastGL, boxes: boolean): GlProgram {
  return elementProgram(
    ctx,
    `triangle-gather-vertices${boxes ? '-boxes' : ''}`,
    () => `${HEADER}${FETCH}${OUTPUT_INDEX}${QUAD_CELLS}
uniform sampler2D uFirst;
uniform sampler2D uEntries;
uniform sampler2D uSlots0;
uniform sampler2D uSlots1;
uniform sampler2D uSlots2;
uniform int uRowStride;  // vertices per image when each image has its own rows, else 0
uniform int uSlotsPerImage;
uniform int uGroups;
uniform int uBands;
uniform int uCellStep;
uniform int uGroupStep;
out vec4 outValue;
// The slots of entries [e0, e1) (entry e0 at cell c of uEntries, w wide) of one corner's texture, added to sum.
void addSlots(sampler2D slots, int e0, int e1, inout ivec2 c, int w, int base, int g, inout vec4 sum) {
  for (int e = e0; e < e1; e++) {
    int t = int(texelFetch(uEntries, c, 0).r);
    c = nextCell(c, w);
${
  boxes
    ? `    sum += texelFetch(slots, slotCell(base + t), 0);  // (one band, one group: cell and slot alike)`
    : `    int slot = (base + t) * uBands * uCellStep + g * uGroupStep;
    for (int b = 0; b < uBands; b++, slot += uCellStep) sum += fetchTexel(slots, slot);`
}
  }
}
void main() {
  int texel = outputIndex();
  int row = texel / uGroups, g = texel - row * uGroups;
  int n = uRowStride > 0 ? row / uRowStride : 0;
  int v = row - n * uRowStride, base = n * uSlotsPerImage;
  int wf = textureSize(uFirst, 0).x, we = textureSize(uEntries, 0).x;
  ivec2 f0 = cellOf(3 * v, wf), f1 = nextCell(f0, wf), f2 = nextCell(f1, wf), f3 = nextCell(f2, wf);
  int e0 = int(texelFetch(uFirst, f0, 0).r), e1 = int(texelFetch(uFirst, f1, 0).r),
      e2 = int(texelFetch(uFirst, f2, 0).r), e3 = int(texelFetch(uFirst, f3, 0).r);
  ivec2 c = cellOf(e0, we);
  vec4 sum = vec4(0.0);
  addSlots(uSlots0, e0, e1, c, we, base, g, sum);
  addSlots(uSlots1, e1, e2, c, we, base, g, sum);
  addSlots(uSlots2, e2, e3, c, we, base, g, sum);
  outValue = sum;
}
`,
  );
}

/**
 * Whether addCornerGradients sums the slots by triangle_boxes.ts's screen boxes: a list that is not walked, with the
 * triangles' screen positions known (`screen`) and one group of corner gradients.
 */
export function takesBoxes(list: VertexTriangles | null, screen: boolean, groups: number): boolean {
  return list != null && !list.walk && screen && groups === 1;
}

/**
 * Writes the corner gradients of `g` over [images, height, width] pixels, every group, into
 * `target` (texels row·groups + group; a zeroed scatterTarget): gathered through `list` where
 * given (its slots filled by points, or by triangle_walk.ts), else by corner_tree.ts group by group.
 * `g.stage` runs with uGroup set to each group. `fillPixels`: how triangle_boxes.ts fills its pixel grids, where it
 * walks the boxes.
 */
export function addCornerGradients(
  s: GlSession,
  target: ScratchGrid,
  images: number,
  height: number,
  width: number,
  groups: number,
  g: CornerGradients,
  list: VertexTriangles | null,
  fillPixels?: PixelFill,
) {
  if (!list) {
    for (let group = 0; group < groups; group++)
      scatterCornerGradients(s, target, images, height, width, groups, group, {
        ...g,
        uniforms: {...g.uniforms, uGroup: group},
      });
    return;
  }
  const pixels = images * height * width;
  const slotsPerImage = g.rowStride > 0 ? g.numTriangles : 0;
  const bands = list.walk ? walkBands(height, g.numTriangles) : {bands: 1, rows: height};
  const cells = (g.rowStride > 0 ? images : 1) * g.numTriangles * bands.bands;
  const boxes = takesBoxes(list, g.screen != null, groups);
  const slots = ['0', '1', '2'].map(k =>
    list.walk
      ? walkSlots(s, `triangle-walk.slots${k}`, cells * groups, bands.bands)
      : boxes
        ? boxSlotGrid(s, `triangle-boxes.slots${k}`, cells)
        : scratchGrid(s, `triangle-gather.slots${k}`, cells * groups),
  );
  const quadCells = boxes ? (slots[0] as BoxSlots).quadCells : 0;
  if (list.walk) {
    walkCornerGradients(s, slots, images, height, width, groups, g, bands, g.screen!);
  } else if (boxes) {
    boxCornerGradients(s, slots as BoxSlots[], images, height, width, g, g.screen!, fillPixels);
  } else {
    s.clear(slots.map(t => t.texture));
    for (let group = 0; group < groups; group++) {
      s.draw({
        program: slotProgram(s.ctx, g.stage),
        targets: slots.map(t => t.texture),
        viewport: [0, 0, slots[0].width, slots[0].height],
        blend: true,
        uniforms: {
          ...g.uniforms,
          uPixelsPerImage: height * width,
          uSlotsPerImage: slotsPerImage,
          uGroups: groups,
          uGroup: group,
          uTargetWidth: slots[0].width,
          uTargetHeight: slots[0].height,
        },
        textures: g.textures,
        mode: s.gl.POINTS,
        count: pixels,
      });
    }
  }
  elementPass(
    s,
    gatherProgram(s.ctx, boxes),
    [target],
    {
      uRowStride: g.rowStride,
      uSlotsPerImage: slotsPerImage,
      uGroups: groups,
      uBands: bands.bands,
      uCellStep: list.walk ? 1 : groups,
      uGroupStep: list.walk ? cells : 1,
      uSlotShift: boxes ? (slots[0] as BoxSlots).shift : 1,
      uQuadCells: quadCells,
    },
    {
      uFirst: list.first,
      uEntries: list.entries,
      uSlots0: slots[0].texture,
      uSlots1: slots[1].texture,
      uSlots2: slots[2].texture,
    },
  );
}
