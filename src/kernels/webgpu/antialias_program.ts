/**
 * Antialias on WebGPU (docs/antialias.md), on compacted lists of pixel pairs: a pass over the triangles
 * marks the edges that may be silhouettes; a pass over the pixels lists each pair of differing ids whose
 * owner has such an edge (the candidates); only candidates evaluate their item, keeping its α and listing
 * the pairs that hold one (the items: in a fit's crumpled mesh about a third of the candidates); the
 * passes after run on the items alone: only the two pixels of each item gather the items around them
 * (every other pixel is a copy), and the backward scatters each item's position gradient.
 * The gather adds in the same order as a per-pixel pass, so color and dcolor need no atomics.
 * The forward's list of items and its α per pair are its hidden second output: the backward runs on
 * them and finds no pairs of its own.
 */
import {Bindings, GpuCall, groups1d, groups2d, LINEAR_INDEX_WGSL, Resource, Uniforms} from './gpu_context';
import {ANTIALIAS_WGSL, ITEM_WGSL, PAIR_OWNER_WGSL} from './wgsl_antialias';
import {CORNERS_WGSL} from './wgsl_raster';
import {SIDE_TOLERANCE} from '../shared/antialias';
import {shaderFloat} from '../shared/raster';
import {atomicAddF32, ID_WGSL, TRIANGLE_WGSL} from './wgsl_common';
import {
  appendList,
  appendWgsl,
  clearList,
  dispatchOverList,
  LIST_ITEM_WGSL,
  listLength,
  READ_LIST,
  listArgs,
  recordListArgs,
} from './work_list';

const uniforms = new Uniforms([
  ['width', 'i32'],
  ['height', 'i32'],
  ['channels', 'i32'],
  ['numVertices', 'i32'],
  ['numTriangles', 'i32'],
  ['rangeMode', 'i32'],
  ['numImages', 'i32'],
]);
const MESH: Array<[string, string]> = [
  ['pos', 'array<vec4f>'],
  ['tri', 'array<i32>'],
  ['topo', 'array<i32>'],
];

/**
 * Per (image, triangle): bit e set unless edge e is surely not a silhouette (its neighbour's far
 * vertex clearly on the other side), 0 when the triangle cannot own an item at all (invalid, or a
 * vertex at w ≤ 0). Conservative: the item's own test, in owner-relative coordinates, decides.
 */
const flagsBindings = new Bindings(uniforms, [...MESH, ['flags', 'array<u32>', 'read_write']]);
const FLAGS_WGSL = `
const SIDE_TOLERANCE = ${shaderFloat(SIDE_TOLERANCE)};
fn screen(v: i32) -> vec3f {
  let p = pos[v];
  if (!(p.w > 0.0)) { return vec3f(0.0, 0.0, -1.0); }
  return vec3f((p.xy / p.w + 1.0) * vec2f(f32(U.width), f32(U.height)) * 0.5, 1.0);
}
fn sideOf(a: vec2f, b: vec2f, p: vec2f) -> f32 { return (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x); }
// Bound on the rounding of sideOf here and in owner-relative coordinates (far larger than float32's).
fn sideTolerance(a: vec2f, b: vec2f, p: vec2f, m: f32) -> f32 {
  let d = length(b - a);
  let q = length(p - a);
  return SIDE_TOLERANCE * (d * q + (d + q) * m);
}
// 1 unless edge (a, b), opposite k, surely has its neighbour's far vertex o on the other side.
fn maybeSilhouette(a: vec2f, b: vec2f, k: vec2f, o: i32, base: i32, m: f32) -> u32 {
  if (o < 0 || o >= U.numVertices) { return 1u; }
  let r = screen(base + o);
  let mo = m + max(abs(r.x), abs(r.y));
  let sk = sideOf(a, b, k);
  let so = sideOf(a, b, r.xy);
  let tk = sideTolerance(a, b, k, mo);
  let to = sideTolerance(a, b, r.xy, mo);
  return select(1u, 0u, r.z > 0.0 && ((sk > tk && so < -to) || (sk < -tk && so > to)));
}
fn candidateEdges(n: i32, t: i32) -> u32 {
  let k = triangleIndices(t, U.numVertices);
  if (k.x < 0) { return 0u; }
  let base = select(n * U.numVertices, 0, U.rangeMode != 0);
  let r0 = screen(base + k.x);
  let r1 = screen(base + k.y);
  let r2 = screen(base + k.z);
  if (min(r0.z, min(r1.z, r2.z)) < 0.0) { return 0u; }
  let m = f32(U.width + U.height) + max(max(abs(r0.x), abs(r0.y)), max(max(abs(r1.x), abs(r1.y)), max(abs(r2.x), abs(r2.y))));
  return maybeSilhouette(r1.xy, r2.xy, r0.xy, topo[3 * t], base, m) |
         (maybeSilhouette(r2.xy, r0.xy, r1.xy, topo[3 * t + 1], base, m) << 1u) |
         (maybeSilhouette(r0.xy, r1.xy, r2.xy, topo[3 * t + 2], base, m) << 2u);
}
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u,
                                     @builtin(num_workgroups) groups: vec3u) {
  let i = linearIndex(g, groups);
  let images = select(U.numImages, 1, U.rangeMode != 0);
  if (i >= images * U.numTriangles) { return; }
  flags[i] = candidateEdges(i / U.numTriangles, i % U.numTriangles);
}
`;

