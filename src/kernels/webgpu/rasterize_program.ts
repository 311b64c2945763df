/**
 * Rasterize on WebGPU (docs/rasterize.md): render passes write each image's rast and rastDb into two
 * rgba32float targets, resolved analytically from the winning triangle's three clip-space vertices
 * at the exact pixel center; the targets are then copied into the tfjs-owned output buffers
 * (docs/rasterize.md#backend-differences says what that copy costs, and why it beats a compute
 * resolve).
 *
 * Two coverage modes (docs/rasterize.md#coverage). 'hardware' draws the triangles themselves: the
 * pipeline's coverage and interpolated depth (depth32float, 'less'; the fragment shader writes no
 * depth) and resolves each shaded fragment. Where tfjs keeps `tri` on the CPU the draw is indexed
 * (src/kernels/shared/provoking.ts, arrays kept per tri tensor): vertices are shared, each reads one
 * triangle's corners, and each triangle's flat outputs come from its first (provoking) vertex, which
 * provokes no other; a skipped triangle cannot move its shared vertices, so its provoking vertex
 * flags it (triangle −1) and its fragments are discarded. Else each triangle is three vertices of
 * its own, drawn as the exact mode's are. 'exact' decides coverage in the fragment shader by the exact edge-function test (the cpu
 * reference's tie rule): each triangle is drawn as a slightly larger, conservative shape in screen
 * space (its edges pushed out by a quarter pixel, or its clipped bounding box when it crosses w = 0
 * or is a sliver), with w = 1 and the exact depth written from the shader, which turns early depth
 * rejection off; it writes triangle ids, which a second pass resolves once per pixel. Depth peeling
 * discards, in both modes, fragments whose analytic z/w is ≤ the previous layer's or that belong to
 * its triangle (docs/rasterize.md#depth-peeling).
 *
 * Framebuffer rows run top-down in WebGPU: the vertex shader negates y so that framebuffer row r
 * is our row r (row 0 = bottom, docs/conventions.md#rows), and the fragment at (px + ½, py + ½) is
 * pixel (px, py). Culling is decided in the vertex shader from the sign of the screen determinant
 * (counter-clockwise in NDC is the front), not by the pipeline, whose winding the flip would
 * reverse.
 */
import {ID_WGSL, TRIANGLE_WGSL} from './wgsl_common';
import {Bindings, GpuCall, Uniforms} from './gpu_context';
import {CORNERS_WGSL, RESOLVE_WGSL, TRIANGLE_PLANES_WGSL} from './wgsl_raster';
import {coverConstants} from '../shared/raster';

const drawBindings = new Bindings(
  new Uniforms([
    ['numVertices', 'i32'],
    ['width', 'i32'],
    ['height', 'i32'],
    ['rangeMode', 'i32'],
    ['peel', 'i32'],
    ['winding', 'i32'],
  ]),
  [
    ['pos', 'array<vec4f>'],
    ['tri', 'array<i32>'],
    ['peelRast', 'array<vec4f>'],
  ],
);

