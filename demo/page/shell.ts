/**
 * The one page shell: the gallery (index.html) and every sample page (<name>.html, whose body
 * carries data-sample). A sample page shows the live target and estimate side by side, the loss
 * curve, iteration count and speed, the metrics, a backend selector, play / pause / reset and the
 * sample's own settings (also taken from the query string, e.g. cube.html?res=4&backend=cpu).
 *
 * For the headless runner and the demo tests it exposes `window.demo`: the page's state and
 * `train(settings)`, the same loop `npm run sample` runs in Node.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import '../../src/index';

import {emptyHistory, LossHistory, record} from '../lib/losses';
import {plotLosses} from '../lib/plot';
import {autoBackend, detectRenderer, RendererInfo} from '../lib/renderer';
import {pageTimeLine, Times} from '../lib/times';
import TIMES from '../times.json';
import {resolveSettings, Sample, Settings, Trainer} from '../lib/sample';
import {panelRgba, Rgba, train} from '../lib/train';
import {findSample, SAMPLES} from '../samples/index';

const BACKENDS = ['webgl', 'webgpu', 'cpu'];
/** URL parameters of the page itself rather than of a sample. */
const PAGE_PARAMS = ['backend', 'autoplay'];
/** Images, curve and metrics are redrawn at most this often while training... */
const REDRAW_MS = 300;
/** ...and at most a quarter of the time goes to redrawing (it renders too). */
const REDRAW_SHARE = 0.25;

const w = window as any;

type Children = Array<Node | string | null>;
function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> & {dataset?: Record<string, string>} = {},
  ...children: Children
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  const {dataset, ...rest} = props;
  Object.assign(e, rest);
  if (dataset) Object.assign(e.dataset, dataset);
  for (const c of children) if (c != null) e.append(c);
  return e;
}

function header(current?: string) {
  return el(
    'header',
    {},
    el('a', {href: 'index.html', className: 'home'}, 'tfjs-diffrast samples'),
    el(
      'nav',
      {},
      ...SAMPLES.map(s => el('a', {href: `${s.name}.html`, className: s.name === current ? 'current' : ''}, s.name)),
    ),
  );
}

/** Does `name` initialise here, and does this package have kernels for it? */
async function backendStatus(name: string): Promise<string | null> {
  if (!tf.getKernel('DiffrastRasterize', name)) return 'no diffrast kernels yet';
  if (name === 'webgpu' && !(navigator as any).gpu) return 'no WebGPU in this browser';
  try {
    const ok = await Promise.race([tf.setBackend(name), new Promise<boolean>(r => setTimeout(() => r(false), 30_000))]);
    return ok ? null : 'failed to initialise';
  } catch (e) {
    return `failed: ${(e as Error).message}`;
  }
}

function drawRgba(canvas: HTMLCanvasElement, img: Rgba) {
  if (canvas.width !== img.width || canvas.height !== img.height)
    [canvas.width, canvas.height] = [img.width, img.height];
  // Small images (a 4×4 cube) are enlarged with visible pixels; large ones are smoothed down.
  canvas.style.imageRendering = img.height < canvas.clientHeight ? 'pixelated' : 'auto';
  canvas
    .getContext('2d')!
    .putImageData(new ImageData(img.data as Uint8ClampedArray<ArrayBuffer>, img.width, img.height), 0, 0);
}

function formatNumber(v: number): string {
  if (!Number.isFinite(v) || v === 0) return String(v);
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? v.toPrecision(4) : v.toExponential(3);
}

function toBase64(bytes: Uint8ClampedArray): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** The backend advice, the same on every machine, and what this machine's renderer means for it. */
function backendAdvice(renderer: RendererInfo) {
  return el(
    'p',
    {className: 'advice'},
    'Each page trains live in your browser, on the backend picked on the page. On a GPU, webgl (or webgpu) is the ' +
      'fast path; without one the browser emulates WebGL and WebGPU on the CPU, and the cpu backend is usually ' +
      'faster (each page quotes both times). ' +
      'Backend auto, the default, picks for you. ',
    el(
      'span',
      {className: renderer.software ? 'note' : ''},
      renderer.note ?? `Here WebGL renders on ${renderer.webgl}: auto picks ${autoBackend(renderer)}.`,
    ),
  );
}

function gallery(renderer: RendererInfo) {
  document.title = 'tfjs-diffrast samples';
  const thumbnails = new Map(
    SAMPLES.map(s => [s.name, el('canvas', {className: 'thumbnail', width: 160, height: 160})]),
  );
  document.body.append(
    header(),
    el(
      'main',
      {},
      el('h1', {}, 'Samples'),
      backendAdvice(renderer),
      el(
        'ul',
        {className: 'gallery'},
        ...SAMPLES.map(s =>
          el(
            'li',
            {},
            el('a', {href: `${s.name}.html`}, thumbnails.get(s.name)!, el('h2', {}, s.title)),
            el('p', {}, s.summary),
          ),
        ),
      ),
    ),
  );
  return drawThumbnails(renderer, thumbnails);
}

