/**
 * One mip step (docs/texture.md#mip-pyramid) and its adjoint, as element passes over [..., H, W, C] images: the
 * 2×2 box average (½ pairs when a side is 1), and the spreading of a level's gradient back over
 * the texels it averaged.
 */
import {DiffrastGL} from './gl_context';
import {FETCH, HEADER, OUTPUT_INDEX} from './glsl_common';
import {GlProgram} from './gl_program';
import {elementProgram} from './passes';

/** Sizes of the level above (uAbove = (W, H)) and below, and the channel count. Needs OUTPUT_INDEX. */
const MIP_SIZES = `
uniform sampler2D uInput;
uniform ivec2 uAbove;
uniform ivec2 uBelow;
uniform int uChannels;
// Texels of the level above per texel below, along x and y.
ivec2 footprint() { return ivec2(uAbove.x > 1 ? 2 : 1, uAbove.y > 1 ? 2 : 1); }
// The output element of an image stack of the given size: (x, y, slice, channel). (cellOf: SwiftShader
// runs integer divisions lane by lane.)
ivec4 outputTexel(ivec2 size) {
  ivec2 ct = cellOf(outputIndex(), uChannels);  // (channel, texel)
  ivec2 xr = cellOf(ct.y, size.x);               // (x, row of the stack)
  ivec2 ys = cellOf(xr.y, size.y);               // (y, slice)
  return ivec4(xr.x, ys.x, ys.y, ct.x);
}
int texelIndex(ivec4 t, ivec2 size) { return ((t.z * size.y + t.y) * size.x + t.x) * uChannels + t.w; }
`;

export function textureMipProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(
    ctx,
    'texture-mip',
    () => `${HEADER}${FETCH}${OUTPUT_INDEX}${MIP_SIZES}
out float outValue;
void main() {
  ivec4 t = outputTexel(uBelow);
  ivec2 f = footprint();
  float sum = 0.0;
  for (int dy = 0; dy < f.y; dy++) {
    for (int dx = 0; dx < f.x; dx++) sum += fetch(uInput, texelIndex(ivec4(t.xy * f + ivec2(dx, dy), t.zw), uAbove));
  }
  outValue = sum / float(f.x * f.y);
}
`,
  );
}

export function textureMipGradProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(
    ctx,
    'texture-mip-grad',
    () => `${HEADER}${FETCH}${OUTPUT_INDEX}${MIP_SIZES}
out float outValue;
void main() {
  ivec4 t = outputTexel(uAbove);
  ivec2 f = footprint();
  outValue = fetch(uInput, texelIndex(ivec4(t.xy >> (f - 1), t.zw), uBelow)) / float(f.x * f.y);  // (f: 1 or 2)
}
`,
  );
}