/** Conservative screen-space cover of a triangle, in NDC (before the framebuffer flip). */
const COVER_WGSL = `${coverConstants('wgsl')}const CLIP_PLANES = array<vec4f, 4>(vec4f(1.0, 0.0, 0.0, 1.0), vec4f(-1.0, 0.0, 0.0, 1.0),
                                    vec4f(0.0, 1.0, 0.0, 1.0), vec4f(0.0, -1.0, 0.0, 1.0));
struct Cover { v: array<vec2f, 3>, ok: bool };

// The triangle with its edges pushed out by MARGIN pixels; needs all w > 0.
fn offsetTriangle(c: Corners, size: vec2f) -> Cover {
  var cover: Cover;
  cover.ok = false;
  if (!(c.p0.w > 0.0 && c.p1.w > 0.0 && c.p2.w > 0.0)) { return cover; }
  var P = array<vec2f, 3>((c.p0.xy / c.p0.w + 1.0) * 0.5 * size, (c.p1.xy / c.p1.w + 1.0) * 0.5 * size,
                          (c.p2.xy / c.p2.w + 1.0) * 0.5 * size);
  let o = sign(cross2(P[1] - P[0], P[2] - P[0]));
  for (var k = 0; k < 3; k++) {
    let a = P[(k + 2) % 3];
    let b = P[k];
    let d1 = normalize(b - a);
    let d2 = normalize(P[(k + 1) % 3] - b);
    let n1 = o * vec2f(d1.y, -d1.x);  // outward normals of the edges meeting at b
    let n2 = o * vec2f(d2.y, -d2.x);
    let shift = MARGIN * (n1 + n2) / (1.0 + dot(n1, n2));
    let v = b + shift;
    if (!(length(shift) <= MAX_SHIFT) || !isFiniteF(v.x) || !isFiniteF(v.y) || !(abs(v.x) + abs(v.y) < MAX_CORNER)) {
      return cover;
    }
    cover.v[k] = v / size * 2.0 - 1.0;
  }
  cover.ok = o != 0.0;
  return cover;
}

// A triangle containing the NDC bounding box of the triangle clipped to the view's four sides,
// plus a pixel.
fn boundingCover(c: Corners, size: vec2f) -> Cover {
  var poly: array<vec4f, 8>;
  poly[0] = c.p0;
  poly[1] = c.p1;
  poly[2] = c.p2;
  var n = 3;
  var cover: Cover;
  cover.ok = false;
  for (var plane = 0; plane < 4; plane++) {
    var next: array<vec4f, 8>;
    var m = 0;
    for (var i = 0; i < n; i++) {
      let a = poly[i];
      let b = poly[(i + 1) % n];
      let da = dot(CLIP_PLANES[plane], a);
      let db = dot(CLIP_PLANES[plane], b);
      if (da >= 0.0) { next[m] = a; m++; }
      if ((da >= 0.0) != (db >= 0.0)) { next[m] = a + da / (da - db) * (b - a); m++; }
    }
    poly = next;
    n = m;
    if (n == 0) { return cover; }
  }
  var lo = vec2f(1e30);
  var hi = vec2f(-1e30);
  for (var i = 0; i < n; i++) {
    if (poly[i].w > 0.0) {
      let p = poly[i].xy / poly[i].w;
      lo = min(lo, p);
      hi = max(hi, p);
    }
  }
  if (!(lo.x <= hi.x && lo.y <= hi.y)) { return cover; }
  let pad = 2.0 * BOUNDING_PAD / size;
  lo = max(lo - pad, vec2f(-1.0) - pad);
  hi = min(hi + pad, vec2f(1.0) + pad);
  cover.v[0] = lo;
  cover.v[1] = vec2f(2.0 * hi.x - lo.x, lo.y);
  cover.v[2] = vec2f(lo.x, 2.0 * hi.y - lo.y);
  cover.ok = true;
  return cover;
}
`;

/**
 * The exact coverage test with a fixed evaluation order: edge (i, j) is computed from its
 * lower-indexed vertex, so two triangles sharing it get exactly opposite values whatever the
 * compiler fuses, and a shared edge is covered exactly once (coversEdge's tie rule,
 * docs/rasterize.md#tie-rule).
 */
const COVERAGE_WGSL = `
// (a, α, β) of the edge from corner i to corner j (vertex indices gi, gj) at the pixel center f.
fn canonicalEdge(pi: vec4f, pj: vec4f, gi: i32, gj: i32, f: Center) -> vec3f {
  var a = pi;
  var b = pj;
  var s = 1.0;
  if (gj < gi) {
    a = pj;
    b = pi;
    s = -1.0;
  }
  return s * vec3f(cross2(relativeTo(a, f), relativeTo(b, f)), a.y * b.w - b.y * a.w, b.x * a.w - a.x * b.w);
}
`;

/**
 * Depth peeling (docs/rasterize.md#depth-peeling): a fragment goes when the previous layer was
 * empty there, when it is the previous layer's triangle, or when its z/w is not strictly behind.
 */
const PEEL_WGSL = `
fn peeledAway(image: i32, px: i32, py: i32, id: i32, zw: f32) -> bool {
  let prev = peelRast[(image * U.height + py) * U.width + px];
  let prevId = decodeId(prev.w);
  return prevId == 0 || prevId == id || zw <= prev.z;
}
`;

/**
 * The one vertex shader of both modes: triangle t = vertex / 3 of image `instance`, unless it is
 * invalid, degenerate, non-finite or culled (then all three corners sit at one point outside the
 * view, which draws nothing); `drawnCorner` (per mode) places its corners.
 */
