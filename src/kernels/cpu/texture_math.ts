/**
 * Texture lookups (docs/texture.md#lookup) and their gradients (#backward) in float64, one pixel at a time. The
 * forward and backward kernels both run `TexturePixel.evaluate`, so they cannot disagree about
 * which texels a pixel reads.
 */
import {BoundaryMode, FilterMode} from '../names';
import {CUBE_FACES, cubeFaceCoords, cubeFaceOf, cubeNeighbourTexel} from '../shared/cube';
import {LN2} from '../shared/texture';

export interface TexLevel {
  data: Float32Array;
  height: number;
  width: number;
}

export interface TextureScene {
  /** Level 0 is the texture, then mip levels 1..L. */
  levels: TexLevel[];
  /** Texture batch size: 1 (shared) or N. */
  texBatch: number;
  channels: number;
  cube: boolean;
  filterMode: FilterMode;
  boundaryMode: BoundaryMode;
  uv: Float32Array;
  uvDa: Float32Array | null;
  bias: Float32Array | null;
  /** Pixels per image (H·W). */
  pixels: number;
}

/**
 * Where gradients go in the backward pass: a pixel's own uv, uvDa and bias gradients (one or two terms each)
 * straight into the kernel's float32 outputs; a texel's, which gathers from every pixel that reads it, into float64
 * sums (the kernel rounds them once at the end): a float32 running sum drifts by up to ~1e-7 of the sum per term,
 * 1e-3 of it over the ~10⁵ background pixels of a fit whose loss reads uv = 0 (all on the four corner texels).
 * `levels` null: no texel gradients (no scatter); `uv` null: none of the pixels' (uv, uvDa, bias).
 */
export interface TextureGrads {
  levels: Float64Array[] | null;
  uv: Float32Array | null;
  uvDa: Float32Array | null;
  bias: Float32Array | null;
}

/**
 * The four bilinear taps T00, T10, T01, T11 of one level. A tap reads the sum of up to three
 * texels with shares: one texel normally, none outside a 'zero' texture, and three (⅓ each) for
 * the missing corner of a cube face. The shaders' Taps hold the same values: (fx, fy) is their `frac`,
 * (dxds, dydt) their `scale`; a shader names a cube corner's tap (`corner`) instead of listing shares.
 */
export class Taps {
  readonly offsets = new Int32Array(12);
  readonly shares = new Float64Array(12);
  readonly counts = new Int32Array(4);
  readonly weights = new Float64Array(4);
  fx = 0;
  fy = 0;
  /** d(texel-space x)/ds and d(y)/dt: the level size, or 0 where the coordinate was clamped. */
  dxds = 0;
  dydt = 0;
  /** The mip level the taps read (set by {@link TexturePixel.lookupTaps}). */
  level = 0;

  setTap(tap: number, offset: number) {
    this.offsets[3 * tap] = offset;
    this.shares[3 * tap] = 1;
    this.counts[tap] = offset < 0 ? 0 : 1;
  }

  setWeights(fx: number, fy: number) {
    this.fx = fx;
    this.fy = fy;
    this.weights[0] = (1 - fx) * (1 - fy);
    this.weights[1] = fx * (1 - fy);
    this.weights[2] = (1 - fx) * fy;
    this.weights[3] = fx * fy;
  }

  /** Every tap reads exactly one texel with share 1. */
  isSimple(): boolean {
    const n = this.counts;
    return n[0] === 1 && n[1] === 1 && n[2] === 1 && n[3] === 1;
  }

  /** Tap value of channel c. */
  value(data: Float32Array, tap: number, c: number): number {
    let v = 0;
    for (let k = 0; k < this.counts[tap]; k++) v += this.shares[3 * tap + k] * data[this.offsets[3 * tap + k] + c];
    return v;
  }

  scatter(grad: Float64Array, tap: number, c: number, g: number) {
    for (let k = 0; k < this.counts[tap]; k++) grad[this.offsets[3 * tap + k] + c] += this.shares[3 * tap + k] * g;
  }
}

