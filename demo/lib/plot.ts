/**
 * The loss curve as an RGBA image — the same picture live in the pages (putImageData) and in
 * out/<name>/loss.png (no canvas in Node). Log-scale loss against iteration: per pixel column and
 * curve, the range of the losses as a light band and their mean as a line.
 */
import type {LossHistory} from './losses';
import type {Rgba} from './train';

/** A 5×7 bitmap font for what the axes, legend and notes write (upper case falls back to lower case, but A). */
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
  '+': '00000 00100 00100 11111 00100 00100 00000',
  ':': '00000 01100 01100 00000 01100 01100 00000',
  ',': '00000 00000 00000 00000 01100 00100 01000',
  '(': '00010 00100 01000 01000 01000 00100 00010',
  ')': '01000 00100 00010 00010 00010 00100 01000',
  '/': '00001 00010 00010 00100 01000 01000 10000',
  '=': '00000 00000 11111 00000 11111 00000 00000',
  ' ': '00000 00000 00000 00000 00000 00000 00000',
  A: '01110 10001 10001 11111 10001 10001 10001',
  a: '00000 00000 01110 00001 01111 10001 01111',
  b: '10000 10000 10110 11001 10001 10001 11110',
  c: '00000 00000 01110 10000 10000 10001 01110',
  d: '00001 00001 01101 10011 10001 10001 01111',
  e: '00000 00000 01110 10001 11111 10000 01110',
  f: '00110 01001 01000 11100 01000 01000 01000',
  g: '00000 01111 10001 10001 01111 00001 01110',
  h: '10000 10000 10110 11001 10001 10001 10001',
  i: '00100 00000 01100 00100 00100 00100 01110',
  j: '00010 00000 00110 00010 00010 10010 01100',
  k: '10000 10000 10010 10100 11000 10100 10010',
  l: '01100 00100 00100 00100 00100 00100 01110',
  m: '00000 00000 11010 10101 10101 10001 10001',
  n: '00000 00000 10110 11001 10001 10001 10001',
  o: '00000 00000 01110 10001 10001 10001 01110',
  p: '00000 00000 11110 10001 11110 10000 10000',
  q: '00000 00000 01101 10011 01111 00001 00001',
  r: '00000 00000 10110 11001 10000 10000 10000',
  s: '00000 00000 01111 10000 01110 00001 11110',
  t: '01000 01000 11100 01000 01000 01001 00110',
  u: '00000 00000 10001 10001 10001 10011 01101',
  v: '00000 00000 10001 10001 10001 01010 00100',
  w: '00000 00000 10001 10001 10101 10101 01010',
  x: '00000 00000 10001 01010 00100 01010 10001',
  y: '00000 00000 10001 10001 01111 00001 01110',
  z: '00000 00000 11111 00010 00100 01000 11111',
};

type RGB = [number, number, number];
const AXIS: RGB = [120, 120, 120],
  GRID: RGB = [228, 228, 228],
  TEXT: RGB = [60, 60, 60],
  MARK: RGB = [150, 150, 150];
/** Per curve: the line (mean per pixel column) and the band (the column's range of losses). */
const COLORS: Array<{line: RGB; band: RGB}> = [
  {line: [20, 80, 180], band: [185, 208, 240]},
  {line: [205, 90, 20], band: [245, 210, 185]},
  {line: [30, 140, 60], band: [195, 230, 200]},
];

class Canvas implements Rgba {
  data: Uint8ClampedArray;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Uint8ClampedArray(width * height * 4).fill(255);
  }

  set(x: number, y: number, [r, g, b]: RGB) {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    this.data.set([r, g, b, 255], 4 * (y * this.width + x));
  }

  vline(x: number, y0: number, y1: number, c: RGB, dash = 0) {
    for (let y = Math.round(Math.min(y0, y1)); y <= Math.round(Math.max(y0, y1)); y++)
      if (!dash || y % (2 * dash) < dash) this.set(x, y, c);
  }

  hline(x0: number, x1: number, y: number, c: RGB) {
    for (let x = Math.round(x0); x <= Math.round(x1); x++) this.set(x, y, c);
  }

  /** Text with its top-left corner at (x, y); `align` 1 right-aligns it at x, 0.5 centers it. Returns its width. */
  text(s: string, x: number, y: number, align = 0, color = TEXT): number {
    const width = 6 * s.length - 1;
    x = Math.round(x - align * width);
    for (const ch of s) {
      (GLYPHS[ch] ?? GLYPHS[ch.toLowerCase()] ?? GLYPHS[' ']).split(' ').forEach((row, j) => {
        for (let i = 0; i < 5; i++) if (row[i] === '1') this.set(x + i, y + j, color);
      });
      x += 6;
    }
    return width;
  }
}

/** Round iteration ticks: a step of 1, 2 or 5 × 10^k giving at most `count` intervals. */
function iterationTicks(total: number, count: number): number[] {
  const raw = total / count;
  const p = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  const step = [1, 2, 5, 10].map(m => m * p).find(v => v >= raw) ?? 10 * p;
  const ticks = [];
  for (let t = 0; t <= total; t += step) ticks.push(t);
  return ticks;
}

