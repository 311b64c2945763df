/**
 * One mip step (SPEC §6.1) and its adjoint, as element passes over [..., H, W, C] images: the
 * 2×2 box average (½ pairs when a side is 1), and the spreading of a level's gradient back over
 * the texels it averaged.
 */
import {DiffrastGL} from './gl_session';
import {FETCH, HEADER, OUTPUT_INDEX} from './glsl_common';
import {GlProgram} from './gl_program';
import {elementProgram} from './passes';

/** Sizes of the level above (uAbove = (W, H)) and below, and the channel count. */
const MIP_SIZES = `
uniform sampler2D uInput;
uniform ivec2 uAbove;
uniform ivec2 uBelow;
uniform int uChannels;
// Texels of the level above per texel below, along x and y.
ivec2 footprint() { return ivec2(uAbove.x > 1 ? 2 : 1, uAbove.y > 1 ? 2 : 1); }
`;

export function textureMipProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(ctx, 'texture-mip', () => `${HEADER}${FETCH}${MIP_SIZES}${OUTPUT_INDEX}
out float outValue;
void main() {
  int i = outputIndex();
  int texel = i / uChannels, c = i - texel * uChannels;
  int perSlice = uBelow.x * uBelow.y;
  int slice = texel / perSlice, rest = texel - slice * perSlice;
  int y = rest / uBelow.x, x = rest - y * uBelow.x;
  ivec2 f = footprint();
  float sum = 0.0;
  for (int dy = 0; dy < f.y; dy++) {
    for (int dx = 0; dx < f.x; dx++) {
      sum += fetch(uInput, ((slice * uAbove.y + f.y * y + dy) * uAbove.x + f.x * x + dx) * uChannels + c);
    }
  }
  outValue = sum / float(f.x * f.y);
}
`);
}

export function textureMipGradProgram(ctx: DiffrastGL): GlProgram {
  return elementProgram(ctx, 'texture-mip-grad', () => `${HEADER}${FETCH}${MIP_SIZES}${OUTPUT_INDEX}
out float outValue;
void main() {
  int i = outputIndex();
  int texel = i / uChannels, c = i - texel * uChannels;
  int perSlice = uAbove.x * uAbove.y;
  int slice = texel / perSlice, rest = texel - slice * perSlice;
  int y = rest / uAbove.x, x = rest - y * uAbove.x;
  ivec2 f = footprint();
  outValue = fetch(uInput, ((slice * uBelow.y + y / f.y) * uBelow.x + x / f.x) * uChannels + c) / float(f.x * f.y);
}
`);
}
