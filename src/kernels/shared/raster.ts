/**
 * Constants of the rasterizer's math, defined once and injected into the GLSL and WGSL programs
 * (docs/rasterize.md#backward).
 */

/** The backward divides by A' = A + sign(A)·A_EPSILON, which keeps A away from zero. */
export const A_EPSILON = 1e-6;

/** A float literal for GLSL and WGSL (always with a decimal point or exponent). */
export function shaderFloat(x: number): string {
  const s = String(x);
  return /[.e]/.test(s) ? s : `${s}.0`;
}
