// @playwright/test for the checks that drive a whole page or package (scripts/test.mjs runs it on full runs;
// alone: `npx playwright test [--project package|demo|bench-pack] [-g <regex>]`). The system Chromium through
// scripts/chromium.mjs: playwright never downloads a browser here.
import {defineConfig} from '@playwright/test';

import {findChromium, playwrightLaunchOptions} from './scripts/chromium.mjs';

const chrome = findChromium();
if (!chrome.bin) throw new Error(chrome.error);

export default defineConfig({
  testDir: 'test/playwright',
  outputDir: 'out/playwright',
  // SwiftShader renders on the CPU: a sample's target run takes up to a minute, a loaded machine more.
  timeout: 10 * 60_000,
  expect: {timeout: 60_000},
  // One worker per file: the demo's pages and the package's checks side by side (they share no state).
  workers: 2,
  reporter: [['list'], ['json', {outputFile: process.env.DIFFRAST_RESULT ?? 'out/test/playwright.json'}]],
  use: {launchOptions: playwrightLaunchOptions(chrome.bin), viewport: {width: 1400, height: 1100}},
  projects: [
    {name: 'pack', testMatch: 'pack.setup.mjs'},
    {name: 'package', testMatch: 'package.spec.mjs', dependencies: ['pack']},
    {name: 'demo', testMatch: 'demo.spec.mjs'},
    {name: 'bench-pack', testMatch: 'bench_pack.spec.mjs'},
  ],
});
