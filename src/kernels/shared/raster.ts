/**
 * Constants of the rasterizer's math, defined once and injected into the GLSL and WGSL programs
 * (docs/rasterize.md#backward).
 */

/** The backward divides by A' = A + sign(A)·A_EPSILON, which keeps A away from zero. */
export const A_EPSILON = 1e-6;

/**
 * pixelCenter's hi + lo: hi is cut into three parts of at most this many significant bits, so that each part's
 * product with an image size below 2^14 is exact in float32 (docs/backends.md#math-modules).
 */
export const CENTER_SPLIT_BITS = 8;

/** relativeTo's f·w as partial products of halves of this many bits, each exact in float32's 24. */
export const PRODUCT_SPLIT_BITS = 12;

/**
 * The conservative shapes exact coverage draws before its per-fragment test, in pixels
 * (docs/rasterize.md#backend-differences): they decide which fragments are tested, never which pixels are
 * covered. Every entry is declared, under its name, in both shader languages (`coverConstants`).
 */
export const COVER = {
  /** webgl: the triangle with each edge moved out this far (hardware snaps vertices by at most 1/32 pixel). */
  DILATION: 1 / 8,
  /** webgl: the box of the pixels whose centers the projected bounds contain, widened this much for rounding. */
  BOX_SLACK: 1e-3,
  /** webgpu: the triangle with each edge pushed out this far (more than hardware snapping moves it). */
  MARGIN: 1 / 4,
  /** webgpu: a corner pushed farther than this (an angle below ~1.8° at MARGIN) falls back to the bounding cover. */
  MAX_SHIFT: 16,
  /** webgpu: so does a pushed corner with |x| + |y| beyond this. */
  MAX_CORNER: 1e7,
  /** webgpu: the bounding cover's box (of the triangle clipped to the view) grows by this on every side. */
  BOUNDING_PAD: 1,
};

/** COVER as constant declarations of GLSL or WGSL. */
export function coverConstants(language: 'glsl' | 'wgsl'): string {
  const type = language === 'glsl' ? 'const float' : 'const';
  return Object.entries(COVER)
    .map(
      ([name, value]) => `${type} ${name} = ${shaderFloat(value)};
`,
    )
    .join('');
}

/** A float literal for GLSL and WGSL (always with a decimal point or exponent). */
export function shaderFloat(x: number): string {
  const s = String(x);
  return /[.e]/.test(s) ? s : `${s}.0`;
}
