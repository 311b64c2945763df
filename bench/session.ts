/**
 * What the runner calls in the page or in Node (as globalThis.diffrastBench): list the cases,
 * run one by id; or open one, time it round by round and close it (the A/B runner, bench/ab.mjs).
 */
import * as tf from '@tensorflow/tfjs';

import {BenchCase, CaseResult, OpenCase, openCase, runCase, RunOptions} from './harness';

/** A case as the runner sees it before running it (entry names: to report a case it did not run). */
export type CaseListing = Pick<BenchCase, 'id' | 'op' | 'params' | 'kind' | 'target'> & {
  entries: Array<{name: string; role: string}>;
};

export interface BenchSession {
  list(quick: boolean): Promise<{cases: CaseListing[]; info: unknown}>;
  run(id: string, options: RunOptions): Promise<CaseResult>;
  /** Sets up a time case and warms it up (options.warmup), for timed rounds; one case open at a time. */
  open(id: string, options: RunOptions): Promise<void>;
  round(): Promise<void>;
  close(): Promise<CaseResult>;
}

export function exposeBench(load: (quick: boolean) => Promise<{cases: BenchCase[]; info: unknown}>) {
  let cases: BenchCase[] = [];
  let opened: OpenCase | null = null;
  const find = (id: string) => {
    const c = cases.find(c => c.id === id);
    if (!c) throw new Error(`no case ${id}`);
    return c;
  };
  const session: BenchSession = {
    async list(quick) {
      await tf.ready();
      const loaded = await load(quick);
      cases = loaded.cases;
      const listing = cases.map(c => ({
        id: c.id,
        op: c.op,
        params: c.params,
        kind: c.kind ?? 'time',
        target: c.target ?? false,
        entries: c.entries().map(t => ({name: t.name, role: t.role})),
      }));
      return {cases: listing, info: loaded.info};
    },
    async run(id, options) {
      return runCase(find(id), options);
    },
    async open(id, options) {
      if (opened) throw new Error('a case is open already');
      const c = find(id);
      if ((c.kind ?? 'time') !== 'time') throw new Error(`case ${id} is a ${c.kind} case, not a time case`);
      opened = await openCase(c, options);
      await opened.warm(options.warmup);
    },
    async round() {
      if (!opened) throw new Error('no case is open');
      await opened.round();
    },
    async close() {
      if (!opened) throw new Error('no case is open');
      const o = opened;
      opened = null;
      return o.close();
    },
  };
  (globalThis as {diffrastBench?: BenchSession}).diffrastBench = session;
}