export function wrapIndex(i: number, size: number): number {
  // Indices are mostly at most one texel outside: `%` (a floating-point remainder here) only beyond.
  if (i >= 0 && i < size) return i;
  if (i >= -size && i < 2 * size) return i < 0 ? i + size : i - size;
  const r = i % size;
  return r < 0 ? r + size : r;
}

/**
 * lod = ½·log2 λ with λ the larger eigenvalue of the texel-space footprint's Gram matrix
 * (docs/texture.md#level-of-detail), from the footprint (ds/dX, ds/dY, dt/dX, dt/dY) on a level-0 texture of
 * width × height texels; writes dlod/d(footprint) into `grad` (zeros where not finite) unless it is null (a forward).
 * Small enough for V8 to inline into the per-pixel loop (its result would otherwise be an allocation per pixel):
 * the Gram matrix and the gradient are in the helpers below, which pass their numbers in `GRAM`.
 */
export function lodFromDerivatives(
  fp: ArrayLike<number>,
  width: number,
  height: number,
  grad: Float64Array | null,
): number {
  footprintGram(fp, width, height);
  if (grad) lodGradient(width, height, grad);
  return 0.5 * Math.log2(GRAM[7]);
}

/** sx, sy, tx, ty (the footprint in texels), (A − B)/2, C, r and λ of the last footprintGram. */
const GRAM = new Float64Array(8);

function footprintGram(fp: ArrayLike<number>, W: number, H: number) {
  const sx = fp[0] * W,
    sy = fp[1] * W,
    tx = fp[2] * H,
    ty = fp[3] * H;
  const A = sx * sx + tx * tx,
    B = sy * sy + ty * ty,
    C = sx * sy + tx * ty;
  const half = (A - B) / 2;
  const r = Math.sqrt(half * half + C * C);
  const g = GRAM;
  g[0] = sx;
  g[1] = sy;
  g[2] = tx;
  g[3] = ty;
  g[4] = half;
  g[5] = C;
  g[6] = r;
  g[7] = (A + B) / 2 + r;
}

/** dlod/d(footprint) of the last footprintGram into `grad`, zeros where not finite. */
function lodGradient(W: number, H: number, grad: Float64Array) {
  const G = GRAM;
  const sx = G[0],
    sy = G[1],
    tx = G[2],
    ty = G[3],
    half = G[4],
    C = G[5],
    r = G[6];
  const k = 1 / (2 * LN2 * G[7]);
  const ir = r > 0 ? 1 / r : 0; // at r = 0 the r-terms' numerators vanish too
  grad[0] = W * (sx + (half * sx + C * sy) * ir) * k;
  grad[1] = W * (sy + (-half * sy + C * sx) * ir) * k;
  grad[2] = H * (tx + (half * tx + C * ty) * ir) * k;
  grad[3] = H * (ty + (-half * ty + C * tx) * ir) * k;
  for (let i = 0; i < 4; i++) if (!Number.isFinite(grad[i])) grad[i] = 0;
}

/** The mip levels a lookup reads (docs/texture.md#level-of-detail), into `L`: l0, l1 (equal when one level), the
 * weight f of l1, how many levels are used, and whether lod gets a gradient (strictly between 0 and the last level,
 * linear-mipmap-linear only). Written into `L`, not returned: a per-pixel result object was an allocation. */
export function chooseLevels(lod: number, filterMode: FilterMode, maxLevel: number, L: Lookup) {
  L.lodActive = filterMode === 'linear-mipmap-linear' && lod > 0 && lod < maxLevel;
  lod = lod > 0 ? Math.min(lod, maxLevel) : 0; // also maps NaN to 0
  let l0 = 0,
    l1 = 0,
    f = 0;
  if (filterMode === 'linear-mipmap-nearest') {
    l0 = l1 = Math.floor(lod);
  } else if (filterMode === 'linear-mipmap-linear' && lod > 0) {
    l0 = Math.floor(lod);
    l1 = Math.min(l0 + 1, maxLevel);
    f = lod - l0;
  }
  L.l0 = l0;
  L.l1 = l1;
  L.f = f;
  L.used = l1 !== l0 ? 2 : 1;
}