/** Lists pair 2·p0 (p0 and its right neighbour) and 2·p0 + 1 (p0 and the pixel above) when they may hold an item. */
const candidatesBindings = new Bindings(uniforms, [['rast', 'array<vec4f>'], ['flags', 'array<u32>'], appendList()]);
const CANDIDATES_WGSL = `
fn isCandidate(n: i32, p0: i32, p1: i32) -> bool {
  let r0 = rast[p0];
  let r1 = rast[p1];
  let id0 = decodeId(r0.w);
  let id1 = decodeId(r1.w);
  if (id0 == id1) { return false; }
  let t = select(id1, id0, pairOwnerIsP0(id0, r0.z, id1, r1.z)) - 1;
  if (t >= U.numTriangles) { return false; }
  return flags[select(n * U.numTriangles, 0, U.rangeMode != 0) + t] != 0u;
}
@compute @workgroup_size(8, 8) fn main(@builtin(global_invocation_id) g: vec3u) {
  let x = i32(g.x);
  let y = i32(g.y);
  let n = i32(g.z);
  if (x >= U.width || y >= U.height) { return; }
  let p0 = (n * U.height + y) * U.width + x;
  if (x + 1 < U.width && isCandidate(n, p0, p0 + 1)) { appendItem(u32(2 * p0)); }
  if (y + 1 < U.height && isCandidate(n, p0, p0 + U.width)) { appendItem(u32(2 * p0 + 1)); }
}
`;

/** One thread per listed pair: its item's α (0: none); ALPHA_ITEM also lists the pair when it holds an item. */
const ITEMS_WGSL = `
fn listedItem(pair: i32, it: ptr<function, Item>) -> bool {
  let p0 = pair / 2;
  let pixels = U.width * U.height;
  return evaluateItem(p0 / pixels, p0 % U.width, (p0 % pixels) / U.width, (pair & 1) != 0, it);
}
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u,
                                     @builtin(num_workgroups) groups: vec3u) {
  let pair = listItem(g, groups);
  if (pair < 0) { return; }
  ITEM
}
`;
const ALPHA_ITEM = `
  var it: Item;
  if (listedItem(pair, &it)) {
    alphas[pair] = it.alpha;
    appendItem(u32(pair));
  }`;
/** The backward's position gradient, one thread per listed pair (the item evaluated again: they are few). */
const DPOS_ITEM = `
  var it: Item;
  if (listedItem(pair, &it)) { scatterPos(it); }`;

