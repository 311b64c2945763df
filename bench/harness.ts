/**
 * The timing half of the benchmark, the same in the page and in Node: a case is a list of timed
 * entries (subjects and their yardsticks) whose calls are interleaved, so that load from other
 * work on the machine hits them alike. Every run() finishes its GPU work (a fence) before it
 * resolves, so a timing is the whole cost of one call.
 */
import * as tf from '@tensorflow/tfjs';

export interface Timed {
  /** e.g. 'webgl', 'cpu (page)', 'plain WebGL2 draw'. */
  name: string;
  role: 'subject' | 'yardstick';
  /**
   * How the report compares a subject with this yardstick: 'floor' (the subject's time as a
   * multiple of it: a lower bound like the plain draw) or 'alternative' (the speed-up over it).
   */
  compare?: 'floor' | 'alternative';
  /** For a yardstick: the one subject it is compared with (absent: every subject of its run). */
  for?: string;
  /** The tfjs backend made active before every call of this entry. */
  backend?: string;
  /** How its cost grows, for skipping cells it cannot finish: 'dense' = pixels × triangles. */
  growth?: 'dense';
  /** Multiplies the measured times: the entry times a known fraction of the work (see scaleNote). */
  scale?: number;
  scaleNote?: string;
  /** Set when the entry cannot run here at all (e.g. no kernels registered for its backend). */
  unavailable?: string;
  /** Builds inputs and compiles what needs compiling; not timed. */
  setup(): Promise<void> | void;
  /** One call, its GPU work finished when the promise resolves. */
  run(): Promise<void>;
  /** Where one call's time goes (GPU ms per pass), from one extra, profiled call. */
  breakdown?(): Promise<{[pass: string]: number}>;
  /** Anything else to report after the timed calls (e.g. tensors alive after each call). */
  extra?(): {[key: string]: unknown};
  teardown?(): void;
}

export interface BenchCase {
  /** Unique within a run; the runner addresses cases by it. */
  id: string;
  /** The row kind, e.g. 'rasterize forward'. */
  op: string;
  params: {height: number; width: number; triangles: number; scene: string};
  /** 'time' (interleaved medians) or 'soak' (memory over many calls, see `soakIterations`). */
  kind?: 'time' | 'soak';
  soakIterations?: number;
  /**
   * A cell a target of the issue reads: timed up to the per-call limit, where other cells are
   * skipped when all of their calls would not finish within it.
   */
  target?: boolean;
  /**
   * Output pixels each timed sample covers (Node, the 512² cells of the growth rows: the pixels of one 2048² call):
   * a sample then times `samplePixels / (height × width)` calls of an entry back to back, at most SAMPLE_MAX_MS of
   * them, and records their mean. See SAMPLE_MAX_MS for why.
   */
  samplePixels?: number;
  /** Built lazily: scenes and tensors only when the case runs. */
  entries(): Timed[];
}

export interface RunOptions {
  warmup: number;
  reps: number;
  /** The 30 s rule: a cell a backend cannot finish in this long is skipped. */
  limitMs: number;
  /**
   * An entry whose call takes longer is skipped: `limitMs` for a target's cell, else `limitMs`
   * shared by all its calls (first, warm-up, timed).
   */
  callLimitMs: number;
  /** Time left in the run's budget: a memory soak stops early when it is spent. */
  timeLeftMs?: number;
  /** Entries not to run, by name, with the reason (decided by the runner from earlier cells). */
  skip?: {[name: string]: string};
}

export interface EntryResult {
  name: string;
  role: Timed['role'];
  compare?: Timed['compare'];
  for?: string;
  backend?: string;
  growth?: Timed['growth'];
  status: 'ok' | 'skipped' | 'unavailable' | 'failed';
  note?: string;
  medianMs?: number;
  samplesMs?: number[];
  /**
   * In Node: the median and samples of the process's CPU time per timed call (user + system, every thread),
   * which other processes' load on a shared machine does not inflate as it does the wall time.
   */
  cpuMedianMs?: number;
  cpuSamplesMs?: number[];
  /**
   * In Node: the median of the process's minor page faults per timed call. Each is a first touch of a fresh
   * 4 KB page, as a fresh output of 32 MB or more always is (glibc maps such blocks anew), and costs 1.4–2.1 µs
   * of system time on this virtual machine (docs/performance.md#cpu-and-wasm-in-node).
   */
  pageFaultsMedian?: number;
  /** The first, untimed call (compiles shaders; decides the 30 s skip). */
  firstCallMs?: number;
  /** For an entry skipped as too slow: the call that decided it. */
  callMs?: number;
  /** The second call when one was made to decide (no compiling in it). */
  warmCallMs?: number;
  /** Calls per timed sample (BenchCase.samplePixels), when more than one: each sample is their mean. */
  callsPerSample?: number;
  /** The entry's Timed.scale: its calls time 1/scale of the work. */
  scale?: number;
  /** With a scale: the median actually measured (medianMs is this × scale). */
  measuredMedianMs?: number;
  breakdownMs?: {[pass: string]: number};
  /** Tensors the entry left alive after its teardown (should be 0). */
  leakedTensors?: number;
  [extra: string]: unknown;
}