/** What one pixel's lookup reads, as {@link TexturePixel.setupLookup} leaves it. */
export class Lookup {
  /** False for a cube direction without a face: output 0, no gradient. */
  valid = false;
  nt = 0;
  face = 0;
  /** (s, t), clamped to the face for cube maps. */
  s = 0;
  t = 0;
  sClamped = false;
  tClamped = false;
  l0 = 0;
  l1 = 0;
  /** Weight of level l1. */
  f = 0;
  /** The level fraction gets a gradient. */
  lodActive = false;
  /** Levels read: 1 or 2. */
  used = 1;
}

/** The weight of level slot 0 or 1 of a lookup. */
export function levelWeight(L: Lookup, slot: number): number {
  return L.used === 2 ? (slot === 1 ? L.f : 1 - L.f) : 1;
}

/** Evaluates (forward) or differentiates (backward) the lookup of one output pixel. */
export class TexturePixel {
  private readonly taps = [new Taps(), new Taps()];
  private readonly dir = [0, 0, 0];
  private readonly lookup = new Lookup();
  /** Jacobian of (s, t) w.r.t. the cube direction, rows s and t. */
  readonly jac = [new Float64Array(3), new Float64Array(3)];
  /** dlod/d(ds/dX, ds/dY, dt/dX, dt/dY) of the current pixel. */
  readonly lodGrad = new Float64Array(4);
  /** (ds/dX, ds/dY, dt/dX, dt/dY) of the current pixel. */
  private readonly footprint = new Float64Array(4);
  private readonly values = [new Float64Array(0), new Float64Array(0)];

  constructor(private readonly scene: TextureScene) {
    this.values = [new Float64Array(scene.channels), new Float64Array(scene.channels)];
  }

  /**
   * Pixel `pix` (flat over N·H·W). With `dy` = null, writes the output to `out`; otherwise adds
   * its gradients (dy read at pix) into `grads`.
   */
  evaluate(pix: number, out: Float32Array | null, dy: Float32Array | null, grads: TextureGrads | null) {
    const {scene} = this;
    const C = scene.channels;
    const L = this.setupLookup(pix, dy != null && grads!.uv != null); // dlod only for the pixels' gradients
    if (!L.valid) return; // no direction: output 0, no gradient

    if (scene.filterMode === 'nearest') {
      const tap = this.lookupTaps(L, 0);
      if (!dy) {
        for (let c = 0; c < C; c++) out![pix * C + c] = tap.value(scene.levels[0].data, 0, c);
      } else if (grads!.levels) {
        for (let c = 0; c < C; c++) tap.scatter(grads!.levels[0], 0, c, dy[pix * C + c]);
      }
      return;
    }

    if (dy) {
      this.backward(pix, dy, grads!);
      return;
    }
    const {l0, l1, f, used} = L;
    for (let k = 0; k < used; k++) {
      const tap = this.lookupTaps(L, k);
      const val = this.values[k];
      const d = scene.levels[k === 0 ? l0 : l1].data;
      if (tap.isSimple()) {
        // The common case, one texel per tap, read directly.
        const tw = tap.weights,
          w0 = tw[0],
          w1 = tw[1],
          w2 = tw[2],
          w3 = tw[3];
        const o = tap.offsets;
        for (let c = 0; c < C; c++) val[c] = w0 * d[o[0] + c] + w1 * d[o[3] + c] + w2 * d[o[6] + c] + w3 * d[o[9] + c];
        continue;
      }
      for (let c = 0; c < C; c++) {
        val[c] =
          tap.weights[0] * tap.value(d, 0, c) +
          tap.weights[1] * tap.value(d, 1, c) +
          tap.weights[2] * tap.value(d, 2, c) +
          tap.weights[3] * tap.value(d, 3, c);
      }
    }
    for (let c = 0; c < C; c++) {
      out![pix * C + c] = used === 2 ? (1 - f) * this.values[0][c] + f * this.values[1][c] : this.values[0][c];
    }
  }

