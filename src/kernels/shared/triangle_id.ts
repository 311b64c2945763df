/**
 * Triangle ids in rast (docs/conventions.md#triangle-ids): the row of tri plus one, 0 for empty. Up to
 * 2^24 the float is the id; above, the float whose bit pattern is 0x4A800000 + id (all such floats exceed 2^24).
 */
export const EXACT_ID_LIMIT = 1 << 24;
export const LARGE_ID_BIAS = 0x4a800000;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float stored in rast's fourth channel for id (row + 1). */
export function encodeTriangleId(id: number): number {
  if (id <= EXACT_ID_LIMIT) return id;
  u32[0] = LARGE_ID_BIAS + id;
  return f32[0];
}

/**
 * The id (row of tri plus one, 0 = empty) that a value of rast's fourth channel stands for
 * (docs/conventions.md#triangle-ids). Ids up to 2^24 are the value itself; larger ones are
 * bit-encoded.
 *
 * @param value - a value of `rast[..., 3]`.
 * @returns the triangle's row in `tri` plus one, or 0 for an empty pixel.
 *
 * @example
 * ```ts
 * const ids = Array.from(await rast.data()).filter((_, i) => i % 4 === 3).map(dr.decodeTriangleId);
 * ```
 */
export function decodeTriangleId(value: number): number {
  if (value <= EXACT_ID_LIMIT) return value;
  f32[0] = value;
  return u32[0] - LARGE_ID_BIAS;
}
