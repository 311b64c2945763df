// One revision's Node bench session for `npm run bench -- --ab REV` (bench/ab.mjs), in its own process: two
// revisions cannot share one, as tfjs keeps its engine and kernel registry in globals. Loads the bundle named by
// argv[2] and answers {n, method, args} messages with the session's (bench/session.ts) {n, result} or {n, error}.
import {pathToFileURL} from 'node:url';

await import(pathToFileURL(process.argv[2]).href);
process.on('message', async ({n, method, args}) => {
  try {
    process.send({n, result: await globalThis.diffrastBench[method](...args)});
  } catch (e) {
    process.send({n, error: String(e?.stack ?? e)});
  }
});
process.send({ready: true});
