/**
 * The headless loop shared by `npm run sample` (in Node, or inside a page driven by Chromium) and
 * the demo tests: create, step N times, read the metrics and the final images.
 */
import * as tf from '@tensorflow/tfjs';

import {emptyHistory, LossHistory, record} from './losses';
import type {Panel, Sample, Settings, Trainer} from './sample';

/** An RGBA8 image, row 0 at the top (what canvases and PNG files hold). */
export interface Rgba {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

export interface TrainResult {
  sample: string;
  backend: string;
  settings: Settings;
  /** The first curve's losses (the loss); `history` holds every curve and the phases. */
  losses: number[];
  history: LossHistory;
  metrics: Record<string, number>;
  /** Wall time of the iterations alone (no set-up, no final images). */
  seconds: number;
  images: Array<{key: string; label: string} & Rgba>;
}

export type Progress = (iteration: number, loss: number, seconds: number) => void;

/** A panel's pixels as RGBA8 (disposes the panel's image). */
export async function panelRgba(panel: Panel): Promise<Rgba> {
  const [height, width] = panel.image.shape;
  const rgb = await panel.image.data();
  panel.image.dispose();
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) data[4 * i + c] = Math.round(rgb[3 * i + c] * 255);
    data[4 * i + 3] = 255;
  }
  return {width, height, data};
}

/** Runs `settings.iters` steps of a trainer made from `sample`, reporting each step. */
export async function train(sample: Sample, settings: Settings, onProgress: Progress = () => {}): Promise<TrainResult> {
  const trainer: Trainer = await sample.create(settings);
  try {
    const history = emptyHistory(sample);
    const losses = history.curves[0].values;
    const iters = settings.iters as number;
    const t0 = performance.now();
    for (let i = 0; i < iters; i++) {
      const loss = record(history, await trainer.step(), trainer);
      onProgress(i + 1, loss, (performance.now() - t0) / 1000);
    }
    const seconds = (performance.now() - t0) / 1000;
    const metrics = await trainer.metrics();
    const images = [];
    for (const panel of trainer.panels())
      images.push({key: panel.key, label: panel.label, ...(await panelRgba(panel))});
    return {sample: sample.name, backend: tf.getBackend(), settings, losses, history, metrics, seconds, images};
  } finally {
    trainer.dispose();
  }
}