  /**
   * The backward of a bilinear or trilinear lookup set up by `setupLookup`: texels, then (s, t), then the level,
   * those of `g` that are not null. Each level's tap values are computed in the same walk over its texels as their
   * gradients (dLod needs them).
   */
  private backward(pix: number, dy: Float32Array, g: TextureGrads) {
    const {scene} = this;
    const C = scene.channels;
    const L = this.lookup;
    const {face, l0, l1, lodActive, used} = L;
    const texels = g.levels,
      duv = g.uv;
    let ds = 0,
      dt = 0;
    for (let k = 0; k < used; k++) {
      const levelIndex = k === 0 ? l0 : l1;
      const data = scene.levels[levelIndex].data;
      const tap = this.lookupTaps(L, k);
      const val = this.values[k];
      const lw = levelWeight(L, k);
      if (tap.isSimple()) {
        // The common case, one texel per tap, read and written directly.
        const grad = texels ? texels[levelIndex] : null;
        const tw = tap.weights,
          w0 = tw[0],
          w1 = tw[1],
          w2 = tw[2],
          w3 = tw[3];
        const o0 = tap.offsets[0],
          o1 = tap.offsets[3],
          o2 = tap.offsets[6],
          o3 = tap.offsets[9];
        for (let c = 0; c < C; c++) {
          const t00 = data[o0 + c],
            t10 = data[o1 + c],
            t01 = data[o2 + c],
            t11 = data[o3 + c];
          val[c] = w0 * t00 + w1 * t10 + w2 * t01 + w3 * t11;
          const gc = lw * dy[pix * C + c];
          if (gc === 0) continue;
          if (grad) {
            grad[o0 + c] += w0 * gc;
            grad[o1 + c] += w1 * gc;
            grad[o2 + c] += w2 * gc;
            grad[o3 + c] += w3 * gc;
          }
          if (!duv) continue;
          const cross = t11 + t00 - t10 - t01;
          ds += gc * tap.dxds * (t10 - t00 + tap.fy * cross);
          dt += gc * tap.dydt * (t01 - t00 + tap.fx * cross);
        }
        continue;
      }
      for (let c = 0; c < C; c++) {
        const t00 = tap.value(data, 0, c),
          t10 = tap.value(data, 1, c);
        const t01 = tap.value(data, 2, c),
          t11 = tap.value(data, 3, c);
        const tw = tap.weights;
        val[c] = tw[0] * t00 + tw[1] * t10 + tw[2] * t01 + tw[3] * t11;
        const gc = lw * dy[pix * C + c];
        if (gc === 0) continue;
        if (texels) for (let q = 0; q < 4; q++) tap.scatter(texels[levelIndex], q, c, tap.weights[q] * gc);
        if (!duv) continue;
        const cross = t11 + t00 - t10 - t01;
        ds += gc * tap.dxds * (t10 - t00 + tap.fy * cross);
        dt += gc * tap.dydt * (t01 - t00 + tap.fx * cross);
      }
    }
    if (!duv) return;
    let dLod = 0;
    if (lodActive && used === 2) {
      for (let c = 0; c < C; c++) dLod += dy[pix * C + c] * (this.values[1][c] - this.values[0][c]);
    }
    if (scene.cube) {
      if (L.sClamped) ds = 0;
      if (L.tClamped) dt = 0;
      for (let k = 0; k < 3; k++) duv[3 * pix + k] += ds * this.jac[0][k] + dt * this.jac[1][k];
    } else {
      duv[2 * pix] += ds;
      duv[2 * pix + 1] += dt;
    }
    if (dLod === 0) return;
    if (g.bias) g.bias[pix] += dLod;
    if (scene.uvDa && g.uvDa) this.lodBackward(pix, dLod, face, g);
  }