const VERTEX_WGSL = `
// The triangle as the fragments of each mode need it (flatOutputs).
struct Flat {
  ids: vec4<i32>,  // triangle, then exact: its three vertex indices; hardware: flatOutputs
  f0: vec4f,       // exact: its corners; hardware: its planes at, dx, dy (trianglePlanes)
  f1: vec4f,
  f2: vec4f,
};
struct VOut {
  @builtin(position) position: vec4f,
  @location(0) @interpolate(flat) ids: vec4<i32>,
  @location(1) @interpolate(flat) f0: vec4f,
  @location(2) @interpolate(flat) f1: vec4f,
  @location(3) @interpolate(flat) f2: vec4f,
  @location(4) @interpolate(flat) image: i32,
};
fn setFlat(out: ptr<function, VOut>, f: Flat) {
  (*out).ids = f.ids;
  (*out).f0 = f.f0;
  (*out).f1 = f.f1;
  (*out).f2 = f.f2;
}

@vertex fn vs(@builtin(vertex_index) vi: u32, @builtin(instance_index) image: u32) -> VOut {
  var out: VOut;
  let t = i32(vi / 3u);
  out.image = i32(image);
  out.position = vec4f(2.0, 2.0, 0.5, 1.0);
  let k = triangleIndices(t, U.numVertices);
  if (k.x < 0) { return out; }
  let base = select(i32(image) * U.numVertices, 0, U.rangeMode != 0);
  let c = loadCorners(base, k);
  let det = screenDeterminant(c);
  if (det == 0.0 || !isFiniteF(det)) { return out; }  // edge-on, degenerate or non-finite
  if (U.winding != 0 && sign(det) != f32(U.winding)) { return out; }  // culled
  let p = drawnCorner(c, vi % 3u);
  if (!p.ok) { return out; }
  out.position = vec4f(p.at.x, -p.at.y, p.at.z, p.at.w);
  setFlat(&out, flatOutputs(c, t, k));
  return out;
}

struct Placed { at: vec4f, ok: bool };

// Hardware coverage, indexed (see the header): a vertex reads the corners of one triangle (−1: none) and sits at its
// corner corners.w; the flat outputs are the provoking (first) vertex's, triangle −1 when it is skipped (invalid,
// edge-on, degenerate, non-finite or culled: its fragments are discarded). Straight-line code of values (no early
// return, no variable): an emulated GPU runs every branch anyway and keeps variables in memory.
@vertex fn vsIndexed(@location(0) triangle: i32, @location(1) corners: vec4<i32>,
                     @builtin(instance_index) image: u32) -> VOut {
  let c = loadCorners(select(i32(image) * U.numVertices, 0, U.rangeMode != 0), corners.xyz);
  let p = drawnCorner(c, u32(corners.w)).at;
  let det = screenDeterminant(c);
  let valid = triangle >= 0;  // else an invalid triangle's: drawn three times at one point, no area
  let drawn = valid & (det != 0.0) & isFiniteF(det) & ((U.winding == 0) | (sign(det) == f32(U.winding)));
  let f = flatOutputs(c, triangle, corners.xyz);
  return VOut(select(vec4f(0.0, 0.0, 0.5, 1.0), vec4f(p.x, -p.y, p.z, p.w), valid), select(vec4<i32>(-1), f.ids, drawn),
              f.f0, f.f1, f.f2, i32(image));
}

// The pixel a fragment shades and its exact center.
fn fragmentPixel(in: VOut) -> vec2<i32> { return vec2<i32>(i32(in.position.x), i32(in.position.y)); }
fn fragmentCenter(px: vec2<i32>) -> Center { return pixelCenter(px, vec2<i32>(U.width, U.height)); }
`;

/**
 * Hardware coverage: the triangles themselves, resolved as they are shaded (see the header), from the planes of
 * their edge functions and depth about a reference pixel (trianglePlanes, docs/rasterize.md#backend-differences).
 */
