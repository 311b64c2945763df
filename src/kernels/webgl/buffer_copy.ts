/**
 * Copying dense float32 texels into a tfjs tensor without a shader: readPixels into a GPU pixel buffer, then
 * texSubImage2D from it into the tensor's R32F texture (and the reverse). Both are memory copies on the GPU side (no
 * CPU round trip); on SwiftShader they are ~10× faster than a copy pass.
 */
import {GlSession, TexelComponents} from './gl_session';

/** A run of `count` row-major cells from cell `start` of a grid `width` wide, as rectangles. */
function rectangles(start: number, count: number, width: number): Array<[number, number, number, number]> {
  const out: Array<[number, number, number, number]> = [];
  let at = start;
  const end = start + count;
  const firstRowEnd = Math.min(end, Math.ceil(at / width) * width);
  if (at % width !== 0 && firstRowEnd > at) {
    out.push([at % width, Math.floor(at / width), firstRowEnd - at, 1]);
    at = firstRowEnd;
  }
  const rows = Math.floor((end - at) / width);
  if (rows > 0) {
    out.push([0, at / width, width, rows]);
    at += rows * width;
  }
  if (end > at) out.push([0, at / width, end - at, 1]);
  return out;
}

/**
 * Whether readPixels reads an attachment of `components` float32 channels (R32F, RG32F or RGBA32F; `texture`, made
 * the read buffer) here as RED, RG or RGBA / FLOAT. WebGL 2 promises RGBA / FLOAT for RGBA32F and leaves the other
 * formats to the implementation (IMPLEMENTATION_COLOR_READ_FORMAT), asked once per context.
 */
export function readsFloat(s: GlSession, texture: WebGLTexture, components: TexelComponents): boolean {
  if (components === 4) return true;
  if (components === 3) return false;
  const gl = s.gl;
  let reads = s.ctx.readsFloat.get(components);
  if (reads == null) {
    s.readFrom(texture);
    reads =
      gl.getParameter(gl.IMPLEMENTATION_COLOR_READ_FORMAT) === (components === 1 ? gl.RED : gl.RG) &&
      gl.getParameter(gl.IMPLEMENTATION_COLOR_READ_TYPE) === gl.FLOAT;
    s.ctx.readsFloat.set(components, reads);
  }
  return reads;
}

/**
 * Copies texels [texelStart, texelStart + count) of `source` (row-major, `width` wide; float32 of `components`
 * channels, RGBA32F by default: readsFloat must hold for others) into elements [elementStart, elementStart +
 * components·count) of `output`.
 */
export function copyTexelsToTensor(
  s: GlSession,
  source: WebGLTexture,
  width: number,
  texelStart: number,
  count: number,
  output: {texture: WebGLTexture | null; texShape: [number, number]},
  elementStart: number,
  components: TexelComponents = 4,
) {
  if (count <= 0) return;
  s.timed('copy to tensor', () => {
    const gl = s.gl;
    const format = components === 1 ? gl.RED : components === 2 ? gl.RG : gl.RGBA;
    const bytes = 4 * components * count;
    s.readFrom(source);
    s.bindPixelBuffer(gl.PIXEL_PACK_BUFFER, bytes);
    let offset = 0;
    for (const [x, y, w, h] of rectangles(texelStart, count, width)) {
      gl.readPixels(x, y, w, h, format, gl.FLOAT, offset);
      offset += 4 * components * w * h;
    }
    s.unbindPixelBuffer(gl.PIXEL_PACK_BUFFER);
    s.bindPixelBuffer(gl.PIXEL_UNPACK_BUFFER, bytes);
    s.bindForUpdate(output.texture!);
    offset = 0;
    for (const [x, y, w, h] of rectangles(elementStart, components * count, output.texShape[1])) {
      gl.texSubImage2D(gl.TEXTURE_2D, 0, x, y, w, h, gl.RED, gl.FLOAT, offset);
      offset += 4 * w * h;
    }
    s.unbindPixelBuffer(gl.PIXEL_UNPACK_BUFFER);
  });
}

/**
 * Copies elements [elementStart, elementStart + 4·count) of `input` (a tfjs tensor's R32F texture, unpacked) into
 * texels [0, count) of `grid` (RGBA32F, row-major, `grid.width` wide): the reverse of copyTexelsToTensor. False,
 * having copied nothing, when this context cannot read an R32F texture as RED / FLOAT (WebGL 2 leaves that format to
 * the implementation); the caller then copies by a pass.
 */
export function copyTensorToTexels(
  s: GlSession,
  input: {texture: WebGLTexture | null; texShape: [number, number]},
  count: number,
  grid: {texture: WebGLTexture; width: number},
  elementStart = 0,
): boolean {
  if (count <= 0) return true;
  const gl = s.gl;
  if (!readsFloat(s, input.texture!, 1)) return false;
  s.readFrom(input.texture!);
  s.timed('copy to texels', () => {
    const bytes = 16 * count;
    s.bindPixelBuffer(gl.PIXEL_PACK_BUFFER, bytes);
    let offset = 0;
    for (const [x, y, w, h] of rectangles(elementStart, 4 * count, input.texShape[1])) {
      gl.readPixels(x, y, w, h, gl.RED, gl.FLOAT, offset);
      offset += 4 * w * h;
    }
    s.unbindPixelBuffer(gl.PIXEL_PACK_BUFFER);
    s.bindPixelBuffer(gl.PIXEL_UNPACK_BUFFER, bytes);
    s.bindForUpdate(grid.texture);
    offset = 0;
    for (const [x, y, w, h] of rectangles(0, count, grid.width)) {
      gl.texSubImage2D(gl.TEXTURE_2D, 0, x, y, w, h, gl.RGBA, gl.FLOAT, offset);
      offset += 16 * w * h;
    }
    s.unbindPixelBuffer(gl.PIXEL_UNPACK_BUFFER);
  });
  return true;
}
