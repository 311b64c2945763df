/**
 * Constants of texture's math (docs/texture.md), defined once and injected into the GLSL and WGSL programs.
 */

/** ln 2: lod = ½·log2 λ has dlod/dλ = 1/(2·ln 2·λ) (docs/texture.md#level-of-detail). */
export const LN2 = Math.LN2;

/** The shaders' level of detail for a zero (−) or infinite (+) footprint, where the cpu's is ∓Infinity. */
export const LOD_LIMIT = 1e30;
