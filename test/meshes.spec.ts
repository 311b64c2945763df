import * as tf from '@tensorflow/tfjs';

import * as dr from '../src/index';

import {describeEachBackend} from './util/backends';
import {expectError} from './util/errors';

/** The cube split per face, as loaders give it: 24 vertices (4 per face), each with its own uv. */
function splitCube(): dr.TriangleMesh {
  const {positions, triangles} = dr.meshes.cube();
  const pos: number[] = [],
    uvs: number[] = [],
    indices: number[] = [];
  const corners = [
    [0, 0],
    [1, 0],
    [1, 1],
    [0, 1],
  ];
  for (let f = 0; f < 6; f++) {
    // Triangles 2f, 2f+1 are (a, b, c), (a, c, d) of face f.
    const [a, b, c] = triangles[2 * f],
      d = triangles[2 * f + 1][2];
    [a, b, c, d].forEach((v, k) => {
      pos.push(...positions[v]);
      uvs.push(...corners[k]);
    });
    indices.push(4 * f, 4 * f + 1, 4 * f + 2, 4 * f, 4 * f + 2, 4 * f + 3);
  }
  return {positions: Float32Array.from(pos), indices: Uint32Array.from(indices), uvs: Float32Array.from(uvs)};
}

const MVP = dr.mat4.compose(
  dr.mat4.perspective(0.5, 1, 20),
  dr.mat4.translate(0, 0, -3),
  dr.mat4.rotateX(0.5),
  dr.mat4.rotateY(0.7),
);