const HARDWARE_WGSL = `
fn drawnCorner(c: Corners, corner: u32) -> Placed {
  let p = select(select(c.p2, c.p1, corner == 1u), c.p0, corner == 0u);
  return Placed(vec4f(p.x, p.y, 0.5 * (p.z + p.w), p.w), true);
}

// ids = (triangle, its reference pixel's center as f32 bits, its encoded id as f32 bits): what the fragments need
// of them, computed once per vertex instead of per fragment.
fn flatOutputs(c: Corners, t: i32, k: vec3<i32>) -> Flat {
  let size = vec2<i32>(U.width, U.height);
  let r = referencePixel(c, size);
  let planes = trianglePlanes(c, r, size);
  let center = bitcast<vec2<i32>>(vec2f(r) + 0.5);
  return Flat(vec4<i32>(t, center, bitcast<i32>(encodeId(u32(t + 1)))), planes.at, planes.dx, planes.dy);
}

// What the fragments read of VOut: not the image, which only depth peeling needs (an input the shader declares
// costs each fragment its copy).
struct FIn {
  @builtin(position) position: vec4f,
  @location(0) @interpolate(flat) ids: vec4<i32>,
  @location(1) @interpolate(flat) f0: vec4f,
  @location(2) @interpolate(flat) f1: vec4f,
  @location(3) @interpolate(flat) f2: vec4f,
};

// (a_0, a_1, A, z/w) at the fragment's pixel center: position.xy is that center, (X + ½, Y + ½), so the offset
// from the reference pixel's center is exact.
fn edgesAt(in: FIn) -> vec4f {
  let d = in.position.xy - bitcast<vec2f>(in.ids.yz);
  return in.f0 + in.f1 * d.x + in.f2 * d.y;
}

fn resolvedEdges(in: FIn, e: vec4f) -> Resolve {
  let r = resolveEdges(e, in.f1.xyz, in.f2.xyz);
  return Resolve(vec4f(r.rast.xyz, bitcast<f32>(in.ids.w)), r.db);
}

@fragment fn fs(in: FIn) -> Resolve {
  if (in.ids.x < 0) { discard; }  // skipped (vsIndexed)
  return resolvedEdges(in, edgesAt(in));
}

@fragment fn fsPeel(in: FIn, @location(4) @interpolate(flat) image: i32) -> Resolve {
  if (in.ids.x < 0) { discard; }  // skipped (vsIndexed)
  let px = vec2<i32>(in.position.xy);
  let e = edgesAt(in);
  if (peeledAway(image, px.x, px.y, in.ids.x + 1, e.w)) { discard; }
  return resolvedEdges(in, e);
}
`;

/**
 * Exact coverage: conservative covers, the exact test per fragment, ids and shader depth (see the
 * header); the resolve pass follows.
 */
const EXACT_WGSL = `
fn flatOutputs(c: Corners, t: i32, k: vec3<i32>) -> Flat { return Flat(vec4<i32>(t, k), c.p0, c.p1, c.p2); }

fn drawnCorner(c: Corners, corner: u32) -> Placed {
  let size = vec2f(f32(U.width), f32(U.height));
  var cover = offsetTriangle(c, size);
  if (!cover.ok) { cover = boundingCover(c, size); }
  return Placed(vec4f(cover.v[corner], 0.5, 1.0), cover.ok);
}

struct ExactOut { @location(0) id: u32, @builtin(frag_depth) depth: f32 };

@fragment fn fs(in: VOut) -> ExactOut {
  let px = fragmentPixel(in);
  let f = fragmentCenter(px);
  let c = Corners(in.f0, in.f1, in.f2);
  let e0 = canonicalEdge(c.p1, c.p2, in.ids.z, in.ids.w, f);
  let e1 = canonicalEdge(c.p2, c.p0, in.ids.w, in.ids.y, f);
  let e2 = canonicalEdge(c.p0, c.p1, in.ids.y, in.ids.z, f);
  let det = screenDeterminant(c);
  let s = sign(det);
  if (!covers(vec3f(e0.x, e1.x, e2.x), vec3f(e0.y, e1.y, e2.y), vec3f(e0.z, e1.z, e2.z), s)) { discard; }
  let zw = depthAt(c, vec3f(e0.x, e1.x, e2.x));
  if (!(zw >= -1.0 && zw <= 1.0)) { discard; }  // near and far planes, per pixel
  if (U.peel != 0 && peeledAway(in.image, px.x, px.y, in.ids.x + 1, zw)) { discard; }
  return ExactOut(u32(in.ids.x + 1), (zw + 1.0) * 0.5);
}
`;

/** rast (u, v, z/w, id) and rastDb of triangle `id` at a pixel where its edge functions are a (docs/rasterize.md#resolve). */
const RESOLVED_WGSL = `
struct Resolve { @location(0) rast: vec4f, @location(1) db: vec4f };
fn resolved(c: Corners, a: vec3f, id: u32) -> Resolve {
  let r = resolvePixel(c, a, vec2f(f32(U.width), f32(U.height)));
  return Resolve(vec4f(r.rast.xyz, encodeId(id)), r.db);
}
`;

const resolveBindings = new Bindings(
  new Uniforms([
    ['numVertices', 'i32'],
    ['width', 'i32'],
    ['height', 'i32'],
    ['rangeMode', 'i32'],
  ]),
  [
    ['pos', 'array<vec4f>'],
    ['tri', 'array<i32>'],
    ['idTarget', 'texture_2d<u32>', 'texture'],
  ],
);

