// Runs a sample headless — in Node for cpu, in a page of headless Chromium for webgl / webgpu —
// and writes its images, loss curve and metrics. Used by `npm run sample`, the demo tests and
// the target measurements.
import fs from 'node:fs';
import path from 'node:path';

import {buildNode, buildPages} from './build.mjs';
import {launchChromium} from './chromium.mjs';
import {encodePng} from './png.mjs';
import {serve} from './server.mjs';

export const BACKENDS = ['webgl', 'webgpu', 'cpu'];
/** What `--backend` takes: a backend, or `auto` (webgl on a hardware GPU, cpu when rendering is software). */
export const BACKEND_CHOICES = ['auto', ...BACKENDS];

let nodeBundle = null;
/** The demo's Node bundle (samples, settings, the training loop, the loss plot, tfjs on cpu). */
export async function loadNodeBundle() {
  if (!nodeBundle) {
    nodeBundle = await import(await buildNode());
    // tfjs's banner on the cpu backend's first use in Node recommends @tensorflow/tfjs-node, which has no
    // tfjs-diffrast kernels; prod mode turns tfjs's warnings (that one among them) off.
    nodeBundle.tf.enableProdMode();
    await nodeBundle.tf.setBackend('cpu');
  }
  return nodeBundle;
}

/** Does the library register kernels for `backend`? (Registration happens on import, on any platform.) */
export async function hasKernels(backend) {
  const {tf} = await loadNodeBundle();
  return tf.getKernel('DiffrastRasterize', backend) != null;
}

/** webgl if its kernels exist, else webgpu if its do, else cpu. */
export async function bestBackend() {
  for (const b of ['webgl', 'webgpu']) if (await hasKernels(b)) return b;
  return 'cpu';
}

/** Chromium serving the built pages, reused across runs: `open()` a sample page, `close()` all. */
export class BrowserSession {
  static async start({say = () => {}} = {}) {
    const session = new BrowserSession();
    session.dir = await buildPages();
    ({server: session.server, url: session.url} = await serve(session.dir));
    session.browser = await launchChromium({say});
    return session;
  }

  /**
   * Who renders WebGL and WebGPU in this Chromium (demo/lib/renderer.ts, asked from the gallery page):
   * {webgl, webgpu, webglSoftware, webgpuSoftware, software, note, auto}, `auto` being backend auto's pick.
   */
  async renderer() {
    const page = await this.open('index');
    try {
      return await page.evaluate(() => window.demoRenderer);
    } finally {
      await page.close();
    }
  }

  /** Opens `<name>.html?<query>` and waits for the page to set up; resolves to the playwright page. */
  open(name, query = {}) {
    return openSamplePage(this.browser.context, this.url, name, query);
  }

  async close() {
    await this.browser?.close();
    this.server?.close();
  }
}

/**
 * Opens `<url><name>.html?<query>` in `context` and waits for the page to set up; resolves to the playwright
 * page, its errors collected in `page.pageErrors`.
 */
export async function openSamplePage(context, url, name, query = {}) {
  const page = await context.newPage();
  page.pageErrors = [];
  page.on('pageerror', e => page.pageErrors.push(e.message));
  page.on('console', m => {
    if (m.type() === 'error') page.pageErrors.push(m.text());
  });
  await page.goto(`${url}${name}.html?${new URLSearchParams(query)}`, {waitUntil: 'commit'});
  await page.waitForFunction(() => window.demoReady, null, {timeout: 180_000, polling: 100});
  const error = await page.evaluate(
    () => window.demoError ?? window.demo?.state.error ?? window.demo?.state.problems.join('; ') ?? null,
  );
  if (error) throw new Error(`${name}.html: ${error}`);
  return page;
}

/**
 * Runs sample `name` with settings `given` (strings or numbers; defaults for the rest) on
 * `backend`: in Node for cpu without a `session`, else in a page of the session's Chromium (a new
 * one, or `page` if given: an open page of that sample, left open). Resolves to the sample's
 * TrainResult with RGBA images.
 */
