// Headless Chromium for the samples: Debian's chromium (found or installed by the test set-up's
// helpers), driven by playwright-core with the flags that give WebGL2 and WebGPU on SwiftShader.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {ensureChromium} from '../../scripts/test-setup.mjs';

import {OUT} from './build.mjs';

export const CHROMIUM_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-unsafe-swiftshader',
  '--use-angle=swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/**
 * Launches Chromium with a fresh profile; resolves to {context, close}. Page console errors are
 * passed to `onConsole` (default: printed).
 */
export async function launchChromium({say = console.log} = {}) {
  const chrome = ensureChromium({logDir: OUT, say});
  if (!chrome.bin) throw new Error(chrome.error);
  const {chromium} = await import('playwright-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'diffrast-demo-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chrome.bin,
    headless: true,
    ignoreDefaultArgs: ['--headless', '--disable-gpu'],
    args: CHROMIUM_FLAGS,
    viewport: {width: 1400, height: 1100},
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      fs.rmSync(profile, {recursive: true, force: true});
    },
  };
}
