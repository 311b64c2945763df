/**
 * Constants of antialias's math (docs/antialias.md), defined once and injected into the GLSL and WGSL programs.
 */

/** Crossings this far (in pixels) outside the pixel pair still count, clamped (docs/antialias.md#blend). */
export const REACH = 1 / 16;

/** Keeps the crossing's denominator away from zero in the backward pass (docs/antialias.md#backward). */
export const DB_EPSILON = 1e-3;
