/**
 * Constants of antialias's math (docs/antialias.md), defined once and injected into the GLSL and WGSL programs.
 */

/** Crossings this far (in pixels) outside the pixel pair still count, clamped (docs/antialias.md#blend). */
export const REACH = 1 / 16;

/**
 * webgpu's pre-pass skips an edge only when the neighbour's far vertex is surely on the other side: by more than
 * this times the side test's magnitude (far above float32's rounding, here and in owner-relative coordinates).
 */
export const SIDE_TOLERANCE = 1e-5;

/** Keeps the crossing's denominator away from zero in the backward pass (docs/antialias.md#backward). */
export const DB_EPSILON = 1e-3;