/**
 * One thread per listed pair: both of its pixels recompute their value from SOURCE and the α of
 * the (up to) four pairs they belong to, in the order of those pairs, and write it once (a pixel
 * of two listed pairs is written twice with the same value).
 */
const GATHER_WGSL = `
struct Slot { alpha: f32, p0: i32, p1: i32, dest: i32 };
fn slotOf(pair: i32) -> Slot {
  var s: Slot;
  s.alpha = alphas[pair];
  s.p0 = pair / 2;
  s.p1 = select(s.p0 + 1, s.p0 + U.width, (pair & 1) != 0);
  s.dest = select(s.p1, s.p0, s.alpha > 0.0);
  return s;
}
fn gatherPixel(pix: i32) {
  let x = pix % U.width;
  let y = (pix % (U.width * U.height)) / U.width;
  var slots: array<Slot, 4>;
  var used = 0;
  if (x + 1 < U.width) { slots[used] = slotOf(2 * pix); used++; }
  if (y + 1 < U.height) { slots[used] = slotOf(2 * pix + 1); used++; }
  if (x > 0) { slots[used] = slotOf(2 * (pix - 1)); used++; }
  if (y > 0) { slots[used] = slotOf(2 * (pix - U.width) + 1); used++; }
  let C = U.channels;
  for (var c = 0; c < C; c++) {
    var v = SOURCE[pix * C + c];
    for (var s = 0; s < used; s++) {
      let it = slots[s];
      if (it.alpha == 0.0) { continue; }
      TERM
    }
    RESULT[pix * C + c] = v;
  }
}
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u,
                                     @builtin(num_workgroups) groups: vec3u) {
  let pair = listItem(g, groups);
  if (pair < 0 || alphas[pair] == 0.0) { return; }
  let p0 = pair / 2;
  gatherPixel(p0);
  gatherPixel(select(p0 + 1, p0 + U.width, (pair & 1) != 0));
}
`;

/** out[dest] += alpha·(color[p1] − color[p0]). */
const FORWARD_TERM = `if (it.dest == pix) { v += it.alpha * (color[it.p1 * C + c] - color[it.p0 * C + c]); }`;
/** dcolor[p0] −= alpha·dy[dest], dcolor[p1] += alpha·dy[dest]. */
const GRAD_TERM = `v += select(1.0, -1.0, it.p0 == pix) * it.alpha * dy[it.dest * C + c];`;

const SCATTER_WGSL = `
fn addEndpoint(v: i32, gAlongAcross: vec2f, vertical: bool) {
  let gXY = select(gAlongAcross, gAlongAcross.yx, vertical);
  let p = pos[v];
  let size = vec2f(f32(U.width), f32(U.height));
  let d = gXY * size / (2.0 * p.w);
  addDpos(4 * v, d.x);
  addDpos(4 * v + 1, d.y);
  addDpos(4 * v + 3, -dot(gXY, p.xy * size * 0.5) / (p.w * p.w));
}
fn scatterPos(it: Item) {
  if (it.clamped) { return; }
  let C = U.channels;
  var dd = 0.0;
  for (var c = 0; c < C; c++) { dd += dy[it.dest * C + c] * (color[it.p1 * C + c] - color[it.p0 * C + c]); }
  if (dd == 0.0) { return; }
  let g = crossingGrad(it, dd);
  addEndpoint(it.v1, g.xy, it.vertical);
  addEndpoint(it.v2, g.zw, it.vertical);
}
`;

const itemsBindings = new Bindings(uniforms, [
  ['rast', 'array<vec4f>'],
  ...MESH,
  READ_LIST,
  ['alphas', 'array<f32>', 'read_write'],
  appendList('items'),
]);
const dposBindings = new Bindings(uniforms, [
  ['rast', 'array<vec4f>'],
  ...MESH,
  READ_LIST,
  ['color', 'array<f32>'],
  ['dy', 'array<f32>'],
  ['dpos', 'array<atomic<u32>>', 'read_write'],
]);
const gatherBindings = (source: string, result: string) =>
  new Bindings(uniforms, [
    READ_LIST,
    ['alphas', 'array<f32>'],
    ['color', 'array<f32>'],
    ...(source === 'dy' ? ([['dy', 'array<f32>']] as Array<[string, string]>) : []),
    [result, 'array<f32>', 'read_write'],
  ]);
