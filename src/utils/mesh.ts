/** Small meshes generated in code, for tests, samples and quick starts. */

export interface Mesh {
  /** [V,3] vertex positions. */
  positions: number[][];
  /** [T,3] vertex indices, counter-clockwise seen from outside. */
  triangles: number[][];
}

/** The cube [−s, s]³: 8 vertices shared by 12 triangles (so every edge has two neighbours). */
export function cube(s = 0.5): Mesh {
  const positions: number[][] = [];
  for (let i = 0; i < 8; i++) positions.push([i & 1 ? s : -s, i & 2 ? s : -s, i & 4 ? s : -s]);
  // Each face as four corner indices, counter-clockwise from outside.
  const faces = [
    [0, 4, 6, 2],
    [1, 3, 7, 5],
    [0, 1, 5, 4],
    [2, 6, 7, 3],
    [0, 2, 3, 1],
    [4, 5, 7, 6],
  ];
  const triangles = faces.flatMap(([a, b, c, d]) => [
    [a, b, c],
    [a, c, d],
  ]);
  return {positions, triangles};
}
