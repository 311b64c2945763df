/**
 * antialias's backward passes (docs/antialias.md#backward) over the live list (LIVE_ITEM): the
 * endpoint gradients of each item, then point scatters adding them up.
 */
import {DiffrastGL} from './gl_context';
import {FETCH, HEADER, OUTPUT_INDEX} from './glsl_common';
import {GlProgram} from './gl_program';
import {ITEM, LIVE_ITEM} from './antialias_program';
import {elementProgram} from './passes';
import {scatterProgram, TEXEL_INDEX} from './scatter';
import {lineScatterProgram} from './line_scatter';
import {pairScatterProgram} from './pair_scatter';

/** dy, a [pixels, uChannels] tensor. Needs FETCH and uChannels. */
const DY = `
uniform sampler2D uDy;
float dyAt(int p, int c) { return fetch(uDy, p * uChannels + c); }
vec4 dyGroup(int p, int c0) { return fetchGroup(uDy, p, uChannels, c0); }
`;

/**
 * dcolor, blended into the output holding dy (Antialias.ts's scatterOntoImage) where pair_scatter.ts does not fit: two
 * lines per live item and run of uRunWidth channels (line_scatter.ts), −α·dy(dest) onto P0 and +α·dy(dest) onto P1.
 */
export function antialiasColorGradProgram(ctx: DiffrastGL): GlProgram {
  return lineScatterProgram(
    ctx,
    'antialias-dcolor',
    () => `${FETCH}${TEXEL_INDEX}${ITEM}
uniform ivec2 uImageSize;
uniform int uRunWidth;
${DY}
${LIVE_ITEM}
bool contribution(int line, out int texel, out int count, out vec4 values) {
  int runs = (uChannels + uRunWidth - 1) / uRunWidth;
  ivec2 ri = cellOf(line, 2 * runs);  // (end·runs + run, live item)
  bool end0 = ri.x < runs;
  int c0 = uRunWidth * (end0 ? ri.x : ri.x - runs);
  Item it = livePair(ri.y);
  vec4 d = it.alpha * dyGroup(it.dest, c0);
  count = min(uRunWidth, uChannels - c0);
  texel = (end0 ? it.p0 : it.p1) * uChannels + c0;
  values = end0 ? -d : d;
  return true;
}
`,
  );
}

/**
 * dcolor where pair_scatter.ts fits (at most four channels, an image row per texel row): one triangle per live item,
 * −α·dy(dest) onto P0's channels and +α·dy(dest) onto P1's.
 */
export function antialiasColorPairsProgram(ctx: DiffrastGL): GlProgram {
  return pairScatterProgram(
    ctx,
    'antialias-dcolor',
    () => `${FETCH}${TEXEL_INDEX}${ITEM}
uniform ivec2 uImageSize;
${DY}
${LIVE_ITEM}
bool contribution(int pair, out int texel, out bool vertical, out vec4 first, out vec4 second) {
  Item it = livePair(pair);
  second = it.alpha * dyGroup(it.dest, 0);
  first = -second;
  texel = it.p0 * uChannels;
  vertical = it.vertical;
  return true;
}
`,
  );
}

/**
 * Per live item, the gradients of its edge's two endpoints as (dx, dy, encoded pos row, dw); zeros when the
 * crossing was clamped or dL/dα is 0 (no gradient).
 */
export function antialiasEndsProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(
    ctx,
    'antialias-ends',
    () => `${HEADER}${FETCH}${TEXEL_INDEX}${ITEM}${DY}${OUTPUT_INDEX}
uniform ivec2 uImageSize;
uniform sampler2D uPos;
${LIVE_ITEM}
layout(location = 0) out vec4 outEnd0;
layout(location = 1) out vec4 outEnd1;
// dL/dα: Σ over channels of dy(dest)·(color(P1) − color(P0)).
float alphaGrad(Item it) {
  float dd = 0.0;
  for (int c = 0; c < uChannels; c++) dd += dyAt(it.dest, c) * (color(it.p1, c) - color(it.p0, c));
  return dd;
}
// The gradient of pos row \`row\` from the item's on that endpoint, g (along, across the pair axis).
vec4 endpointGrad(Item it, vec2 g, int row) {
  if (it.vertical) g = g.yx;
  vec4 q = fetch4(uPos, row);
  vec2 size = vec2(uImageSize);
  vec2 dxy = g * size / (2.0 * q.w);
  return vec4(dxy, encodeTexel(row), -dot(g * q.xy, size / 2.0) / (q.w * q.w));
}
void main() {
  Item it = liveItem(outputIndex() - uOutStart);
  outEnd0 = outEnd1 = vec4(0.0);
  if (it.clamped) return;
  float dd = alphaGrad(it);
  if (dd == 0.0) return;
  vec4 ends = crossingGrad(it, dd);
  outEnd0 = endpointGrad(it, ends.xy, it.v1);
  outEnd1 = endpointGrad(it, ends.zw, it.v2);
}
`,
  );
}

/** dpos: two points per live item, its endpoints' gradients (antialiasEndsProgram; none without a row). */
export function antialiasPosGradProgram(ctx: DiffrastGL): GlProgram {
  return scatterProgram(
    ctx,
    'antialias-dpos',
    () => `${FETCH}${TEXEL_INDEX}
uniform sampler2D uEnd0;
uniform sampler2D uEnd1;
bool contribution(int point, out int texel, out vec4 value) {
  int i = point >> 1;
  value = (point & 1) == 0 ? fetchTexel(uEnd0, i) : fetchTexel(uEnd1, i);
  texel = decodeTexel(value.z);
  bool some = value.z != 0.0;
  value.z = 0.0;
  return some;
}
`,
  );
}
