/**
 * Where hardware coverage may differ from the exact rule (docs/testing.md): a pixel whose center
 * lies within `tol` pixels of an edge of a triangle that could win it (one whose edges, moved out
 * by `tol`, contain the center), or of its near/far clip line, or whose two nearest candidates'
 * depths are tied within what moving the center by `tol` changes. Everywhere else the ids must
 * agree. Positions must have w > 0 (test scenes keep it so).
 */
import {decodeTriangleId} from '../../src/kernels/shared/triangle_id';

export interface Image {
  /** Clip-space positions of the image's vertices, flat (x, y, z, w). */
  pos: ArrayLike<number>;
  tri: ArrayLike<number>;
  first: number;
  count: number;
  height: number;
  width: number;
  /** Depth peeling: the previous layer's rast of this image (flat, 4 per pixel). */
  peel?: ArrayLike<number>;
  /** See drawnWinding: 0 both, +1 counter-clockwise only, −1 clockwise only. */
  winding?: number;
}

/** True when the pixel (px, py) is within `tol` of an edge or a depth tie (see the header). */
export function mayDiffer(img: Image, px: number, py: number, tol = 1 / 8): boolean {
  const {pos, tri, width: W, height: H} = img;
  const cx = px + 0.5,
    cy = py + 0.5;
  const inside: Array<{zw: number; slope: number}> = [];
  const numVertices = pos.length / 4;
  for (let t = img.first; t < img.first + img.count; t++) {
    const k = [tri[3 * t], tri[3 * t + 1], tri[3 * t + 2]];
    if (!k.every(v => v >= 0 && v < numVertices)) continue;
    const P = k.map(v => {
      const w = pos[4 * v + 3];
      if (!(w > 0)) throw new Error('mayDiffer: test scenes must keep w > 0');
      return [((pos[4 * v] / w + 1) * W) / 2, ((pos[4 * v + 1] / w + 1) * H) / 2, pos[4 * v + 2] / w];
    });
    const area = (P[1][0] - P[0][0]) * (P[2][1] - P[0][1]) - (P[1][1] - P[0][1]) * (P[2][0] - P[0][0]);
    if (area === 0) continue;
    const s = Math.sign(area);
    if (img.winding && s !== img.winding) continue;
    // Signed distances (positive inside) of the center to the three edges, and barycentrics.
    const dist: number[] = [],
      bary: number[] = [];
    for (let e = 0; e < 3; e++) {
      const a = P[(e + 1) % 3],
        b = P[(e + 2) % 3];
      const cross = (b[0] - a[0]) * (cy - a[1]) - (b[1] - a[1]) * (cx - a[0]);
      dist.push((s * cross) / Math.hypot(b[0] - a[0], b[1] - a[1]));
      bary.push(cross / area);
    }
    if (dist.some(d => d < -tol)) continue; // cannot win this pixel
    if (dist.some(d => Math.abs(d) <= tol)) return true;
    // z/w is affine in screen space; its change over tol pixels.
    const zw = bary[0] * P[0][2] + bary[1] * P[1][2] + bary[2] * P[2][2];
    const gx = (P[0][2] * (P[1][1] - P[2][1]) + P[1][2] * (P[2][1] - P[0][1]) + P[2][2] * (P[0][1] - P[1][1])) / area;
    const gy = (P[0][2] * (P[2][0] - P[1][0]) + P[1][2] * (P[0][0] - P[2][0]) + P[2][2] * (P[1][0] - P[0][0])) / area;
    const slope = Math.hypot(gx, gy) * tol + 1e-6;
    if (Math.abs(Math.abs(zw) - 1) <= slope) return true; // near or far clip line
    if (Math.abs(zw) > 1) continue;
    if (img.peel) {
      const o = 4 * (py * W + px);
      const previous = decodeTriangleId(img.peel[o + 3]);
      if (previous === 0 || previous === t + 1) continue;
      if (Math.abs(zw - img.peel[o + 2]) <= slope) return true;
      if (zw <= img.peel[o + 2]) continue;
    }
    inside.push({zw, slope});
  }
  inside.sort((a, b) => a.zw - b.zw);
  return inside.length >= 2 && inside[1].zw - inside[0].zw <= inside[0].slope + inside[1].slope;
}
