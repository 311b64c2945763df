// `npm run bench -- --ab REV`: this checkout's library (B, uncommitted changes included) against REV's (A), with
// the same bench (this checkout's cases, scenes and harness; bench/bundle.mjs takes A's src/ from `git archive`).
// Each revision runs in its own session (Node: a child process each, bench/ab_child.mjs; page: a tab each in one
// Chromium); a case is opened in both, then their timed rounds alternate A B, B A, ..., so that load from other
// work on the machine hits both alike; the report gives each entry's B ÷ A, the median of the per-round ratios
// (yardsticks, the same code in both, show the noise), and the GPU per-pass times side by side.
import {execFileSync, fork} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

import {serve} from '../demo/tools/server.mjs';
import {launchChromium} from '../scripts/chromium.mjs';
import {browserCpuMs} from './browser_cpu.mjs';
import {bundleNode, bundlePage} from './bundle.mjs';
import {caseOptions, makeReport, runOrder, say, secs, useSwiftShaderIfNoVulkan} from './runner.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const git = (root, ...args) => execFileSync('git', args, {cwd: root, encoding: 'utf8'}).trim();

/** REV's src/ in out/bench/ab/<sha>/ (extracted once); its folder, sha and label. */
function revisionA(root, rev) {
  let sha;
  try {
    sha = git(root, 'rev-parse', '--verify', '--quiet', `${rev}^{commit}`);
  } catch {
    throw new Error(`--ab: ${rev} is not a commit of this repository`);
  }
  const srcRoot = path.join(root, 'out', 'bench', 'ab', sha.slice(0, 12));
  if (!fs.existsSync(path.join(srcRoot, 'src'))) {
    fs.mkdirSync(srcRoot, {recursive: true});
    const tar = execFileSync('git', ['archive', sha, 'src'], {cwd: root, maxBuffer: 1 << 30});
    execFileSync('tar', ['-x', '-C', srcRoot], {input: tar});
  }
  return {srcRoot, sha, label: rev === sha ? sha.slice(0, 10) : `${rev} (${sha.slice(0, 10)})`};
}

function labelB(root) {
  const dirty = git(root, 'status', '--porcelain', '--', 'src').length > 0;
  return `working tree (${git(root, 'rev-parse', '--short=10', 'HEAD')}${dirty ? ' + uncommitted src/ changes' : ''})`;
}

/** A session in a child process: call(method, ...args) → the session's answer. */
async function nodeSession(bundle) {
  const child = fork(path.join(here, 'ab_child.mjs'), [bundle], {stdio: 'inherit'});
  const waiting = new Map();
  let n = 0;
  let ready;
  const started = new Promise((resolve, reject) => (ready = {resolve, reject}));
  child.on('message', m => {
    if (m.ready) return ready.resolve();
    const w = waiting.get(m.n);
    waiting.delete(m.n);
    if (m.error) w.reject(new Error(m.error));
    else w.resolve(m.result);
  });
  child.on('exit', code => {
    const e = new Error(`the Node session of ${bundle} exited (${code})`);
    ready.reject(e);
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  });
  await started;
  return {
    call: (method, ...args) =>
      new Promise((resolve, reject) => {
        waiting.set(++n, {resolve, reject});
        child.send({n, method, args});
      }),
    close: () => child.kill(),
  };
}

/** A session in a tab of `browser` showing `url`. */
async function pageSession(browser, url) {
  const tab = await browser.newPage();
  tab.on('console', m => {
    if (m.type() === 'error') console.error(`[chromium ${url}] ${m.text()}`);
  });
  tab.on('pageerror', e => console.error(`[chromium ${url}] ${e.message}`));
  await tab.exposeFunction('diffrastBrowserCpuMs', browserCpuMs);
  await tab.goto(url);
  await tab.waitForFunction(() => globalThis.diffrastBench, null, {timeout: 120_000});
  return {
    call: (method, ...args) => tab.evaluate(([m, a]) => globalThis.diffrastBench[m](...a), [method, args]),
    close: () => tab.close().catch(() => {}),
  };
}

/**
 * The selected time cases of both sessions (`open()` → [a, b], started anew after a crash), each opened in both
 * and timed in alternating rounds; returns [{id, op, params, a, b}] with each side's case result.
 */
