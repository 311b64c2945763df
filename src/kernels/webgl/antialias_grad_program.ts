/**
 * antialias's backward passes (docs/antialias.md#backward) as point scatters over the silhouette
 * candidates' stored items (antialiasItemsProgram with grads).
 */
import {DiffrastGL} from './gl_context';
import {FETCH} from './glsl_common';
import {GlProgram} from './gl_program';
import {STORED_ITEM} from './antialias_program';
import {scatterProgram, TEXEL_INDEX} from './scatter';

/**
 * dcolor into a group target (scatter.ts's groupTarget) holding dy: two points per candidate and group of
 * four channels, −α·dy(dest) onto P0 and +α·dy(dest) onto P1.
 */
export function antialiasColorGradProgram(ctx: DiffrastGL): GlProgram {
  return scatterProgram(
    ctx,
    'antialias-dcolor',
    () => `${FETCH}${TEXEL_INDEX}
uniform ivec2 uImageSize;
uniform int uChannels;
uniform sampler2D uDy;
${STORED_ITEM}
bool contribution(int point, out int texel, out vec4 value) {
  texel = 0;
  value = vec4(0.0);
  int groups = (uChannels + 3) / 4;
  int k = point / (2 * groups), r = point - k * 2 * groups;
  int end = r / groups, g = r - end * groups;
  int p0, p1, dest;
  float alpha;
  if (!storedItem(k, p0, p1, dest, alpha)) return false;
  vec4 d = alpha * fetchGroup(uDy, dest, uChannels, 4 * g);
  texel = (end == 0 ? p0 : p1) * groups + g;
  value = end == 0 ? -d : d;
  return true;
}
`,
  );
}

/** dpos: two points per candidate, the stored gradients of its edge's endpoints. */
export function antialiasPosGradProgram(ctx: DiffrastGL): GlProgram {
  return scatterProgram(
    ctx,
    'antialias-dpos',
    () => `${FETCH}${TEXEL_INDEX}
uniform sampler2D uEnd0;
uniform sampler2D uEnd1;
bool contribution(int point, out int texel, out vec4 value) {
  int k = point / 2;
  value = point - 2 * k == 0 ? fetchTexel(uEnd0, k) : fetchTexel(uEnd1, k);
  texel = decodeTexel(value.z);
  bool some = value.z != 0.0;
  value.z = 0.0;
  return some;
}
`,
  );
}
