/**
 * How long the samples take: measured by `node demo/tools/measure-times.mjs` into demo/times.json, and
 * quoted from there — and only from there — by the README (a generated block), `npm run sample -- <name>
 * --help` and the pages, so that no text keeps a time the code has outgrown.
 */
import type {Settings} from './sample';

export interface TimeRow {
  sample: string;
  /** The settings changed from the sample's defaults for this row. */
  given: Settings;
  /** The sample's iteration count at these settings (its default). */
  iters: number;
  /** Seconds per iteration, by backend (cpu in Node, webgl in headless Chromium); null: not measured. */
  perIteration: Record<string, number | null>;
}

export interface Times {
  /** UTC date of the measurement, YYYY-MM-DD. */
  date: string;
  /** The machine in a few words, and how busy it was (1-minute load average, before and after). */
  machine: string;
  cores: number;
  load: number[];
  /** `npm run build` (rollup: what npm install and npm pack run through the prepare script), seconds. */
  buildSeconds: number;
  rows: TimeRow[];
}

function seconds(s: number): string {
  if (s >= 90 * 60) return `${(s / 3600).toFixed(1)} h`;
  if (s >= 90) return `${Math.round(s / 60)} min`;
  return s >= 10 ? `${Math.round(s)} s` : `${s.toPrecision(2)} s`;
}

const settingsText = (given: Settings) =>
  Object.entries(given)
    .map(([k, v]) => `--${k} ${v}`)
    .join(' ');

/** "2026-12-05, shared machine under load (load average 20–24 on 2 cores)": what every quote says with it. */
export function measuredWhen(t: Times): string {
  const load = `load average ${t.load[0].toFixed(0)}–${t.load[1].toFixed(0)} on ${t.cores} cores`;
  // The measurement itself keeps the cores busy (load ≈ cores): only more than that means other work shared them.
  return `measured ${t.date} on ${t.machine}${t.load[1] > 2 * t.cores ? `, under load (${load}): an idle machine is faster` : ` (${load})`}`;
}

/** The README's table: per sample and settings, seconds per iteration and for the whole run, per backend. */
export function timesTable(t: Times): string {
  const backends = [...new Set(t.rows.flatMap(r => Object.keys(r.perIteration)))];
  const cell = (r: TimeRow, b: string) => {
    const s = r.perIteration[b];
    return s == null ? 'not measured' : `${s.toPrecision(2)} s (${seconds(s * r.iters)})`;
  };
  const where: Record<string, string> = {cpu: 'cpu, Node', webgl: 'webgl, Chromium', webgpu: 'webgpu, Chromium'};
  return [
    `| sample | iterations | ${backends.map(b => `${where[b] ?? b}: per iteration (whole run)`).join(' | ')} |`,
    `|---|---:|${backends.map(() => '---:|').join('')}`,
    ...t.rows.map(
      r =>
        `| \`${[r.sample, settingsText(r.given)].filter(Boolean).join(' ')}\` | ${r.iters} | ${backends
          .map(b => cell(r, b))
          .join(' | ')} |`,
    ),
  ].join('\n');
}

/** Rows of `sample` whose settings match `settings` (all of the row's changes, and nothing else changed). */
function rowFor(t: Times, sample: string, settings: Settings, defaults: Settings): TimeRow | undefined {
  return t.rows.find(
    r =>
      r.sample === sample &&
      Object.keys(defaults).every(k => k === 'iters' || settings[k] === (k in r.given ? r.given[k] : defaults[k])),
  );
}

/** One line for a page at `settings`, or null when they were not measured. */
export function pageTimeLine(t: Times, sample: string, settings: Settings, defaults: Settings): string | null {
  const r = rowFor(t, sample, settings, defaults);
  if (!r) return null;
  const parts = Object.entries(r.perIteration)
    .filter(([, s]) => s != null)
    .map(([b, s]) => `${s!.toPrecision(2)} s on ${b}`);
  return `About ${parts.join(', ')} per iteration at these settings (${measuredWhen(t)}).`;
}

/** Lines for `npm run sample -- <name> --help`. */
export function helpTimeLines(t: Times, sample: string): string[] {
  return t.rows
    .filter(r => r.sample === sample)
    .map(r => {
      const parts = Object.entries(r.perIteration)
        .filter(([, s]) => s != null)
        .map(([b, s]) => `${s!.toPrecision(2)} s/iteration on ${b} (${seconds(s! * r.iters)} for ${r.iters})`);
      return `  ${settingsText(r.given) || 'defaults'}: ${parts.join(', ')}`;
    });
}
