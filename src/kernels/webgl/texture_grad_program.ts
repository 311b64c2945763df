/**
 * texture's backward passes (SPEC §6.3): texel gradients of every level by point scatter (one
 * point per pixel, level slot, tap and group of four channels), and duv, duvDa, dbias by an
 * element pass each.
 */
import {DiffrastGL} from './gl_context';
import {HEADER, OUTPUT_INDEX} from './glsl_common';
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

/** duv (uWhich 0), duvDa (1) or dbias (2), uComponents per pixel. */
export function texturePixelGradProgram(ctx: DiffrastGL, layout: TextureLayout): GlProgram {
  return elementProgram(ctx, `texture-dpixel-${layoutKey(layout)}`, () => `${HEADER}${textureSnippet(layout)}${OUTPUT_INDEX}
uniform int uWhich;
uniform int uComponents;
out float outValue;
void main() {
  ivec2 pk = outputCell(uComponents);
  int pixel = pk.x, k = pk.y;
  vec3 duv;
  vec4 duvDa;
  vec2 duvDa2;
  float dbias;
  pixelGradients(lookup(pixel), pixel, duv, duvDa, duvDa2, dbias);
  outValue = uWhich == 0 ? duv[k] : uWhich == 1 ? (k < 4 ? duvDa[k] : duvDa2[k - 4]) : dbias;
}
`);
}
