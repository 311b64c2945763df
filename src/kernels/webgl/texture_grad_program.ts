/**
 * texture's backward passes (SPEC §6.3): texel gradients of every level by point scatter (one
 * point per pixel, level slot, tap and group of four channels), and duv, duvDa, dbias by an
 * element pass each.
 */
import {DiffrastGL} from './gl_context';
import {FETCH, HEADER, OUTPUT_INDEX} from './glsl_common';
import {GlProgram} from './gl_program';
import {layoutKey, TextureLayout, textureSnippet} from './glsl_texture';
import {elementProgram} from './passes';
import {scatterProgram} from './scatter';

export function textureTexelGradProgram(ctx: DiffrastGL, layout: TextureLayout): GlProgram {
  return scatterProgram(ctx, `texture-dtex-${layoutKey(layout)}`, () => `${textureSnippet(layout)}
uniform int uSlots;  // levels a pixel may read: 2 for linear-mipmap-linear, else 1
uniform int uTaps;   // 1 for nearest, else 4
uniform int uLevelBase[NUM_LEVELS];  // first texel of each level's gradient in the target
bool contribution(int point, out int texel, out vec4 value) {
  int groups = (uChannels + 3) / 4;
  int perSlot = uTaps * groups;
  int pixel = point / (uSlots * perSlot), rest = point - pixel * uSlots * perSlot;
  int slot = rest / perSlot;
  rest -= slot * perSlot;
  int q = rest / groups, g = rest - q * groups;
  texel = 0;
  value = vec4(0.0);
  Lookup L = lookup(pixel);
  if (!L.valid || slot >= L.used) return false;
  Taps b = slotTaps(L, slot);
  if (b.texel[q] < 0) return false;
  float weight = texelWeights(b)[q] * slotWeight(L, slot);
  if (weight == 0.0) return false;
  for (int lane = 0; lane < 4; lane++) {
    int c = 4 * g + lane;
    if (c < uChannels) value[lane] = weight * fetch(uDy, pixel * uChannels + c);
  }
  texel = uLevelBase[slotLevel(L, slot)] + b.texel[q] * groups + g;
  return true;
}
`);
}

/**
 * Every per-pixel gradient of a pixel in one fragment (one lookup, not one per component), into
 * three scratch grids, one texel per pixel: (duv.xyz, dbias), duvDa.xyzw, (the cube's last two
 * duvDa, 0, 0).
 */
export function texturePixelGradProgram(ctx: DiffrastGL, layout: TextureLayout): GlProgram {
  return elementProgram(ctx, `texture-dpixel-${layoutKey(layout)}`, () => `${HEADER}${textureSnippet(layout)}${OUTPUT_INDEX}
layout(location = 0) out vec4 outUvBias;
layout(location = 1) out vec4 outUvDa;
layout(location = 2) out vec4 outUvDa2;
void main() {
  int pixel = outputIndex();
  vec3 duv;
  vec4 duvDa;
  vec2 duvDa2;
  float dbias;
  pixelGradients(lookup(pixel), pixel, duv, duvDa, duvDa2, dbias);
  outUvBias = vec4(duv, dbias);
  outUvDa = duvDa;
  outUvDa2 = vec4(duvDa2, 0.0, 0.0);
}
`);
}

/** duv (uWhich 0), duvDa (1) or dbias (2), uComponents per pixel, picked from those grids. */
export function texturePixelGradSelectProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(ctx, 'texture-dpixel-select', () => `${HEADER}${FETCH}${OUTPUT_INDEX}
uniform sampler2D uUvBias;
uniform sampler2D uUvDa;
uniform sampler2D uUvDa2;
uniform int uWhich;
uniform int uComponents;
out float outValue;
void main() {
  ivec2 pk = outputCell(uComponents);
  int pixel = pk.x, k = pk.y;
  vec4 uvBias = fetchTexel(uUvBias, pixel);
  outValue = uWhich == 0 ? uvBias[k] : uWhich == 2 ? uvBias.w :
             k < 4 ? fetchTexel(uUvDa, pixel)[k] : fetchTexel(uUvDa2, pixel)[k - 4];
}
`);
}
