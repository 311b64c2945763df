/** Meshes the samples generate in code. */

export type Vec3 = [number, number, number];

/** A point on the unit sphere from latitude (−π/2 south … π/2 north) and longitude; y is up. */
export function sphericalToVector(lat: number, lon: number): Vec3 {
  return [Math.cos(lat) * Math.cos(lon), Math.sin(lat), -Math.cos(lat) * Math.sin(lon)];
}

export interface UvSphere {
  /** [V,3] welded positions: one vertex per pole, no duplicate along the seam. */
  positions: number[][];
  triangles: number[][];
  /** [U,2] texture coordinates: s = longitude / 2π, t = 0 at the south pole, 1 at the north. */
  uvs: number[][];
  /** [T,3] indices into `uvs`, triangle by triangle like `triangles`. */
  uvTriangles: number[][];
}

/**
 * The unit sphere as a latitude/longitude grid. The texture seam (s = 0 ≡ 1) and the poles need
 * texture coordinates that positions must not have (welded positions keep antialias's topology
 * whole), so the texture coordinates have their own index buffer.
 */
export function uvSphere(segments: number, rings: number): UvSphere {
  const positions: number[][] = [sphericalToVector(-Math.PI / 2, 0), sphericalToVector(Math.PI / 2, 0)];
  for (let j = 1; j < rings; j++) {
    for (let i = 0; i < segments; i++) {
      positions.push(sphericalToVector(Math.PI * (j / rings - 0.5), (2 * Math.PI * i) / segments));
    }
  }
  // The grid of texture coordinates has a column at s = 1 too; the pole rows sit mid-segment.
  const uvs: number[][] = [];
  for (let j = 0; j <= rings; j++) {
    for (let i = 0; i <= segments; i++) uvs.push([(j === 0 || j === rings ? i + 0.5 : i) / segments, j / rings]);
  }
  const vertex = (i: number, j: number) => (j === 0 ? 0 : j === rings ? 1 : 2 + (j - 1) * segments + (i % segments));
  const uv = (i: number, j: number) => j * (segments + 1) + i;
  const triangles: number[][] = [],
    uvTriangles: number[][] = [];
  const add = (corners: number[][]) => {
    triangles.push(corners.map(([i, j]) => vertex(i, j)));
    uvTriangles.push(corners.map(([i, j]) => uv(i, j)));
  };
  for (let j = 0; j < rings; j++) {
    for (let i = 0; i < segments; i++) {
      if (j === 0)
        add([
          [i, 0],
          [i + 1, 1],
          [i, 1],
        ]); // south cap: one triangle per segment
      else if (j === rings - 1)
        add([
          [i, j],
          [i + 1, j],
          [i, j + 1],
        ]); // north cap
      else {
        add([
          [i, j],
          [i + 1, j],
          [i + 1, j + 1],
        ]);
        add([
          [i, j],
          [i + 1, j + 1],
          [i, j + 1],
        ]);
      }
    }
  }
  return {positions, triangles, uvs, uvTriangles};
}

export interface Mesh {
  positions: number[][];
  triangles: number[][];
}

/** The unit icosahedron subdivided `levels` times and pushed onto the sphere: 20·4^levels triangles. */
export function icosphere(levels: number): Mesh {
  const t = (1 + Math.sqrt(5)) / 2;
  const positions: number[][] = [
    [-1, t, 0],
    [1, t, 0],
    [-1, -t, 0],
    [1, -t, 0],
    [0, -1, t],
    [0, 1, t],
    [0, -1, -t],
    [0, 1, -t],
    [t, 0, -1],
    [t, 0, 1],
    [-t, 0, -1],
    [-t, 0, 1],
  ].map(normalize);
  let triangles = [
    [0, 11, 5],
    [0, 5, 1],
    [0, 1, 7],
    [0, 7, 10],
    [0, 10, 11],
    [1, 5, 9],
    [5, 11, 4],
    [11, 10, 2],
    [10, 7, 6],
    [7, 1, 8],
    [3, 9, 4],
    [3, 4, 2],
    [3, 2, 6],
    [3, 6, 8],
    [3, 8, 9],
    [4, 9, 5],
    [2, 4, 11],
    [6, 2, 10],
    [8, 6, 7],
    [9, 8, 1],
  ];
  for (let l = 0; l < levels; l++) {
    const midpoints = new Map<string, number>();
    const midpoint = (a: number, b: number) => {
      const key = a < b ? `${a},${b}` : `${b},${a}`;
      let m = midpoints.get(key);
      if (m === undefined) {
        m = positions.push(normalize(positions[a].map((x, k) => x + positions[b][k]))) - 1;
        midpoints.set(key, m);
      }
      return m;
    };
    triangles = triangles.flatMap(([a, b, c]) => {
      const ab = midpoint(a, b),
        bc = midpoint(b, c),
        ca = midpoint(c, a);
      return [
        [a, ab, ca],
        [b, bc, ab],
        [c, ca, bc],
        [ab, bc, ca],
      ];
    });
  }
  return {positions, triangles};
}

function normalize(v: number[]): number[] {
  const n = Math.hypot(...v);
  return v.map(x => x / n);
}

/** Area-weighted vertex normals of a closed mesh. */
export function vertexNormals({positions, triangles}: Mesh): number[][] {
  const normals = positions.map(() => [0, 0, 0]);
  for (const [a, b, c] of triangles) {
    const [p, q, r] = [positions[a], positions[b], positions[c]];
    const u = [q[0] - p[0], q[1] - p[1], q[2] - p[2]],
      v = [r[0] - p[0], r[1] - p[1], r[2] - p[2]];
    const n = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]]; // |n| = 2·area
    for (const k of [a, b, c]) for (let i = 0; i < 3; i++) normals[k][i] += n[i];
  }
  return normals.map(normalize);
}

/** Per triangle of `meshes.cube()`, the index of its face (triangles 2f and 2f+1 make face f). */
export function cubeFaceIndices(triangles: number[][]): number[][] {
  return triangles.map((_, t) => [t >> 1, t >> 1, t >> 1]);
}
