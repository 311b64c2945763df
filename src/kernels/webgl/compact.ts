/**
 * Compaction of a scatter's live points: on SwiftShader a point costs about half as much when its
 * vertex shader drops it as when it is drawn, so a scatter where few points carry anything is paid
 * for by the points that do not (corner_tree.ts; antialias's silhouette candidates). Here the live
 * contributions are counted into a pyramid (level 1: the counts of four items per texel; each
 * level above: the sums of four texels below), and a draw of exactly that many points finds each
 * point's item by walking the pyramid down from the top. The total is read back first, from one
 * pass summing level 1 into at most TOTAL_TEXELS texels: the levels above are built only when a
 * compacted draw will walk them. A pass costs ~0.6 ms of SwiftShader's overhead however small, so the
 * levels are built a pass each only while they are large: from the first even level of at most
 * BLOCK_TEXELS texels, one pass builds every level above it (the top block), each texel summing the
 * texels of that level below it.
 *
 * The walk costs a fetch per level per point, so a compacted draw pays only when most points
 * would be dropped: `countPyramid` returns null otherwise.
 */
import {DiffrastGL} from './gl_context';
import {GlSession} from './gl_session';
import {FETCH, HEADER, OUTPUT_INDEX} from './glsl_common';
import {GlProgram, UniformValues} from './gl_program';
import {elementPass, elementProgram, scratchGrid} from './passes';

/** Levels a pyramid may have (4^16 items). */
const MAX_LEVELS = 16;
/** Compact when at most this share of the points is live (the walk costs about a dropped point). */
const LIVE_SHARE = 0.5;
/** Counts are float32 texels: every partial sum is exact when the total is below 2^24. */
const EXACT_COUNT = 1 << 24;
/** The total is read back as the sums of at most this many runs of level 1's texels (one row of a read). */
const TOTAL_TEXELS = 1024;
/**
 * The top block's levels are built from a level of at most this many texels, in one pass: a texel of level l sums
 * 4^(l − 1 − base) texels of the base level per count, the top's one texel all of them.
 */
const BLOCK_TEXELS = 4096;

/**
 * The pyramid's levels 1 .. uBlock (even) alternate between two textures (a pass must not read the texture it
 * writes); levels uBlock + 1 .. uTop, the top block, lie in a third. With a total of 0 only level 1 is built (no
 * point walks it).
 */
export interface Pyramid {
  total: number;
  uniforms: {uPyrBase: number[]; uTop: number; uBlock: number};
  textures: {uPyrOdd: WebGLTexture; uPyrEven: WebGLTexture; uPyrTop: WebGLTexture};
}

/**
 * A pyramid's level 1 (countPyramid's `first`): per texel t, the live points of items 4t .. 4t + 3,
 * for items below uItems. `source` defines `float itemPoints(int item)` and what it reads (HEADER,
 * FETCH and OUTPUT_INDEX come with the program).
 */
export function itemCountProgram(ctx: DiffrastGL, key: string, source: () => string): GlProgram {
  return elementProgram(
    ctx,
    key,
    () => `${HEADER}${FETCH}${OUTPUT_INDEX}${source()}
uniform int uItems;
out vec4 outCounts;
// Straight-line: SwiftShader runs a vector indexed by a loop variable lane by lane.
void main() {
  int item = 4 * (outputIndex() - uOutStart);  // (below uItems: the pass has ⌈uItems / 4⌉ texels)
  outCounts = vec4(itemPoints(item), item + 1 < uItems ? itemPoints(item + 1) : 0.0,
                   item + 2 < uItems ? itemPoints(item + 2) : 0.0, item + 3 < uItems ? itemPoints(item + 3) : 0.0);
}
`,
  );
}

/** Level l + 1: per texel, the totals of four texels of level l. */
function reduceProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(
    ctx,
    'compact-reduce',
    () => `${HEADER}${FETCH}${OUTPUT_INDEX}
uniform sampler2D uBelow;
uniform int uBelowBase;
uniform int uBelowCount;
out vec4 outCounts;
void main() {
  int t = outputIndex() - uOutStart;
  vec4 counts = vec4(0.0);
  for (int m = 0; m < 4; m++) {
    int i = 4 * t + m;
    if (i >= uBelowCount) break;
    vec4 v = fetchTexel(uBelow, uBelowBase + i);
    counts[m] = v.x + v.y + v.z + v.w;
  }
  outCounts = counts;
}
`,
  );
}