/**
 * Exact coverage's resolve pass: one triangle over the image (image = the instance), each fragment
 * resolving the triangle the draw left at its pixel. (A resolve in the exact draw would run for
 * every covered fragment, hidden ones too: that draw writes depth, so nothing is rejected early.)
 */
const RESOLVE_PASS_WGSL = `
struct ROut { @builtin(position) position: vec4f, @location(0) @interpolate(flat) image: i32 };

@vertex fn vs(@builtin(vertex_index) vi: u32, @builtin(instance_index) image: u32) -> ROut {
  let xy = vec2f(f32((vi << 1u) & 2u), f32(vi & 2u)) * 2.0 - 1.0;  // (−1, −1), (3, −1), (−1, 3)
  return ROut(vec4f(xy, 0.5, 1.0), i32(image));
}

@fragment fn fs(in: ROut) -> Resolve {
  let px = vec2<i32>(i32(in.position.x), i32(in.position.y));
  let id = textureLoad(idTarget, px, 0).r;
  if (id == 0u) { return Resolve(vec4f(0.0), vec4f(0.0)); }
  let base = select(in.image * U.numVertices, 0, U.rangeMode != 0);
  let c = loadCorners(base, triangleIndices(i32(id) - 1, U.numVertices));
  return resolved(c, edgeFunctions(c, pixelCenter(px, vec2<i32>(U.width, U.height))), id);
}
`;

export interface RasterizeGpuArgs {
  pos: GPUBuffer | null;
  tri: GPUBuffer | null;
  peel: GPUBuffer | null;
  rast: GPUBuffer;
  rastDb: GPUBuffer;
  numImages: number;
  numVertices: number;
  height: number;
  width: number;
  /** Per image: first triangle, count, instance (image) index. */
  draws: Array<{first: number; count: number}>;
  rangeMode: boolean;
  hardware: boolean;
  /** See drawnWinding. */
  winding: number;
  /** Hardware coverage: provokingMesh's index list and per-vertex triangle and corners (else three vertices per triangle). */
  mesh: {indices: GPUBuffer; triangle: GPUBuffer; corners: GPUBuffer} | null;
}

/** The vertex buffers of vsIndexed: provokingMesh's triangle and corners. */
const MESH_BUFFERS: GPUVertexBufferLayout[] = [
  {arrayStride: 4, attributes: [{shaderLocation: 0, offset: 0, format: 'sint32'}]},
  {arrayStride: 16, attributes: [{shaderLocation: 1, offset: 0, format: 'sint32x4'}]},
];

/** A render pipeline of bind group `bindings`, vertex and fragment entry points `vs` and `fs`. */
function renderPipeline(
  device: GPUDevice,
  key: string,
  bindings: Bindings,
  code: string,
  fragment: {entryPoint: string; targets: GPUColorTargetState[]},
  depthStencil?: GPUDepthStencilState,
  vertex: {entryPoint: string; buffers?: GPUVertexBufferLayout[]} = {entryPoint: 'vs'},
  primitive: GPUPrimitiveState = {topology: 'triangle-list', cullMode: 'none'},
): GPURenderPipeline {
  const module = device.createShaderModule({code: bindings.wgsl + code, label: key});
  return device.createRenderPipeline({
    label: key,
    layout: device.createPipelineLayout({
      bindGroupLayouts: [bindings.layout(device, GPUShaderStage.VERTEX | GPUShaderStage.FRAGMENT)],
    }),
    vertex: {module, ...vertex},
    fragment: {module, ...fragment},
    primitive,
    depthStencil,
  });
}