/** Loss ticks on the log axis from 10^d0 to 10^d1: every k-th decade, plus 2 and 5 when there are few decades. */
function lossTicks(d0: number, d1: number): number[] {
  const every = Math.ceil((d1 - d0) / 6);
  const ticks = [];
  for (let d = d0; d <= d1; d += every) {
    ticks.push(10 ** d);
    if (d1 - d0 <= 2 && d < d1) ticks.push(2 * 10 ** d, 5 * 10 ** d);
  }
  return ticks;
}

function lossLabel(v: number): string {
  return v.toExponential(0).replace('e+', 'e');
}

/**
 * Plots a run's losses over an x axis of `total` iterations (the curves grow rightwards as they come): a
 * log axis spanning the data, however far down it goes; one colour per curve, with a legend when there
 * are several; a dashed line where the optimisation changes phase; a loss of exactly 0 drawn on the
 * bottom line, labelled 0, with a note.
 */
export function plotLosses(history: LossHistory, total: number, width = 480, height = 200): Rgba {
  const c = new Canvas(width, height);
  const left = 44,
    right = width - 12,
    top = 22,
    bottom = height - 30;
  const all = history.curves.flatMap(curve => curve.values).filter(Number.isFinite);
  const positive = all.filter(v => v > 0);
  const zeros = all.some(v => v <= 0);
  const hi = positive.length ? Math.max(...positive) : 1;
  const lo = positive.length ? Math.min(...positive) : hi / 10;
  let d0 = Math.floor(Math.log10(lo));
  const d1 = Math.max(d0 + 1, Math.ceil(Math.log10(hi)));
  // Zeros sit a decade below the smallest positive loss: the bottom line, labelled 0.
  if (zeros) d0 -= 1;
  const y = (v: number) => bottom - ((Math.log10(Math.max(v, 10 ** d0)) - d0) / (d1 - d0)) * (bottom - top);
  const n = Math.max(total, history.curves[0]?.values.length ?? 0, 1);
  const x = (i: number) => left + 1 + (i / n) * (right - left - 1);

  for (const v of lossTicks(d0, d1)) {
    if (zeros && v === 10 ** d0) continue;
    c.hline(left, right, y(v), GRID);
    c.text(lossLabel(v), left - 4, y(v) - 3, 1);
  }
  if (zeros) c.text('0', left - 4, bottom - 3, 1);
  const ticks = iterationTicks(n, Math.max(2, Math.floor((right - left) / 70)));
  for (const t of ticks) {
    c.vline(x(t), bottom, bottom + 3, AXIS);
    c.text(String(t), x(t), bottom + 6, t === 0 ? 0 : 0.5);
  }
  c.text('iteration', right, bottom + 17, 1);
  c.text(history.curves.length > 1 ? 'loss' : history.curves[0].label, 2, 4);

  for (const [k, phase] of history.phases.entries()) {
    const px = x(phase.start);
    if (k > 0) c.vline(px, top - 6, bottom, MARK, 2);
    c.text(phase.label, px + 3, top - 6, 0, MARK);
  }

  // Bands first, then lines, so no band hides another curve's line.
  const columns = history.curves.map(curve => {
    const out: Array<{px: number; min: number; max: number; mean: number}> = [];
    for (let px = left + 1; px <= right; px++) {
      const i0 = Math.floor(((px - left - 1) / (right - left)) * n),
        i1 = Math.floor(((px - left) / (right - left)) * n);
      const span = curve.values.slice(i0, Math.max(i1, i0 + 1)).filter(Number.isFinite);
      if (!span.length) break;
      out.push({
        px,
        min: Math.min(...span),
        max: Math.max(...span),
        mean: span.reduce((a, b) => a + b, 0) / span.length,
      });
    }
    return out;
  });
  columns.forEach((cols, k) => {
    for (const col of cols) c.vline(col.px, y(col.min), y(col.max), COLORS[k % COLORS.length].band);
  });
  columns.forEach((cols, k) => {
    let previous: number | null = null;
    for (const col of cols) {
      const ym = y(col.mean);
      c.vline(col.px, previous ?? ym, ym, COLORS[k % COLORS.length].line);
      previous = ym;
    }
  });
  c.hline(left, right, bottom, AXIS);
  c.vline(left, top, bottom, AXIS);

  // Legend (several curves) and notes, top right.
  let lx = right;
  const notes = zeros ? ['0: drawn on the bottom line'] : [];
  for (const note of notes) lx -= c.text(note, lx, 4, 1, MARK) + 12;
  if (history.curves.length > 1) {
    for (const [k, curve] of [...history.curves.entries()].reverse()) {
      lx -= c.text(curve.label, lx, 4, 1) + 4;
      for (let dy = -1; dy <= 1; dy++) c.hline(lx - 10, lx - 2, 7 + dy, COLORS[k % COLORS.length].line);
      lx -= 22;
    }
  }
  return c;
}