/** GLSL (needs FETCH): the sum of all four counts of texels from .. end − 1 of `grid`, in order. */
const SUM_TEXELS = `
float sumTexels(sampler2D grid, int from, int end) {
  float total = 0.0;
  for (int i = from; i < end; i++) {
    vec4 v = fetchTexel(grid, i);
    total += v.x + v.y + v.z + v.w;
  }
  return total;
}
`;

/**
 * The top block (levels uFirst .. uLast, in order from texel 0 of their grid, level l from uPyrBase[l]): per texel of
 * level l, the totals of its four children, each the sum of the base level's texels below it.
 */
function blockProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(
    ctx,
    'compact-block',
    () => `${HEADER}${FETCH}${OUTPUT_INDEX}${SUM_TEXELS}
uniform sampler2D uBelow;
uniform int uBelowBase;
uniform int uBelowCount;
uniform int uFirst;
uniform int uLast;
uniform int uPyrBase[${MAX_LEVELS}];
out vec4 outCounts;
void main() {
  int t = outputIndex() - uOutStart;
  int l = uFirst;
  for (int k = 0; k < ${MAX_LEVELS}; k++) if (k > uFirst && k <= uLast && t >= uPyrBase[k]) l = k;
  int span = 1 << (2 * (l - uFirst));  // base texels per child
  int first = 4 * (t - uPyrBase[l]) * span;
  vec4 counts = vec4(0.0);
  for (int m = 0; m < 4; m++) {
    counts[m] = sumTexels(uBelow, uBelowBase + first + m * span, uBelowBase + min(uBelowCount, first + (m + 1) * span));
  }
  outCounts = counts;
}
`,
  );
}

/** Texel t: the total of level 1's texels t·uFan .. (t + 1)·uFan − 1 (below uCount), in x. */
function totalProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(
    ctx,
    'compact-total',
    () => `${HEADER}${FETCH}${OUTPUT_INDEX}${SUM_TEXELS}
uniform sampler2D uLevel1;
uniform int uCount;
uniform int uFan;
out vec4 outTotal;
void main() {
  int t = outputIndex() - uOutStart;
  outTotal = vec4(sumTexels(uLevel1, t * uFan, min(uCount, (t + 1) * uFan)), 0.0, 0.0, 0.0);
}
`,
  );
}

/**
 * Level 1 of a pyramid: an element program writing, per texel t, the numbers of live points of
 * items 4t .. 4t + 3 (an itemCountProgram; uItems is set by the caller).
 */
export interface FirstCount {
  program: GlProgram;
  uniforms: UniformValues;
  textures: {[sampler: string]: WebGLTexture | null};
}

/**
 * The live points of `items` items (at most `points` in all), counted by `first` and summed into a
 * pyramid (scratch textures `name`.odd and .even: one name per pyramid alive at a time); null when
 * more than `maxShare` of the points are live (a compacted draw would not pay) or counts could be
 * inexact. `expectLive`: the caller expects live points and takes any share (antialias's
 * silhouettes), so the levels are built before the total is known and it is read from the top.
 */
