/**
 * What a sample is: a named optimisation with settings, run one step at a time by a page (live,
 * with play/pause) or by the headless runner (`npm run sample`, and the demo tests).
 */
import type * as tf from '@tensorflow/tfjs';

export type SettingValue = number | string;
export type Settings = Record<string, SettingValue>;

/** One knob of a sample: a number or text box, or a select (`options`). */
export interface Setting {
  label: string;
  default: SettingValue;
  options?: readonly (number | string)[];
  /** Shown as a tooltip in the page and in `npm run sample -- <name> --help`. */
  help?: string;
}

/** An image to show, `[H,W,3]` in [0, 1] with row 0 at the TOP (already flipped for display). */
export interface Panel {
  /** File name stem for the headless runner (`target` and `result` are always present). */
  key: string;
  label: string;
  image: tf.Tensor3D;
}

/** A running optimisation. The caller owns it and must call `dispose()`. */
export interface Trainer {
  /** One optimisation step; resolves to its loss, or to one loss per curve of `Sample.curves`. */
  step(): Promise<number | number[]>;
  /** The phase the last step belonged to, for an optimisation in phases (the loss plot marks each change). */
  phase?(): string;
  /** The images to show now (the caller disposes them). */
  panels(): Panel[];
  /** The sample's measures of success, e.g. {'mean vertex error': 0.01}; lower-is-better unless named. */
  metrics(): Promise<Record<string, number>>;
  dispose(): void;
}

export interface Sample {
  name: string;
  title: string;
  /** One paragraph: what is learned from what, and what to look at. */
  summary: string;
  /** Every sample has `iters`, `res` and `seed`; the rest are its own. */
  settings: Record<string, Setting>;
  /** Labels of the loss curves when `step()` resolves to several (default: one curve, "loss"). */
  curves?: string[];
  /** Settings a page opens with unless its URL says otherwise (a quick version of a slow default). */
  pageDefaults?: Settings;
  create(settings: Settings): Promise<Trainer>;
}

/** Defaults overridden by `given` (values coerced to the type of each default). */
export function resolveSettings(sample: Sample, given: Record<string, unknown> = {}): Settings {
  const out: Settings = {};
  for (const [key, s] of Object.entries(sample.settings)) {
    const v = given[key];
    if (v == null || v === '') out[key] = s.default;
    else out[key] = typeof s.default === 'number' ? Number(v) : String(v);
    const value = out[key];
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new Error(`${sample.name}: ${key} must be a number, got ${v}`);
    if (s.options && !s.options.includes(value as number | string)) {
      throw new Error(`${sample.name}: ${key} must be one of ${s.options.join(', ')}, got ${v}`);
    }
  }
  const unknown = Object.keys(given).filter(k => !(k in sample.settings));
  if (unknown.length)
    throw new Error(
      `${sample.name}: unknown setting(s) ${unknown.join(', ')}; known: ${Object.keys(sample.settings).join(', ')}`,
    );
  return out;
}
