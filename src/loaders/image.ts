/**
 * PNG and JPEG decoding in pure JavaScript (fast-png, jpeg-js): the same code and results in Node and
 * browsers, no canvas or DOM needed. See docs/meshes.md#loaders.
 */
import {decode as decodePng} from 'fast-png';
import jpeg from 'jpeg-js';

import type {Image} from '../utils/mesh';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];

/**
 * Decodes PNG or JPEG bytes (told apart by their signature) into 8-bit pixels, rows from the top.
 * @param bytes - A PNG or JPEG file's bytes.
 * @returns The decoded image: width, height, channels and 8-bit data.
 * @example
 * ```ts
 * import {decodeImage} from 'tfjs-diffrast/loaders';
 * const image = decodeImage(fs.readFileSync('albedo.png'));
 * ```
 */
export function decodeImage(bytes: Uint8Array | ArrayBuffer): Image {
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (PNG_SIGNATURE.every((b, i) => data[i] === b)) return fromPng(data);
  if (data[0] === 0xff && data[1] === 0xd8) {
    const {width, height, data: rgb} = jpeg.decode(data, {useTArray: true, formatAsRGBA: false});
    return {width, height, channels: rgb.length / (width * height), data: Uint8Array.from(rgb)};
  }
  const head = [...data.slice(0, 4)].map(b => b.toString(16).padStart(2, '0')).join(' ');
  throw new Error(`decodeImage: bytes must be a PNG or a JPEG image, got one starting with ${head || 'nothing'}`);
}

function fromPng(data: Uint8Array): Image {
  const png = decodePng(data);
  const {width, height} = png;
  const pixels = width * height;
  if (png.palette) {
    // Indexed colour: expand through the palette (entries are RGB or RGBA).
    const channels = png.palette[0].length;
    const out = new Uint8Array(pixels * channels);
    const bits = png.depth;
    const rowBytes = Math.ceil((width * bits) / 8);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const bit = x * bits;
        const byte = png.data[y * rowBytes + (bit >> 3)];
        const index = (byte >> (8 - bits - (bit & 7))) & ((1 << bits) - 1);
        out.set(png.palette[index], (y * width + x) * channels);
      }
    }
    return {width, height, channels, data: out};
  }
  const channels = png.channels;
  const out = new Uint8Array(pixels * channels);
  const src = png.data;
  if (png.depth === 8) out.set(src as Uint8Array);
  else if (png.depth === 16) for (let i = 0; i < out.length; i++) out[i] = src[i] >> 8;
  else {
    // 1, 2 or 4-bit grey: unpack rows and scale to 0..255.
    const bits = png.depth;
    const rowBytes = Math.ceil((width * channels * bits) / 8);
    const max = (1 << bits) - 1;
    for (let y = 0; y < height; y++) {
      for (let i = 0; i < width * channels; i++) {
        const bit = i * bits;
        const v = (src[y * rowBytes + (bit >> 3)] >> (8 - bits - (bit & 7))) & max;
        out[y * width * channels + i] = Math.round((v * 255) / max);
      }
    }
  }
  return {width, height, channels, data: out};
}