export function countPyramid(
  s: GlSession,
  items: number,
  points: number,
  first: FirstCount,
  maxShare = LIVE_SHARE,
  name = 'compact',
  expectLive = false,
): Pyramid | null {
  const sizes: number[] = [];
  for (let n = Math.ceil(items / 4); ; n = Math.ceil(n / 4)) {
    sizes.push(n);
    if (n === 1) break;
  }
  if (sizes.length === 1) sizes.push(1); // a level 2: the walk reads the two textures in turn down to level 1
  if (sizes.length > MAX_LEVELS - 1) return null;
  // The first even level small enough (sizes[l - 1] is level l's); there is one: the top or the one below is ≤ 4.
  let block = 2;
  while (sizes[block - 1] > BLOCK_TEXELS) block += 2;
  // Level l (1-based) lives at base[l]: up to block in the odd texture when l is odd, the even one when even; above
  // block in the top block's texture.
  const base = new Array<number>(MAX_LEVELS).fill(0);
  const used = [0, 0, 0];
  sizes.forEach((n, i) => {
    const grid = i + 1 > block ? 2 : (i + 1) % 2;
    base[i + 1] = used[grid];
    used[grid] += n;
  });
  const odd = scratchGrid(s, `${name}.odd`, used[1]);
  const even = scratchGrid(s, `${name}.even`, used[0]);
  const top = scratchGrid(s, `${name}.top`, used[2]);
  const levelGrid = (l: number) => (l % 2 === 1 ? odd : even);
  const pyramid = (total: number): Pyramid => ({
    total,
    uniforms: {uPyrBase: base, uTop: sizes.length, uBlock: block},
    textures: {uPyrOdd: odd.texture, uPyrEven: even.texture, uPyrTop: top.texture},
  });
  elementPass(s, first.program, [odd], first.uniforms, first.textures, 0, sizes[0]);
  // Where the caller expects live points and any total is taken (every share, exact), the levels are built at once
  // and the total read from the top: no pass summing level 1 (~2 ms for 131k texels here).
  const direct = expectLive && maxShare >= 1 && points < EXACT_COUNT;
  let total = 0;
  if (!direct) {
    const fan = Math.ceil(sizes[0] / TOTAL_TEXELS),
      runs = Math.ceil(sizes[0] / fan);
    const runTotals = scratchGrid(s, `${name}.total`, runs);
    elementPass(s, totalProgram(s.ctx), [runTotals], {uCount: sizes[0], uFan: fan}, {uLevel1: odd.texture});
    const texels = s.readTexels(runTotals, 0, runs);
    for (let t = 0; t < runs; t++) total += texels[4 * t];
    if (total >= EXACT_COUNT || total > maxShare * points) return null;
    if (total === 0) return pyramid(0);
  }
  for (let l = 2; l <= block; l++) {
    elementPass(
      s,
      reduceProgram(s.ctx),
      [levelGrid(l)],
      {uBelowBase: base[l - 1], uBelowCount: sizes[l - 2]},
      {uBelow: levelGrid(l - 1).texture},
      base[l],
      base[l] + 1 * sizes[l - 1],
    );
  }
  if (sizes.length > block) {
    elementPass(
      s,
      blockProgram(s.ctx),
      [top],
      {uBelowBase: base[block], uBelowCount: sizes[block - 1], uFirst: block + 1, uLast: sizes.length, uPyrBase: base},
      {uBelow: even.texture},
    );
  }
  if (direct) {
    const last = sizes.length;
    const counts = s.readTexels(last > block ? top : levelGrid(last), base[last], 1);
    total = counts[0] + counts[1] + counts[2] + counts[3];
  }
  return pyramid(total);
}

/**
 * GLSL: the item of live point `point` of a compacted draw, and which of the item's live
 * contributions it is (0-based), by walking the pyramid from the top: the top block's levels, then
 * from uBlock (even) down each turn of the loop an even level and the odd one below, with no texture
 * picked per lane. Needs FETCH.
 */
export const COMPACTED_ITEM = `
uniform sampler2D uPyrOdd;
uniform sampler2D uPyrEven;
uniform sampler2D uPyrTop;
uniform int uPyrBase[${MAX_LEVELS}];
uniform int uTop;
uniform int uBlock;
// Down one level from texel t of counts c: the child holding point k, k made relative to it.
void pyramidStep(vec4 c, inout int t, inout int k) {
  ivec3 before = ivec3(c.x, c.x + c.y, c.x + c.y + c.z);  // points in the children before the 2nd, 3rd, 4th
  int m = k >= before.z ? 3 : k >= before.y ? 2 : k >= before.x ? 1 : 0;
  k -= m == 3 ? before.z : m == 2 ? before.y : m == 1 ? before.x : 0;
  t = 4 * t + m;
}
int compactedItem(int point, out int rank) {
  int t = 0, k = point;
  for (int l = uTop; l > uBlock; l--) pyramidStep(fetchTexel(uPyrTop, uPyrBase[l] + t), t, k);
  for (int l = uBlock; l >= 2; l -= 2) {
    pyramidStep(fetchTexel(uPyrEven, uPyrBase[l] + t), t, k);
    pyramidStep(fetchTexel(uPyrOdd, uPyrBase[l - 1] + t), t, k);
  }
  rank = k;
  return t;
}
`;
