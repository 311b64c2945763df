/**
 * The index list of the hardware-coverage draws (docs/rasterize.md#backend-differences): an indexed draw whose
 * flat outputs (the triangle and its three vertices) come from each triangle's provoking vertex (the last on
 * WebGL, the first on WebGPU). Triangles take, in order, a corner no earlier triangle provokes from; a triangle
 * whose corners are all taken gets a copy of its corner 0. So the vertices stay shared (the pipeline's vertex
 * cache shades each about once per neighbourhood, where a draw of three vertices per triangle shades every one)
 * and each vertex provokes at most one triangle.
 *
 * Vertex i reads triangle `triangle[i]`'s corners (`corners[4i..4i+2]`) and is its corner `corners[4i+3]`: the
 * one it provokes, else any that uses it (the same work for every vertex). Corners outside [0, V) make a
 * triangle invalid: it is drawn as vertex `dummy` three times, which draws nothing (triangle −1).
 */
export interface ProvokingMesh {
  indices: Uint32Array;
  triangle: Int32Array;
  corners: Int32Array;
}

/** An upper bound of a provoking mesh's bytes: its index list, and a triangle and 4 corners per vertex and copy. */
export function provokingMeshBytes(numVertices: number, numTriangles: number): number {
  return 12 * numTriangles + 20 * (numVertices + numTriangles + 1);
}

export function provokingMesh(tri: ArrayLike<number>, numVertices: number, provoking: 'first' | 'last'): ProvokingMesh {
  const count = Math.floor(tri.length / 3);
  const indices = new Uint32Array(3 * count);
  // Vertex v's triangle and corner (−1: none yet); provokes[v]: whether it provokes that triangle.
  const triangle: number[] = new Array(numVertices).fill(-1);
  const corner: number[] = new Array(numVertices).fill(0);
  const provokes = new Uint8Array(numVertices);
  const copies: Array<[number, number]> = [];
  let dummy = -1;
  for (let t = 0; t < count; t++) {
    const k = [tri[3 * t], tri[3 * t + 1], tri[3 * t + 2]];
    if (!k.every(v => v >= 0 && v < numVertices)) {
      if (dummy < 0) dummy = numVertices + count; // past every copy
      indices.fill(dummy, 3 * t, 3 * t + 3);
      continue;
    }
    let c = k.findIndex(v => !provokes[v]);
    let own: number;
    if (c < 0) {
      c = 0;
      own = numVertices + copies.length;
      copies.push([t, 0]);
    } else {
      own = k[c];
      provokes[own] = 1;
      triangle[own] = t;
      corner[own] = c;
    }
    for (let j = 0; j < 3; j++) {
      if (triangle[k[j]] < 0) {
        triangle[k[j]] = t;
        corner[k[j]] = j;
      }
    }
    // Rotations keep the winding.
    const a = k[(c + 1) % 3],
      b = k[(c + 2) % 3];
    indices.set(provoking === 'last' ? [a, b, own] : [own, a, b], 3 * t);
  }
  const total = numVertices + copies.length + (dummy >= 0 ? 1 : 0);
  const triangles = new Int32Array(total).fill(-1);
  const corners = new Int32Array(4 * total);
  const put = (v: number, t: number, c: number) => {
    triangles[v] = t;
    corners.set([tri[3 * t], tri[3 * t + 1], tri[3 * t + 2], c], 4 * v);
  };
  for (let v = 0; v < numVertices; v++) if (triangle[v] >= 0) put(v, triangle[v], corner[v]);
  copies.forEach(([t, c], i) => put(numVertices + i, t, c));
  if (dummy >= 0) {
    // Renumber the dummy to the last vertex.
    const last = total - 1;
    for (let i = 0; i < indices.length; i++) if (indices[i] === dummy) indices[i] = last;
  }
  return {indices, triangle: triangles, corners};
}