/** Each sample's target, rendered here with the settings its page opens with, one sample at a time. */
async function drawThumbnails(renderer: RendererInfo, canvases: Map<string, HTMLCanvasElement>) {
  if (!(await tf.setBackend(autoBackend(renderer)).catch(() => false))) await tf.setBackend('cpu');
  for (const sample of SAMPLES) {
    const trainer = await sample.create(resolveSettings(sample, sample.pageDefaults ?? {}));
    try {
      const panels = trainer.panels();
      const shown = panels.find(p => p.key === 'target-hires') ?? panels.find(p => p.key === 'target') ?? panels[0];
      for (const p of panels) if (p !== shown) p.image.dispose();
      drawRgba(canvases.get(sample.name)!, await panelRgba(shown));
    } finally {
      trainer.dispose();
    }
  }
}

/** A sample's page and its training loop. */
class SamplePage {
  private trainer: Trainer | null = null;
  private settings: Settings;
  private running = false;
  private iteration = 0;
  private history: LossHistory;
  /** The first curve's losses (the loss). */
  private losses: number[];
  private times: number[] = [];
  private lastDraw = 0;
  private drawMs = 0;
  private generation = 0;
  /** The running loop, settled when it has stopped (after its current step). */
  private loopDone: Promise<void> = Promise.resolve();
  private error: string | null = null;
  private readonly ui = {
    backend: el('select', {}),
    play: el('button', {textContent: '▶ play'}),
    pause: el('button', {textContent: '❚❚ pause'}),
    reset: el('button', {textContent: '↺ reset'}),
    status: el('span', {className: 'status'}),
    note: el('p', {className: 'note', hidden: true}),
    time: el('p', {className: 'time'}),
    settings: el('form', {className: 'settings'}),
    panels: el('section', {className: 'panels'}),
    chart: el('canvas', {className: 'chart'}),
    metrics: el('table', {className: 'metrics'}),
    error: el('pre', {className: 'error', hidden: true}),
    problems: el('div', {className: 'error', hidden: true}),
  };
  /** What was wrong with the URL's parameters (each replaced by its default), shown beside the settings. */
  private problems: string[] = [];
  /** The backend the URL or the selector asked for; null: auto. */
  private backendWanted: string | null = null;

  constructor(
    private readonly sample: Sample,
    private readonly params: URLSearchParams,
    private readonly renderer: RendererInfo,
  ) {
    // The page's own starting point (a quick version of a slow default), then the URL's settings one
    // by one: a bad one is reported and left at its default instead of stopping the page.
    let settings = resolveSettings(sample, sample.pageDefaults ?? {});
    for (const [key, value] of params) {
      if (PAGE_PARAMS.includes(key)) continue;
      if (!(key in sample.settings)) {
        this.problems.push(`unknown parameter ${key}; the settings are ${Object.keys(sample.settings).join(', ')}`);
        continue;
      }
      try {
        settings = resolveSettings(sample, {...settings, [key]: value});
      } catch (e) {
        this.problems.push(`${(e as Error).message}: using ${settings[key]}`);
      }
    }
    this.settings = settings;
    this.history = emptyHistory(sample);
    this.losses = this.history.curves[0].values;
  }

  /** What the headless runner and the tests read. */
  get state() {
    return {
      sample: this.sample.name,
      backend: tf.getBackend(),
      settings: this.settings,
      iteration: this.iteration,
      losses: this.losses,
      running: this.running,
      error: this.error,
      problems: this.problems,
    };
  }

  async start() {
    const {sample, ui} = this;
    document.title = `${sample.name} — tfjs-diffrast samples`;
    document.body.append(
      header(sample.name),
      el(
        'main',
        {},
        el('h1', {}, sample.title),
        el('p', {className: 'summary'}, sample.summary),
        ui.time,
        el(
          'section',
          {className: 'controls'},
          el('label', {}, 'backend ', ui.backend),
          ui.play,
          ui.pause,
          ui.reset,
          ui.status,
        ),
        ui.note,
        ui.settings,
        ui.problems,
        ui.error,
        ui.panels,
        el('section', {className: 'results'}, el('figure', {}, ui.chart, el('figcaption', {}, 'loss')), ui.metrics),
      ),
    );
    this.buildSettings();
    ui.play.onclick = () => this.play();
    ui.pause.onclick = () => this.pause();
    ui.reset.onclick = () => this.restart();
    ui.backend.onchange = () => this.switchBackend(ui.backend.value);
    await this.chooseBackend();
    this.showProblems();
    this.writeUrl();
    await this.reset();
    if (this.params.get('autoplay') !== '0') this.play();
  }

