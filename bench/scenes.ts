/** Benchmark scenes: meshes in clip space, as plain arrays both the subject and yardsticks use. */

export interface ClipMesh {
  /** [V,4] clip-space positions, flattened. */
  positions: Float32Array;
  /** [T,3] vertex indices, flattened. */
  triangles: Int32Array;
  numVertices: number;
  numTriangles: number;
}

/**
 * A latitude–longitude sphere of about `targetTriangles` triangles seen by a perspective camera,
 * filling about two thirds of a square image (front and back faces both drawn: depth complexity 2).
 */
export function sphere(targetTriangles: number): ClipMesh {
  const stacks = Math.max(2, Math.round(Math.sqrt(targetTriangles / 4)));
  const slices = Math.max(3, Math.round(targetTriangles / (2 * stacks)));
  const verts: number[] = [];
  for (let i = 0; i <= stacks; i++) {
    const phi = Math.PI * i / stacks;
    for (let j = 0; j < slices; j++) {
      const theta = 2 * Math.PI * j / slices;
      verts.push(Math.sin(phi) * Math.cos(theta), Math.cos(phi), Math.sin(phi) * Math.sin(theta));
    }
  }
  const tris: number[] = [];
  for (let i = 0; i < stacks; i++) {
    for (let j = 0; j < slices; j++) {
      const a = i * slices + j, b = i * slices + (j + 1) % slices, c = a + slices, d = b + slices;
      tris.push(a, c, b, b, c, d);
    }
  }
  // Camera at z = 3 looking down −z, 45° vertical field of view, near 0.1, far 10.
  const f = 1 / Math.tan(Math.PI / 8), near = 0.1, far = 10;
  const numVertices = verts.length / 3;
  const positions = new Float32Array(numVertices * 4);
  for (let v = 0; v < numVertices; v++) {
    const [x, y, z] = [verts[3 * v], verts[3 * v + 1], verts[3 * v + 2] - 3];
    positions.set([f * x, f * y, (far + near) / (near - far) * z + 2 * far * near / (near - far), -z], 4 * v);
  }
  return {positions, triangles: Int32Array.from(tris), numVertices, numTriangles: tris.length / 3};
}
