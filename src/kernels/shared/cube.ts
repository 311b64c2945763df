/**
 * Cube map geometry (docs/texture.md#cube-maps), shared by every backend: which face a direction hits, where on
 * that face, and which texel of which face lies just past each face edge.
 *
 * Faces are +X, −X, +Y, −Y, +Z, −Z (index 2·axis + negative). On face f, with M the major
 * component and m = 1/(2|M|): s = ½ + sSign·d[sAxis]·m, t = ½ + tSign·d[tAxis]·m.
 */

export interface CubeFace {
  major: number;
  sAxis: number;
  sSign: number;
  tAxis: number;
  tSign: number;
}

export const CUBE_FACES: readonly CubeFace[] = [
  {major: 0, sAxis: 2, sSign: -1, tAxis: 1, tSign: -1}, // +X: (½ − z·m, ½ − y·m)
  {major: 0, sAxis: 2, sSign: 1, tAxis: 1, tSign: -1}, // −X: (½ + z·m, ½ − y·m)
  {major: 1, sAxis: 0, sSign: 1, tAxis: 2, tSign: 1}, // +Y: (½ + x·m, ½ + z·m)
  {major: 1, sAxis: 0, sSign: 1, tAxis: 2, tSign: -1}, // −Y: (½ + x·m, ½ − z·m)
  {major: 2, sAxis: 0, sSign: 1, tAxis: 1, tSign: -1}, // +Z: (½ + x·m, ½ − y·m)
  {major: 2, sAxis: 0, sSign: -1, tAxis: 1, tSign: -1}, // −Z: (½ − x·m, ½ − y·m)
];

/** The face a direction hits: major axis z if |z| > max(|x|,|y|), else y if |y| > |x|, else x. */
export function cubeFaceOf(x: number, y: number, z: number): number {
  const ax = Math.abs(x),
    ay = Math.abs(y),
    az = Math.abs(z);
  if (az > Math.max(ax, ay)) return 4 + (z < 0 ? 1 : 0);
  if (ay > ax) return 2 + (y < 0 ? 1 : 0);
  return x < 0 ? 1 : 0;
}

/** (s, t) of direction d on face f, unclamped. */
export function cubeFaceCoords(f: number, d: readonly number[]): [number, number] {
  const {major, sAxis, sSign, tAxis, tSign} = CUBE_FACES[f];
  const m = 1 / (2 * Math.abs(d[major]));
  return [0.5 + sSign * d[sAxis] * m, 0.5 + tSign * d[tAxis] * m];
}

/** The direction (with |major| = 1) that lands on (s, t) of face f. */
function cubeFaceDirection(f: number, s: number, t: number): number[] {
  const {major, sAxis, sSign, tAxis, tSign} = CUBE_FACES[f];
  const d = [0, 0, 0];
  d[major] = f % 2 === 0 ? 1 : -1;
  d[sAxis] = sSign * (2 * s - 1);
  d[tAxis] = tSign * (2 * t - 1);
  return d;
}

/**
 * Where texel index k along an edge lands on the neighbouring face: each coordinate of the
 * neighbour texel is one of 0, S−1, k or S−1−k.
 */
export enum EdgeIndex {
  Zero = 0,
  Last = 1,
  Along = 2,
  AlongReversed = 3,
}

/** The neighbour across one edge of a face. */
export interface CubeEdge {
  face: number;
  i: EdgeIndex;
  j: EdgeIndex;
}

/** Edges of a face, in the order of CUBE_EDGES' inner arrays: i = −1, i = S, j = −1, j = S. */
export const CUBE_EDGE_LEFT = 0,
  CUBE_EDGE_RIGHT = 1,
  CUBE_EDGE_BOTTOM = 2,
  CUBE_EDGE_TOP = 3;

/** The index (i or j) of texel k along a neighbour's edge: 0, S − 1, k or S − 1 − k. */
export function edgeIndexValue(kind: EdgeIndex, k: number, size: number): number {
  return [0, size - 1, k, size - 1 - k][kind];
}

/**
 * CUBE_EDGES[f][edge]: the texel just past `edge` of face f, derived from the projection itself
 * (extend the face plane one texel, project back onto the cube), so the table cannot disagree
 * with cubeFaceOf/cubeFaceCoords.
 */
export const CUBE_EDGES: readonly (readonly CubeEdge[])[] = (() => {
  const size = 8;
  const kinds = [EdgeIndex.Zero, EdgeIndex.Last, EdgeIndex.Along, EdgeIndex.AlongReversed];
  return CUBE_FACES.map((_, f) =>
    [CUBE_EDGE_LEFT, CUBE_EDGE_RIGHT, CUBE_EDGE_BOTTOM, CUBE_EDGE_TOP].map(edge => {
      const hits = Array.from({length: size}, (_, k) => {
        const i = edge === CUBE_EDGE_LEFT ? -1 : edge === CUBE_EDGE_RIGHT ? size : k;
        const j = edge === CUBE_EDGE_BOTTOM ? -1 : edge === CUBE_EDGE_TOP ? size : k;
        const d = cubeFaceDirection(f, (i + 0.5) / size, (j + 0.5) / size);
        const face = cubeFaceOf(d[0], d[1], d[2]);
        const [s, t] = cubeFaceCoords(face, d);
        return {face, i: Math.floor(s * size), j: Math.floor(t * size)};
      });
      const fit = (axis: 'i' | 'j') =>
        kinds.find(kind => hits.every((h, k) => h[axis] === edgeIndexValue(kind, k, size)));
      const i = fit('i'),
        j = fit('j');
      if (i === undefined || j === undefined || hits.some(h => h.face !== hits[0].face)) {
        throw new Error(`cube map: no consistent neighbour across edge ${edge} of face ${f}`);
      }
      return {face: hits[0].face, i, j};
    }),
  );
})();

/** The texel (face, i, j) of a tap at (i, j) on face f with exactly one of i, j off the face. */
export function cubeNeighbourTexel(f: number, i: number, j: number, size: number): [number, number, number] {
  const edge = i < 0 ? CUBE_EDGE_LEFT : i >= size ? CUBE_EDGE_RIGHT : j < 0 ? CUBE_EDGE_BOTTOM : CUBE_EDGE_TOP;
  const k = edge <= CUBE_EDGE_RIGHT ? j : i;
  const n = CUBE_EDGES[f][edge];
  return [n.face, edgeIndexValue(n.i, k, size), edgeIndexValue(n.j, k, size)];
}
