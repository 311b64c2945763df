/**
 * The in-page half of the benchmark: a list of cases, each a subject and its yardsticks, timed
 * interleaved (median of `reps` calls after `warmup` calls). Every timed function waits for its
 * GPU work (a fence) before it resolves, so a timing is the whole cost of one call.
 */

/** Resolves on the next task (a message, not a clamped timer). */
function nextTask(): Promise<void> {
  return new Promise(resolve => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

/**
 * Waits until the GPU has finished everything submitted to `gl` so far. (Chromium's gl.finish()
 * does not wait, and a sync object's status changes only between tasks, so this polls across
 * tasks.)
 */
export async function fence(gl: WebGL2RenderingContext) {
  const sync = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0)!;
  gl.flush();
  while (gl.clientWaitSync(sync, 0, 0) === gl.TIMEOUT_EXPIRED) await nextTask();
  gl.deleteSync(sync);
}
export interface Timed {
  name: string;
  /** Builds inputs and compiles what needs compiling; not timed. */
  setup(): Promise<void> | void;
  /** One call, its GPU work finished when the promise resolves (see `fence`). */
  run(): Promise<void>;
  /** Where one call's time goes: GPU milliseconds per pass, measured apart from the timings. */
  breakdown?(): Promise<{[pass: string]: number}>;
  teardown?(): void;
}

export interface BenchCase {
  name: string;
  subject: Timed;
  yardsticks: Timed[];
  /** Facts about the case for the report (sizes, triangle counts). */
  params: {[key: string]: number | string};
}

export interface TimingResult {
  name: string;
  medianMs: number;
  samplesMs: number[];
}

export interface CaseResult {
  name: string;
  params: {[key: string]: number | string};
  subject: TimingResult & {breakdownMs?: {[pass: string]: number}};
  yardsticks: Array<TimingResult & {ratio: number}>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export async function runCases(cases: BenchCase[], {warmup = 5, reps = 25} = {}): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of cases) {
    const all = [c.subject, ...c.yardsticks];
    for (const t of all) await t.setup();
    for (let i = 0; i < warmup; i++) {
      for (const t of all) await t.run();
    }
    const samples = all.map(() => [] as number[]);
    for (let i = 0; i < reps; i++) {
      for (let k = 0; k < all.length; k++) {
        const t0 = performance.now();
        await all[k].run();
        samples[k].push(performance.now() - t0);
      }
    }
    const breakdownMs = await c.subject.breakdown?.();
    all.forEach(t => t.teardown?.());
    const timing = (t: Timed, k: number): TimingResult => ({name: t.name, medianMs: median(samples[k]), samplesMs: samples[k]});
    const subject = {...timing(c.subject, 0), breakdownMs};
    results.push({
      name: c.name, params: c.params, subject,
      yardsticks: c.yardsticks.map((y, k) => {
        const r = timing(y, k + 1);
        return {...r, ratio: subject.medianMs / r.medianMs};
      }),
    });
  }
  return results;
}