/** Records, per image, the draw (exact: and the resolve pass) and the copy into the outputs, into the call's encoder. */
export function recordRasterize(call: GpuCall, a: RasterizeGpuArgs) {
  const {width, height} = a;
  const peel = a.peel != null;
  const indexed = a.hardware && a.mesh != null;
  // Hardware coverage: the pipeline culls too, so that culled faces shade no fragment; the vertex shader's
  // determinant test stays the rule (the pipeline's, from snapped vertices, can differ for slivers). Our front
  // (counter-clockwise in NDC) is clockwise to the pipeline, which sees y negated.
  const cullMode: GPUCullMode = !a.hardware || a.winding === 0 ? 'none' : a.winding > 0 ? 'back' : 'front';
  const key = a.hardware
    ? `rasterize/hardware${indexed ? '-indexed' : ''}${peel ? '-peel' : ''}${cullMode === 'none' ? '' : `-cull-${cullMode}`}`
    : 'rasterize/exact';
  const lib = ID_WGSL + TRIANGLE_WGSL + CORNERS_WGSL + RESOLVE_WGSL + RESOLVED_WGSL;
  const rgba32f: GPUColorTargetState[] = [{format: 'rgba32float'}, {format: 'rgba32float'}];
  const draw = call.pipeline(key, device =>
    renderPipeline(
      device,
      key,
      drawBindings,
      lib +
        PEEL_WGSL +
        VERTEX_WGSL +
        (a.hardware ? TRIANGLE_PLANES_WGSL + HARDWARE_WGSL : COVER_WGSL + COVERAGE_WGSL + EXACT_WGSL),
      {entryPoint: a.hardware && peel ? 'fsPeel' : 'fs', targets: a.hardware ? rgba32f : [{format: 'r32uint'}]},
      {format: 'depth32float', depthWriteEnabled: true, depthCompare: 'less'},
      indexed ? {entryPoint: 'vsIndexed', buffers: MESH_BUFFERS} : undefined,
      {topology: 'triangle-list', cullMode, frontFace: 'cw'},
    ),
  );
  const resolve = a.hardware
    ? null
    : call.pipeline('rasterize/resolve', device =>
        renderPipeline(device, 'rasterize/resolve', resolveBindings, lib + RESOLVE_PASS_WGSL, {
          entryPoint: 'fs',
          targets: rgba32f,
        }),
      );
  const [rastTarget, dbTarget, depth] = (['rast', 'db', 'depth'] as const).map(k =>
    call.renderTarget(k, width, height),
  );
  const idView = resolve ? call.renderTarget('id', width, height).view : null,
    colorViews = [rastTarget.view, dbTarget.view];
  const common = {numVertices: a.numVertices, width, height, rangeMode: a.rangeMode ? 1 : 0};
  const drawGroup = call.bindGroup(draw, [
    call.uniforms(drawBindings.uniforms, {...common, peel: peel ? 1 : 0, winding: a.winding}),
    call.bind(a.pos),
    call.bind(a.tri),
    call.bind(a.peel),
  ]);
  const resolveGroup =
    resolve &&
    idView &&
    call.bindGroup(resolve, [
      call.uniforms(resolveBindings.uniforms, common),
      call.bind(a.pos),
      call.bind(a.tri),
      idView,
    ]);
  const cleared = (view: GPUTextureView): GPURenderPassColorAttachment => ({
    view,
    loadOp: 'clear',
    storeOp: 'store',
    clearValue: {r: 0, g: 0, b: 0, a: 0},
  });
  for (let n = 0; n < a.numImages; n++) {
    const pass = call.beginRenderPass(key, {
      colorAttachments: (idView ? [idView] : colorViews).map(cleared),
      depthStencilAttachment: {view: depth.view, depthLoadOp: 'clear', depthStoreOp: 'discard', depthClearValue: 1},
    });
    pass.setViewport(0, 0, width, height, 0, 1);
    pass.setScissorRect(0, 0, width, height);
    const {first, count} = a.draws[n];
    if (count > 0 && a.pos && a.tri) {
      pass.setPipeline(draw);
      pass.setBindGroup(0, drawGroup);
      if (a.mesh) {
        pass.setIndexBuffer(a.mesh.indices, 'uint32');
        pass.setVertexBuffer(0, a.mesh.triangle);
        pass.setVertexBuffer(1, a.mesh.corners);
        pass.drawIndexed(3 * count, 1, 3 * first, 0, n);
      } else {
        pass.draw(3 * count, 1, 3 * first, n);
      }
    }
    pass.end();
    if (resolve && resolveGroup) {
      // Its triangle covers the targets, which are the call's size (GpuCall.renderTarget), and writes every pixel
      // (zeros where no triangle is): nothing to clear (a clear of rgba32float is per pixel on SwiftShader).
      const second = call.beginRenderPass('rasterize/resolve', {
        colorAttachments: colorViews.map(view => ({view, loadOp: 'load', storeOp: 'store'})),
      });
      second.setViewport(0, 0, width, height, 0, 1);
      second.setScissorRect(0, 0, width, height);
      second.setPipeline(resolve);
      second.setBindGroup(0, resolveGroup);
      second.draw(3, 1, 0, n);
      second.end();
    }
    call.copyImage(rastTarget.texture, a.rast, n, width, height);
    call.copyImage(dbTarget.texture, a.rastDb, n, width, height);
  }
}
