/**
 * Conformance of the shader math with its TypeScript reference (docs/testing.md#conformance): each GLSL and WGSL
 * function of the math modules (docs/backends.md#math-modules) runs on a table of inputs in one tiny pass and is
 * compared with the TypeScript function of the same name. A formula or constant that drifts in one shader
 * language fails the test named after that function.
 */
import * as rm from '../src/kernels/cpu/raster_math';
import * as tf from '@tensorflow/tfjs';

import {AntialiasItem, AntialiasItems, AntialiasScene, crossingGrad} from '../src/kernels/cpu/antialias_math';
import {
  chooseLevels,
  levelWeight,
  lodFromDerivatives,
  Lookup,
  Taps,
  TextureScene,
  TexturePixel,
  wrapIndex,
} from '../src/kernels/cpu/texture_math';
import {BoundaryMode, FilterMode, TextureAttrs} from '../src/kernels/names';
import {cubeFaceOf, cubeNeighbourTexel, edgeIndexValue} from '../src/kernels/shared/cube';
import {LOD_LIMIT} from '../src/kernels/shared/texture';
import {ANTIALIAS_ITEMS} from '../src/kernels/webgl/antialias_program';
import {textureSnippet} from '../src/kernels/webgl/glsl_texture';
import {textureBindings} from '../src/kernels/webgl/Texture';
import {ANTIALIAS_WGSL, ITEM_WGSL} from '../src/kernels/webgpu/wgsl_antialias';
import {ID_WGSL, TRIANGLE_WGSL} from '../src/kernels/webgpu/wgsl_common';
import {antialiasBindings} from '../src/kernels/webgl/Antialias';
import {withSilhouettes} from '../src/kernels/webgl/antialias_silhouette';
import {antialiasConstructTopologyHash} from '../src/ops/antialias';
import {rasterize} from '../src/ops/rasterize';
import {BOUNDARY_CODES, FILTER_CODES, TEXTURE_LOOKUP_WGSL} from '../src/kernels/webgpu/wgsl_texture';
import {BARYCENTRIC, RESOLVE_GRAD, TRIANGLE_PLANES} from '../src/kernels/webgl/glsl_raster';
import {CORNERS_WGSL, RESOLVE_GRAD_WGSL, RESOLVE_WGSL, TRIANGLE_PLANES_WGSL} from '../src/kernels/webgpu/wgsl_raster';

import {describeEachBackend} from './util/backends';
import {runShader, ShaderRun} from './util/shader_run';

const f32 = Math.fround;

// ---------------------------------------------------------------------------------------------------------------
// Rasterize: a case is a triangle (three clip-space vertices), a pixel, the image size and, for the backward,
// incoming gradients on (u, v) and rastDb.

interface RasterCase {
  p: number[]; // 12: x0 y0 z0 w0 x1 … w2 (float32 values)
  px: number;
  py: number;
  width: number;
  height: number;
  g: number[]; // gu, gv, then the four rastDb gradients
  hasDb: boolean;
}

type Tri = number[][]; // three (x, y, z, w)

/** A triangle, the image sizes it is tried at and, optionally, the pixels tried (x0, y0, x1, y1; default all). */
const TRIANGLES: Array<{name: string; tri: Tri; sizes: Array<[number, number]>; window?: number[]}> = [
  {
    name: 'plain',
    tri: [
      [-0.5, -0.5, 0.1, 1],
      [0.6, -0.3, 0.2, 1],
      [0.1, 0.7, -0.3, 1],
    ],
    sizes: [
      [8, 8],
      [10, 6],
    ],
  },
  {
    name: 'perspective',
    tri: [
      [-0.8, -0.6, 0.2, 1.2],
      [0.9, -0.2, 0.5, 2.0],
      [0.0, 0.9, -0.4, 0.7],
    ],
    sizes: [
      [8, 8],
      [10, 6],
    ],
  },
  {
    // A vertex near the eye plane: its projection lies far outside the image.
    name: 'w near 0',
    tri: [
      [-0.5, -0.4, 0.2, 1],
      [0.6, -0.5, 0.4, 1],
      [0.002, 0.003, 0.0005, 0.001],
    ],
    sizes: [[8, 8]],
  },
  {
    // A corner exactly on the eye plane: its projection is infinite (0·∞ must not reach the reference pixel).
    name: 'a corner at w = 0',
    tri: [
      [-0.5, -0.4, 0.2, 1],
      [0.6, -0.5, 0.4, 1],
      [0.1, 0.3, 0.1, 0],
    ],
    sizes: [[8, 8]],
  },
  {
    name: 'crossing w = 0',
    tri: [
      [-0.5, -0.4, 0.2, 1],
      [0.6, -0.5, 0.4, 1],
      [0.1, 0.3, 0.1, -0.5],
    ],
    sizes: [[8, 8]],
  },
  {
    name: 'sliver',
    tri: [
      [-0.9, -0.8, 0, 1],
      [0.9, 0.85, 0.5, 1],
      [-0.9, -0.797, 0.1, 1],
    ],
    sizes: [
      [8, 8],
      [10, 6],
    ],
  },
  {
    // About one pixel of 64×64: A is small, so A_EPSILON matters to the backward.
    name: 'tiny',
    tri: [
      [0.0, 0.0, 0.3, 1],
      [0.03, 0.001, 0.2, 1],
      [0.002, 0.031, 0.1, 1],
    ],
    sizes: [[64, 64]],
  },
  {
    // Smaller than a pixel of 64×64, far from the origin, in perspective: the edge functions cancel to a
    // millionth of f·w, which relativeTo must take exactly (its split into partial products).
    name: 'tiny, far out, perspective',
    window: [56, 56, 64, 64],
    tri: [
      [0.93 * 1.3, 0.91 * 1.3, 0.3, 1.3],
      [0.945 * 0.77, 0.912 * 0.77, 0.2, 0.77],
      [0.932 * 2.1, 0.926 * 2.1, 0.1, 2.1],
    ],
    sizes: [[64, 64]],
  },
];

/**
 * Pairs of triangles sharing an edge that runs through pixel centers of an 8×8 image (centers at odd multiples
 * of 1/8 in NDC): diagonal, parallel to X (α = 0) and parallel to Y (β = 0), in both windings.
 */
const SHARED_EDGES: Array<{name: string; a: Tri; b: Tri}> = [
  {
    name: 'diagonal',
    a: [
      [-0.625, -0.875, 0.1, 1],
      [0.375, 0.125, 0.2, 1],
      [-0.625, 0.125, 0.3, 1],
    ],
    b: [
      [0.375, 0.125, 0.2, 1],
      [-0.625, -0.875, 0.1, 1],
      [0.375, -0.875, 0.4, 1],
    ],
  },
  {
    name: 'parallel to X',
    a: [
      [-0.625, 0.125, 0.1, 1],
      [0.375, 0.125, 0.2, 1],
      [-0.125, 0.625, 0.3, 1],
    ],
    b: [
      [0.375, 0.125, 0.2, 1],
      [-0.625, 0.125, 0.1, 1],
      [-0.125, -0.375, 0.4, 1],
    ],
  },
  {
    name: 'parallel to Y, clockwise, w = 2',
    a: [
      [0.25, -1.25, 0.2, 2],
      [-0.75, -0.25, 0.6, 2],
      [0.25, 0.75, 0.4, 2],
    ],
    b: [
      [0.25, 0.75, 0.4, 2],
      [1.25, -0.25, 0.8, 2],
      [0.25, -1.25, 0.2, 2],
    ],
  },
];

function rasterCases(tri: Tri, width: number, height: number, seed: number): RasterCase[] {
  const p = tri.flat().map(f32);
  const cases: RasterCase[] = [];
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) {
      const k = seed + cases.length;
      const g = [Math.sin(k * 1.3), Math.cos(k * 0.7), Math.sin(k * 2.1), Math.cos(k * 1.7), Math.sin(k), Math.cos(k)];
      cases.push({p, px, py, width, height, g: g.map(f32), hasDb: k % 3 !== 0});
    }
  }
  return cases;
}

const inWindow = (c: RasterCase, w = [0, 0, Infinity, Infinity]) =>
  c.px >= w[0] && c.py >= w[1] && c.px < w[2] && c.py < w[3];
const GENERIC_CASES = TRIANGLES.flatMap((t, i) =>
  t.sizes.flatMap(([w, h]) =>
    rasterCases(t.tri, w, h, 100 * i)
      .filter(c => inWindow(c, t.window))
      .map(c => ({...c, name: t.name})),
  ),
);
const TIE_CASES = SHARED_EDGES.flatMap((e, i) =>
  [e.a, e.b].flatMap((tri, side) => rasterCases(tri, 8, 8, 1000 * i + 500 * side).map(c => ({...c, name: e.name}))),
);
const RASTER_CASES = [...GENERIC_CASES, ...TIE_CASES];

const rasterRow = (c: RasterCase) => [...c.p, c.px, c.py, c.width, c.height, ...c.g, c.hasDb ? 1 : 0];