const forwardGatherBindings = gatherBindings('color', 'out');
const gradGatherBindings = gatherBindings('dy', 'dcolor');

const LIB = ID_WGSL + TRIANGLE_WGSL + CORNERS_WGSL + ITEM_WGSL + ANTIALIAS_WGSL;

export interface AntialiasGpuArgs {
  color: GPUBuffer | null;
  rast: GPUBuffer | null;
  pos: GPUBuffer | null;
  tri: GPUBuffer | null;
  topo: GPUBuffer | null;
  numImages: number;
  height: number;
  width: number;
  channels: number;
  numVertices: number;
  numTriangles: number;
  rangeMode: boolean;
}

const imageBytes = (a: AntialiasGpuArgs) => 4 * a.numImages * a.height * a.width * a.channels;

/** Pixel pairs of the images: pair 2·p (pixel p and its right neighbour), 2·p + 1 (p and the pixel above). */
const pairCount = (a: AntialiasGpuArgs) => 2 * a.numImages * a.height * a.width;

/** Where the α per pair start in the forward's hidden output (bytes; a binding's offset is a multiple of 256). */
const alphaOffset = (a: AntialiasGpuArgs) => Math.ceil((4 * listLength(pairCount(a))) / 256) * 256;

/**
 * The forward's hidden output, as float32 elements: its list of the pairs that hold an item (work_list.ts's layout), then
 * from alphaOffset its α per pair.
 */
export const listShape = (a: AntialiasGpuArgs) => [alphaOffset(a) / 4 + pairCount(a)];

/** The passes' uniforms and the scene's bindings (rast, pos, tri, topo). */
interface Scene {
  uniforms: GPUBuffer;
  scene: GPUBuffer[];
}

function sceneOf(call: GpuCall, a: AntialiasGpuArgs): Scene {
  const u = call.uniforms(uniforms, {
    width: a.width,
    height: a.height,
    channels: a.channels,
    numVertices: a.numVertices,
    numTriangles: a.numTriangles,
    rangeMode: a.rangeMode ? 1 : 0,
    numImages: a.numImages,
  });
  return {uniforms: u, scene: [call.bind(a.rast), call.bind(a.pos), call.bind(a.tri), call.bind(a.topo)]};
}

/**
 * Flags the triangles and lists the candidate pairs into a scratch list; returns it and the buffer the
 * dispatches over it read their arguments from.
 */
function listCandidates(call: GpuCall, a: AntialiasGpuArgs, s: Scene): {list: GPUBuffer; args: GPUBuffer} {
  const list = call.scratchBuffer(4 * listLength(pairCount(a)), 'the antialias candidate list');
  const flagCount = (a.rangeMode ? 1 : a.numImages) * a.numTriangles;
  const flags = call.scratchBuffer(4 * flagCount, 'the antialias triangle flags');
  const flagsPipeline = call.computePipeline(
    'antialias/flags',
    flagsBindings,
    () => ID_WGSL + TRIANGLE_WGSL + LINEAR_INDEX_WGSL + FLAGS_WGSL,
  );
  call.dispatch(flagsPipeline, [s.uniforms, ...s.scene.slice(1), flags], groups1d(flagCount));
  clearList(call, list);
  const candidates = call.computePipeline(
    'antialias/candidates',
    candidatesBindings,
    () => ID_WGSL + appendWgsl() + PAIR_OWNER_WGSL + CANDIDATES_WGSL,
  );
  call.dispatch(candidates, [s.uniforms, s.scene[0], flags, list], groups2d(a.width, a.height, a.numImages));
  return {list, args: recordListArgs(call, list)};
}

