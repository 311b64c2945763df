/** texture's forward pass: one element pass over [N,H,W,C]. */
import {DiffrastGL} from './gl_context';
import {HEADER, OUTPUT_INDEX} from './glsl_common';
import {GlProgram} from './gl_program';
import {layoutKey, TextureLayout, textureSnippet} from './glsl_texture';
import {elementProgram} from './passes';

export function textureProgram(ctx: DiffrastGL, layout: TextureLayout): GlProgram {
  return elementProgram(ctx, `texture-${layoutKey(layout)}`, () => `${HEADER}${textureSnippet(layout)}${OUTPUT_INDEX}
out float outValue;
void main() {
  ivec2 pc = outputCell(uChannels);
  outValue = textureValue(lookup(pc.x), pc.y);
}
`);
}