const GLSL_RASTER_ARGS = `
  vec4 P[3];
  for (int k = 0; k < 3; k++) P[k] = vec4(arg(4 * k), arg(4 * k + 1), arg(4 * k + 2), arg(4 * k + 3));
  ivec2 size = ivec2(int(arg(14)), int(arg(15)));
  Center f = pixelCenter(ivec2(int(arg(12)), int(arg(13))), size);
`;
const WGSL_RASTER_ARGS = `
  var P: array<vec4f, 3>;
  for (var k = 0; k < 3; k++) { P[k] = vec4f(arg(4 * k), arg(4 * k + 1), arg(4 * k + 2), arg(4 * k + 3)); }
  let c = Corners(P[0], P[1], P[2]);
  let size = vec2<i32>(i32(arg(14)), i32(arg(15)));
  let f = pixelCenter(vec2<i32>(i32(arg(12)), i32(arg(13))), size);
`;
const GLSL_RASTER = BARYCENTRIC + RESOLVE_GRAD;
// loadCorners (in CORNERS_WGSL) reads \`pos\`: bound, never read here.
const WGSL_RASTER = CORNERS_WGSL + RESOLVE_WGSL + RESOLVE_GRAD_WGSL;
const WGSL_POS: ShaderRun['gpuStorage'] = [['pos', 'array<vec4f>', new Float32Array(4)]];

/** The reference's edge functions and their magnitudes (for float32 error bounds) at a case's pixel. */
function referenceEdges(c: RasterCase) {
  const p = Float64Array.from(c.p);
  const fx = rm.pixelCenter(c.px, c.width),
    fy = rm.pixelCenter(c.py, c.height);
  const a = new Float64Array(3),
    alpha = new Float64Array(3),
    beta = new Float64Array(3);
  rm.edgeFunctions(p, fx, fy, a);
  rm.edgeGradients(p, alpha, beta);
  const q = [0, 1, 2].map(k => [p[4 * k] - fx * p[4 * k + 3], p[4 * k + 1] - fy * p[4 * k + 3]]);
  const scale = [0, 1, 2].map(k => {
    const [i, j] = [(k + 1) % 3, (k + 2) % 3];
    return Math.abs(q[i][0] * q[j][1]) + Math.abs(q[i][1] * q[j][0]);
  });
  // The condition of A = a0 + a1 + a2 (1 inside the triangle, growing away from it): how much float32's
  // rounding of the a_k is amplified in u = a0/A, v = a1/A and everything computed from them.
  const kappa = (Math.abs(a[0]) + Math.abs(a[1]) + Math.abs(a[2])) / Math.abs(a[0] + a[1] + a[2]);
  return {p, fx, fy, a, alpha, beta, scale, kappa, det: rm.screenDeterminant(p)};
}

// ---------------------------------------------------------------------------------------------------------------
// Texture: level sizes are powers of two or texel coordinates multiples of 1/16, so that float32 and float64 put
// a coordinate exactly on the same texel border or center.

/** Level sizes [width, height] of the tables: level 0, level 1. */
const SIZES_2D: Array<[number, number]> = [
  [8, 4],
  [5, 3],
];
const SIZES_CUBE: Array<[number, number]> = [
  [4, 4],
  [2, 2],
];

/** A TexturePixel over levels of the given sizes (one channel, two textures in the batch). */
function referencePixel(cube: boolean, boundaryMode: BoundaryMode, sizes: Array<[number, number]>) {
  const scene: TextureScene = {
    levels: sizes.map(([width, height]) => ({width, height, data: new Float32Array(0)})),
    texBatch: 2,
    channels: 1,
    cube,
    filterMode: 'linear',
    boundaryMode,
    uv: new Float32Array(0),
    uvDa: null,
    bias: null,
    pixels: 1,
  };
  return new TexturePixel(scene);
}

const GLSL_TEXTURE = (cube: boolean) => textureSnippet({cube, numLevels: 2});
const WGSL_TEXTURE = ID_WGSL + TEXTURE_LOOKUP_WGSL;
const WGSL_TEXTURE_STORAGE = (sizes: Array<[number, number]>): ShaderRun['gpuStorage'] => [
  ['levels', 'array<vec4<i32>>', Int32Array.from(sizes.flatMap(([w, h]) => [0, h, w, 0]))],
  ['uv', 'array<f32>', new Float32Array(4)],
  ['uvDa', 'array<f32>', new Float32Array(4)],
  ['bias', 'array<f32>', new Float32Array(4)],
];
const WGSL_TEXTURE_UNIFORMS = (cube: boolean, boundaryMode: BoundaryMode) => ({
  channels: 1,
  texBatch: 2,
  pixels: 1,
  cube: cube ? 1 : 0,
  filterMode: FILTER_CODES.linear,
  boundaryMode: BOUNDARY_CODES[boundaryMode],
  numLevels: 2,
  hasDa: 0,
  hasBias: 0,
});

/** Runs a texture function under one boundary mode and level set (uniforms differ per run). */
function runTexture(
  name: string,
  gl: boolean,
  cube: boolean,
  boundaryMode: BoundaryMode,
  sizes: Array<[number, number]>,
  cases: number[][],
  outputs: number,
  glslBody: string,
  wgslBody: string,
) {
  return runShader({
    key: `${name}/${cube}`,
    snippets: gl ? GLSL_TEXTURE(cube) : WGSL_TEXTURE,
    body: gl ? glslBody : wgslBody,
    cases,
    outputs,
    glUniforms: {uBoundary: ['wrap', 'clamp', 'zero', 'cube'].indexOf(boundaryMode), uLevelSize: sizes.flat()},
    gpuUniforms: WGSL_TEXTURE_UNIFORMS(cube, boundaryMode),
    gpuStorage: WGSL_TEXTURE_STORAGE(sizes),
  });
}

/** The lookups of setupLookup's table: each filter mode, with and without uvDa and bias, 2-D and cube. */
const LOOKUPS: Array<{cube: boolean; filterMode: FilterMode; boundaryMode: BoundaryMode; da: boolean; bias: boolean}> =
  [
    {cube: false, filterMode: 'linear-mipmap-linear', boundaryMode: 'wrap', da: true, bias: true},
    {cube: false, filterMode: 'linear-mipmap-nearest', boundaryMode: 'clamp', da: true, bias: false},
    {cube: false, filterMode: 'linear', boundaryMode: 'zero', da: false, bias: true},
    {cube: false, filterMode: 'nearest', boundaryMode: 'wrap', da: false, bias: false},
    {cube: true, filterMode: 'linear-mipmap-linear', boundaryMode: 'cube', da: true, bias: true},
    {cube: true, filterMode: 'linear-mipmap-nearest', boundaryMode: 'cube', da: false, bias: true},
    {cube: true, filterMode: 'nearest', boundaryMode: 'cube', da: false, bias: false},
  ];
/** Three levels (w, h): with a level bias or a large footprint the level clamps to the last. */
const LOOKUP_SIZES = {
  2: [
    [8, 4],
    [4, 2],
    [2, 1],
  ],
  cube: [
    [4, 4],
    [2, 2],
    [1, 1],
  ],
};
/** Pixels per image of the lookup table (two images, two textures: nt follows the image). */
const LOOKUP_PIXELS = 40;

/** Inputs of the lookup table: uv, uvDa and bias per pixel (the level of detail away from integers). */
function lookupInputs(cube: boolean) {
  const n = 2 * LOOKUP_PIXELS;
  const dirs = [
    [1, 0, 0],
    [-1, 0, 0],
    [0, 1, 0],
    [0, -1, 0],
    [0, 0, 1],
    [0, 0, -1],
    [1, 1, 0],
    [1, -1, 0.5],
    [-0.5, 1, 1],
    [1, 1, 1],
    [-1, -1, -1],
    [0.25, -0.5, 1],
    [0.3, 0.2, -0.9],
    [-0.7, 0.4, 0.1],
    [1e-6, 3e-6, -2e-6],
    [0, 0, 0],
    [NaN, 0, 1],
    [Infinity, 0, 0],
    [2, 0.5, 4],
    [0.1, -3, 0.2],
  ];
  const coords = [-1.3, -0.0625, 0, 0.0625, 0.2, 0.5, 0.53, 0.875, 1, 1.0625, 2.25];
  const footprints = [
    [0, 0, 0, 0],
    [0.011, 0.002, -0.003, 0.021],
    [-0.21, 0.05, 0.01, -0.1],
    [1.3e-4, 3e-5, 2e-5, 1.1e-4],
    [0.31, 0.33, 0.29, 0.3],
    [5, -3, 2, 7],
    [0.07, 0, 0, 0.09],
  ];
  const biases = [-1.3, 0, 0.37, 1.61, 2.2, 100];
  const uv: number[] = [],
    uvDa: number[] = [],
    bias: number[] = [];
  for (let i = 0; i < n; i++) {
    if (cube) uv.push(...dirs[i % dirs.length]);
    else uv.push(coords[i % coords.length], coords[(3 * i + 5) % coords.length]);
    const fp = footprints[i % footprints.length].map(x => x * 1.37 ** ((i % 5) - 2));
    uvDa.push(...(cube ? [fp[0], fp[1], fp[2], fp[3], fp[1] - fp[2], fp[0] + fp[3]] : fp));
    bias.push(biases[i % biases.length]);
  }
  return {uv: uv.map(f32), uvDa: uvDa.map(f32), bias: bias.map(f32)};
}

