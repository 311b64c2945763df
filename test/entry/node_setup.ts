/**
 * Node test set-up. Imported by the generated Node entry (scripts/test-build.mjs) after
 * '@tensorflow/tfjs' and before any spec module is evaluated.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
const g = globalThis as any;

/** The backends `describeEachBackend` (test/util/backends.ts) runs each spec body for. */
g.DIFFRAST_TEST_BACKENDS = ['cpu'];

// Jasmine's globals exist: the runner (scripts/test-node.mjs) installs them before loading us.
g.jasmine.DEFAULT_TIMEOUT_INTERVAL = 120_000;

console.log('node: backends under test: cpu');