  /**
   * What pixel `pix`'s lookup reads (docs/texture.md#lookup): its texture, face, clamped (s, t) and levels; the
   * cube projection's Jacobian into `jac` and, with `withLodGrad` (a backward's), dlod/d(footprint) into `lodGrad`
   * (zeros where not computed).
   */
  setupLookup(pix: number, withLodGrad = true): Lookup {
    const {scene} = this;
    const L = this.lookup;
    L.valid = false;
    L.nt = scene.texBatch > 1 ? Math.floor(pix / scene.pixels) : 0;
    L.face = 0;
    L.sClamped = L.tClamped = false;
    L.l0 = L.l1 = L.f = 0;
    L.lodActive = false;
    L.used = 1;
    const lg = this.lodGrad;
    lg[0] = lg[1] = lg[2] = lg[3] = 0; // (not fill(): a builtin call per pixel)
    if (scene.cube) {
      if (!this.setupCube(pix, L)) return L;
    } else {
      L.s = scene.uv[2 * pix];
      L.t = scene.uv[2 * pix + 1];
    }
    L.valid = true;
    if (scene.filterMode === 'nearest') return L;
    let lod = 0;
    if (scene.filterMode !== 'linear') {
      if (scene.uvDa) {
        const level0 = scene.levels[0];
        const grad = withLodGrad ? this.lodGrad : null;
        lod = lodFromDerivatives(this.texcoordDerivatives(pix), level0.width, level0.height, grad);
      }
      if (scene.bias) lod += scene.bias[pix];
    }
    chooseLevels(lod, scene.filterMode, scene.levels.length - 1, L);
    return L;
  }

  /**
   * A cube lookup's face, clamped (s, t) and the projection's Jacobian, into `L` and `jac`; false for a direction
   * without a face. (Apart from setupLookup: the flat path stays small enough for V8 to inline.)
   */
  private setupCube(pix: number, L: Lookup): boolean {
    const {scene} = this;
    const d = this.dir;
    for (let k = 0; k < 3; k++) d[k] = scene.uv[3 * pix + k];
    L.face = cubeFaceOf(d[0], d[1], d[2]);
    const finite = Number.isFinite(d[0]) && Number.isFinite(d[1]) && Number.isFinite(d[2]);
    if (!finite || d[CUBE_FACES[L.face].major] === 0) return false;
    const [s, t] = cubeFaceCoords(L.face, d);
    L.sClamped = !(s > 0 && s < 1);
    L.tClamped = !(t > 0 && t < 1);
    L.s = Math.min(Math.max(s, 0), 1);
    L.t = Math.min(Math.max(t, 0), 1);
    this.cubeJacobian(L.face);
    return true;
  }

  /**
   * The taps of level slot 0 (level l0) or 1 (level l1) of a lookup, in this pixel's scratch for that slot (valid
   * until the next call for the slot).
   */
  lookupTaps(L: Lookup, slot: number): Taps {
    const tap = this.taps[slot];
    const nearest = this.scene.filterMode === 'nearest';
    tap.level = nearest ? 0 : slot === 1 ? L.l1 : L.l0;
    if (nearest) this.nearestTaps(tap, L);
    else this.bilinearTaps(tap, this.scene.levels[tap.level], L);
    return tap;
  }

  /** Nearest texel of level 0 (docs/texture.md#lookup), as tap 0 of a lookup with weights (1, 0, 0, 0). */
  nearestTaps(tap: Taps, L: Lookup) {
    const {nt, face} = L;
    let {s, t} = L;
    const {boundaryMode} = this.scene;
    const {height: h, width: w} = this.scene.levels[0];
    tap.counts.fill(0);
    tap.setWeights(0, 0);
    tap.dxds = tap.dydt = 0;
    if (boundaryMode === 'wrap') {
      s -= Math.floor(s);
      t -= Math.floor(t);
    }
    let i = Math.floor(s * w),
      j = Math.floor(t * h);
    if (boundaryMode === 'zero' && (i < 0 || i >= w || j < 0 || j >= h)) return;
    if (boundaryMode === 'wrap') {
      i = wrapIndex(i, w);
      j = wrapIndex(j, h);
    }
    i = Math.min(Math.max(i, 0), w - 1);
    j = Math.min(Math.max(j, 0), h - 1);
    tap.setTap(0, this.texelOffset(nt, face, i, j, h, w));
  }

  private texelOffset(nt: number, face: number, i: number, j: number, h: number, w: number): number {
    const slice = this.scene.cube ? nt * 6 + face : nt;
    return ((slice * h + j) * w + i) * this.scene.channels;
  }