describeEachBackend('meshes', () => {
  it('weld merges equal positions and keeps the attributes on their own index list', () => {
    const split = splitCube();
    const welded = dr.meshes.weld(split);
    expect(welded.positions.length).toBe(8 * 3);
    expect(welded.indices.length).toBe(36);
    expect([...welded.attributeIndices!]).toEqual([...split.indices]);
    expect(welded.uvs).toBe(split.uvs);
    // Every corner of every triangle keeps its position.
    for (let k = 0; k < 36; k++) {
      for (let c = 0; c < 3; c++) {
        expect(welded.positions[3 * welded.indices[k] + c]).toBe(split.positions[3 * split.indices[k] + c]);
      }
    }
  });

  it('weld with a tolerance merges near positions, drops collapsed triangles, keeps far ones', () => {
    const mesh: dr.TriangleMesh = {
      positions: Float32Array.from([0, 0, 0, 1, 0, 0, 0, 1, 0, 1e-4, -1e-4, 0, 1, 1e-4, 0, 0.5, 0.5, 0.01]),
      indices: Uint32Array.from([0, 1, 2, 3, 2, 4, 0, 3, 5]),
    };
    const welded = dr.meshes.weld(mesh, {tolerance: 1e-3});
    expect(welded.positions.length).toBe(4 * 3);
    expect([...welded.indices]).toEqual([0, 1, 2, 0, 2, 1]);
    expect(welded.attributeIndices).toBeUndefined();
    expect(dr.meshes.weld(mesh).positions.length).toBe(6 * 3);
  });

  it('antialias sees the welded cube as closed: the same image as the 8-vertex cube', async () => {
    const welded = dr.meshes.toTensors(dr.meshes.weld(splitCube()));
    const native = dr.meshes.cube();
    const render = (pos: tf.Tensor2D, tri: tf.Tensor2D) => {
      const clip = dr.mat4.transformPos(MVP, pos);
      const {rast} = dr.rasterize(clip, tri, [32, 32]);
      // Colour by position: the same function on both meshes.
      const {out} = dr.interpolate(tf.add(tf.mul(pos, 0.8), 0.5), rast, tri);
      return dr.antialias(out, rast, clip, tri);
    };
    const a = await render(welded.pos, welded.tri).data<'float32'>();
    const b = await render(tf.tensor2d(native.positions), tf.tensor2d(native.triangles, undefined, 'int32')).data();
    const maxDiff = a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
    expect(maxDiff).toBeLessThan(1e-5);
    // The split cube has no shared edges: antialias treats inner edges as silhouettes and differs.
    const split = dr.meshes.toTensors(splitCube());
    const c = await render(split.pos, split.tri).data<'float32'>();
    expect(c.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0)).toBeGreaterThan(0.01);
    // The uvs, looked up through attrTri, are the split mesh's.
    const {rast} = dr.rasterize(dr.mat4.transformPos(MVP, welded.pos), welded.tri, [16, 16]);
    const uvW = await dr.interpolate(welded.uvs!, rast, welded.attrTri).out.data();
    const uvS = await dr.interpolate(split.uvs!, rast, split.tri).out.data();
    expect(uvW).toEqual(uvS);
  });

  it('batchMeshes: image m of a range-mode render is mesh m drawn alone', async () => {
    const cube = dr.meshes.fromArrays(dr.meshes.cube(0.6));
    const tetra: dr.TriangleMesh = {
      positions: Float32Array.from([0, 0.7, 0, -0.6, -0.4, 0.3, 0.6, -0.4, 0.3, 0, -0.4, -0.6]),
      indices: Uint32Array.from([0, 1, 2, 0, 2, 3, 0, 3, 1, 1, 3, 2]),
    };
    const {mesh, ranges, vertexRanges} = dr.meshes.batchMeshes([tetra, cube, tetra]);
    expect(ranges).toEqual([
      [0, 4],
      [4, 12],
      [16, 4],
    ]);
    expect(vertexRanges).toEqual([
      [0, 4],
      [4, 8],
      [12, 4],
    ]);
    const t = dr.meshes.toTensors(mesh);
    const {rast} = dr.rasterize(tf.squeeze(dr.mat4.transformPos(MVP, t.pos), [0]), t.tri, [16, 16], {ranges});
    const ids = await tf.slice(rast, [0, 0, 0, 3], [-1, -1, -1, 1]).data();
    for (const [m, single] of [tetra, cube, tetra].entries()) {
      const s = dr.meshes.toTensors(single);
      const alone = await tf
        .slice(dr.rasterize(dr.mat4.transformPos(MVP, s.pos), s.tri, [16, 16]).rast, [0, 0, 0, 3], [-1, -1, -1, 1])
        .data();
      const offset = ranges[m][0];
      alone.forEach((id, i) => expect(ids[m * 256 + i]).toBe(id === 0 ? 0 : id + offset));
    }
  });

  it('batchMeshes offsets attribute indices; toTensors flips the texture to t = 0 at row 0', async () => {
    const a = dr.meshes.weld(splitCube());
    const b: dr.TriangleMesh = {
      ...splitCube(),
      texture: {
        width: 2,
        height: 2,
        channels: 3,
        data: Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]),
      },
    };
    const {mesh} = dr.meshes.batchMeshes([a, b]);
    expect(mesh.uvs!.length).toBe(2 * 24 * 2);
    expect([...mesh.attributeIndices!.slice(36)]).toEqual([...b.indices].map(i => i + 24));
    expect([...mesh.indices.slice(36)]).toEqual([...b.indices].map(i => i + 8));
    const tex = await dr.meshes.toTensors(b).texture!.array();
    // Image row 0 (top) holds red, green; tensor row 0 is the bottom: blue, white.
    expect(tex[0][0]).toEqual([
      [0, 0, 1],
      [1, 1, 1],
    ]);
    expect(tex[0][1][0]).toEqual([1, 0, 0]);
  });

  it('reject bad input with errors naming it', () => {
    expectError(
      () => dr.meshes.weld({positions: new Float32Array(6), indices: Uint32Array.from([0, 1, 2])}),
      'weld: indices must be below the vertex count 2, got 2',
    );
    expectError(
      () => dr.meshes.weld(splitCube(), {tolerance: -1}),
      'weld: tolerance must be a finite number ≥ 0, got -1',
    );
    expectError(() => dr.meshes.batchMeshes([]), 'batchMeshes: meshes must be a non-empty list');
    expectError(
      () => dr.meshes.batchMeshes([splitCube(), dr.meshes.fromArrays(dr.meshes.cube())]),
      'batchMeshes: every mesh or none must have uvs, got them on meshes [0] of 2',
    );
  });
});