  private buildSettings() {
    for (const [key, s] of Object.entries(this.sample.settings)) {
      const input = s.options
        ? el('select', {}, ...s.options.map(o => el('option', {value: String(o), textContent: String(o)})))
        : el('input', {type: typeof s.default === 'number' ? 'number' : 'text', step: 'any'});
      input.value = String(this.settings[key]);
      input.name = key;
      input.onchange = async () => {
        try {
          this.settings = resolveSettings(this.sample, {...this.settings, [key]: input.value});
          this.problems = this.problems.filter(p => !p.includes(` ${key} `));
        } catch (e) {
          this.problems = [(e as Error).message];
          return this.showProblems();
        }
        this.showProblems();
        this.writeUrl();
        await this.restart();
      };
      this.ui.settings.append(el('label', {title: s.help ?? ''}, `${s.label} `, input));
    }
  }

  /** Reset with the current backend and settings, and keep playing if it was. */
  private async restart() {
    const wasRunning = this.running;
    await this.reset();
    if (wasRunning) this.play();
  }

  /** The URL's backend, or with `auto` (the default) the one autoBackend picks for this machine's renderer. */
  private async chooseBackend() {
    const param = this.params.get('backend') ?? 'auto';
    if (param !== 'auto' && !BACKENDS.includes(param))
      this.problems.push(`backend must be one of auto, ${BACKENDS.join(', ')}, got ${param}: using auto`);
    const wanted = BACKENDS.includes(param) ? param : null;
    const status: Record<string, string | null> = {};
    for (const b of BACKENDS) status[b] = await backendStatus(b);
    for (const b of BACKENDS) {
      this.ui.backend.append(
        el('option', {value: b, disabled: status[b] != null, textContent: status[b] ? `${b} (${status[b]})` : b}),
      );
    }
    const auto = autoBackend(this.renderer);
    const choice = wanted ?? (status[auto] == null ? auto : (BACKENDS.find(b => status[b] == null) ?? 'cpu'));
    if (this.renderer.note) {
      this.ui.note.textContent = `${this.renderer.note}${wanted ? '' : ` (backend auto: ${choice})`}`;
      this.ui.note.hidden = false;
    }
    if (wanted && status[wanted]) this.problems.push(`backend ${wanted}: ${status[wanted]}`);
    this.backendWanted = wanted;
    this.ui.backend.value = choice;
    await tf.setBackend(choice);
  }

  private showProblems() {
    this.ui.problems.replaceChildren(...this.problems.map(p => el('div', {}, p)));
    this.ui.problems.hidden = this.problems.length === 0;
  }

  /**
   * The page's state back into its URL, so that a reload or a shared link shows the same run: the settings
   * that differ from the page's own, the backend when one was picked (none: auto), autoplay if given.
   */
  private writeUrl() {
    const start = resolveSettings(this.sample, this.sample.pageDefaults ?? {});
    const query = new URLSearchParams();
    if (this.backendWanted) query.set('backend', this.backendWanted);
    for (const [key, value] of Object.entries(this.settings)) if (value !== start[key]) query.set(key, String(value));
    const autoplay = this.params.get('autoplay');
    if (autoplay != null) query.set('autoplay', autoplay);
    history.replaceState(null, '', `${location.pathname}${query.size ? `?${query}` : ''}`);
  }

  private async switchBackend(name: string) {
    this.backendWanted = name;
    this.writeUrl();
    const wasRunning = this.running;
    await this.stop();
    await tf.setBackend(name);
    await this.reset();
    if (wasRunning) this.play();
  }

  /** A failure of the sample itself: its message in the page, the stack in the console. */
  private showError(e: unknown) {
    this.error = e instanceof Error ? e.message : String(e);
    this.ui.error.textContent = this.error;
    this.ui.error.hidden = false;
    this.running = false;
    console.error(e);
  }

  /** Pauses and waits for the loop to finish its step. */
  private async stop() {
    this.running = false;
    await this.loopDone;
  }

