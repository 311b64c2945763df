/**
 * The scene of the triangle-box specs (webgl's triangle_boxes.ts: boxes, chunks of 64 pixels and the image-wide
 * box): a G×G grid of small triangles over [−0.9, 0.9]² at depth 0.5, w = 1 (x moved by `jitter()` per vertex),
 * then three large triangles on their own 9 vertices, one with a corner behind the eye.
 */
export function gridUnderLarge(G: number, jitter: () => number = () => 0) {
  const vertices: number[] = [],
    small: number[] = [];
  for (let j = 0; j <= G; j++)
    for (let i = 0; i <= G; i++) vertices.push(-0.9 + (1.8 * i) / G + jitter(), -0.9 + (1.8 * j) / G, 0.5, 1);
  for (let j = 0; j < G; j++)
    for (let i = 0; i < G; i++) {
      const a = j * (G + 1) + i;
      small.push(a, a + 1, a + G + 2, a, a + G + 2, a + G + 1);
    }
  vertices.push(-0.95, -0.95, -0.5, 1, 0.3, -0.8, -0.5, 1, -0.6, 0.4, -0.5, 1);
  vertices.push(0.2, 0.1, -0.6, 1, 0.9, 0.9, -0.6, 1, 0.5, 0.95, -0.6, 1);
  vertices.push(0.1, -0.2, -0.2, 1, 0.8, -0.6, -0.2, 1, 0.4, 0.3, 0.3, -0.5);
  const V = vertices.length / 4;
  const large = Array.from({length: 9}, (_, i) => V - 9 + i);
  return {vertices, small, large, V};
}