  /**
   * The four taps of a bilinear lookup at `L`'s (s, t) of one level, with boundary handling. (`L`, not its
   * numbers: float arguments of a call V8 does not inline are each an allocation.)
   */
  bilinearTaps(tap: Taps, level: TexLevel, L: Lookup) {
    const {nt} = L;
    let {s, t} = L;
    const {boundaryMode, cube} = this.scene;
    const {height: h, width: w} = level;
    if (boundaryMode === 'wrap') {
      s -= Math.floor(s);
      t -= Math.floor(t);
    }
    let x = s * w - 0.5,
      y = t * h - 0.5;
    tap.dxds = w;
    tap.dydt = h;
    if (boundaryMode === 'clamp') {
      // A clamped coordinate reads the border texel whatever s is: its derivative is 0.
      if (!(x > 0 && x < w - 1)) tap.dxds = 0;
      if (!(y > 0 && y < h - 1)) tap.dydt = 0;
      x = Math.min(Math.max(x, 0), w - 1);
      y = Math.min(Math.max(y, 0), h - 1);
    }
    const i0 = Math.floor(x),
      j0 = Math.floor(y);
    tap.setWeights(x - i0, y - j0);
    if (cube) this.cubeTaps(tap, nt, L.face, i0, j0, h, w);
    else this.flatTaps(tap, nt, i0, j0, h, w);
  }

  /** bilinearTaps' taps on a flat texture: boundary handling per axis, for two columns and two rows. */
  private flatTaps(tap: Taps, nt: number, i0: number, j0: number, h: number, w: number) {
    const {boundaryMode, channels: C} = this.scene;
    let ia = i0,
      ib = i0 + 1,
      ja = j0,
      jb = j0 + 1;
    if (boundaryMode === 'zero') {
      const inA = ia >= 0 && ia < w,
        inB = ib >= 0 && ib < w,
        rowA = ja >= 0 && ja < h,
        rowB = jb >= 0 && jb < h;
      const ra = (nt * h + ja) * w,
        rb = (nt * h + jb) * w;
      tap.setTap(0, inA && rowA ? (ra + ia) * C : -1);
      tap.setTap(1, inB && rowA ? (ra + ib) * C : -1);
      tap.setTap(2, inA && rowB ? (rb + ia) * C : -1);
      tap.setTap(3, inB && rowB ? (rb + ib) * C : -1);
      return;
    }
    if (boundaryMode === 'wrap') {
      ia = wrapIndex(ia, w);
      ib = wrapIndex(ib, w);
      ja = wrapIndex(ja, h);
      jb = wrapIndex(jb, h);
    }
    ia = Math.min(Math.max(ia, 0), w - 1);
    ib = Math.min(Math.max(ib, 0), w - 1);
    ja = Math.min(Math.max(ja, 0), h - 1);
    jb = Math.min(Math.max(jb, 0), h - 1);
    const ra = (nt * h + ja) * w,
      rb = (nt * h + jb) * w;
    tap.setTap(0, (ra + ia) * C);
    tap.setTap(1, (ra + ib) * C);
    tap.setTap(2, (rb + ia) * C);
    tap.setTap(3, (rb + ib) * C);
  }

  /** bilinearTaps' taps on a cube face: a texel across an edge is read on the neighbouring face. */
  private cubeTaps(tap: Taps, nt: number, face: number, i0: number, j0: number, h: number, w: number) {
    let corner = -1;
    for (let q = 0; q < 4; q++) {
      const i = i0 + (q & 1),
        j = j0 + (q >> 1);
      if (i >= 0 && i < w && j >= 0 && j < h) {
        tap.setTap(q, this.texelOffset(nt, face, i, j, h, w));
      } else if ((i >= 0 && i < w) || (j >= 0 && j < h)) {
        const [f2, i2, j2] = cubeNeighbourTexel(face, i, j, w);
        tap.setTap(q, this.texelOffset(nt, f2, i2, j2, h, w));
      } else {
        corner = q;
      }
    }
    if (corner >= 0) {
      // The missing corner of a cube face: the mean of the other three taps.
      let k = 0;
      for (let q = 0; q < 4; q++) {
        if (q === corner) continue;
        tap.offsets[3 * corner + k] = tap.offsets[3 * q];
        tap.shares[3 * corner + k] = 1 / 3;
        k++;
      }
      tap.counts[corner] = 3;
    }
  }