  async reset() {
    await this.stop();
    const generation = ++this.generation;
    this.trainer?.dispose();
    this.trainer = null;
    this.iteration = 0;
    this.history = emptyHistory(this.sample);
    this.losses = this.history.curves[0].values;
    this.times = [];
    this.drawMs = 0;
    this.error = null;
    this.ui.error.hidden = true;
    this.ui.status.textContent = 'setting up…';
    this.ui.time.textContent =
      pageTimeLine(TIMES as Times, this.sample.name, this.settings, resolveSettings(this.sample)) ?? '';
    try {
      const trainer = await this.sample.create(this.settings);
      if (generation !== this.generation) return trainer.dispose();
      this.trainer = trainer;
      await this.draw(true);
    } catch (e) {
      this.showError(e);
    }
  }

  play() {
    if (this.running || !this.trainer) return;
    if (this.iteration >= (this.settings.iters as number)) return;
    this.running = true;
    this.loopDone = this.loop(this.generation);
  }

  pause() {
    this.running = false;
  }

  private async loop(generation: number) {
    const iters = this.settings.iters as number;
    try {
      while (this.running && generation === this.generation && this.iteration < iters) {
        record(this.history, await this.trainer!.step(), this.trainer!);
        this.iteration++;
        this.times.push(performance.now());
        const wait = Math.max(REDRAW_MS, (this.drawMs * (1 - REDRAW_SHARE)) / REDRAW_SHARE);
        if (performance.now() - this.lastDraw > wait || this.iteration === iters) {
          await this.draw();
        } else {
          this.drawProgress();
          await new Promise(r => setTimeout(r, 0)); // let the page handle clicks
        }
      }
    } catch (e) {
      this.showError(e);
    }
    this.running = false;
    await this.draw();
  }

  private async draw(rebuild = false) {
    const trainer = this.trainer;
    if (!trainer) return;
    const start = performance.now();
    const panels = trainer.panels();
    if (rebuild) {
      this.ui.panels.replaceChildren(
        ...panels.map(p => el('figure', {}, el('canvas', {dataset: {panel: p.key}}), el('figcaption', {}, p.label))),
      );
    }
    const metrics = await trainer.metrics();
    for (const p of panels) {
      const canvas = this.ui.panels.querySelector<HTMLCanvasElement>(`canvas[data-panel="${p.key}"]`)!;
      drawRgba(canvas, await panelRgba(p));
    }
    this.ui.metrics.replaceChildren(
      ...Object.entries(metrics).map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, formatNumber(v)))),
    );
    this.drawProgress();
    this.lastDraw = performance.now();
    // (The first draw after a reset compiles the panels' shaders: it says nothing about the next.)
    if (!rebuild) this.drawMs = this.lastDraw - start;
  }

  /** The loss curve and the status line: cheap, so after every step. */
  private drawProgress() {
    drawRgba(this.ui.chart, plotLosses(this.history, this.settings.iters as number));
    this.ui.status.textContent = this.statusText();
  }

  private statusText(): string {
    const iters = this.settings.iters as number;
    const recent = this.times.slice(-20);
    const rate = recent.length > 1 ? (recent.length - 1) / ((recent[recent.length - 1] - recent[0]) / 1000) : 0;
    const speed = rate >= 1 ? `${rate.toFixed(1)} it/s` : rate > 0 ? `${(1 / rate).toFixed(2)} s/it` : '';
    const loss = this.losses.length ? `loss ${formatNumber(this.losses[this.losses.length - 1])}` : '';
    const state = this.running ? '' : this.iteration >= iters ? 'done' : this.iteration ? 'paused' : 'ready';
    return [`iteration ${this.iteration} / ${iters}`, speed, loss, state].filter(Boolean).join(' · ');
  }

  /** The headless loop (lib/train) on this page's backend; progress goes to window.demoProgress. */
  async train(given: Record<string, unknown>) {
    await this.stop();
    const result = await train(this.sample, resolveSettings(this.sample, given), (i, loss, s) =>
      w.demoProgress?.(i, loss, s),
    );
    return {...result, images: result.images.map(({data, ...rest}) => ({...rest, base64: toBase64(data)}))};
  }
}

async function main() {
  const renderer = await detectRenderer();
  w.demoRenderer = {...renderer, auto: autoBackend(renderer)};
  const name = document.body.dataset.sample;
  if (!name) {
    const thumbnails = gallery(renderer);
    w.demoReady = true;
    await thumbnails;
    w.demoThumbnails = true;
    return;
  }
  const sample = findSample(name);
  if (!sample) throw new Error(`no sample named ${name}`);
  const page = new SamplePage(sample, new URLSearchParams(location.search), renderer);
  w.demo = page;
  await page.start();
  w.demoReady = true;
}

main().catch(e => {
  console.error(e);
  if (!document.querySelector('header')) document.body.prepend(header(document.body.dataset.sample));
  document.body.append(el('main', {}, el('p', {className: 'error'}, String(e?.message ?? e))));
  w.demoReady = true;
  w.demoError = String(e);
});
