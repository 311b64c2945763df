// The static server of the demo, the bench and the package check (sirv), on localhost: WebGPU needs a
// secure context, and localhost is one.
import http from 'node:http';

import sirv from 'sirv';

/** Serves `dir` on 127.0.0.1:`port` (0: any free port); resolves to {server, url} ("http://localhost:<port>/"). */
export function serve(dir, port = 0) {
  const server = http.createServer(sirv(dir, {dev: true}));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve({server, url: `http://localhost:${server.address().port}/`}));
  });
}
