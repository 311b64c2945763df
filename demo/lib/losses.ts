/**
 * A run's loss history as the plots draw it: one labelled curve per thing the sample minimises (earth:
 * the texture with mipmaps and the one without) and the iterations where the optimisation changes
 * phase (pose: greedy search, then Adam). The pages and the headless loop record it the same way.
 */
import type {Sample, Trainer} from './sample';

export interface LossHistory {
  curves: Array<{label: string; values: number[]}>;
  /** Each phase and the index of its first iteration, in order. */
  phases: Array<{start: number; label: string}>;
}

export function emptyHistory(sample: Sample): LossHistory {
  return {curves: (sample.curves ?? ['loss']).map(label => ({label, values: []})), phases: []};
}

/** Appends one step's result (a loss, or one per curve) and the trainer's phase; returns the first curve's loss. */
export function record(history: LossHistory, result: number | number[], trainer: Trainer): number {
  const values = typeof result === 'number' ? [result] : result;
  history.curves.forEach((c, i) => c.values.push(values[i] ?? NaN));
  const phase = trainer.phase?.();
  const last = history.phases[history.phases.length - 1];
  if (phase != null && phase !== last?.label)
    history.phases.push({start: history.curves[0].values.length - 1, label: phase});
  return values[0];
}