  /** Jacobian of the face projection (s, t) w.r.t. the direction. */
  private cubeJacobian(face: number) {
    const {major, sAxis, sSign, tAxis, tSign} = CUBE_FACES[face];
    const d = this.dir,
      M = d[major],
      aM = Math.abs(M),
      sgn = Math.sign(M);
    const [js, jt] = this.jac;
    js.fill(0);
    jt.fill(0);
    js[sAxis] = sSign / (2 * aM);
    js[major] = (-sSign * d[sAxis] * sgn) / (2 * M * M);
    jt[tAxis] = tSign / (2 * aM);
    jt[major] = (-tSign * d[tAxis] * sgn) / (2 * M * M);
  }

  /**
   * (ds/dX, ds/dY, dt/dX, dt/dY) of pixel pix: uvDa itself in 2-D; for cube maps uvDa's
   * direction derivatives pushed through the face projection.
   */
  private texcoordDerivatives(pix: number): Float64Array {
    const uvDa = this.scene.uvDa!,
      out = this.footprint;
    if (!this.scene.cube) {
      for (let i = 0; i < 4; i++) out[i] = uvDa[4 * pix + i];
      return out;
    }
    const [js, jt] = this.jac;
    let sX = 0,
      sY = 0,
      tX = 0,
      tY = 0;
    for (let k = 0; k < 3; k++) {
      const dX = uvDa[6 * pix + 2 * k],
        dY = uvDa[6 * pix + 2 * k + 1];
      sX += js[k] * dX;
      sY += js[k] * dY;
      tX += jt[k] * dX;
      tY += jt[k] * dY;
    }
    out[0] = sX;
    out[1] = sY;
    out[2] = tX;
    out[3] = tY;
    return out;
  }

  /**
   * Pushes dL/dlod into uvDa and, for cube maps, into the direction (the level depends on it). The flat case is
   * apart from the cube's so that this stays small enough for V8 to inline (dLod would be an allocation).
   */
  private lodBackward(pix: number, dLod: number, face: number, g: TextureGrads) {
    const lg = this.lodGrad;
    for (let i = 0; i < 4; i++) lg[i] *= dLod; // now dL/d(ds/dX, ds/dY, dt/dX, dt/dY)
    if (this.scene.cube) {
      this.cubeLodBackward(pix, face, g);
      return;
    }
    const duvDa = g.uvDa!;
    for (let i = 0; i < 4; i++) duvDa[4 * pix + i] += lg[i];
  }

  /** lodBackward on a cube map, from lodGrad scaled by dL/dlod. */
  private cubeLodBackward(pix: number, face: number, g: TextureGrads) {
    const gsX = this.lodGrad[0],
      gsY = this.lodGrad[1],
      gtX = this.lodGrad[2],
      gtY = this.lodGrad[3];
    const uvDa = this.scene.uvDa!,
      duvDa = g.uvDa!;
    const [js, jt] = this.jac;
    for (let k = 0; k < 3; k++) {
      duvDa[6 * pix + 2 * k] += gsX * js[k] + gtX * jt[k];
      duvDa[6 * pix + 2 * k + 1] += gsY * js[k] + gtY * jt[k];
    }
    // d(ds/dX)/d(dir_c) = Σ_m ∂²s/∂d_m∂d_c · uvDa_m,X (and likewise for the other three).
    const {major, sAxis, sSign, tAxis, tSign} = CUBE_FACES[face];
    const d = this.dir,
      M = d[major],
      aM = Math.abs(M);
    const mixed = -Math.sign(M) / (2 * M * M);
    const hessian = (axis: number, sign: number) => {
      const h = [
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ];
      h[axis][major] = h[major][axis] = sign * mixed;
      h[major][major] = (sign * d[axis]) / (aM * aM * aM);
      return h;
    };
    const hs = hessian(sAxis, sSign),
      ht = hessian(tAxis, tSign);
    for (let c = 0; c < 3; c++) {
      let acc = 0;
      for (let m = 0; m < 3; m++) {
        const dX = uvDa[6 * pix + 2 * m],
          dY = uvDa[6 * pix + 2 * m + 1];
        acc += hs[m][c] * (gsX * dX + gsY * dY) + ht[m][c] * (gtX * dX + gtY * dY);
      }
      g.uv![3 * pix + c] += acc;
    }
  }
}
