/**
 * Procedural assets: gradient noise on the sphere, a continents-like earth texture and a sky cube
 * map. Everything is a function of a direction, so the textures have no seams.
 */
import {Rng} from './random';
import {sphericalToVector, Vec3} from './geometry';

type Color = [number, number, number];

const mix = (a: Color, b: Color, f: number): Color => [
  a[0] + (b[0] - a[0]) * f,
  a[1] + (b[1] - a[1]) * f,
  a[2] + (b[2] - a[2]) * f,
];
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const smoothstep = (lo: number, hi: number, x: number) => {
  const f = clamp01((x - lo) / (hi - lo));
  return f * f * (3 - 2 * f);
};

/** 3-D gradient noise (Perlin's construction) over a seeded lattice; values in about [−1, 1]. */
export class Noise {
  private perm = new Uint8Array(512);
  private grads = new Float32Array(256 * 3);

  constructor(rng: Rng) {
    const p = Array.from({length: 256}, (_, i) => i);
    for (let i = 255; i > 0; i--) {
      const j = rng.int(i + 1);
      [p[i], p[j]] = [p[j], p[i]];
    }
    for (let i = 0; i < 512; i++) this.perm[i] = p[i & 255];
    for (let i = 0; i < 256; i++) {
      const z = rng.uniform(-1, 1),
        a = rng.uniform(0, 2 * Math.PI),
        r = Math.sqrt(1 - z * z);
      this.grads.set([r * Math.cos(a), r * Math.sin(a), z], 3 * i);
    }
  }

  at(x: number, y: number, z: number): number {
    const xi = Math.floor(x),
      yi = Math.floor(y),
      zi = Math.floor(z);
    const fx = x - xi,
      fy = y - yi,
      fz = z - zi;
    const fade = (t: number) => t * t * t * (t * (6 * t - 15) + 10);
    const u = fade(fx),
      v = fade(fy),
      w = fade(fz);
    const {perm, grads} = this;
    let sum = 0;
    for (let c = 0; c < 8; c++) {
      const dx = c & 1,
        dy = (c >> 1) & 1,
        dz = c >> 2;
      const g = 3 * perm[perm[perm[(xi + dx) & 255] + ((yi + dy) & 255)] + ((zi + dz) & 255)];
      const dot = grads[g] * (fx - dx) + grads[g + 1] * (fy - dy) + grads[g + 2] * (fz - dz);
      sum += dot * (dx ? u : 1 - u) * (dy ? v : 1 - v) * (dz ? w : 1 - w);
    }
    return 2 * sum;
  }

  /** Fractal sum of `octaves` octaves, each twice the frequency and half the amplitude. */
  fbm(d: Vec3, frequency: number, octaves: number): number {
    let sum = 0,
      amplitude = 0.5;
    for (let o = 0; o < octaves; o++, frequency *= 2, amplitude *= 0.5) {
      sum += amplitude * this.at(d[0] * frequency + 17.1 * o, d[1] * frequency, d[2] * frequency);
    }
    return sum;
  }
}

const DEEP: Color = [0.02, 0.07, 0.22],
  SHALLOW: Color = [0.1, 0.36, 0.55];
const FOREST: Color = [0.16, 0.38, 0.12],
  DESERT: Color = [0.78, 0.66, 0.42];
const ROCK: Color = [0.42, 0.36, 0.3],
  SNOW: Color = [0.93, 0.95, 0.97];

