/**
 * antialias's backward passes (docs/antialias.md#backward) as point scatters over the silhouette
 * candidates' stored items (antialiasItemsProgram with grads).
 */
import {DiffrastGL} from './gl_context';
import {FETCH} from './glsl_common';
import {GlProgram} from './gl_program';
import {STORED_ITEM} from './antialias_program';
import {COMPACTED_ITEM} from './compact';
import {scatterProgram, TEXEL_INDEX} from './scatter';

/**
 * dcolor into a group target (scatter.ts's groupTarget) holding dy: two points per live item and group of
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
uniform int uGroups;
bool contribution(int point, out int texel, out vec4 value) {
  ivec2 ri = cellOf(point, 2 * uGroups);  // (end·groups + group, live item)
  bool end0 = ri.x < uGroups;
  int g = end0 ? ri.x : ri.x - uGroups;
  int p0, p1, dest;
  float alpha;
  storedItem(ri.y, p0, p1, dest, alpha);
  vec4 d = alpha * fetchGroup(uDy, dest, uChannels, 4 * g);
  texel = (end0 ? p0 : p1) * uGroups + g;
  value = end0 ? -d : d;
  return true;
}
`,
  );
}

/** dpos: two points per live item, the stored gradients of its edge's endpoints (none if not stored). */
export function antialiasPosGradProgram(ctx: DiffrastGL): GlProgram {
  return scatterProgram(
    ctx,
    'antialias-dpos',
    () => `${FETCH}${TEXEL_INDEX}${COMPACTED_ITEM}
uniform sampler2D uEnd0;
uniform sampler2D uEnd1;
bool contribution(int point, out int texel, out vec4 value) {
  int rank;
  int k = compactedItem(point >> 1, rank);
  value = (point & 1) == 0 ? fetchTexel(uEnd0, k) : fetchTexel(uEnd1, k);
  texel = decodeTexel(value.z);
  bool some = value.z != 0.0;
  value.z = 0.0;
  return some;
}
`,
  );
}
