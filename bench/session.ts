/**
 * What the runner calls in the page or in Node (as globalThis.diffrastBench): list the cases,
 * run one by id.
 */
import * as tf from '@tensorflow/tfjs';

import {BenchCase, CaseResult, runCase, RunOptions} from './harness';

/** A case as the runner sees it before running it (entry names: to report a case it did not run). */
export type CaseListing = Pick<BenchCase, 'id' | 'op' | 'params' | 'kind' | 'target'> & {
  entries: Array<{name: string; role: string}>;
};

export interface BenchSession {
  list(quick: boolean): Promise<{cases: CaseListing[]; info: unknown}>;
  run(id: string, options: RunOptions): Promise<CaseResult>;
}

export function exposeBench(load: (quick: boolean) => Promise<{cases: BenchCase[]; info: unknown}>) {
  let cases: BenchCase[] = [];
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
      const c = cases.find(c => c.id === id);
      if (!c) throw new Error(`no case ${id}`);
      return runCase(c, options);
    },
  };
  (globalThis as {diffrastBench?: BenchSession}).diffrastBench = session;
}