export interface CaseResult {
  id: string;
  op: string;
  kind: 'time' | 'soak';
  params: BenchCase['params'];
  entries: EntryResult[];
  wallMs: number;
}

/** Resolves on the next task (a message, not a clamped timer). */
export function nextTask(): Promise<void> {
  return new Promise(resolve => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function activate(t: Timed) {
  if (t.backend && tf.getBackend() !== t.backend) await tf.setBackend(t.backend);
}

function describeError(e: unknown): string {
  return String((e as Error)?.message ?? e)
    .split('\n')[0]
    .slice(0, 300);
}

interface Live {
  timed: Timed;
  result: EntryResult;
  samples: number[];
  cpuSamples: number[];
  faultSamples: number[];
  /** Net tensors made by this entry's own set-up, calls and teardown (entries interleave). */
  netTensors: number;
}

/** Runs one of the entry's own steps, counting the tensors it leaves. */
async function own<T>(l: Live, step: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  try {
    return await step();
  } finally {
    l.netTensors += tf.memory().numTensors - before;
  }
}

/**
 * A case whose entries are set up and called once (the first call compiles and decides the skip), ready for
 * timed rounds: runCase runs one alone; the A/B runner (bench/ab.mjs) opens the same case in two revisions
 * and alternates their rounds, so that load from other work hits both alike.
 */
export interface OpenCase {
  /** Warm-up calls, fewer for slow entries. */
  warm(calls: number): Promise<void>;
  /** One timed call of every live entry. */
  round(): Promise<void>;
  /** A soak case's memory run (instead of warm and rounds). */
  soak(): Promise<void>;
  /** Medians, breakdowns and teardown; the case's result. */
  close(): Promise<CaseResult>;
}

/**
 * The longest a sample of several calls may take (BenchCase.samplePixels). A growth row compares a 2048² call
 * with a 512² call, ours and tf.add's alike; one sample at each size would not be measured the same way: V8
 * collects garbage (a scavenge and a mark-compact) when the external memory allocated since its last collection
 * (typed arrays: a call's fresh outputs) passes a limit, and charges it to whichever call crosses it. Each 2048²
 * call allocates 64–128 MB and so pays its own collection, while at 512² a collection comes every few calls,
 * set off by whichever entry of the round crosses the limit: single 512² samples were bimodal (tf.add [cpu]
 * with rasterize's output, 2026-12-07 00:07: 32–34 ms or 50–53 ms, alternating), and the median landed on either
 * mode from one run to the next (tf.add's own growth 11.0× or 16.9×). Sixteen calls per sample allocate what one
 * 2048² call does, so both sizes meet the collector alike and each entry pays for its own garbage.
 */
const SAMPLE_MAX_MS = 2000;

export async function openCase(c: BenchCase, options: RunOptions): Promise<OpenCase> {
  const t0 = performance.now();
  const kind = c.kind ?? 'time';
  const entries = c.entries();
  const live: Live[] = [];
  const results: EntryResult[] = [];
  for (const timed of entries) {
    const result: EntryResult = {
      name: timed.name,
      role: timed.role,
      compare: timed.compare,
      for: timed.for,
      backend: timed.backend,
      growth: timed.growth,
      scale: timed.scale,
      status: 'ok',
    };
    results.push(result);
    if (timed.unavailable) {
      Object.assign(result, {status: 'unavailable', note: timed.unavailable});
      continue;
    }
    const skip = options.skip?.[timed.name];
    if (skip) {
      Object.assign(result, {status: 'skipped', note: skip});
      continue;
    }
    const l: Live = {timed, result, samples: [], cpuSamples: [], faultSamples: [], netTensors: 0};
    try {
      await activate(timed);
      await own(l, () => timed.setup());
      if (kind === 'time') {
        const start = performance.now();
        await own(l, () => timed.run());
        result.firstCallMs = performance.now() - start;
        // The first call compiles (on SwiftShader, a hundred-kernel call can spend tens of seconds
        // on it): over the limit, a second one decides, unless the first is beyond the whole
        // limit (a target's cell: far beyond it).
        const target = options.callLimitMs >= options.limitMs;
        let callMs = result.firstCallMs;
        if (callMs > options.callLimitMs && callMs <= (target ? 4 : 1) * options.limitMs) {
          const again = performance.now();
          await own(l, () => timed.run());
          callMs = performance.now() - again;
          result.warmCallMs = callMs;
        }
        if (callMs > options.callLimitMs) {
          const calls =
            options.callLimitMs < options.limitMs
              ? `: ${1 + options.warmup + options.reps} calls would not finish in ${options.limitMs / 1000} s`
              : '';
          Object.assign(result, {
            status: 'skipped',
            callMs,
            note: `one call took ${(callMs / 1000).toFixed(1)} s${calls}`,
          });
          await finish(l);
          continue;
        }
      }
      live.push(l);
    } catch (e) {
      Object.assign(result, {status: 'failed', note: describeError(e)});
      await finish(l);
    }
  }
  let closed = false;
  // Calls per timed sample: one, or for samplePixels as many as make up those pixels, the same for every entry
  // of the case, fewer if the slowest entry's sample would pass SAMPLE_MAX_MS (set after the warm-up calls, from
  // each entry's last one: its CPU time where known, which other processes' load does not inflate).
  let calls = 1;
  const pixelCalls = Math.max(1, Math.round((c.samplePixels ?? 0) / (c.params.height * c.params.width)));
  return {
    async warm(count) {
      // The first call (above) was a warm-up too; slow entries get fewer extra ones.
      let slowest = 0;
      for (const l of live) {
        const extra = Math.min(count, Math.ceil(5000 / Math.max(1, l.result.firstCallMs ?? 0)));
        let last = l.result.warmCallMs ?? l.result.firstCallMs ?? 0;
        for (let i = 0; i < extra; i++) {
          const ms = await timedCall(l, 1);
          if (ms) last = ms[1] ?? ms[0];
        }
        slowest = Math.max(slowest, last);
      }
      calls = Math.max(1, Math.min(pixelCalls, Math.floor(SAMPLE_MAX_MS / Math.max(1, slowest))));
      if (calls > 1) for (const l of live) l.result.callsPerSample = calls;
    },
    async round() {
      for (const l of live) {
        const ms = await timedCall(l, calls);
        if (ms == null) continue;
        l.samples.push(ms[0]);
        if (ms[1] != null) l.cpuSamples.push(ms[1]);
        if (ms[2] != null) l.faultSamples.push(ms[2]);
      }
    },
    async soak() {
      const stopAt = t0 + (options.timeLeftMs ?? Infinity);
      for (const [k, l] of live.entries()) {
        // The entries share what is left of the budget.
        await soak(l, c.soakIterations ?? 500, performance.now() + (stopAt - performance.now()) / (live.length - k));
      }
    },
    async close() {
      if (!closed && kind === 'time') for (const l of live) await conclude(l);
      closed = true;
      return {id: c.id, op: c.op, kind, params: c.params, entries: results, wallMs: performance.now() - t0};
    },
  };
}

export async function runCase(c: BenchCase, options: RunOptions): Promise<CaseResult> {
  const open = await openCase(c, options);
  if ((c.kind ?? 'time') === 'soak') {
    await open.soak();
  } else {
    await open.warm(options.warmup);
    for (let i = 0; i < options.reps; i++) await open.round();
  }
  return open.close();
}

/**
 * CPU time so far in ms: in Node the process's; in a page the browser's GPU and renderer processes' where the
 * runner exposes it (diffrastBrowserCpuMs, Linux); else undefined. (On a loaded machine wall time mostly measures
 * waiting; CPU time measures the work.)
 */
async function cpuTimeMs(): Promise<number | undefined> {
  if (typeof process !== 'undefined' && typeof process.cpuUsage === 'function') {
    const {user, system} = process.cpuUsage();
    return (user + system) / 1000;
  }
  const browserCpu = (globalThis as {diffrastBrowserCpuMs?: () => Promise<number | null>}).diffrastBrowserCpuMs;
  return (await browserCpu?.()) ?? undefined;
}

/** The process's minor page faults so far, in Node (undefined in a page). */
function pageFaults(): number | undefined {
  if (typeof process === 'undefined' || typeof process.resourceUsage !== 'function') return undefined;
  return process.resourceUsage().minorPageFault;
}

/** `calls` calls back to back: per call, their mean wall time, and CPU time and page faults where known. */
async function timedCall(
  l: Live,
  calls: number,
): Promise<[number, number | undefined, number | undefined] | undefined> {
  if (l.result.status !== 'ok') return undefined;
  try {
    await activate(l.timed);
    const faults = pageFaults();
    const cpu = await cpuTimeMs();
    const start = performance.now();
    for (let i = 0; i < calls; i++) await own(l, () => l.timed.run());
    const wall = (performance.now() - start) / calls;
    const cpuAfter = cpu == null ? undefined : await cpuTimeMs();
    return [
      wall,
      cpuAfter == null ? undefined : (cpuAfter - cpu!) / calls,
      faults == null ? undefined : (pageFaults()! - faults) / calls,
    ];
  } catch (e) {
    Object.assign(l.result, {status: 'failed', note: describeError(e)});
    return undefined;
  }
}

/** An entry's medians and samples from its timed rounds, its breakdown call, its teardown. */
async function conclude(l: Live) {
  if (l.result.status === 'ok') {
    l.result.medianMs = median(l.samples) * (l.timed.scale ?? 1);
    if (l.timed.scale) Object.assign(l.result, {measuredMedianMs: median(l.samples), note: l.timed.scaleNote});
    l.result.samplesMs = l.samples.map(ms => Math.round(ms * 100) / 100);
    if (l.cpuSamples.length) {
      l.result.cpuMedianMs = median(l.cpuSamples) * (l.timed.scale ?? 1);
      l.result.cpuSamplesMs = l.cpuSamples.map(ms => Math.round(ms * 100) / 100);
    }
    if (l.faultSamples.length) l.result.pageFaultsMedian = median(l.faultSamples) * (l.timed.scale ?? 1);
    if (l.timed.breakdown) {
      try {
        await activate(l.timed);
        l.result.breakdownMs = await own(l, () => l.timed.breakdown!());
      } catch (e) {
        l.result.note = `breakdown failed: ${describeError(e)}`;
      }
    }
  }
  await finish(l);
}

/** Memory after many calls (up to `iterations`, until `stopAt`): tensors and bytes at checkpoints, and the time per call. */
async function soak(l: Live, iterations: number, stopAt: number) {
  const checkpoints = new Set([
    1,
    10,
    50,
    ...Array.from({length: 10}, (_, i) => Math.round((iterations * (i + 1)) / 10)),
  ]);
  const memory: Array<{iteration: number; numTensors: number; numBytes: number; numBytesInGPU?: number}> = [];
  const start = performance.now();
  try {
    await activate(l.timed);
    let i = 1;
    for (; i <= iterations; i++) {
      await own(l, () => l.timed.run());
      if (checkpoints.has(i) || performance.now() > stopAt) {
        const m = tf.memory() as tf.MemoryInfo & {numBytesInGPU?: number};
        memory.push({iteration: i, numTensors: m.numTensors, numBytes: m.numBytes, numBytesInGPU: m.numBytesInGPU});
      }
      if (performance.now() > stopAt) break;
    }
    if (i < iterations) {
      l.result.note = `stopped after ${i} of ${iterations} iterations: the run's time budget was spent`;
      iterations = i;
    }
    l.result.medianMs = (performance.now() - start) / iterations;
  } catch (e) {
    Object.assign(l.result, {status: 'failed', note: describeError(e)});
  }
  const from10 = memory.filter(m => m.iteration >= 10);
  Object.assign(l.result, {
    iterations,
    memory,
    memoryConstant:
      from10.length > 1 &&
      from10.every(m => m.numTensors === from10[0].numTensors && m.numBytes === from10[0].numBytes),
  });
  await finish(l);
}

async function finish(l: Live) {
  try {
    Object.assign(l.result, l.timed.extra?.() ?? {});
    await own(l, () => l.timed.teardown?.());
  } catch (e) {
    l.result.note = `${l.result.note ? l.result.note + '; ' : ''}teardown failed: ${describeError(e)}`;
  }
  if (l.netTensors !== 0) l.result.leakedTensors = l.netTensors;
}
