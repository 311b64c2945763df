/**
 * antialias's backward passes (docs/antialias.md#backward): dcolor by a gather over each pixel's four items, dpos by
 * point scatter (two points per item: its edge's endpoints, found once per pixel).
 */
import {DiffrastGL} from './gl_context';
import {FETCH, HEADER, OUTPUT_INDEX} from './glsl_common';
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
    vec4 g = it.alpha * dys(it.dest, c0);
    value += p == it.p0 ? -g : g;
  }
  outValue = value;
}
`,
  );
}

/**
 * dcolor as a gather over the items' α that the dpos pass stored (antialiasPosGradProgram with
 * alphas): each item is evaluated once per pixel instead of once more for each pixel it touches.
 * The same items and sums as antialiasColorGradProgram.
 */
export function antialiasColorGradFromAlphasProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(
    ctx,
    'antialias-dcolor-alphas',
    () => `${HEADER}${FETCH}
uniform ivec2 uImageSize;
uniform int uChannels;
${DY}${OUTPUT_INDEX}
uniform sampler2D uAlphas;
out vec4 outValue;
void main() {
  ivec2 pg = outputCell((uChannels + 3) / 4);  // one fragment per pixel and group of four channels
  int p = pg.x, c0 = 4 * pg.y;
  int local = p % (uImageSize.x * uImageSize.y);
  int y = local / uImageSize.x, x = local - y * uImageSize.x;
  vec4 value = dys(p, c0);
  // Items 0 right, 1 up (p is P0), 2 left, 3 down (p is P1): pixel q's right or up item.
  for (int m = 0; m < 4; m++) {
    if ((m == 2 && x == 0) || (m == 3 && y == 0)) continue;
    int q = m == 2 ? p - 1 : m == 3 ? p - uImageSize.x : p;
    float alpha = fetchTexel(uAlphas, q)[m % 2];
    if (alpha == 0.0) continue;
    int p1 = m % 2 == 0 ? q + 1 : q + uImageSize.x;
    vec4 g = alpha * dys(alpha > 0.0 ? q : p1, c0);
    value += m < 2 ? -g : g;
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
export function antialiasPosGradProgram(ctx: DiffrastGL, withAlphas: boolean): GlProgram {
  return elementProgram(
    ctx,
    `antialias-dpos${withAlphas ? '-alphas' : ''}`,
    () => `${HEADER}${ANTIALIAS_ITEMS}${DY}${TEXEL_INDEX}${OUTPUT_INDEX}
layout(location = 0) out vec4 outRight0;
layout(location = 1) out vec4 outRight1;
layout(location = 2) out vec4 outUp0;
layout(location = 3) out vec4 outUp1;
${withAlphas ? 'layout(location = 4) out vec4 outAlphas;  // (α right, α up, live contributions, 0)' : ''}
// The item's gradient on its edge's endpoint 0 or 1 as (dx, dy, encoded dpos row, dw).
vec4 endpoint(Item it, float dd, int end) {
  vec4 ends = crossingGrad(it, dd);
  vec2 g = end == 0 ? ends.xy : ends.zw;
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
  vec2 alphas = vec2(0.0);
  float live = 0.0;
  for (int m = 0; m < 2; m++) {
    out0[m] = out1[m] = vec4(0.0);
    Item it;
    if (!pixelItem(p, m, it)) continue;
    alphas[m] = it.alpha;
    if (it.clamped) continue;
    float dd = 0.0;
    for (int c = 0; c < uChannels; c++) dd += dyAt(it.dest, c) * (color(it.p1, c) - color(it.p0, c));
    if (dd == 0.0) continue;
    out0[m] = endpoint(it, dd, 0);
    out1[m] = endpoint(it, dd, 1);
    live += 2.0;
  }
  ${withAlphas ? 'outAlphas = vec4(alphas, live, 0.0);' : ''}
  outRight0 = out0[0];
  outRight1 = out1[0];
  outUp0 = out0[1];
  outUp1 = out1[1];
}
`,
  );
}