/**
 * Finds the items: evaluates the candidates' items into an α per pair (0 where none) and lists the pairs that
 * hold one into \`items\` (a list of listLength(pairCount) u32); returns the α and the arguments of the dispatches
 * over \`items\`.
 */
function listItems(
  call: GpuCall,
  a: AntialiasGpuArgs,
  s: Scene,
  items: GPUBuffer,
): {alphas: GPUBuffer; args: GPUBuffer} {
  const candidates = listCandidates(call, a, s);
  const alphas = call.scratchBuffer(4 * pairCount(a), 'the antialias alphas');
  call.encoder.clearBuffer(alphas);
  clearList(call, items);
  const pipeline = call.computePipeline('antialias/items', itemsBindings, itemsCode(ALPHA_ITEM, appendWgsl('items')));
  dispatchOverList(call, pipeline, [s.uniforms, ...s.scene, candidates.list, alphas, items], candidates.args);
  return {alphas, args: recordListArgs(call, items)};
}

const itemsCode =
  (item: string, extra = '') =>
  () =>
    LIB + LIST_ITEM_WGSL + extra + ITEMS_WGSL.replace('ITEM', item);
const gatherCode = (source: string, result: string, term: string) => () =>
  LIST_ITEM_WGSL + GATHER_WGSL.replace('SOURCE', source).replace('RESULT', result).replace('TERM', term);

/** The forward into `out`, its list of items and the α per pair into `saved` (listShape's size: the hidden output). */
export function recordAntialias(call: GpuCall, a: AntialiasGpuArgs, out: GPUBuffer | null, saved: GPUBuffer | null) {
  if (!out || !a.color || !saved) return;
  const s = sceneOf(call, a);
  const {alphas, args} = listItems(call, a, s, saved);
  call.encoder.copyBufferToBuffer(alphas, 0, saved, alphaOffset(a), 4 * pairCount(a));
  call.encoder.copyBufferToBuffer(a.color, 0, out, 0, imageBytes(a));
  const gather = call.computePipeline(
    'antialias/gather',
    forwardGatherBindings,
    gatherCode('color', 'out', FORWARD_TERM),
  );
  dispatchOverList(call, gather, [s.uniforms, saved, alphas, a.color, out], args);
}

/**
 * The backward over `saved`, the forward's hidden output (listShape's size), or when null over the items and
 * α found again as the forward finds them.
 */
export function recordAntialiasGrad(
  call: GpuCall,
  a: AntialiasGpuArgs,
  dy: GPUBuffer | null,
  dcolor: GPUBuffer | null,
  dpos: GPUBuffer | null,
  saved: GPUBuffer | null,
) {
  if (dpos) call.encoder.clearBuffer(dpos);
  if (!dcolor || !dy || !a.color) return;
  const s = sceneOf(call, a);
  let list: GPUBuffer, args: GPUBuffer, alphas: Resource;
  if (saved) {
    [list, args] = [saved, listArgs(call, saved)];
    alphas = {buffer: saved, offset: alphaOffset(a), size: 4 * pairCount(a)};
  } else {
    list = call.scratchBuffer(4 * listLength(pairCount(a)), 'the antialias item list');
    ({alphas, args} = listItems(call, a, s, list));
  }
  if (dpos) {
    const scatter = call.computePipeline(
      'antialias/grad-dpos',
      dposBindings,
      itemsCode(DPOS_ITEM, atomicAddF32('addDpos', 'dpos') + SCATTER_WGSL),
    );
    dispatchOverList(call, scatter, [s.uniforms, ...s.scene, list, a.color, dy, dpos], args);
  }
  call.encoder.copyBufferToBuffer(dy, 0, dcolor, 0, imageBytes(a));
  const gather = call.computePipeline(
    'antialias/grad-gather',
    gradGatherBindings,
    gatherCode('dy', 'dcolor', GRAD_TERM),
  );
  dispatchOverList(call, gather, [s.uniforms, list, alphas, a.color, dy, dcolor], args);
}
