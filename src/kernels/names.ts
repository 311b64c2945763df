/**
 * Kernel names and attribute types shared by the ops and every backend.
 *
 * Our kernels take their inputs as a list, not a name map: tfjs saves every input of a kernel for
 * its gradient only when the inputs are an array (`saveAllInputs`), and several of ours are
 * optional or variable in number (rastDb, uvDa, mip levels). The list's names travel in the
 * attribute `inputNames`; `unpackInputs` turns the list back into a record.
 */
import type {NamedAttrMap, NamedTensorInfoMap, TensorInfo} from '@tensorflow/tfjs-core';

export const Rasterize = 'DiffrastRasterize';
export const RasterizeGrad = 'DiffrastRasterizeGrad';
export const Interpolate = 'DiffrastInterpolate';
export const InterpolateGrad = 'DiffrastInterpolateGrad';
export const Texture = 'DiffrastTexture';
export const TextureGrad = 'DiffrastTextureGrad';
/** One level of the mip pyramid: the 2×2 box average of the level above (docs/texture.md#mip-pyramid). */
export const TextureMip = 'DiffrastTextureMip';
export const TextureMipGrad = 'DiffrastTextureMipGrad';
export const Antialias = 'DiffrastAntialias';
export const AntialiasGrad = 'DiffrastAntialiasGrad';
/**
 * mat4.transformPos on webgpu only (other backends use tfjs's matMul): inputs mats [N,4,4], pos [V,3] → [N,V,4];
 * its gradient kernel: inputs mats, dy [N,V,4] → dpos [V,3].
 */
export const TransformPos = 'DiffrastTransformPos';
export const TransformPosGrad = 'DiffrastTransformPosGrad';

export const ALL_KERNELS = [
  Rasterize,
  RasterizeGrad,
  Interpolate,
  InterpolateGrad,
  Texture,
  TextureGrad,
  TextureMip,
  TextureMipGrad,
  Antialias,
  AntialiasGrad,
  TransformPos,
  TransformPosGrad,
];

/** Names the inputs of a kernel call; absent optional inputs are left out of the list. */
export interface InputNames {
  inputNames: string[];
}

/**
 * Rasterize: inputs pos ([N,V,4] instanced or [V,4] range mode), tri [T,3] int32, and for depth
 * peeling `peel`, the previous layer's rast. Outputs [rast, rastDb], both [N,H,W,4].
 */
export interface RasterizeInputs {
  pos: TensorInfo;
  tri: TensorInfo;
  peel?: TensorInfo;
}
/** How a GPU backend decides which pixels a triangle covers (docs/rasterize.md#coverage). */
export type Coverage = 'hardware' | 'exact';
/** Which winding is not drawn: counter-clockwise in NDC is front (docs/rasterize.md#culling). */
export type CullMode = 'none' | 'back' | 'front';
export interface RasterizeAttrs extends InputNames {
  height: number;
  width: number;
  /** Range mode: (first, count) pairs, flattened; empty in instanced mode. */
  ranges: number[];
  /** The cpu backend is always exact. */
  coverage: Coverage;
  cullMode: CullMode;
}

/**
 * The screen determinant's sign that cullMode draws: 0 both, +1 only det > 0 (counter-clockwise
 * in NDC, front), −1 only det < 0. Shaders get it as an int uniform.
 */
export function drawnWinding(cullMode: CullMode): number {
  return cullMode === 'back' ? 1 : cullMode === 'front' ? -1 : 0;
}

/** RasterizeGrad: inputs pos, tri, rast, dy (on rast) and, with gradDb, ddb (on rastDb). Output dpos. */
export interface RasterizeGradInputs {
  pos: TensorInfo;
  tri: TensorInfo;
  rast: TensorInfo;
  dy: TensorInfo;
  ddb?: TensorInfo;
}

/** Interpolate: inputs attr, rast, tri, and rastDb when diffAttrs is not empty. Outputs [out, outDa]. */
export interface InterpolateInputs {
  attr: TensorInfo;
  rast: TensorInfo;
  tri: TensorInfo;
  rastDb?: TensorInfo;
}
export interface InterpolateAttrs extends InputNames {
  /** Attribute indices whose screen-space derivatives go to outDa, already made non-negative. */
  diffAttrs: number[];
}
/**
 * InterpolateGrad: the forward inputs plus dy (on out) and dyDa (on outDa, with rastDb).
 * Outputs [dattr, drast] and, with rastDb, drastDb: those that attrs.outputs names, in that order.
 */
export interface InterpolateGradInputs extends InterpolateInputs {
  dy: TensorInfo;
  dyDa?: TensorInfo;
}
export interface InterpolateGradAttrs extends InterpolateAttrs {
  /** 'attr': dattr alone; 'rast': drast (and drastDb); absent: all. */
  outputs?: 'attr' | 'rast';
}
/** Which of InterpolateGrad's outputs a call makes. */
export function interpolateGradOutputs(attrs: InterpolateGradAttrs): {attr: boolean; rast: boolean} {
  return {attr: attrs.outputs !== 'rast', rast: attrs.outputs !== 'attr'};
}

/** How {@link texture} filters (docs/texture.md#filter-modes). */
export type FilterMode = 'nearest' | 'linear' | 'linear-mipmap-nearest' | 'linear-mipmap-linear';
/** What {@link texture} reads outside the texture (docs/texture.md#boundary-modes). */
export type BoundaryMode = 'wrap' | 'clamp' | 'zero' | 'cube';

/**
 * Texture: inputs tex, uv, optional uvDa and mipLevelBias, then the mip levels 1..L (`level1`,
 * `level2`, …). Output [N,H,W,C]; a backend may add a second, which the op hides and saves for TextureGrad's
 * `lookup` (webgl: each pixel's taps and its output's derivatives, where the attribute `recording` says a gradient
 * may follow). Its shape and content are the backend's own.
 */
