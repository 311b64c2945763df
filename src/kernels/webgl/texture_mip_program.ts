/**
 * One mip step (docs/texture.md#mip-pyramid) and its adjoint, as element passes over [..., H, W, C] images: the
 * 2×2 box average (½ pairs when a side is 1), and the spreading of a level's gradient back over
 * the texels it averaged; and the whole pyramid's adjoint in two passes.
 */
import {DiffrastGL} from './gl_context';
import {FETCH, HEADER, OUTPUT_INDEX} from './glsl_common';
import {GlProgram} from './gl_program';
import {GlSession, GlTensor} from './gl_session';
import {elementPass, elementProgram, scratchGrid} from './passes';
import {mipBoxWeight, mipLevelSize} from '../shared/mip_sizes';

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

/**
 * dtex plus every level's gradient spread up to tex (docs/texture.md#mip-pyramid) into `out`, in two passes where the
 * per-level steps and adds took 2L; the same sums bit for bit. `dlevels`: levels 0..L's gradients (L ≥ 1). For
 * TextureGrad's texel scatter, whose target holds every level's gradient; the block scatter's path sums the levels as
 * it reads them from its target (TextureGrad.ts).
 */
export function pyramidAdjointPasses(s: GlSession, dlevels: GlTensor[], out: GlTensor, channels: number) {
  const r = out.info.shape.length;
  const [height, width] = out.info.shape.slice(r - 3);
  const sizes = dlevels.map((_, l) => mipLevelSize(height, width, l));
  const levels: {[sampler: string]: WebGLTexture | null} = {};
  dlevels.slice(1).forEach((d, l) => (levels[`uLevel${l + 1}`] = d.texture));
  const sums = scratchGrid(s, 'texture-mip-adjoint.sums', dlevels[1].size);
  elementPass(s, textureMipSumProgram(s.ctx, sizes, channels), [sums], {}, levels);
  elementPass(
    s,
    textureMipAdjointProgram(s.ctx, sizes, channels),
    [out],
    {},
    {uDtex: dlevels[0].texture, uSums: sums.texture},
  );
}

/**
 * The pyramid's adjoint (pyramidAdjointPasses) in two passes, sizes compiled in. First, per element of level 1, the
 * levels' gradients summed from the last level up as the per-level steps add them (S_ℓ = dlevel_ℓ + w_ℓ · S_ℓ₊₁,
 * w_ℓ the weight of the step below level ℓ: the same operations as the step's division and tf.add) into a scratch
 * grid, one texel per element. `sizes`: (height, width) of levels 0..L (L ≥ 1); the levels are bound as uLevel1 ..
 * uLevelL.
 */
export function textureMipSumProgram(ctx: DiffrastGL, sizes: Array<[number, number]>, channels: number): GlProgram {
  const L = sizes.length - 1;
  const [h1, w1] = sizes[1];
  const level = (l: number) =>
    `fetch(uLevel${l}, ((slice * ${sizes[l][0]} + (j >> ${l - 1})) * ${sizes[l][1]} + (i >> ${l - 1})) * C + c)`;
  const steps: string[] = [];
  for (let l = L - 1; l >= 1; l--) steps.push(`acc = ${level(l)} + ${glslFloat(mipBoxWeight(...sizes[l]))} * acc;`);
  return elementProgram(
    ctx,
    `texture-mip-sum-${sizes[0].join('x')}-${L}-${channels}`,
    () => `${HEADER}${FETCH}${OUTPUT_INDEX}
${Array.from({length: L}, (_, l) => `uniform sampler2D uLevel${l + 1};`).join('\n')}
out vec4 outSum;
void main() {
  const int C = ${channels};
  ivec2 ce = cellOf(outputIndex(), C);  // (channel, texel)
  ivec2 ir = cellOf(ce.y, ${w1});         // (i, row of the stack)
  ivec2 js = cellOf(ir.y, ${h1});         // (j, slice)
  int c = ce.x, i = ir.x, j = js.x, slice = js.y;
  float acc = ${level(L)};
  ${steps.join('\n  ')}
  outSum = vec4(acc);
}
`,
  );
}

/** Then per element of tex: dtex + w₀ · S₁ at the level-1 texel below it. */
export function textureMipAdjointProgram(ctx: DiffrastGL, sizes: Array<[number, number]>, channels: number): GlProgram {
  const [[height, width], [h1, w1]] = sizes;
  return elementProgram(
    ctx,
    `texture-mip-adjoint-${height}x${width}-${channels}`,
    () => `${HEADER}${FETCH}${OUTPUT_INDEX}
uniform sampler2D uDtex;
uniform sampler2D uSums;
out float outValue;
void main() {
  const int C = ${channels};
  int e = outputIndex();
  ivec2 ce = cellOf(e, C);           // (channel, texel)
  ivec2 xr = cellOf(ce.y, ${width});  // (x, row of the stack)
  ivec2 ys = cellOf(xr.y, ${height}); // (y, slice)
  int below = ((ys.y * ${h1} + (ys.x >> 1)) * ${w1} + (xr.x >> 1)) * C + ce.x;
  outValue = fetch(uDtex, e) + ${glslFloat(mipBoxWeight(height, width))} * fetchTexel(uSums, below).x;
}
`,
  );
}

/** A float literal GLSL reads back exactly (the weights are ¼, ½ or 1). */
function glslFloat(x: number): string {
  return Number.isInteger(x) ? `${x}.0` : `${x}`;
}
