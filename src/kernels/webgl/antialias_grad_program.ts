/**
 * antialias's backward passes (docs/antialias.md#backward): dcolor by a gather over each pixel's four items, dpos by
 * point scatter (two points per item: its edge's endpoints, found once per pixel).
 */
import {DiffrastGL} from './gl_context';
import {HEADER, OUTPUT_INDEX} from './glsl_common';
import {GlProgram} from './gl_program';
import {ANTIALIAS_ITEMS} from './antialias_program';
import {elementProgram} from './passes';
import {TEXEL_INDEX} from './scatter';

const DY = `
uniform sampler2D uDy;
float dyAt(int p, int c) { return fetch(uDy, p * uChannels + c); }
vec4 dys(int p, int c0) { return fetchGroup(uDy, p, uChannels, c0); }
`;

export function antialiasColorGradProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(
    ctx,
    'antialias-dcolor',
    () => `${HEADER}${ANTIALIAS_ITEMS}${DY}${OUTPUT_INDEX}
out vec4 outValue;
void main() {
  ivec2 pg = outputCell((uChannels + 3) / 4);  // one fragment per pixel and group of four channels
  int p = pg.x, c0 = 4 * pg.y;
  vec4 value = dys(p, c0);
  for (int m = 0; m < 4; m++) {
    Item it;
    if (!pixelItem(p, m, it)) continue;
    vec4 g = it.alpha * dys(it.target, c0);
    value += p == it.p0 ? -g : g;
  }
  outValue = value;
}
`,
  );
}

/**
 * dpos's first stage (scatterPrecomputed): per pixel, its two items (right and up neighbour) and
 * each item's two edge endpoints, four contributions found once per pixel.
 */
export function antialiasPosGradProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(
    ctx,
    'antialias-dpos',
    () => `${HEADER}${ANTIALIAS_ITEMS}${DY}${TEXEL_INDEX}${OUTPUT_INDEX}
const float DB_EPSILON = 1e-3;  // keeps the crossing's denominator away from zero
layout(location = 0) out vec4 outRight0;
layout(location = 1) out vec4 outRight1;
layout(location = 2) out vec4 outUp0;
layout(location = 3) out vec4 outUp1;
// The item's gradient on its edge's endpoint 0 or 1 as (dx, dy, encoded dpos row, dw).
vec4 endpoint(Item it, float dd, int end) {
  // dL/d(endpoint) through the crossing X: α = ds/2 − X.
  float dX = -dd;
  vec4 e = it.ends;
  float db = e.w - e.y + sign(e.w - e.y) * DB_EPSILON;
  vec2 g = end == 0 ? vec2(dX * e.w, dX * (it.crossing - e.z)) / db : vec2(-dX * e.y, dX * (e.x - it.crossing)) / db;
  if (it.vertical) g = g.yx;
  int row = end == 0 ? it.v1 : it.v2;
  vec4 q = vertexPos(row);
  vec2 size = vec2(uImageSize);
  vec2 dxy = g * size / (2.0 * q.w);
  return vec4(dxy, encodeTexel(row), -dot(g * q.xy, size / 2.0) / (q.w * q.w));
}
void main() {
  int p = outputIndex();
  vec4 out0[2], out1[2];
  for (int m = 0; m < 2; m++) {
    out0[m] = out1[m] = vec4(0.0);
    Item it;
    if (!pixelItem(p, m, it) || it.clamped) continue;
    float dd = 0.0;
    for (int c = 0; c < uChannels; c++) dd += dyAt(it.target, c) * (color(it.p1, c) - color(it.p0, c));
    if (dd == 0.0) continue;
    out0[m] = endpoint(it, dd, 0);
    out1[m] = endpoint(it, dd, 1);
  }
  outRight0 = out0[0];
  outRight1 = out1[0];
  outUp0 = out0[1];
  outUp1 = out1[1];
}
`,
  );
}