/** (s, t, face, level, nt) cases: coordinates on texel borders and centers, outside, and far outside. */
function tapCases(cube: boolean, sizes: Array<[number, number]>): number[][] {
  const cases: number[][] = [];
  const coords = cube
    ? Array.from({length: 17}, (_, k) => k / 16)
    : [-2.75, -1 / 16, ...Array.from({length: 19}, (_, k) => (k - 1) / 16), 1.0625, 1.5, 3.25];
  for (let level = 0; level < sizes.length; level++) {
    for (const face of cube ? [0, 1, 2, 3, 4, 5] : [0]) {
      for (const s of coords) for (const t of coords) cases.push([s, t, face, level, (cases.length % 2) as number]);
    }
  }
  return cases;
}

const BILINEAR_GLSL = `Taps b = bilinearTaps(int(arg(3)), int(arg(4)), int(arg(2)), vec2(arg(0), arg(1)));
for (int q = 0; q < 4; q++) r[q] = q == b.corner ? -1.0 : float(b.texel[q]);
r[4] = float(b.corner); r[5] = b.frac.x; r[6] = b.frac.y; r[7] = b.scale.x; r[8] = b.scale.y;`;
const BILINEAR_WGSL = `let b = bilinearTaps(i32(arg(3)), i32(arg(4)), i32(arg(2)), vec2f(arg(0), arg(1)));
for (var q = 0; q < 4; q++) { r[q] = select(f32(b.addr[q]), -1.0, q == b.corner); }
r[4] = f32(b.corner); r[5] = b.frac.x; r[6] = b.frac.y; r[7] = b.scale.x; r[8] = b.scale.y;`;

