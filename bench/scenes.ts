/**
 * Benchmark scenes: the meshes of the grid as plain arrays (object space, with per-vertex texture
 * coordinates), the camera that puts them in clip space, and the textures the texture rows read.
 */
import * as mat4 from '../src/utils/matrix';
import {cube} from '../src/utils/mesh';

export interface Scene {
  /** e.g. 'cube', 'sphere 100k'. */
  name: string;
  /** [V,3] object-space positions, flattened. */
  positions: Float32Array;
  /** [V,2] texture coordinates (a planar projection repeated twice: wraps), flattened. */
  uvs: Float32Array;
  /** [T,3] vertex indices, flattened. */
  triangles: Int32Array;
  numVertices: number;
  numTriangles: number;
  /** [V,4] clip-space positions under `CAMERA`, flattened. */
  clip: Float32Array;
}

/** The grid's triangle counts (nominal; spheres land within 1 % of them). */
export const MESH_SIZES = [12, 5_000, 100_000, 1_000_000] as const;

/** Camera at z = 3 looking down −z, 45° vertical field of view: a unit sphere fills about 2/3 of the image. */
export const CAMERA = mat4.compose(mat4.perspective(Math.tan(Math.PI / 8), 0.1, 10), mat4.translate(0, 0, -3));

/** The cube (12 triangles) for 12, else a latitude–longitude sphere of about `triangles` triangles. */
export function gridScene(triangles: number): Scene {
  if (triangles === 12) {
    const c = cube(0.6);
    // Turned so three faces show, as a fitted cube usually is.
    const turn = mat4.compose(mat4.rotateX(0.5), mat4.rotateY(0.6));
    const positions = transformPoints(turn, Float32Array.from(c.positions.flat()), 0);
    return makeScene('cube', positions, Int32Array.from(c.triangles.flat()));
  }
  return sphere(triangles);
}

/** A unit latitude–longitude sphere of about `targetTriangles` triangles (front and back faces: depth complexity 2). */
function sphere(targetTriangles: number): Scene {
  const stacks = Math.max(2, Math.round(Math.sqrt(targetTriangles / 4)));
  const slices = Math.max(3, Math.round(targetTriangles / (2 * stacks)));
  const positions = new Float32Array(3 * (stacks + 1) * slices);
  for (let i = 0, k = 0; i <= stacks; i++) {
    const phi = (Math.PI * i) / stacks;
    for (let j = 0; j < slices; j++, k += 3) {
      const theta = (2 * Math.PI * j) / slices;
      positions.set([Math.sin(phi) * Math.cos(theta), Math.cos(phi), Math.sin(phi) * Math.sin(theta)], k);
    }
  }
  const triangles = new Int32Array(6 * stacks * slices);
  for (let i = 0, k = 0; i < stacks; i++) {
    for (let j = 0; j < slices; j++, k += 6) {
      const a = i * slices + j,
        b = i * slices + ((j + 1) % slices),
        c = a + slices,
        d = b + slices;
      triangles.set([a, c, b, b, c, d], k);
    }
  }
  const n = triangles.length / 3;
  const name = n >= 1e6 ? `sphere ${Math.round(n / 1e5) / 10}M` : `sphere ${Math.round(n / 1e3)}k`;
  return makeScene(name, positions, triangles);
}

/**
 * A plane filling the whole image (clip space = object space, w = 1) of `cells`² squares, two
 * triangles each: 1 cell is issue 4's full-screen quad, 50 its 5k-triangle mesh on the same pixels.
 */
export function screenPlane(cells: number): Scene {
  const n = cells + 1;
  const positions = new Float32Array(3 * n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) positions.set([(2 * j) / cells - 1, (2 * i) / cells - 1, 0], 3 * (i * n + j));
  }
  const triangles = new Int32Array(6 * cells * cells);
  for (let i = 0, k = 0; i < cells; i++) {
    for (let j = 0; j < cells; j++, k += 6) {
      const a = i * n + j,
        b = a + 1,
        c = a + n,
        d = c + 1;
      triangles.set([a, b, c, b, d, c], k);
    }
  }
  const clip = new Float32Array(4 * n * n);
  for (let v = 0; v < n * n; v++) clip.set([positions[3 * v], positions[3 * v + 1], 0, 1], 4 * v);
  return makeScene(
    cells === 1 ? 'full-screen quad' : `screen grid ${Math.round((2 * cells * cells) / 1e3)}k`,
    positions,
    triangles,
    clip,
  );
}

function makeScene(name: string, positions: Float32Array, triangles: Int32Array, clip?: Float32Array): Scene {
  const numVertices = positions.length / 3;
  const uvs = new Float32Array(2 * numVertices);
  for (let v = 0; v < numVertices; v++) uvs.set([positions[3 * v] + 1, positions[3 * v + 1] + 1], 2 * v);
  return {
    name,
    positions,
    uvs,
    triangles,
    numVertices,
    numTriangles: triangles.length / 3,
    clip: clip ?? transformPoints(CAMERA, positions, 1),
  };
}

/** M·[x, y, z, 1]ᵀ for every point; keeps (x, y, z) when `keepW` is 0, else all four. */
function transformPoints(m: mat4.Mat4, positions: Float32Array, keepW: 0 | 1): Float32Array {
  const n = positions.length / 3,
    stride = 3 + keepW;
  const out = new Float32Array(stride * n);
  for (let v = 0; v < n; v++) {
    const p = [positions[3 * v], positions[3 * v + 1], positions[3 * v + 2], 1];
    for (let r = 0; r < stride; r++)
      out[stride * v + r] = m[4 * r] * p[0] + m[4 * r + 1] * p[1] + m[4 * r + 2] * p[2] + m[4 * r + 3];
  }
  return out;
}

/** Deterministic values in [0, 1): textures and upstream gradients that are the same on every backend and run. */
export function pseudoRandom(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (s >>> 0) / 2 ** 32;
  }
  return out;
}