/** The earth-like color at a point of the unit sphere. */
function earthColor(noise: Noise, d: Vec3, lat: number): Color {
  const height = noise.fbm(d, 1.5, 9);
  const seaLevel = 0.04;
  const ice = smoothstep(0.1, 0.14, Math.abs(lat) / Math.PI - 0.3 + 0.1 * noise.fbm(d, 6, 3));
  if (height < seaLevel) return mix(mix(SHALLOW, DEEP, Math.sqrt(clamp01((seaLevel - height) / 0.35))), SNOW, ice);
  const elevation = (height - seaLevel) / 0.4;
  const dryness = smoothstep(-0.15, 0.25, noise.fbm(d, 3, 5) + 0.25 * Math.cos(2 * (Math.abs(lat) - 0.4)));
  const land = mix(mix(FOREST, DESERT, dryness), ROCK, smoothstep(0.3, 0.7, elevation));
  return mix(land, SNOW, Math.max(ice, smoothstep(1.05, 1.2, elevation)));
}

/**
 * A `height`×(2·height) equirectangular earth-like texture, RGB rows from the south pole (t = 0,
 * row 0) to the north, matching `uvSphere`'s texture coordinates.
 */
export function earthTexture(height: number, seed: number): Float32Array {
  const noise = new Noise(new Rng(seed));
  const width = 2 * height;
  const out = new Float32Array(width * height * 3);
  for (let j = 0; j < height; j++) {
    const lat = Math.PI * ((j + 0.5) / height - 0.5);
    for (let i = 0; i < width; i++) {
      const c = earthColor(noise, sphericalToVector(lat, (2 * Math.PI * (i + 0.5)) / width), lat);
      out.set(c, 3 * (j * width + i));
    }
  }
  return out;
}

/**
 * The direction through texel center (s, t) of cube face f (+X, −X, +Y, −Y, +Z, −Z): docs/texture.md#cube-maps
 * inverted.
 */
function cubeTexelDirection(f: number, s: number, t: number): Vec3 {
  const a = 2 * s - 1,
    b = 2 * t - 1;
  const d: Vec3[] = [
    [1, -b, -a],
    [-1, -b, a],
    [a, 1, b],
    [a, -1, -b],
    [a, -b, 1],
    [-a, -b, -1],
  ];
  const [x, y, z] = d[f],
    n = Math.hypot(x, y, z);
  return [x / n, y / n, z / n];
}

/** The sky color in direction d (y up): ground, hazy horizon, blue zenith, clouds and a sun. */
function skyColor(noise: Noise, d: Vec3, sun: Vec3): Color {
  const y = d[1];
  if (y < 0) {
    const ground = mix([0.3, 0.26, 0.2], [0.18, 0.25, 0.12], clamp01(0.5 + noise.fbm(d, 4, 4)));
    return mix([0.7, 0.72, 0.7], ground, smoothstep(0, 0.15, -y));
  }
  let c = mix([0.78, 0.86, 0.95], [0.16, 0.35, 0.75], Math.sqrt(y));
  const cloud = smoothstep(0.0, 0.3, noise.fbm([d[0] / (y + 0.3), 2 * y, d[2] / (y + 0.3)], 1.5, 5));
  c = mix(c, [0.96, 0.96, 0.96], 0.85 * cloud * smoothstep(0, 0.1, y));
  const cosSun = d[0] * sun[0] + d[1] * sun[1] + d[2] * sun[2];
  return mix(c, [1, 0.95, 0.8], Math.max(smoothstep(0.995, 0.998, cosSun), 0.3 * Math.max(0, cosSun) ** 32));
}

/** A `[6,S,S,3]` sky cube map (faces +X, −X, +Y, −Y, +Z, −Z; row j at t = (j + ½)/S). */
export function skyCubeMap(size: number, seed: number): Float32Array {
  const noise = new Noise(new Rng(seed));
  const sun = sphericalToVector(0.6, 0.8);
  const out = new Float32Array(6 * size * size * 3);
  for (let f = 0; f < 6; f++) {
    for (let j = 0; j < size; j++) {
      for (let i = 0; i < size; i++) {
        const d = cubeTexelDirection(f, (i + 0.5) / size, (j + 0.5) / size);
        out.set(skyColor(noise, d, sun), 3 * ((f * size + j) * size + i));
      }
    }
  }
  return out;
}
