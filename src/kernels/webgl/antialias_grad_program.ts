/**
 * antialias's backward passes (docs/antialias.md#backward) as point scatters over the silhouette
 * candidates (antialias_silhouette.ts), each point evaluating its candidate's item.
 */
import {DiffrastGL} from './gl_context';
import {GlProgram} from './gl_program';
import {ANTIALIAS_ITEMS} from './antialias_program';
import {scatterProgram} from './scatter';
import {COMPACTED_ITEM} from './compact';
import {CANDIDATE_ITEM} from './antialias_silhouette';

const DY = `
uniform sampler2D uDy;
float dyAt(int p, int c) { return fetch(uDy, p * uChannels + c); }
`;

/** dL/dα of an item (Σ over channels of dy(dest)·(color(P1) − color(P0))), and its gradient on its edge's endpoints. Needs ANTIALIAS_ITEMS, DY. */
const ITEM_GRAD = `
float alphaGrad(Item it) {
  float dd = 0.0;
  for (int c = 0; c < uChannels; c++) dd += dyAt(it.dest, c) * (color(it.p1, c) - color(it.p0, c));
  return dd;
}
// The item's gradient on its edge's endpoint 0 or 1 (pos row \`row\`) as (dx, dy, 0, dw).
vec4 endpointGrad(Item it, float dd, int end, out int row) {
  vec4 ends = crossingGrad(it, dd);
  vec2 g = end == 0 ? ends.xy : ends.zw;
  if (it.vertical) g = g.yx;
  row = end == 0 ? it.v1 : it.v2;
  vec4 q = vertexPos(row);
  vec2 size = vec2(uImageSize);
  vec2 dxy = g * size / (2.0 * q.w);
  return vec4(dxy, 0.0, -dot(g * q.xy, size / 2.0) / (q.w * q.w));
}
`;

/**
 * dcolor on a compacted candidate list (antialias_silhouette.ts) into dcolor, which holds dy: two
 * points per candidate and channel, −α·dy(dest) onto P0 and +α·dy(dest) onto P1.
 */
export function antialiasColorGradProgram(ctx: DiffrastGL): GlProgram {
  return scatterProgram(
    ctx,
    'antialias-dcolor',
    () => `${ANTIALIAS_ITEMS}${DY}${COMPACTED_ITEM}${CANDIDATE_ITEM}
bool contribution(int point, out int texel, out vec4 value) {
  texel = 0;
  value = vec4(0.0);
  int k = point / (2 * uChannels), r = point - k * 2 * uChannels;
  int end = r / uChannels, c = r - end * uChannels;
  int n, x, y;
  bool vertical;
  candidateItem(k, n, x, y, vertical);
  Item it;
  if (!evaluateItem(n, x, y, vertical, it)) return false;
  float g = it.alpha * dyAt(it.dest, c);
  texel = (end == 0 ? it.p0 : it.p1) * uChannels + c;
  value.x = end == 0 ? -g : g;
  return true;
}
`,
  );
}

/** dpos on a compacted candidate list: two points per candidate, one per endpoint of its edge. */
export function antialiasPosGradProgram(ctx: DiffrastGL): GlProgram {
  return scatterProgram(
    ctx,
    'antialias-dpos',
    () => `${ANTIALIAS_ITEMS}${DY}${ITEM_GRAD}${COMPACTED_ITEM}${CANDIDATE_ITEM}
bool contribution(int point, out int texel, out vec4 value) {
  texel = 0;
  value = vec4(0.0);
  int k = point / 2, end = point - 2 * k;
  int n, x, y;
  bool vertical;
  candidateItem(k, n, x, y, vertical);
  Item it;
  if (!evaluateItem(n, x, y, vertical, it) || it.clamped) return false;
  float dd = alphaGrad(it);
  if (dd == 0.0) return false;
  value = endpointGrad(it, dd, end, texel);
  return true;
}
`,
  );
}
