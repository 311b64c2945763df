/**
 * texture's forward pass: one fragment per pixel and group of four channels (channelGroupPass); under a gradient tape,
 * where texture_lookup.ts saves the lookup, one per pixel that also writes the saved planes.
 */
import {DiffrastGL} from './gl_context';
import {HEADER, OUTPUT_INDEX} from './glsl_common';
import {GlProgram} from './gl_program';
import {layoutKey, TextureLayout, textureSnippet} from './glsl_texture';
import {elementProgram} from './passes';
import {SLOT_BLOCK} from './texture_grad_program';
import {LookupPlane} from './texture_lookup';

/**
 * The statements writing the saved planes, from the lookup L, its taps b0, b1 and valueDerivatives' ds, dt, dlod. With
 * two slots (`slot1` saved) the slot planes hold a pixel's even- and odd-level blocks (SLOT_BLOCK's parityBlock).
 */
function planeOutputs(planes: LookupPlane[]): string {
  const two = planes.includes('slot1');
  const value: {[plane in LookupPlane]: string} = {
    slot0: two ? 'parityBlock(L.l0, s0, s1, 0)' : 's0',
    ds: 'ds',
    dt: 'dt',
    slot1: 'parityBlock(L.l0, s0, s1, 1)',
    dlod: 'dlod',
  };
  return [
    `vec4 s0 = block(L, b0, 0)${two ? ', s1 = block(L, b1, 1)' : ''};`,
    ...planes.map(p => `out_${p} = ${value[p]};`),
  ].join('\n  ');
}

export function textureProgram(ctx: DiffrastGL, layout: TextureLayout, planes: LookupPlane[] | null = null): GlProgram {
  if (!planes) {
    return elementProgram(
      ctx,
      `texture-${layoutKey(layout)}`,
      () => `${HEADER}${textureSnippet(layout)}${OUTPUT_INDEX}
out vec4 outValue;
void main() {
  ivec2 pg = outputCell(channelGroups());
  Lookup L = setupLookup(pg.x);
  Taps b0 = lookupTaps(L, 0), b1 = b0;
  if (L.used == 2) b1 = lookupTaps(L, 1);
  outValue = textureValue(L, b0, b1, pg.y);
}
`,
    );
  }
  // One group of channels: a fragment per pixel.
  return elementProgram(
    ctx,
    `texture-${layoutKey(layout)}-saving-${planes.join('-')}`,
    () => `${HEADER}${textureSnippet(layout)}${OUTPUT_INDEX}${SLOT_BLOCK}
layout(location = 0) out vec4 outValue;
${planes.map((p, k) => `layout(location = ${1 + k}) out vec4 out_${p};`).join('\n')}
void main() {
  int pixel = outputIndex();
  Lookup L = setupLookup(pixel);
  Taps b0 = lookupTaps(L, 0), b1 = b0;
  if (L.used == 2) b1 = lookupTaps(L, 1);
  vec4 value, ds, dt, dlod;
  valueDerivatives(L, b0, b1, 0, value, ds, dt, dlod);
  outValue = value;
  ${planeOutputs(planes)}
}
`,
  );
}