export async function runSample({name, backend, given = {}, session = null, page = null, onProgress = () => {}}) {
  const bundle = await loadNodeBundle();
  const sample = bundle.findSample(name);
  if (!sample) throw new Error(`no sample named '${name}'; samples: ${bundle.SAMPLES.map(s => s.name).join(', ')}`);
  const settings = bundle.resolveSettings(sample, given);
  if (!session && !page) {
    if (backend !== 'cpu') throw new Error(`backend ${backend} runs in Chromium: pass a BrowserSession`);
    return bundle.train(sample, settings, onProgress);
  }
  const ownPage = !page;
  if (ownPage) page = await session.open(name, {backend, autoplay: '0'});
  try {
    const actual = await page.evaluate(() => window.demo.state.backend);
    if (actual !== backend) {
      const option = await page.evaluate(b => document.querySelector(`option[value="${b}"]`)?.textContent, backend);
      throw new Error(`backend ${backend} is not usable in Chromium here: ${option ?? 'unknown'}`);
    }
    // (A page's bindings outlive the call, so it reports to whichever callback is current.)
    page.demoProgress = onProgress;
    if (!page.demoProgressExposed) {
      await page.exposeFunction('demoProgress', (...a) => page.demoProgress(...a));
      page.demoProgressExposed = true;
    }
    const result = await page.evaluate(s => window.demo.train(s), settings);
    for (const img of result.images) img.data = new Uint8ClampedArray(Buffer.from(img.base64, 'base64'));
    return result;
  } finally {
    if (ownPage) await page.close();
  }
}

/**
 * A new folder for one run under `base` (out/<name> by default), named by its time (UTC), backend and the
 * settings that differ from `defaults` — e.g. 2026-12-05T23-41-07-cpu-res4 — and `base/latest`, a
 * symlink to it. Earlier runs stay. Returns the folder.
 */
export function newRunFolder(base, {backend, settings}, defaults) {
  const time = new Date().toISOString().slice(0, 19).replace(/:/g, '-');
  const changed = Object.entries(settings)
    .filter(([k, v]) => v !== defaults[k])
    .map(([k, v]) => `${k}${v}`.replace(/[^\w.]+/g, '_'));
  const name = [time, backend, ...changed].join('-');
  let dir = path.join(base, name);
  for (let k = 2; fs.existsSync(dir); k++) dir = path.join(base, `${name}-${k}`);
  fs.mkdirSync(dir, {recursive: true});
  const latest = path.join(base, 'latest');
  fs.rmSync(latest, {force: true});
  fs.symlinkSync(path.basename(dir), latest, 'dir');
  return dir;
}

/** Writes a run's files into `dir`: one PNG per panel (target.png, result.png, …), loss.png and result.json. */
export async function writeOutputs(result, dir) {
  const {plotLosses} = await loadNodeBundle();
  fs.mkdirSync(dir, {recursive: true});
  const files = [];
  for (const img of result.images) {
    fs.writeFileSync(path.join(dir, `${img.key}.png`), encodePng(img));
    files.push(`${img.key}.png`);
  }
  fs.writeFileSync(path.join(dir, 'loss.png'), encodePng(plotLosses(result.history, result.settings.iters, 640, 260)));
  files.push('loss.png');
  const {images, ...summary} = result;
  fs.writeFileSync(
    path.join(dir, 'result.json'),
    JSON.stringify({...summary, images: images.map(i => i.key)}, null, 1) + '\n',
  );
  files.push('result.json');
  return files;
}

/** A terminal progress bar: redrawn in place on a terminal, a line per 10% otherwise. */
export function progressBar(total, stream = process.stdout) {
  let lastDecile = -1;
  return (i, loss, seconds) => {
    const rate = i / seconds;
    const eta = (total - i) / rate;
    const fmt = s =>
      s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${s.toFixed(0)}s`;
    const width = 30,
      done = Math.round((width * i) / total);
    const line =
      `[${'#'.repeat(done)}${'-'.repeat(width - done)}] ${i}/${total}  ` +
      `${rate >= 1 ? `${rate.toFixed(1)} it/s` : `${(1 / rate).toFixed(2)} s/it`}  loss ${loss.toExponential(3)}  ` +
      `${i < total ? `eta ${fmt(eta)}` : `${fmt(seconds)}`}`;
    if (stream.isTTY) {
      stream.write(`\r${line}\x1b[K${i === total ? '\n' : ''}`);
    } else {
      const decile = Math.floor((10 * i) / total);
      if (decile !== lastDecile) stream.write(`${line}\n`);
      lastDecile = decile;
    }
  };
}
