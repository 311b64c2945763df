// The one place that finds (or installs) Chromium and names its flags, for the tests, the demo tools, the
// samples, the bench and the package check; and the Debian packages Dawn needs for WebGPU in Node.
// Hand-written because no library installs a distribution's browser: every launcher downloads its own,
// which cannot work here (no network but the npm and Debian registries).
import fs from 'node:fs';
import {spawnSync} from 'node:child_process';

/** Headless Chromium with WebGL2 and WebGPU on SwiftShader where there is no GPU (docs/testing.md#headless-chromium). */
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

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** Debian's chromium ships SwiftShader's Vulkan driver: Dawn (WebGPU in Node) runs on it without a GPU. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

const isExecutable = p => {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
};

/** `apt-get install` of Debian packages when we are root with apt; returns an error message or null. */
function aptInstall(packages, say, extra = []) {
  const apt = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v apt-get']).status === 0;
  if (!apt) return `install Debian's ${packages.join(', ')} (not root with apt-get, so not installing it)`;
  say(`apt-get install ${extra.join(' ')} ${packages.join(' ')}`);
  const env = {...process.env, DEBIAN_FRONTEND: 'noninteractive'};
  const install = ['install', '-y', '-q', ...extra, ...packages];
  let r = spawnSync('apt-get', install, {stdio: ['ignore', 'ignore', 'inherit'], env});
  if (r.status !== 0) {
    spawnSync('apt-get', ['update', '-q'], {stdio: ['ignore', 'ignore', 'inherit'], env});
    r = spawnSync('apt-get', install, {stdio: ['ignore', 'ignore', 'inherit'], env});
  }
  return r.status === 0 ? null : `apt-get install ${packages.join(' ')} failed (exit ${r.status})`;
}

/** $CHROME_BIN, else the usual paths, else Debian's `chromium` installed when root. Returns {bin} or {error}. */
export function findChromium(say = console.log) {
  const find = () => [process.env.CHROME_BIN, ...CANDIDATES].find(p => p && isExecutable(p));
  let bin = find();
  if (bin) return {bin};
  const error = aptInstall(['chromium'], say);
  bin = find();
  return bin ? {bin} : {error: `no Chromium found: set CHROME_BIN, or ${error ?? "install Debian's chromium"}`};
}

/** What Dawn needs in Node without a GPU: the Vulkan loader, and SwiftShader's ICD from Debian's chromium. */
export function ensureVulkan(say = console.log) {
  const loader = ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1'];
  if (process.platform === 'linux' && !loader.some(p => fs.existsSync(p))) {
    aptInstall(['libvulkan1'], say, ['--no-install-recommends']);
  }
  if (!fs.existsSync(SWIFTSHADER_ICD)) findChromium(say);
}

/** Chromium through playwright-core (fresh profile, our flags); resolves to the playwright Browser. */
export async function launchChromium({say = console.log} = {}) {
  const chrome = findChromium(say);
  if (!chrome.bin) throw new Error(chrome.error);
  const {chromium} = await import('playwright-core');
  return chromium.launch(playwrightLaunchOptions(chrome.bin));
}

/** Launch options for playwright (also @playwright/test's config): our flags, none of playwright's GPU-off ones. */
export function playwrightLaunchOptions(executablePath) {
  return {executablePath, headless: true, ignoreDefaultArgs: ['--headless', '--disable-gpu'], args: CHROMIUM_FLAGS};
}
