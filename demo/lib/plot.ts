/**
 * The loss curve as an RGBA image — the same picture live in the pages (putImageData) and in
 * out/<name>/loss.png (no canvas in Node). Log-scale loss against iteration: per pixel column the
 * range of the losses in light blue and their mean in dark blue.
 */
import type {Rgba} from './train';

/** A 5×7 bitmap font for the few characters the axes need. */
const GLYPHS: Record<string, string> = {
  '0': '01110 10001 10011 10101 11001 10001 01110',
  '1': '00100 01100 00100 00100 00100 00100 01110',
  '2': '01110 10001 00001 00010 00100 01000 11111',
  '3': '11111 00010 00100 00010 00001 10001 01110',
  '4': '00010 00110 01010 10010 11111 00010 00010',
  '5': '11111 10000 11110 00001 00001 10001 01110',
  '6': '00110 01000 10000 11110 10001 10001 01110',
  '7': '11111 00001 00010 00100 01000 01000 01000',
  '8': '01110 10001 10001 01110 10001 10001 01110',
  '9': '01110 10001 10001 01111 00001 00010 01100',
  '.': '00000 00000 00000 00000 00000 01100 01100',
  '-': '00000 00000 00000 11111 00000 00000 00000',
  e: '00000 00000 01110 10001 11111 10000 01110',
  l: '01100 00100 00100 00100 00100 00100 01110',
  o: '00000 00000 01110 10001 10001 10001 01110',
  s: '00000 00000 01111 10000 01110 00001 11110',
  i: '00100 00000 01100 00100 00100 00100 01110',
  t: '01000 01000 11100 01000 01000 01001 00110',
  r: '00000 00000 10110 11001 10000 10000 10000',
  a: '00000 00000 01110 00001 01111 10001 01111',
  n: '00000 00000 10110 11001 10001 10001 10001',
  ' ': '00000 00000 00000 00000 00000 00000 00000',
};

type RGB = [number, number, number];
const AXIS: RGB = [120, 120, 120],
  GRID: RGB = [225, 225, 225],
  TEXT: RGB = [60, 60, 60];
const RANGE: RGB = [170, 200, 240],
  MEAN: RGB = [20, 80, 180];

class Canvas implements Rgba {
  data: Uint8ClampedArray;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Uint8ClampedArray(width * height * 4).fill(255);
  }

  set(x: number, y: number, [r, g, b]: RGB) {
    ((x = Math.round(x)), (y = Math.round(y)));
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    this.data.set([r, g, b, 255], 4 * (y * this.width + x));
  }

  vline(x: number, y0: number, y1: number, c: RGB) {
    for (let y = Math.round(Math.min(y0, y1)); y <= Math.round(Math.max(y0, y1)); y++) this.set(x, y, c);
  }

  hline(x0: number, x1: number, y: number, c: RGB) {
    for (let x = Math.round(x0); x <= Math.round(x1); x++) this.set(x, y, c);
  }

  /** Text with its top-left corner at (x, y); `align` 1 right-aligns it at x. */
  text(s: string, x: number, y: number, align = 0) {
    x -= align * (6 * s.length - 1);
    for (const ch of s) {
      (GLYPHS[ch] ?? GLYPHS[' ']).split(' ').forEach((row, j) => {
        for (let i = 0; i < 5; i++) if (row[i] === '1') this.set(x + i, y + j, TEXT);
      });
      x += 6;
    }
  }
}

/** Plots `losses` over an x axis of `total` iterations (the curve grows rightwards as they come). */
export function plotLosses(losses: number[], total: number, width = 480, height = 180): Rgba {
  const c = new Canvas(width, height);
  const left = 40,
    right = width - 10,
    top = 14,
    bottom = height - 22;
  const positive = losses.filter(v => v > 0 && Number.isFinite(v));
  const hi = positive.length ? Math.max(...positive) : 1;
  // Exact zeros (a converged pose) sit on the floor: ten decades below the largest loss at most.
  const floor = positive.length ? Math.max(Math.min(...positive), hi * 1e-10) : 0.1;
  const d0 = Math.floor(Math.log10(floor)),
    d1 = Math.max(d0 + 1, Math.ceil(Math.log10(hi)));
  const y = (v: number) => bottom - ((Math.log10(Math.max(v, 10 ** d0)) - d0) / (d1 - d0)) * (bottom - top);
  const step = Math.ceil((d1 - d0) / 5);
  for (let d = d0; d <= d1; d += step) {
    c.hline(left, right, y(10 ** d), GRID);
    c.text(`1e${d}`, left - 4, y(10 ** d) - 3, 1);
  }
  c.text('loss', left, 2);
  c.text(`iteration`, (left + right) / 2 - 27, bottom + 12);
  c.text('0', left, bottom + 4);
  c.text(String(total), right, bottom + 4, 1);
  c.hline(left, right, bottom, AXIS);
  c.vline(left, top, bottom, AXIS);
  const n = Math.max(total, losses.length, 1);
  let previous: number | null = null;
  for (let x = left + 1; x <= right; x++) {
    const i0 = Math.floor(((x - left - 1) / (right - left)) * n),
      i1 = Math.floor(((x - left) / (right - left)) * n);
    const span = losses.slice(i0, Math.max(i1, i0 + 1)).filter(Number.isFinite);
    if (!span.length) break;
    const mean = span.reduce((a, b) => a + b, 0) / span.length;
    c.vline(x, y(Math.min(...span)), y(Math.max(...span)), RANGE);
    const ym = y(mean);
    c.vline(x, previous ?? ym, ym, MEAN);
    previous = ym;
  }
  return c;
}