async function runPairs(where, open, o, deadline) {
  let [a, b] = await open();
  const [listA, listB] = [await a.call('list', o.quick), await b.call('list', o.quick)];
  const inA = new Set(listA.cases.map(c => c.id));
  const selected = listB.cases.filter(c => c.kind === 'time' && (!o.only || o.only.test(c.id)) && inA.has(c.id));
  say(`${where}: ${selected.length} cases in both revisions`);
  const pairs = [];
  try {
    for (const [i, c] of runOrder(selected).entries()) {
      if (Date.now() > deadline) {
        say(`${where}: time budget spent, ${selected.length - i} cases not run`);
        break;
      }
      const options = caseOptions(c, o, deadline, []);
      const t0 = Date.now();
      try {
        await a.call('open', c.id, options);
        await b.call('open', c.id, options);
        for (let r = 0; r < o.reps; r++) for (const s of r % 2 ? [b, a] : [a, b]) await s.call('round');
        const pair = {id: c.id, op: c.op, params: c.params, a: await a.call('close'), b: await b.call('close')};
        pairs.push(pair);
        say(`${where} ${i + 1}/${selected.length} ${c.id}: ${pairSummary(pair)} (${secs(Date.now() - t0)})`);
      } catch (e) {
        say(`${where} ${i + 1}/${selected.length} ${c.id} failed: ${String(e?.message ?? e).split('\n')[0]}`);
        pairs.push({id: c.id, op: c.op, params: c.params, failed: String(e?.message ?? e).split('\n')[0]});
        await Promise.all([a.close(), b.close()]);
        [a, b] = await open();
        await a.call('list', o.quick);
        await b.call('list', o.quick);
      }
    }
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
  return {pairs, info: {a: listA.info, b: listB.info}};
}

const median = xs => {
  const s = [...xs].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Each entry ok on both sides: medians, B ÷ A, and the per-round ratios' median and range (wall, and CPU: Node's
 * process, the page's browser GPU and renderer processes).
 */
function entryRows(pair) {
  if (pair.failed) return [];
  return pair.b.entries.flatMap(eb => {
    const ea = pair.a.entries.find(e => e.name === eb.name);
    if (eb.status !== 'ok' || ea?.status !== 'ok') {
      return [{name: eb.name, note: `A ${ea?.status ?? 'absent'}, B ${eb.status}: ${eb.note ?? ea?.note ?? ''}`}];
    }
    const perRound = (sa, sb) => (sa && sb ? sb.slice(0, sa.length).map((t, i) => t / sa[i]) : []);
    const wall = perRound(ea.samplesMs, eb.samplesMs);
    const cpu = perRound(ea.cpuSamplesMs, eb.cpuSamplesMs);
    return [
      {
        name: eb.name,
        role: eb.role,
        a: ea.medianMs,
        b: eb.medianMs,
        paired: wall.length ? median(wall) : null,
        range: wall.length ? [Math.min(...wall), Math.max(...wall)] : null,
        cpuPaired: cpu.length ? median(cpu) : null,
        breakdown:
          Object.keys(ea.breakdownMs ?? {}).length && Object.keys(eb.breakdownMs ?? {}).length
            ? {a: ea.breakdownMs, b: eb.breakdownMs}
            : null,
      },
    ];
  });
}

const ms = x => (x == null ? '' : x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : Math.round(x).toString());
const times = x => (x == null ? '' : `${x.toFixed(3)}×`);

function pairSummary(pair) {
  return entryRows(pair)
    .filter(r => r.role === 'subject')
    .map(r => `${r.name} ${ms(r.a)} → ${ms(r.b)} ms (${times(r.paired)})`)
    .join(', ');
}

const cell = text => String(text).replaceAll('|', '\\|');

function markdown(report) {
  const lines = [
    `# A/B: B = ${report.ab.b} against A = ${report.ab.a}`,
    '',
    `${report.date}, ${report.machine.cpus}, load ${report.machine.loadAverage.before.map(l => l.toFixed(1)).join(' ')} ` +
      `before, ${report.machine.loadAverage.after.map(l => l.toFixed(1)).join(' ')} after; ${report.options.reps} ` +
      `alternating rounds per case, ${report.options.warmup} warm-up calls. B ÷ A < 1: B is faster. "paired": the ` +
      'median of the per-round ratios (the rounds alternate A B, B A, ...), with their range; yardsticks run the same ' +
      'code in both and show the noise. "CPU": the same for CPU time (Node: the process; page: the browser\'s GPU ' +
      'and renderer processes, where /proc tells), which other work on the machine disturbs less than wall time.',
    '',
    '| where | case | entry | A ms | B ms | B ÷ A (medians) | B ÷ A (paired) | range | CPU B ÷ A (paired) |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  const breakdowns = [];
  for (const pair of report.pairs) {
    if (pair.failed) {
      lines.push(`| ${pair.where} | ${cell(pair.id)} | failed: ${cell(pair.failed)} | | | | | | |`);
      continue;
    }
    for (const r of entryRows(pair)) {
      if (r.note) {
        lines.push(`| ${pair.where} | ${cell(pair.id)} | ${cell(`${r.name}: ${r.note}`)} | | | | | | |`);
        continue;
      }
      const range = r.range ? `${r.range[0].toFixed(2)}–${r.range[1].toFixed(2)}` : '';
      lines.push(
        `| ${pair.where} | ${cell(pair.id)} | ${r.name} | ${ms(r.a)} | ${ms(r.b)} | ${times(r.b / r.a)} | ${times(r.paired)} | ${range} | ${times(r.cpuPaired)} |`,
      );
      if (r.breakdown) breakdowns.push({pair, r});
    }
  }
  for (const {pair, r} of breakdowns) {
    const passes = [...new Set([...Object.keys(r.breakdown.a), ...Object.keys(r.breakdown.b)])];
    const total = p => (r.breakdown.a[p] ?? 0) + (r.breakdown.b[p] ?? 0);
    lines.push('', `## ${pair.id}, ${r.name}: GPU ms per pass (one profiled call each: noisier than the rounds)`, '');
    lines.push('| pass | A | B | B − A |', '|---|---:|---:|---:|');
    for (const p of passes.sort((p, q) => total(q) - total(p))) {
      const [x, y] = [r.breakdown.a[p], r.breakdown.b[p]];
      lines.push(`| ${p} | ${ms(x)} | ${ms(y)} | ${x != null && y != null ? ms(y - x) : ''} |`);
    }
  }
  return lines.join('\n') + '\n';
}

/** The whole A/B run for bench/run.mjs: `o` its parsed options (o.ab: REV), `root` the checkout. */
export async function runAB(o, root) {
  const t0 = Date.now();
  const a = revisionA(root, o.ab);
  const b = labelB(root);
  say(`A/B: B = ${b} against A = ${a.label}`);
  const dir = path.join(root, 'out', 'bench', 'ab');
  const loadBefore = os.loadavg();
  const pairs = [];
  let node = null,
    browser = null;
  const nodeDeadline = t0 + (o.page ? 0.4 : 1) * o.budgetMs;
  if (o.node) {
    const bundles = [path.join(dir, 'node-a', 'node.mjs'), path.join(dir, 'node-b', 'node.mjs')];
    await bundleNode('bench/node.ts', bundles[0], {webgpu: 'external', srcRoot: a.srcRoot});
    await bundleNode('bench/node.ts', bundles[1], {webgpu: 'external'});
    useSwiftShaderIfNoVulkan();
    const run = await runPairs('Node', () => Promise.all(bundles.map(nodeSession)), o, nodeDeadline);
    pairs.push(...run.pairs.map(p => ({where: 'Node', ...p})));
    node = run.info.b;
  }
  if (o.page) {
    const pageDir = path.join(dir, 'page');
    fs.mkdirSync(pageDir, {recursive: true});
    await bundlePage(path.join(pageDir, 'a.js'), {srcRoot: a.srcRoot});
    await bundlePage(path.join(pageDir, 'b.js'));
    for (const side of ['a', 'b']) {
      fs.writeFileSync(
        path.join(pageDir, `${side}.html`),
        `<!doctype html><meta charset="utf-8"><title>bench ${side}</title><script type="module" src="/${side}.js"></script>`,
      );
    }
    const {server, url} = await serve(pageDir);
    const chromium = await launchChromium({say});
    try {
      const open = () => Promise.all(['a', 'b'].map(side => pageSession(chromium, `${url}${side}.html`)));
      const run = await runPairs('page', open, o, t0 + o.budgetMs);
      pairs.push(...run.pairs.map(p => ({where: 'page', ...p})));
      browser = {...run.info.b, version: chromium.version()};
    } finally {
      await chromium.close();
      server.close();
    }
  }
  const report = {...makeReport({o, t0, loadBefore, browser, node, cases: []}), ab: {a: a.label, b}, pairs};
  delete report.cases;
  const md = markdown(report);
  console.log(`\n${md}`);
  const file = path.join(
    root,
    'out',
    'bench',
    'ab',
    `${report.date.slice(0, 16).replace(':', '')}-${a.sha.slice(0, 7)}.json`,
  );
  fs.writeFileSync(file, JSON.stringify(report, null, 1) + '\n');
  fs.writeFileSync(file.replace(/\.json$/, '.md'), md);
  say(`wrote ${path.relative(root, file)} and .md in ${secs(Date.now() - t0)}`);
}
