/**
 * Mip pyramid level sizes (docs/texture.md#mip-pyramid), shared by the ops and every backend.
 */

/** Size [height, width] of level `level` of a height × width texture. */
export function mipLevelSize(height: number, width: number, level: number): [number, number] {
  return [Math.max(height >> level, 1), Math.max(width >> level, 1)];
}

/** The box filter's weight from a height × width level to the one below: ¼, or ½ once a side is 1 (1 at 1×1). */
export function mipBoxWeight(height: number, width: number): number {
  return (height > 1 ? 0.5 : 1) * (width > 1 ? 0.5 : 1);
}

/**
 * The number of levels below level 0 a pyramid gets: down to 1×1, or `maxMipLevel` if smaller.
 * Returns null with the sizes so far when a side > 1 is odd before that (the box filter would
 * not be exact).
 */
export function mipLevelCount(
  height: number,
  width: number,
  maxMipLevel?: number,
): {levels: number; oddAt: null | number; sizes: Array<[number, number]>} {
  const sizes: Array<[number, number]> = [[height, width]];
  let level = 0;
  while (maxMipLevel == null || level < maxMipLevel) {
    const [h, w] = sizes[level];
    if (h === 1 && w === 1) break;
    if ((h > 1 && h % 2 === 1) || (w > 1 && w % 2 === 1)) return {levels: level, oddAt: level, sizes};
    sizes.push(mipLevelSize(height, width, level + 1));
    level++;
  }
  return {levels: level, oddAt: null, sizes};
}
