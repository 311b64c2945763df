/**
 * antialias's backward passes (SPEC §5): dcolor by a gather over each pixel's four items, dpos by
 * point scatter (two points per item: its edge's endpoints).
 */
import {DiffrastGL} from './gl_context';
import {HEADER, OUTPUT_INDEX} from './glsl_common';
import {GlProgram} from './gl_program';
import {ANTIALIAS_ITEMS} from './antialias_program';
import {elementProgram} from './passes';
import {scatterProgram} from './scatter';

const DY = `
uniform sampler2D uDy;
float dyAt(int p, int c) { return fetch(uDy, p * uChannels + c); }
vec4 dys(int p, int c0) {
  vec4 v = vec4(0.0);
  for (int lane = 0; lane < 4; lane++) {
    if (c0 + lane < uChannels) v[lane] = dyAt(p, c0 + lane);
  }
  return v;
}
`;

export function antialiasColorGradProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(ctx, 'antialias-dcolor', () => `${HEADER}${ANTIALIAS_ITEMS}${DY}${OUTPUT_INDEX}
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
`);
}

export function antialiasPosGradProgram(ctx: DiffrastGL): GlProgram {
  return scatterProgram(ctx, 'antialias-dpos', () => `${ANTIALIAS_ITEMS}${DY}
uniform float uBoost;  // posGradientBoost
const float DB_EPSILON = 1e-3;  // keeps the crossing's denominator away from zero
bool contribution(int point, out int texel, out vec4 value) {
  int p = point / 4, m = (point / 2) % 2, end = point % 2;
  texel = 0;
  value = vec4(0.0);
  Item it;
  if (!pixelItem(p, m, it) || it.clamped) return false;
  float dd = 0.0;
  for (int c = 0; c < uChannels; c++) dd += dyAt(it.target, c) * (color(it.p1, c) - color(it.p0, c));
  if (dd == 0.0) return false;
  // dL/d(endpoint) through the crossing X: α = ds/2 − X.
  float dX = -dd;
  vec4 e = it.ends;
  float db = e.w - e.y + sign(e.w - e.y) * DB_EPSILON;
  vec2 g = end == 0 ? vec2(dX * e.w, dX * (it.crossing - e.z)) / db : vec2(-dX * e.y, dX * (e.x - it.crossing)) / db;
  if (it.vertical) g = g.yx;
  texel = end == 0 ? it.v1 : it.v2;
  vec4 q = vertexPos(texel);
  vec2 size = vec2(uImageSize);
  value = uBoost * vec4(g * size / (2.0 * q.w), 0.0, -dot(g * q.xy, size / 2.0) / (q.w * q.w));
  return true;
}
`);
}
