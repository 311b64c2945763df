/**
 * texture's backward passes (docs/texture.md#backward): texel gradients of every level by point scatter (one
 * point per pixel, level slot, tap and group of four channels, from taps found once per pixel),
 * and duv, duvDa, dbias (found once per pixel, then picked per output).
 */
import {DiffrastGL} from './gl_context';
import {FETCH, HEADER, OUTPUT_INDEX} from './glsl_common';
import {GlProgram} from './gl_program';
import {layoutKey, TextureLayout, textureSnippet} from './glsl_texture';
import {elementProgram} from './passes';
import {FOUR_GRIDS, scatterProgram, TEXEL_INDEX} from './scatter';

/**
 * The texel gradients' first stage: each pixel's taps (up to two level slots of four) as (target
 * texel, weight) pairs, slot k's taps q in target 2k + q/2, once per pixel; the points of the
 * second stage only fetch them. Weight 0: no tap.
 */
export function textureTapsProgram(ctx: DiffrastGL, layout: TextureLayout): GlProgram {
  return elementProgram(
    ctx,
    `texture-taps-${layoutKey(layout)}`,
    () => `${HEADER}${textureSnippet(layout)}${OUTPUT_INDEX}${TEXEL_INDEX}
uniform int uLevelBase[NUM_LEVELS];  // first texel of each level's gradient in the scatter target
layout(location = 0) out vec4 outSlot0Taps01;
layout(location = 1) out vec4 outSlot0Taps23;
layout(location = 2) out vec4 outSlot1Taps01;
layout(location = 3) out vec4 outSlot1Taps23;
// Tap q of slot k as (encoded texel, weight).
vec2 tap(Lookup L, int k, int q) {
  if (!L.valid || k >= L.used) return vec2(0.0);
  Taps b = slotTaps(L, k);
  if (b.texel[q] < 0) return vec2(0.0);
  return vec2(encodeTexel(uLevelBase[slotLevel(L, k)] + b.texel[q] * ((uChannels + 3) / 4)), texelWeights(b)[q] * slotWeight(L, k));
}
void main() {
  int pixel = outputIndex();
  Lookup L = lookup(pixel);
  outSlot0Taps01 = vec4(tap(L, 0, 0), tap(L, 0, 1));
  outSlot0Taps23 = vec4(tap(L, 0, 2), tap(L, 0, 3));
  outSlot1Taps01 = vec4(tap(L, 1, 0), tap(L, 1, 1));
  outSlot1Taps23 = vec4(tap(L, 1, 2), tap(L, 1, 3));
}
`,
  );
}

/**
 * The second stage: one point per pixel, level slot, tap and group of four channels, adding the
 * tap's weight times the pixel's dy into that texel.
 */
export function textureTexelGradProgram(ctx: DiffrastGL): GlProgram {
  return scatterProgram(
    ctx,
    'texture-dtex',
    () => `${FETCH}${TEXEL_INDEX}${FOUR_GRIDS}
uniform sampler2D uDy;
uniform int uChannels;
uniform int uSlots;  // levels a pixel may read: 2 for linear-mipmap-linear, else 1
uniform int uTaps;   // 1 for nearest, else 4
bool contribution(int point, out int texel, out vec4 value) {
  int groups = (uChannels + 3) / 4;
  int perSlot = uTaps * groups;
  int pixel = point / (uSlots * perSlot), rest = point - pixel * uSlots * perSlot;
  int slot = rest / perSlot;
  rest -= slot * perSlot;
  int q = rest / groups, g = rest - q * groups;
  vec4 pair = gridTexel(2 * slot + q / 2, pixel);
  vec2 t = q % 2 == 0 ? pair.xy : pair.zw;
  texel = 0;
  value = vec4(0.0);
  if (t.y == 0.0) return false;
  value = t.y * fetchGroup(uDy, pixel, uChannels, 4 * g);
  texel = decodeTexel(t.x) + g;
  return true;
}
`,
  );
}

/**
 * Every per-pixel gradient of a pixel in one fragment (one lookup, not one per component), into
 * three scratch grids, one texel per pixel: (duv.xyz, dbias), duvDa.xyzw, (the cube's last two
 * duvDa, 0, 0).
 */
export function texturePixelGradProgram(ctx: DiffrastGL, layout: TextureLayout): GlProgram {
  return elementProgram(
    ctx,
    `texture-dpixel-${layoutKey(layout)}`,
    () => `${HEADER}${textureSnippet(layout)}${OUTPUT_INDEX}
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
`,
  );
}

/** duv (uWhich 0), duvDa (1) or dbias (2), uComponents per pixel, picked from those grids. */
export function texturePixelGradSelectProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(
    ctx,
    'texture-dpixel-select',
    () => `${HEADER}${FETCH}${OUTPUT_INDEX}
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
`,
  );
}
