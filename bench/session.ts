/**
 * What the runner calls in the page or in Node (as globalThis.diffrastBench): list the cases,
 * run one by id.
 */
import * as tf from '@tensorflow/tfjs';

import {BenchCase, CaseResult, runCase, RunOptions} from './harness';

export interface BenchSession {
  list(quick: boolean): Promise<{cases: Array<Pick<BenchCase, 'id' | 'op' | 'params' | 'kind'>>, info: unknown}>;
  run(id: string, options: RunOptions): Promise<CaseResult>;
}

export function exposeBench(load: (quick: boolean) => Promise<{cases: BenchCase[], info: unknown}>) {
  let cases: BenchCase[] = [];
  const session: BenchSession = {
    async list(quick) {
      await tf.ready();
      const loaded = await load(quick);
      cases = loaded.cases;
      return {cases: cases.map(({id, op, params, kind}) => ({id, op, params, kind: kind ?? 'time'})), info: loaded.info};
    },
    async run(id, options) {
      const c = cases.find(c => c.id === id);
      if (!c) throw new Error(`no case ${id}`);
      return runCase(c, options);
    },
  };
  (globalThis as {diffrastBench?: BenchSession}).diffrastBench = session;
}
