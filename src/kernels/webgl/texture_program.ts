/** texture's forward pass: one fragment per pixel and group of four channels (channelGroupPass). */
import {DiffrastGL} from './gl_context';
import {HEADER, OUTPUT_INDEX} from './glsl_common';
import {GlProgram} from './gl_program';
import {layoutKey, TextureLayout, textureSnippet} from './glsl_texture';
import {elementProgram} from './passes';

export function textureProgram(ctx: DiffrastGL, layout: TextureLayout): GlProgram {
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