/** Runs one shader function over `cases` and returns its outputs per case. */
async function run(
  name: string,
  gl: boolean,
  cases: number[][],
  outputs: number,
  glsl: {snippets: string; body: string},
  wgsl: {snippets: string; body: string; storage?: ShaderRun['gpuStorage']; uniforms?: ShaderRun['gpuUniforms']},
): Promise<number[][]> {
  const lang = gl ? glsl : wgsl;
  return runShader({
    key: name,
    snippets: lang.snippets,
    body: lang.body,
    cases,
    outputs,
    gpuStorage: gl ? undefined : wgsl.storage,
    gpuUniforms: gl ? undefined : wgsl.uniforms,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Antialias: a 16×8 scene of two images (instanced) whose NDC coordinates are multiples of 1/16 where w = 1, so
// that float32 and float64 agree exactly on the ties (a crossing on a pixel center, an edge at exactly 45°).

const AA_SIZE = [8, 16]; // H, W
const AA_POS = [
  // Image 0. A quad of two triangles (0, 1): its diagonal is shared, not a silhouette.
  [-0.875, -0.75, 0.5, 1],
  [0.125, -0.75, 0.5, 1],
  [0.125, 0.5, 0.5, 1],
  [-0.875, 0.5, 0.5, 1],
  // A fold (2, 3): the far vertices on the same side of the shared edge 4–5, in front of the quad.
  [0.0625, -1.25, 0.2, 1],
  [0.5, 0.625, 0.2, 1],
  [0.9375, -0.5, 0.2, 1],
  [0.8125, -0.875, 0.3, 1],
  // An edge at exactly 45° (in pixels: 16×8 image, so Δx = 2Δy in NDC) through pixel centers (4).
  [-0.5625, -0.125, -0.2, 1],
  [-0.0625, 0.875, -0.2, 1],
  [-0.8125, 0.875, -0.2, 1],
  // A vertex near the eye plane (5) and one behind it (6).
  [0.3, 0.1, 0.4, 1.3],
  [0.02, 0.03, 0.001, 0.004],
  [0.7, 0.9, 0.1, -0.5],
];
const AA_TRI = [
  [0, 1, 2],
  [0, 2, 3],
  [4, 5, 6],
  [5, 4, 7],
  [8, 9, 10],
  [11, 12, 1],
  [11, 13, 2],
];
/** Image 1: the mesh moved off the ties (by a different shift per vertex), in perspective (w from 0.5 to 2). */
const AA_POS_1 = AA_POS.map(([x, y, z, w], i) => {
  const s = 0.5 + (i % 4) / 2;
  return [(x + 0.11 + 0.013 * (i % 3)) * s, (y - 0.07 + 0.007 * (i % 5)) * s, z * s, w * s];
});

/** The antialias scene on the active backend (rast from rasterize) and its TypeScript twin. */
async function antialiasScene() {
  const pos = tf.tensor3d(
    [AA_POS, AA_POS_1].map(img => img.map(v => v.map(f32))),
    [2, AA_POS.length, 4],
  );
  const tri = tf.tensor2d(AA_TRI, [AA_TRI.length, 3], 'int32');
  const hash = antialiasConstructTopologyHash(tri);
  const rast = rasterize(pos, tri, AA_SIZE as [number, number]).rast;
  const color = tf.zeros([2, AA_SIZE[0], AA_SIZE[1], 1]) as tf.Tensor4D;
  const scene: AntialiasScene = {
    rast: (await rast.data()) as Float32Array,
    pos: (await pos.data()) as Float32Array,
    tri: (await tri.data()) as Int32Array,
    topo: (await hash.opposite.data()) as Int32Array,
    numImages: 2,
    height: AA_SIZE[0],
    width: AA_SIZE[1],
    numVertices: AA_POS.length,
    vertexStride: AA_POS.length,
  };
  const tensors = {color, rast, pos, tri, topo: hash.opposite};
  return {scene, tensors, dispose: () => tf.dispose(Object.values(tensors))};
}

/** setupLookup's outputs per pixel, then lookupTaps's and levelWeight's per level slot. */
const LOOKUP_OUTPUTS = 22;
const TAP_OUTPUTS = 11;

/**
 * One pass over the lookup table on the active backend: per pixel, setupLookup's Lookup, then for slots 0 and 1
 * lookupTaps's taps (texel per tap, −1 for none or the cube corner; corner, fractions, scales, level) and
 * levelWeight; with the TypeScript twin over the same inputs. Shared by the setupLookup and lookupTaps rows
 * (one compile); each row names its own function.
 */
const lookupRuns = new Map<string, ReturnType<typeof runLookup>>();
function lookupRun(look: (typeof LOOKUPS)[number], gl: boolean) {
  const key = `${gl} ${JSON.stringify(look)}`;
  if (!lookupRuns.has(key)) lookupRuns.set(key, runLookup(look, gl));
  return lookupRuns.get(key)!;
}

async function runLookup(look: (typeof LOOKUPS)[number], gl: boolean) {
  const {cube, filterMode, boundaryMode, da, bias: hasBias} = look;
  const sizes = LOOKUP_SIZES[cube ? 'cube' : 2];
  const {uv, uvDa, bias} = lookupInputs(cube);
  const n = 2 * LOOKUP_PIXELS;
  const c = cube ? 3 : 2;
  const imageShape = [2, 1, LOOKUP_PIXELS];
  const levels = sizes.map(([w, h]) => tf.zeros(cube ? [2, 6, h, w, 1] : [2, h, w, 1]));
  const tensors = {
    tex: levels[0],
    mips: levels.slice(1),
    uv: tf.tensor(uv, [...imageShape, c]),
    uvDa: da ? tf.tensor(uvDa, [...imageShape, 2 * c]) : undefined,
    mipLevelBias: hasBias ? tf.tensor(bias, imageShape) : undefined,
  };
  const cases = Array.from({length: n}, (_, i) => [i]);
  let out: number[][];
  try {
    out = await runShader({
      key: `setupLookup/${cube}`,
      snippets: gl ? textureSnippet({cube, numLevels: sizes.length}) : WGSL_TEXTURE,
      body: gl
        ? `Lookup L = setupLookup(int(arg(0)));
r[0] = L.valid ? 1.0 : 0.0; r[1] = float(L.nt); r[2] = float(L.face); r[3] = L.st.x; r[4] = L.st.y;
r[5] = L.stClamped.x ? 1.0 : 0.0; r[6] = L.stClamped.y ? 1.0 : 0.0; r[7] = float(L.l0); r[8] = float(L.l1);
r[9] = L.f; r[10] = L.lodActive ? 1.0 : 0.0; r[11] = float(L.used);
for (int k = 0; k < 4; k++) r[12 + k] = L.lodGrad[k];
for (int k = 0; k < 3; k++) { r[16 + k] = L.js[k]; r[19 + k] = L.jt[k]; }
for (int slot = 0; slot < 2; slot++) {
  Taps b = lookupTaps(L, slot);
  int o = ${LOOKUP_OUTPUTS} + ${TAP_OUTPUTS} * slot;
  for (int q = 0; q < 4; q++) r[o + q] = q == b.corner ? -1.0 : float(b.texel[q]);
  r[o + 4] = float(b.corner); r[o + 5] = b.frac.x; r[o + 6] = b.frac.y; r[o + 7] = b.scale.x; r[o + 8] = b.scale.y;
  r[o + 9] = float(b.level); r[o + 10] = levelWeight(L, slot);
}`
        : `let L = setupLookup(i32(arg(0)));
r[0] = select(0.0, 1.0, L.valid); r[1] = f32(L.nt); r[2] = f32(L.face); r[3] = L.st.x; r[4] = L.st.y;
r[5] = select(0.0, 1.0, L.stClamped.x); r[6] = select(0.0, 1.0, L.stClamped.y); r[7] = f32(L.l0); r[8] = f32(L.l1);
r[9] = L.f; r[10] = select(0.0, 1.0, L.lodActive); r[11] = f32(L.used);
for (var k = 0; k < 4; k++) { r[12 + k] = L.lodGrad[k]; }
for (var k = 0; k < 3; k++) { r[16 + k] = L.js[k]; r[19 + k] = L.jt[k]; }
for (var slot = 0; slot < 2; slot++) {
  let b = lookupTaps(L, slot);
  let o = ${LOOKUP_OUTPUTS} + ${TAP_OUTPUTS} * slot;
  for (var q = 0; q < 4; q++) { r[o + q] = select(f32(b.addr[q]), -1.0, q == b.corner); }
  r[o + 4] = f32(b.corner); r[o + 5] = b.frac.x; r[o + 6] = b.frac.y; r[o + 7] = b.scale.x; r[o + 8] = b.scale.y;
  r[o + 9] = f32(b.level); r[o + 10] = levelWeight(L, slot);
}`,
      cases,
      outputs: LOOKUP_OUTPUTS + 2 * TAP_OUTPUTS,
      glBindings: s => textureBindings(s, tensors, {filterMode, boundaryMode} as TextureAttrs),
      gpuUniforms: {
        channels: 1,
        texBatch: 2,
        pixels: LOOKUP_PIXELS,
        cube: cube ? 1 : 0,
        filterMode: FILTER_CODES[filterMode],
        boundaryMode: BOUNDARY_CODES[boundaryMode],
        numLevels: sizes.length,
        hasDa: da ? 1 : 0,
        hasBias: hasBias ? 1 : 0,
      },
      gpuStorage: [
        ['levels', 'array<vec4<i32>>', Int32Array.from(sizes.flatMap(([w, h]) => [0, h, w, 0]))],
        ['uv', 'array<f32>', Float32Array.from(uv)],
        ['uvDa', 'array<f32>', Float32Array.from(uvDa)],
        ['bias', 'array<f32>', Float32Array.from(bias)],
      ],
    });
  } finally {
    tf.dispose([...levels, tensors.uv, tensors.uvDa!, tensors.mipLevelBias!].filter(t => t));
  }
  const pixel = new TexturePixel({
    levels: sizes.map(([width, height]) => ({width, height, data: new Float32Array(0)})),
    texBatch: 2,
    channels: 1,
    cube,
    filterMode,
    boundaryMode,
    uv: Float32Array.from(uv),
    uvDa: da ? Float32Array.from(uvDa) : null,
    bias: hasBias ? Float32Array.from(bias) : null,
    pixels: LOOKUP_PIXELS,
  });
  return {out, pixel};
}

/** Collects mismatches so that a failure lists the first few cases, not hundreds of expectations. */
class Mismatches {
  private readonly list: string[] = [];
  check(ok: boolean, what: () => string) {
    if (!ok) this.list.push(what());
  }
  expectNone(fn: string) {
    expect(this.list.length)
      .withContext(`${fn}: ${this.list.length} mismatches, first: ${this.list.slice(0, 4).join('; ')}`)
      .toBe(0);
  }
}

describeEachBackend(
  'conformance',
  backend => {
    const gl = backend === 'webgl';
    const label = (c: RasterCase & {name: string}) => `${c.name} ${c.width}x${c.height} pixel (${c.px}, ${c.py})`;

    describe('antialias math', () => {
      it('evaluateItem (pairs at the borders, ties, folds, 45° edges, w near and below 0)', async () => {
        const {scene, tensors, dispose} = await antialiasScene();
        const [H, W] = AA_SIZE;
        const cases: number[][] = [];
        for (let n = 0; n < 2; n++)
          for (let y = -1; y < H; y++) for (let x = -1; x < W; x++) for (const v of [0, 1]) cases.push([n, x, y, v]);
        let out: number[][];
        try {
          out = await runShader({
            key: 'evaluateItem',
            snippets: gl ? ANTIALIAS_ITEMS : ID_WGSL + TRIANGLE_WGSL + CORNERS_WGSL + ITEM_WGSL + ANTIALIAS_WGSL,
            body: gl
              ? `Item it;
r[0] = evaluateItem(int(arg(0)), int(arg(1)), int(arg(2)), arg(3) != 0.0, it) ? 1.0 : 0.0;
r[1] = float(it.p0); r[2] = float(it.p1); r[3] = float(it.dest); r[4] = it.alpha; r[5] = it.clamped ? 1.0 : 0.0;
r[6] = float(it.v1); r[7] = float(it.v2); r[8] = it.e1.x; r[9] = it.e1.y; r[10] = it.e2.x; r[11] = it.e2.y; r[12] = it.crossing;`
              : `var it: Item;
r[0] = select(0.0, 1.0, evaluateItem(i32(arg(0)), i32(arg(1)), i32(arg(2)), arg(3) != 0.0, &it));
r[1] = f32(it.p0); r[2] = f32(it.p1); r[3] = f32(it.dest); r[4] = it.alpha; r[5] = select(0.0, 1.0, it.clamped);
r[6] = f32(it.v1); r[7] = f32(it.v2); r[8] = it.e1.x; r[9] = it.e1.y; r[10] = it.e2.x; r[11] = it.e2.y; r[12] = it.crossing;`,
            cases,
            outputs: 13,
            glBindings: s => withSilhouettes(s, antialiasBindings(s, tensors))!,
            gpuUniforms: {width: W, height: H, numVertices: AA_POS.length, numTriangles: AA_TRI.length, rangeMode: 0},
            gpuStorage: [
              ['rast', 'array<vec4f>', scene.rast],
              ['pos', 'array<vec4f>', scene.pos],
              ['tri', 'array<i32>', scene.tri],
              ['topo', 'array<i32>', scene.topo],
            ],
          });
        } finally {
          dispose();
        }
        const bad = new Mismatches();
        const items = new AntialiasItems(scene);
        const item = new AntialiasItem();
        const kinds = {clamped: 0, unclamped: 0, right: 0, up: 0, '45°': 0};
        cases.forEach(([n, x, y, v], i) => {
          const ok = items.evaluateItem(n, x, y, v === 1, item);
          const o = out[i];
          const what = () =>
            `image ${n} pixel (${x}, ${y}) ${v ? 'up' : 'right'}: ${o}, want ${ok ? JSON.stringify({...item, e1: [...item.e1], e2: [...item.e2]}) : 'none'}`;
          bad.check(o[0] === (ok ? 1 : 0), what);
          if (!ok || o[0] !== 1) return;
          kinds[item.clamped ? 'clamped' : 'unclamped']++;
          kinds[v ? 'up' : 'right']++;
          if (n === 0 && item.v1 + item.v2 === 17) kinds['45°']++;
          const ends = [...item.e1, ...item.e2];
          const tol = 1e-5 * Math.max(1, ...ends.map(Math.abs));
          bad.check(
            [item.p0, item.p1, item.dest, -1, item.clamped ? 1 : 0, item.v1, item.v2].every(
              (w, k) => w < 0 || o[1 + k] === w,
            ),
            what,
          );
          bad.check(
            [item.alpha, ...ends, item.crossing].every((w, k) => Math.abs(o[[4, 8, 9, 10, 11, 12][k]] - w) <= tol),
            what,
          );
        });
        bad.expectNone('evaluateItem');
        // The table holds every kind of item: clamped or not, both directions, on the 45° edge (vertices 8, 9).
        for (const [kind, count] of Object.entries(kinds)) expect(count).withContext(kind).toBeGreaterThan(0);
      });

      it('crossingGrad', async () => {
        // Edge endpoints e1, e2 (along, across the pixel pair's axis), from steep to nearly along it (across it
        // e2 − e1 small: DB_EPSILON dominates), and dL/dα.
        const ends = [
          [0.3, -0.4, 0.6, 0.7],
          [-1.5, 2.0, 0.25, -3.0],
          [0.5, -1e-4, 0.52, 2e-4],
          [0.1, -5e-4, 0.9, 5e-4],
          [2.0, -10, -1.0, 10],
          [0.25, 0.5, 0.75, -0.5],
        ];
        const cases = ends.flatMap((e, n) =>
          [1, -0.37, 2.5e-3].map(dAlpha => {
            const [a1, b1, a2, b2] = e.map(f32);
            return [a1, b1, a2, b2, f32((a1 * b2 - a2 * b1) / (b2 - b1)), f32(dAlpha * (n + 1))];
          }),
        );
        const out = await run(
          'crossingGrad',
          gl,
          cases,
          4,
          {
            snippets: ANTIALIAS_ITEMS,
            body: `Item it = Item(0, 0, 0, 0.0, false, 0, 0, vec2(arg(0), arg(1)), vec2(arg(2), arg(3)), arg(4), false);
vec4 g = crossingGrad(it, arg(5));
for (int k = 0; k < 4; k++) r[k] = g[k];`,
          },
          {
            snippets: ITEM_WGSL,
            body: `let it = Item(0, 0, 0, 0.0, false, 0, 0, vec2f(arg(0), arg(1)), vec2f(arg(2), arg(3)), arg(4), false);
let g = crossingGrad(it, arg(5));
for (var k = 0; k < 4; k++) { r[k] = g[k]; }`,
          },
        );
        const bad = new Mismatches();
        const g = new Float64Array(4);
        const item = new AntialiasItem();
        cases.forEach(([a1, b1, a2, b2, crossing, dAlpha], i) => {
          item.e1.set([a1, b1]);
          item.e2.set([a2, b2]);
          item.crossing = crossing;
          crossingGrad(item, dAlpha, g);
          const max = Math.max(...g.map(Math.abs));
          bad.check(
            [0, 1, 2, 3].every(k => Math.abs(out[i][k] - g[k]) <= 1e-5 * max),
            () => `ends ${[a1, b1, a2, b2]} dα ${dAlpha}: ${out[i]}, want ${Array.from(g)}`,
          );
        });
        bad.expectNone('crossingGrad');
      });
    });

    describe('texture math', () => {
      it('cubeFaceOf (seams included)', async () => {
        const v = [-1, -0.5, 0, 0.5, 1, f32(0.9999999)];
        const cases = v.flatMap(x => v.flatMap(y => v.map(z => [x, y, z])));
        const out = await runTexture(
          'cubeFaceOf',
          gl,
          true,
          'cube',
          SIZES_CUBE,
          cases,
          1,
          'r[0] = float(cubeFaceOf(vec3(arg(0), arg(1), arg(2))));',
          'r[0] = f32(cubeFaceOf(vec3f(arg(0), arg(1), arg(2))));',
        );
        const bad = new Mismatches();
        cases.forEach(([x, y, z], i) => {
          const want = cubeFaceOf(x, y, z);
          bad.check(out[i][0] === want, () => `(${x}, ${y}, ${z}): ${out[i][0]}, want ${want}`);
        });
        bad.expectNone('cubeFaceOf');
      });

      it('edgeIndexValue', async () => {
        const cases: number[][] = [];
        for (const size of [1, 4, 5])
          for (let kind = 0; kind < 4; kind++) for (let k = 0; k < size; k++) cases.push([kind, k, size]);
        const out = await runTexture(
          'edgeIndexValue',
          gl,
          true,
          'cube',
          SIZES_CUBE,
          cases,
          1,
          'r[0] = float(edgeIndexValue(int(arg(0)), int(arg(1)), int(arg(2))));',
          'r[0] = f32(edgeIndexValue(i32(arg(0)), i32(arg(1)), i32(arg(2))));',
        );
        const bad = new Mismatches();
        cases.forEach(([kind, k, size], i) => {
          const want = edgeIndexValue(kind, k, size);
          bad.check(out[i][0] === want, () => `(${kind}, ${k}, ${size}): ${out[i][0]}, want ${want}`);
        });
        bad.expectNone('edgeIndexValue');
      });

      it('cubeNeighbourTexel (every texel past every face edge)', async () => {
        const cases: number[][] = [];
        for (const size of [1, 4, 5]) {
          for (let f = 0; f < 6; f++) {
            for (let k = 0; k < size; k++) {
              cases.push([f, -1, k, size], [f, size, k, size], [f, k, -1, size], [f, k, size, size]);
            }
          }
        }
        const out = await runTexture(
          'cubeNeighbourTexel',
          gl,
          true,
          'cube',
          SIZES_CUBE,
          cases,
          3,
          'ivec3 n = cubeNeighbourTexel(int(arg(0)), int(arg(1)), int(arg(2)), int(arg(3)));\nr[0] = float(n.x); r[1] = float(n.y); r[2] = float(n.z);',
          'let n = cubeNeighbourTexel(i32(arg(0)), i32(arg(1)), i32(arg(2)), i32(arg(3)));\nr[0] = f32(n.x); r[1] = f32(n.y); r[2] = f32(n.z);',
        );
        const bad = new Mismatches();
        cases.forEach(([f, ti, tj, size], i) => {
          const want = cubeNeighbourTexel(f, ti, tj, size);
          bad.check(
            want.every((w, k) => out[i][k] === w),
            () => `face ${f} (${ti}, ${tj}) of ${size}: ${out[i]}, want ${want}`,
          );
        });
        bad.expectNone('cubeNeighbourTexel');
      });

      for (const [cube, boundaryMode, sizes] of [
        [false, 'wrap', SIZES_2D],
        [false, 'clamp', SIZES_2D],
        [false, 'zero', SIZES_2D],
        [true, 'cube', SIZES_CUBE],
      ] as Array<[boolean, BoundaryMode, Array<[number, number]>]>) {
        it(`bilinearTaps (${boundaryMode}: texel borders and centers, outside${cube ? ', cube seams and corners' : ''})`, async () => {
          const cases = tapCases(cube, sizes);
          const out = await runTexture(
            `bilinearTaps/${boundaryMode}`,
            gl,
            cube,
            boundaryMode,
            sizes,
            cases,
            9,
            BILINEAR_GLSL,
            BILINEAR_WGSL,
          );
          const pixel = referencePixel(cube, boundaryMode, sizes);
          const bad = new Mismatches();
          cases.forEach(([s, t, face, level, nt], i) => {
            const tap = new Taps();
            pixel.bilinearTaps(
              tap,
              {width: sizes[level][0], height: sizes[level][1], data: new Float32Array(0)},
              Object.assign(new Lookup(), {nt, face, s, t}),
            );
            const corner = Array.from(tap.counts).indexOf(3);
            const texels = [0, 1, 2, 3].map(q => (q === corner || tap.counts[q] === 0 ? -1 : tap.offsets[3 * q]));
            const live = texels.some(x => x >= 0);
            const want = [...texels, corner, tap.fx, tap.fy, tap.dxds, tap.dydt];
            const what = () => `(${s}, ${t}) face ${face} level ${level} nt ${nt}: ${out[i]}, want ${want}`;
            bad.check(
              want.slice(0, 5).every((w, k) => out[i][k] === w),
              what,
            );
            // The fractions only matter when a tap reads a texel.
            if (live)
              bad.check(
                [5, 6].every(k => Math.abs(out[i][k] - want[k]) <= 1e-6),
                what,
              );
            bad.check(
              [7, 8].every(k => out[i][k] === want[k]),
              what,
            );
          });
          bad.expectNone('bilinearTaps');
        });

        it(`nearestTaps (${boundaryMode})`, async () => {
          const cases = tapCases(cube, sizes).filter(c => c[3] === 0);
          const out = await runTexture(
            `nearestTaps/${boundaryMode}`,
            gl,
            cube,
            boundaryMode,
            sizes,
            cases,
            1,
            'r[0] = float(nearestTaps(int(arg(4)), int(arg(2)), vec2(arg(0), arg(1))).texel.x);',
            'r[0] = f32(nearestTaps(i32(arg(4)), i32(arg(2)), vec2f(arg(0), arg(1))).addr.x);',
          );
          const pixel = referencePixel(cube, boundaryMode, sizes);
          const bad = new Mismatches();
          cases.forEach(([s, t, face, , nt], i) => {
            const tap = new Taps();
            pixel.nearestTaps(tap, Object.assign(new Lookup(), {nt, face, s, t}));
            const want = tap.counts[0] === 1 ? tap.offsets[0] : -1;
            bad.check(out[i][0] === want, () => `(${s}, ${t}) face ${face} nt ${nt}: ${out[i][0]}, want ${want}`);
          });
          bad.expectNone('nearestTaps');
        });
      }

      for (const look of LOOKUPS) {
        const {cube, filterMode} = look;
        const what = `${cube ? 'cube' : '2-D'} ${filterMode}${look.da ? ', uvDa' : ''}${look.bias ? ', bias' : ''}`;
        it(`setupLookup (${what})`, async () => {
          const {out, pixel} = await lookupRun(look, gl);
          const bad = new Mismatches();
          const seen = new Set<string>();
          out.forEach((o, pix) => {
            const L = pixel.setupLookup(pix);
            const want = [L.valid ? 1 : 0, L.nt, L.face, L.s, L.t, L.sClamped ? 1 : 0, L.tClamped ? 1 : 0, L.l0, L.l1];
            want.push(
              L.f,
              L.lodActive ? 1 : 0,
              L.used,
              ...pixel.lodGrad,
              ...(cube ? [...pixel.jac[0], ...pixel.jac[1]] : []),
            );
            const show = () => `pixel ${pix}: ${o.slice(0, cube ? 22 : 16)}, want ${want}`;
            bad.check(o[0] === want[0], show);
            if (!L.valid) return;
            seen
              .add(`levels ${L.l0}-${L.l1}`)
              .add(`lodActive ${L.lodActive}`)
              .add(`clamped ${L.sClamped || L.tClamped}`);
            const g = Math.max(...pixel.lodGrad.map(Math.abs));
            const j = cube ? Math.max(...want.slice(16).map(Math.abs)) : 0;
            const tol = [0, 0, 0, 1e-6, 1e-6, 0, 0, 0, 0, 1e-5, 0, 0, ...[0, 0, 0, 0].map(() => 1e-4 * g)];
            if (cube) tol.push(...Array<number>(6).fill(1e-6 * j));
            bad.check(
              want.every((w, k) => Math.abs(o[k] - w) <= tol[k]),
              show,
            );
          });
          bad.expectNone('setupLookup');
          // The table reaches the level clamps and the lod's gradient where they apply.
          if (filterMode.includes('mipmap')) expect(seen).withContext('levels 2-2').toContain('levels 2-2');
          if (filterMode === 'linear-mipmap-linear') expect(seen).withContext('lodActive').toContain('lodActive true');
        });

        it(`lookupTaps and levelWeight (${what})`, async () => {
          const {out, pixel} = await lookupRun(look, gl);
          const bad = new Mismatches();
          out.forEach((o, pix) => {
            const L = pixel.setupLookup(pix);
            if (!L.valid) return;
            for (const slot of [0, 1]) {
              const tap = pixel.lookupTaps(L, slot);
              const corner = Array.from(tap.counts).indexOf(3);
              const texels = [0, 1, 2, 3].map(q => (q === corner || tap.counts[q] === 0 ? -1 : tap.offsets[3 * q]));
              const want = [...texels, corner, tap.fx, tap.fy, tap.dxds, tap.dydt, tap.level, levelWeight(L, slot)];
              const got = o.slice(LOOKUP_OUTPUTS + TAP_OUTPUTS * slot, LOOKUP_OUTPUTS + TAP_OUTPUTS * (slot + 1));
              const tol = [0, 0, 0, 0, 0, 1e-6, 1e-6, 0, 0, 0, 1e-5];
              // The fractions only matter when a tap reads a texel.
              if (!texels.some(x => x >= 0)) tol[5] = tol[6] = Infinity;
              bad.check(
                want.every((w, k) => Math.abs(got[k] - w) <= tol[k]),
                () => `pixel ${pix} slot ${slot}: ${got}, want ${want}`,
              );
            }
          });
          bad.expectNone('lookupTaps');
        });
      }

      it('wrapIndex', async () => {
        const cases: number[][] = [];
        for (const n of [1, 2, 3, 5, 8]) for (let i = -20; i <= 20; i++) cases.push([i, n]);
        const out = await runTexture(
          'wrapIndex',
          gl,
          false,
          'wrap',
          SIZES_2D,
          cases,
          1,
          'r[0] = float(wrapIndex(int(arg(0)), int(arg(1))));',
          'r[0] = f32(wrapIndex(i32(arg(0)), i32(arg(1))));',
        );
        const bad = new Mismatches();
        cases.forEach(([i, n], k) => bad.check(out[k][0] === wrapIndex(i, n), () => `(${i}, ${n}): ${out[k][0]}`));
        bad.expectNone('wrapIndex');
      });

      it('lodFromDerivatives', async () => {
        const cases: number[][] = [];
        const fps = [
          [0, 0, 0, 0],
          [0.01, 0, 0, 0.01],
          [0.01, 0.002, -0.003, 0.02],
          [-0.2, 0.05, 0.01, -0.1],
          [1e-4, 3e-5, 2e-5, 1e-4],
          [0.3, 0.3, 0.3, 0.3],
          [1e-9, 0, 0, 1e-9],
          [5, -3, 2, 7],
        ];
        for (const fp of fps)
          for (const [w, h] of [
            [256, 256],
            [64, 16],
            [3, 5],
          ])
            cases.push([...fp.map(f32), w, h]);
        const out = await runTexture(
          'lodFromDerivatives',
          gl,
          false,
          'wrap',
          SIZES_2D,
          cases,
          5,
          'vec4 g;\nr[0] = lodFromDerivatives(vec4(arg(0), arg(1), arg(2), arg(3)), vec2(arg(4), arg(5)), g);\nfor (int k = 0; k < 4; k++) r[1 + k] = g[k];',
          'var g: vec4f;\nr[0] = lodFromDerivatives(vec4f(arg(0), arg(1), arg(2), arg(3)), vec2f(arg(4), arg(5)), &g);\nfor (var k = 0; k < 4; k++) { r[1 + k] = g[k]; }',
        );
        const bad = new Mismatches();
        const grad = new Float64Array(4);
        cases.forEach((c, i) => {
          const lod = lodFromDerivatives(c.slice(0, 4), c[4], c[5], grad);
          const what = () => `footprint ${c.slice(0, 4)} on ${c[4]}x${c[5]}: ${out[i]}, want ${lod}, ${grad}`;
          if (lod === -Infinity) bad.check(out[i][0] <= -LOD_LIMIT, what);
          else bad.check(Math.abs(out[i][0] - lod) <= 1e-5 * Math.max(1, Math.abs(lod)), what);
          const max = Math.max(...grad.map(Math.abs));
          bad.check(
            [0, 1, 2, 3].every(k => Math.abs(out[i][1 + k] - grad[k]) <= 1e-4 * max),
            what,
          );
        });
        bad.expectNone('lodFromDerivatives');
      });

      it('chooseLevels (level clamps)', async () => {
        const filters: FilterMode[] = ['linear', 'linear-mipmap-nearest', 'linear-mipmap-linear'];
        const cases: number[][] = [];
        for (const lod of [-1e30, -1, 0, 0.25, 1, 1.5, 2, 2.75, 3, 3.5, 100, 1e30]) {
          for (const maxLevel of [0, 1, 3])
            for (const filter of filters) cases.push([lod, FILTER_CODES[filter], maxLevel]);
        }
        const out = await runTexture(
          'chooseLevels',
          gl,
          false,
          'wrap',
          SIZES_2D,
          cases,
          4,
          'int l0, l1; float f; bool lodActive;\nchooseLevels(arg(0), int(arg(1)), int(arg(2)), l0, l1, f, lodActive);\nr[0] = float(l0); r[1] = float(l1); r[2] = f; r[3] = lodActive ? 1.0 : 0.0;',
          'let c = chooseLevels(arg(0), i32(arg(1)), i32(arg(2)));\nr[0] = f32(c.l0); r[1] = f32(c.l1); r[2] = c.f; r[3] = select(0.0, 1.0, c.lodActive);',
        );
        const bad = new Mismatches();
        cases.forEach(([lod, code, maxLevel], i) => {
          const c = new Lookup();
          chooseLevels(lod, filters[code - 1], maxLevel, c);
          const want = [c.l0, c.l1, c.f, c.lodActive ? 1 : 0];
          bad.check(
            want.every((w, k) => out[i][k] === w),
            () => `lod ${lod} ${filters[code - 1]} max ${maxLevel}: ${out[i]}, want ${want}`,
          );
        });
        bad.expectNone('chooseLevels');
      });
    });

    describe('rasterize math', () => {
      it('pixelCenter', async () => {
        const sizes = [1, 2, 3, 6, 7, 10, 100, 333, 1000, 4095, 8192, 16383];
        const cases = sizes.flatMap(s => [0, 1, Math.floor(s / 3), Math.floor(s / 2), s - 1].map(p => [p, s]));
        const out = await run(
          'pixelCenter',
          gl,
          cases,
          2,
          {
            snippets: BARYCENTRIC,
            body: 'Center c = pixelCenter(ivec2(int(arg(0)), 0), ivec2(int(arg(1)), 1));\nr[0] = c.hi.x; r[1] = c.lo.x;',
          },
          {
            snippets: CORNERS_WGSL,
            body: 'let c = pixelCenter(vec2<i32>(i32(arg(0)), 0), vec2<i32>(i32(arg(1)), 1));\nr[0] = c.hi.x; r[1] = c.lo.x;',
            storage: WGSL_POS,
          },
        );
        const bad = new Mismatches();
        cases.forEach(([p, s], i) => {
          const ref = rm.pixelCenter(p, s);
          const [hi, lo] = out[i];
          bad.check(
            hi === f32(ref) && Math.abs(hi + lo - ref) <= 1e-13,
            () => `(${p}, ${s}): ${hi} + ${lo}, want ${ref}`,
          );
        });
        bad.expectNone('pixelCenter');
      });

      it('edgeFunctions', async () => {
        const out = await run(
          'edgeFunctions',
          gl,
          RASTER_CASES.map(rasterRow),
          3,
          {
            snippets: GLSL_RASTER,
            body: `${GLSL_RASTER_ARGS}vec3 a = edgeFunctions(P[0], P[1], P[2], f);\nr[0] = a.x; r[1] = a.y; r[2] = a.z;`,
          },
          {
            snippets: WGSL_RASTER,
            body: `${WGSL_RASTER_ARGS}let a = edgeFunctions(c, f);\nr[0] = a.x; r[1] = a.y; r[2] = a.z;`,
            storage: WGSL_POS,
          },
        );
        const bad = new Mismatches();
        RASTER_CASES.forEach((c, i) => {
          const {a, scale} = referenceEdges(c);
          for (let k = 0; k < 3; k++) {
            // Exactly on an edge in float64 must be exactly on it in float32 (the tie rule depends on it).
            const ok = a[k] === 0 ? out[i][k] === 0 : Math.abs(out[i][k] - a[k]) <= 1e-6 * scale[k];
            bad.check(ok, () => `${label(c)} a${k}: ${out[i][k]}, want ${a[k]}`);
          }
        });
        bad.expectNone('edgeFunctions');
      });

      it('edgeGradients', async () => {
        const out = await run(
          'edgeGradients',
          gl,
          RASTER_CASES.map(rasterRow),
          6,
          {
            snippets: GLSL_RASTER,
            body: `${GLSL_RASTER_ARGS}vec3 al, be;\nedgeGradients(P[0], P[1], P[2], al, be);\nfor (int k = 0; k < 3; k++) { r[k] = al[k]; r[3 + k] = be[k]; }`,
          },
          {
            snippets: WGSL_RASTER,
            body: `${WGSL_RASTER_ARGS}let e = edgeGradients(c);\nfor (var k = 0; k < 3; k++) { r[k] = e.alpha[k]; r[3 + k] = e.beta[k]; }`,
            storage: WGSL_POS,
          },
        );
        const bad = new Mismatches();
        RASTER_CASES.forEach((c, i) => {
          const {p, alpha, beta} = referenceEdges(c);
          for (let k = 0; k < 3; k++) {
            const [m, n] = [4 * ((k + 1) % 3), 4 * ((k + 2) % 3)];
            const sa = Math.abs(p[m + 1] * p[n + 3]) + Math.abs(p[n + 1] * p[m + 3]);
            const sb = Math.abs(p[n] * p[m + 3]) + Math.abs(p[m] * p[n + 3]);
            bad.check(
              Math.abs(out[i][k] - alpha[k]) <= 1e-6 * sa,
              () => `${label(c)} α${k}: ${out[i][k]}, want ${alpha[k]}`,
            );
            bad.check(
              Math.abs(out[i][3 + k] - beta[k]) <= 1e-6 * sb,
              () => `${label(c)} β${k}: ${out[i][3 + k]}, want ${beta[k]}`,
            );
          }
        });
        bad.expectNone('edgeGradients');
      });

      it('screenDeterminant', async () => {
        const tris = [...TRIANGLES.map(t => t.tri), ...SHARED_EDGES.flatMap(e => [e.a, e.b])];
        const cases = tris.map(t => t.flat().map(f32));
        const out = await run(
          'screenDeterminant',
          gl,
          cases,
          1,
          {
            snippets: GLSL_RASTER,
            body: 'vec4 P[3];\nfor (int k = 0; k < 3; k++) P[k] = vec4(arg(4 * k), arg(4 * k + 1), arg(4 * k + 2), arg(4 * k + 3));\nr[0] = screenDeterminant(P[0], P[1], P[2]);',
          },
          {
            snippets: WGSL_RASTER,
            body: 'let c = Corners(vec4f(arg(0), arg(1), arg(2), arg(3)), vec4f(arg(4), arg(5), arg(6), arg(7)), vec4f(arg(8), arg(9), arg(10), arg(11)));\nr[0] = screenDeterminant(c);',
            storage: WGSL_POS,
          },
        );
        const bad = new Mismatches();
        cases.forEach((row, i) => {
          const p = Float64Array.from(row);
          const det = rm.screenDeterminant(p);
          const scale = [0, 1, 2].reduce((s, k) => {
            const [m, n] = [4 * ((k + 1) % 3), 4 * ((k + 2) % 3)];
            return s + Math.abs(p[4 * k + 3]) * (Math.abs(p[m] * p[n + 1]) + Math.abs(p[n] * p[m + 1]));
          }, 0);
          bad.check(Math.abs(out[i][0] - det) <= 1e-6 * scale, () => `triangle ${i}: ${out[i][0]}, want ${det}`);
        });
        bad.expectNone('screenDeterminant');
      });

      it('coversEdge (the tie rule)', async () => {
        // Every sign combination of s·a, α, β and s, ties (zeros, both signs of zero) included.
        const values = [-1, -0, 0, 1, 2.5e-30];
        const cases: number[][] = [];
        for (const a of values)
          for (const al of values) for (const be of values) for (const s of [-1, 1]) cases.push([a, al, be, s]);
        const out = await run(
          'coversEdge',
          gl,
          cases,
          1,
          {snippets: GLSL_RASTER, body: 'r[0] = coversEdge(arg(0), arg(1), arg(2), arg(3)) ? 1.0 : 0.0;'},
          {
            snippets: WGSL_RASTER,
            body: 'r[0] = select(0.0, 1.0, coversEdge(arg(0), arg(1), arg(2), arg(3)));',
            storage: WGSL_POS,
          },
        );
        const bad = new Mismatches();
        cases.forEach(([a, al, be, s], i) => {
          const want = rm.coversEdge(a, al, be, s) ? 1 : 0;
          bad.check(out[i][0] === want, () => `coversEdge(${a}, ${al}, ${be}, ${s}) = ${out[i][0]}, want ${want}`);
          // The rule itself: the two sides of an edge (all signs flipped) never both cover a point on it.
          if (a === 0 && (al !== 0 || be !== 0)) {
            expect(rm.coversEdge(a, al, be, s) !== rm.coversEdge(-a, -al, -be, s)).toBe(true);
          }
        });
        bad.expectNone('coversEdge');
      });

      it('covers (centers on shared edges and vertices)', async () => {
        const out = await run(
          'covers',
          gl,
          RASTER_CASES.map(rasterRow),
          1,
          {
            snippets: GLSL_RASTER,
            body: `${GLSL_RASTER_ARGS}vec3 a = edgeFunctions(P[0], P[1], P[2], f), al, be;
edgeGradients(P[0], P[1], P[2], al, be);
r[0] = covers(a, al, be, sign(screenDeterminant(P[0], P[1], P[2]))) ? 1.0 : 0.0;`,
          },
          {
            snippets: WGSL_RASTER,
            body: `${WGSL_RASTER_ARGS}let e = edgeGradients(c);
r[0] = select(0.0, 1.0, covers(edgeFunctions(c, f), e.alpha, e.beta, sign(screenDeterminant(c))));`,
            storage: WGSL_POS,
          },
        );
        const bad = new Mismatches();
        const want = RASTER_CASES.map(c => {
          const {a, alpha, beta, det} = referenceEdges(c);
          return rm.covers(a, alpha, beta, Math.sign(det)) ? 1 : 0;
        });
        RASTER_CASES.forEach((c, i) =>
          bad.check(out[i][0] === want[i], () => `${label(c)}: ${out[i][0]}, want ${want[i]}`),
        );
        bad.expectNone('covers');
        // The reference's own promise on the shared edges: each pixel center of the union is covered exactly once.
        for (let e = 0; e < SHARED_EDGES.length; e++) {
          const first = GENERIC_CASES.length + e * 128;
          let onEdge = 0;
          for (let k = 0; k < 64; k++) {
            const c = RASTER_CASES[first + k];
            const inUnion = want[first + k] + want[first + 64 + k];
            expect(inUnion).withContext(`${SHARED_EDGES[e].name} pixel (${c.px}, ${c.py})`).toBeLessThanOrEqual(1);
            // Inside the shared edge (on it, strictly inside both triangles' other edges): covered once.
            const inside = (r: ReturnType<typeof referenceEdges>) => {
              const s = Math.sign(r.det);
              return r.a.filter(x => x === 0).length === 1 && r.a.every(x => x === 0 || s * x > 0);
            };
            if (inside(referenceEdges(c)) && inside(referenceEdges(RASTER_CASES[first + 64 + k]))) {
              onEdge++;
              expect(inUnion).withContext(`${SHARED_EDGES[e].name} pixel (${c.px}, ${c.py}) on the edge`).toBe(1);
            }
          }
          expect(onEdge).withContext(`${SHARED_EDGES[e].name}: centers on an edge`).toBeGreaterThan(2);
        }
      });

      it('depthAt', async () => {
        const out = await run(
          'depthAt',
          gl,
          RASTER_CASES.map(rasterRow),
          1,
          {
            snippets: GLSL_RASTER,
            body: `${GLSL_RASTER_ARGS}r[0] = depthAt(P[0], P[1], P[2], edgeFunctions(P[0], P[1], P[2], f));`,
          },
          {
            snippets: WGSL_RASTER,
            body: `${WGSL_RASTER_ARGS}r[0] = depthAt(c, edgeFunctions(c, f));`,
            storage: WGSL_POS,
          },
        );
        const bad = new Mismatches();
        RASTER_CASES.forEach((c, i) => {
          const {p, a, scale} = referenceEdges(c);
          const zw = rm.depthAt(p, a);
          // Error bound from the edge functions' own (relative to `scale`) through the ratio.
          const num = [0, 1, 2].reduce(
            (s, k) => s + scale[k] * (Math.abs(p[4 * k + 2]) + Math.abs(zw * p[4 * k + 3])),
            0,
          );
          const den = Math.abs(p[3] * a[0] + p[7] * a[1] + p[11] * a[2]);
          bad.check(
            Math.abs(out[i][0] - zw) <= 1e-5 * (num / den) + 1e-6 * Math.abs(zw),
            () => `${label(c)}: ${out[i][0]}, want ${zw}`,
          );
        });
        bad.expectNone('depthAt');
      });

      /** Each case's (u, v, z/w) and rastDb against the cpu's resolvePixel, within 1e-4 scaled by its conditioning. */
      function expectResolvedLikeCpu(out: number[][], name: string): void {
        const bad = new Mismatches();
        const rast = new Float32Array(4),
          db = new Float32Array(4);
        RASTER_CASES.forEach((c, i) => {
          const {p, fx, fy, alpha, beta, kappa} = referenceEdges(c);
          rm.resolvePixel(p, c.width, c.height, rast, db, 0, {
            center: Float64Array.of(fx, fy),
            a: new Float64Array(3),
            alpha,
            beta,
          });
          const dbMax = Math.max(...db.map(Math.abs));
          for (let k = 0; k < 3; k++) {
            bad.check(
              Math.abs(out[i][k] - rast[k]) <= 1e-4 * kappa,
              () => `${label(c)} rast[${k}]: ${out[i][k]}, want ${rast[k]}`,
            );
          }
          for (let k = 0; k < 4; k++) {
            bad.check(
              Math.abs(out[i][3 + k] - db[k]) <= 1e-4 * dbMax * kappa,
              () => `${label(c)} rastDb[${k}]: ${out[i][3 + k]}, want ${db[k]}`,
            );
          }
        });
        bad.expectNone(name);
      }

      it('resolvePixel', async () => {
        const out = await run(
          'resolvePixel',
          gl,
          RASTER_CASES.map(rasterRow),
          7,
          {
            snippets: GLSL_RASTER,
            body: `${GLSL_RASTER_ARGS}vec3 a = edgeFunctions(P[0], P[1], P[2], f), al, be, uvz;
vec4 db;
edgeGradients(P[0], P[1], P[2], al, be);
resolvePixel(P[0], P[1], P[2], a, al, be, vec2(size), uvz, db);
for (int k = 0; k < 3; k++) r[k] = uvz[k];
for (int k = 0; k < 4; k++) r[3 + k] = db[k];`,
          },
          {
            snippets: WGSL_RASTER,
            body: `${WGSL_RASTER_ARGS}let res = resolvePixel(c, edgeFunctions(c, f), vec2f(size));
for (var k = 0; k < 3; k++) { r[k] = res.rast[k]; }
for (var k = 0; k < 4; k++) { r[3 + k] = res.db[k]; }`,
            storage: WGSL_POS,
          },
        );
        expectResolvedLikeCpu(out, 'resolvePixel');
      });

      // Any pixel would do for the planes' precision, but it must be a pixel: a corner on the eye plane (w = 0)
      // has an infinite projection, which must not reach the centroid as 0·∞ = NaN (a NaN's floor, clamp and
      // integer conversion are undefined in GLSL and WGSL). Within one pixel of the float64 centroid: floor at a
      // pixel border may round either way in float32.
      it('referencePixel (the centroid of the corners in front of the eye, in the image)', async () => {
        const rows = TRIANGLES.flatMap(t => t.sizes.map(([w, h]) => [...t.tri.flat().map(f32), 0, 0, w, h]));
        const out = await run(
          'referencePixel',
          gl,
          rows,
          2,
          {
            snippets: GLSL_RASTER + TRIANGLE_PLANES,
            body: `${GLSL_RASTER_ARGS}ivec2 origin = referencePixel(P[0], P[1], P[2], size);
r[0] = float(origin.x);
r[1] = float(origin.y);`,
          },
          {
            snippets: WGSL_RASTER + TRIANGLE_PLANES_WGSL,
            body: `${WGSL_RASTER_ARGS}let origin = referencePixel(c, size);
r[0] = f32(origin.x);
r[1] = f32(origin.y);`,
            storage: WGSL_POS,
          },
        );
        const bad = new Mismatches();
        rows.forEach((row, i) => {
          const front = [0, 1, 2].filter(k => row[4 * k + 3] > 0);
          [0, 1].forEach(axis => {
            const size = row[14 + axis];
            const sum = front.reduce((s, k) => s + row[4 * k + axis] / row[4 * k + 3], 0);
            const want = Math.min(
              Math.max(Math.floor(((sum / Math.max(front.length, 1) + 1) / 2) * size), 0),
              size - 1,
            );
            bad.check(Math.abs(out[i][axis] - want) <= 1, () => `row ${i} axis ${axis}: ${out[i][axis]}, want ${want}`);
          });
        });
        bad.expectNone('referencePixel');
      });

      // Hardware coverage's resolve: the planes about the reference pixel's center, moved to each case's pixel.
      it('trianglePlanes, then resolveEdges', async () => {
        const out = await run(
          'trianglePlanes',
          gl,
          RASTER_CASES.map(rasterRow),
          7,
          {
            snippets: GLSL_RASTER + TRIANGLE_PLANES,
            body: `${GLSL_RASTER_ARGS}ivec2 origin = referencePixel(P[0], P[1], P[2], size);
Planes pl = trianglePlanes(P[0], P[1], P[2], origin, size);
vec2 d = vec2(ivec2(int(arg(12)), int(arg(13))) - origin);
vec3 uvz;
vec4 db;
resolveEdges(pl.at + pl.dx * d.x + pl.dy * d.y, pl.dx.xyz, pl.dy.xyz, uvz, db);
for (int k = 0; k < 3; k++) r[k] = uvz[k];
for (int k = 0; k < 4; k++) r[3 + k] = db[k];`,
          },
          {
            snippets: WGSL_RASTER + TRIANGLE_PLANES_WGSL,
            body: `${WGSL_RASTER_ARGS}let origin = referencePixel(c, size);
let pl = trianglePlanes(c, origin, size);
let d = vec2f(vec2<i32>(i32(arg(12)), i32(arg(13))) - origin);
let res = resolveEdges(pl.at + pl.dx * d.x + pl.dy * d.y, pl.dx.xyz, pl.dy.xyz);
for (var k = 0; k < 3; k++) { r[k] = res.rast[k]; }
for (var k = 0; k < 4; k++) { r[3 + k] = res.db[k]; }`,
            storage: WGSL_POS,
          },
        );
        expectResolvedLikeCpu(out, 'trianglePlanes');
      });

      it('resolvePixelGrad', async () => {
        const out = await run(
          'resolvePixelGrad',
          gl,
          RASTER_CASES.map(rasterRow),
          9,
          {
            snippets: GLSL_RASTER,
            body: `${GLSL_RASTER_ARGS}vec4 dp[3];
resolvePixelGrad(P, f, vec2(size), vec2(arg(16), arg(17)), arg(22) != 0.0, vec4(arg(18), arg(19), arg(20), arg(21)), dp);
for (int k = 0; k < 3; k++) { r[3 * k] = dp[k].x; r[3 * k + 1] = dp[k].y; r[3 * k + 2] = dp[k].w; }`,
          },
          {
            snippets: WGSL_RASTER,
            body: `${WGSL_RASTER_ARGS}var dp = resolvePixelGrad(c, edgeGradients(c), f, vec2f(size), arg(16), arg(17), vec4f(arg(18), arg(19), arg(20), arg(21)), arg(22) != 0.0);
for (var k = 0; k < 3; k++) { r[3 * k] = dp[k].x; r[3 * k + 1] = dp[k].y; r[3 * k + 2] = dp[k].z; }`,
            storage: WGSL_POS,
          },
        );
        const bad = new Mismatches();
        const dp = new Float64Array(12),
          scratch = rm.rasterScratch();
        RASTER_CASES.forEach((c, i) => {
          const {p, fx, fy, kappa} = referenceEdges(c);
          dp.fill(0);
          rm.edgeGradients(p, scratch.alpha, scratch.beta);
          scratch.center[0] = fx;
          scratch.center[1] = fy;
          rm.resolvePixelGrad(p, c.width, c.height, c.g, c.hasDb ? c.g.slice(2) : null, 0, dp, scratch);
          const want = [0, 1, 2].flatMap(k => [dp[4 * k], dp[4 * k + 1], dp[4 * k + 3]]);
          const max = Math.max(...want.map(Math.abs));
          for (let k = 0; k < 9; k++) {
            bad.check(
              Math.abs(out[i][k] - want[k]) <= 1e-4 * max * kappa,
              () => `${label(c)} d[${k}]: ${out[i][k]}, want ${want[k]}`,
            );
          }
        });
        bad.expectNone('resolvePixelGrad');
      });
    });
  },
  ['cpu', 'wasm'],
);