export interface TextureInputs {
  tex: TensorInfo;
  uv: TensorInfo;
  uvDa?: TensorInfo;
  mipLevelBias?: TensorInfo;
  /** Levels 1..L, in order (level 0 is tex). */
  mips: TensorInfo[];
}
export interface TextureAttrs extends InputNames {
  filterMode: FilterMode;
  boundaryMode: BoundaryMode;
}
/** Texture's attributes: TextureAttrs and whether tfjs records a gradient tape (absent: false). */
export interface TextureForwardAttrs extends TextureAttrs {
  /** True when the op runs under a gradient tape: a backend makes its second output only then. */
  recording?: boolean;
}
/**
 * TextureGrad: the forward inputs plus dy. Outputs, in order: dtex, duv, then duvDa and
 * dmipLevelBias when those inputs came, then one gradient per mip level; those that attrs.outputs names, in that
 * order. Inputs that docs/texture.md#backward gives no gradient in the chosen mode get zeros.
 */
export interface TextureGradInputs extends TextureInputs {
  dy: TensorInfo;
  /** The forward's second output, where its backend made one (absent: the kernel works without it). */
  lookup?: TensorInfo;
}
export interface TextureGradAttrs extends TextureAttrs {
  /** 'texels': dtex and the mip levels' (the scatter); 'pixels': duv, duvDa, dmipLevelBias; absent: all. */
  outputs?: 'texels' | 'pixels';
  /**
   * The levels are tex's own pyramid (docs/texture.md#mip-pyramid): dtex is then tex's whole gradient, the levels'
   * spread up to it through the box filter's adjoint, and the levels get no output. Absent: false.
   */
  mipGradToTex?: boolean;
}
/** TextureGrad's outputs in their order: texels[0] (dtex), the pixels' given (duv, duvDa, dmipLevelBias), texels[1..]. */
export function textureGradOrder<T>(texels: readonly T[], pixels: readonly (T | null | undefined)[]): T[] {
  return [texels[0], ...pixels, ...texels.slice(1)].filter((t): t is T => t != null);
}
/** textureGradOrder undone for a call that made every output, `numPixels` of them the pixels'. */
export function textureGradSplit<T>(all: readonly T[], numPixels: number): {texels: T[]; pixels: T[]} {
  return {texels: [all[0], ...all.slice(1 + numPixels)], pixels: all.slice(1, 1 + numPixels)};
}
/** Which of TextureGrad's outputs a call makes. */
export function textureGradOutputs(attrs: TextureGradAttrs): {texels: boolean; pixels: boolean} {
  return {texels: attrs.outputs !== 'pixels', pixels: attrs.outputs !== 'texels'};
}

/** TextureMip: input x [..., H, W, C] → [..., max(H>>1,1), max(W>>1,1), C]. */
export interface TextureMipGradAttrs {
  /** The forward input's height and width (a side of 1 below can come from 1 or 2 above). */
  inHeight: number;
  inWidth: number;
}

/**
 * Antialias: inputs color, rast, pos, tri, topo (see TopologyHash). Output [N,H,W,C]; a backend may add a
 * second, which the op hides and saves for AntialiasGrad's `list` (webgl: its live items; webgpu: its candidate
 * pairs and their α).
 */
export interface AntialiasInputs {
  color: TensorInfo;
  rast: TensorInfo;
  pos: TensorInfo;
  tri: TensorInfo;
  /** [T,3] int32: the vertex opposite edge e of triangle t across that edge, or -1. */
  topo: TensorInfo;
}
export interface AntialiasAttrs extends InputNames {
  /** Read by the op's gradient, which scales AntialiasGrad's dpos by it (docs/antialias.md#backward). */
  posGradientBoost: number;
}
/** AntialiasGrad: the forward inputs plus dy. Outputs [dcolor, dpos], dpos not yet scaled by posGradientBoost. */
export interface AntialiasGradInputs extends AntialiasInputs {
  dy: TensorInfo;
  /** The forward's second output, where its backend made one (absent: the kernel works without it). */
  list?: TensorInfo;
}

/** Mip level ℓ ≥ 1 travels as input `level<ℓ>`. */
const LEVEL_PREFIX = 'level';

export function isLevelInput(name: string): boolean {
  return name.startsWith(LEVEL_PREFIX);
}

/** Builds a kernel's input list and its `inputNames` attribute from a record. */
export function packInputs(named: {[name: string]: TensorInfo | TensorInfo[] | undefined}): {
  list: TensorInfo[];
  inputNames: string[];
} {
  const list: TensorInfo[] = [];
  const inputNames: string[] = [];
  for (const [name, value] of Object.entries(named)) {
    if (value == null) continue;
    if (Array.isArray(value)) {
      value.forEach((v, i) => {
        list.push(v);
        inputNames.push(`${LEVEL_PREFIX}${i + 1}`);
      });
    } else {
      list.push(value);
      inputNames.push(name);
    }
  }
  return {list, inputNames};
}

/** The inverse of packInputs: mip levels come back as the array `mips`. */
export function unpackInputs<T>(inputs: NamedTensorInfoMap | TensorInfo[], attrs: NamedAttrMap | InputNames): T {
  const names = (attrs as InputNames).inputNames;
  const list = inputs as unknown as TensorInfo[];
  const out: {[name: string]: TensorInfo | TensorInfo[]} = {mips: []};
  names.forEach((name, i) => {
    if (isLevelInput(name)) {
      (out.mips as TensorInfo[]).push(list[i]);
    } else {
      out[name] = list[i];
    }
  });
  return out as unknown as T;
}
