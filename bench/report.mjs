// Tables of a benchmark report (bench/run.mjs): per row kind, the cells' medians, the ratios to
// the yardsticks, cost growth over the grid and the issue's targets; as text and as markdown.

const OK = 'ok';
const GPU_BACKENDS = ['webgl', 'webgpu'];
/** Issue 4's contention rows (bench/cases.ts): full-screen quad against a 5k mesh on the same pixels. */
const CONTENTION = 'gradient pass (rasterize + interpolate backward), screen covered';
/**
 * The suffix of the rows that time an op's forward on a gradient tape, as a training step runs it (bench/ops.ts's
 * tapedForward), only where backward ÷ forward is read: beside the ratio to the `forward` row (no tape), not a
 * target of their own, no growth.
 */
const TAPED = ' forward (taped)';

function fmtMs(ms) {
  if (ms == null) return '';
  if (ms < 10) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return Math.round(ms).toString();
}
const fmtX = x =>
  x == null || !isFinite(x) ? '' : `${x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : Math.round(x)}×`;
const sizeOf = p => `${p.height}²`;

function cellText(e) {
  if (!e) return '';
  if (e.status === OK) return fmtMs(e.medianMs);
  if (e.status === 'skipped')
    return /budget/.test(e.note ?? '') ? 'not run' : /took|predicted/.test(e.note ?? '') ? 'skip > limit' : 'skipped';
  if (e.status === 'unavailable') return 'n/a';
  return 'failed';
}

/** Subject/yardstick pairs of a case: same environment; a yardstick's `for` names its one subject. */
function pairs(entries) {
  const out = [];
  for (const s of entries.filter(e => e.role === 'subject')) {
    for (const y of entries.filter(
      e => e.role === 'yardstick' && e.where === s.where && (!e.for || e.for === s.name),
    )) {
      out.push({s, y, label: y.compare === 'floor' ? `${s.name} ÷ ${y.name}` : `speed-up of ${s.name} over ${y.name}`});
    }
  }
  return out;
}

function ratio({s, y}) {
  if (s.status !== OK || y.status !== OK) return null;
  return y.compare === 'floor' ? s.medianMs / y.medianMs : y.medianMs / s.medianMs;
}

function groupByOp(cases) {
  const groups = new Map();
  for (const c of cases) {
    if (!groups.has(c.op)) groups.set(c.op, []);
    groups.get(c.op).push(c);
  }
  return groups;
}

/** One table per row kind: mesh, size, each entry's median ms, each pair's ratio. */
function opTables(report) {
  const tables = [];
  for (const [op, cases] of groupByOp(report.cases)) {
    const soak = cases[0].kind === 'soak';
    const names = [...new Set(cases.flatMap(c => c.entries.map(e => e.name)))];
    const labels = [...new Set(cases.flatMap(c => pairs(c.entries).map(p => p.label)))];
    const header = ['mesh', 'triangles', 'size', ...names.map(n => `${n}${soak ? ' ms/iter' : ' ms'}`)];
    if (soak) header.push(...names.map(n => `${n}: tensors, MB at 10 → end`));
    else header.push(...labels);
    const fit = op.startsWith('fit iteration');
    if (fit) header.push(...names.map(n => `${n}: tensors, MB after`));
    const rows = cases.map(c => {
      const byName = n => c.entries.find(e => e.name === n);
      const row = [
        c.params.scene,
        String(c.params.triangles),
        sizeOf(c.params),
        ...names.map(n => cellText(byName(n))),
      ];
      if (soak) {
        row.push(
          ...names.map(n => {
            const e = byName(n);
            if (!e?.memory?.length) return '';
            const a = e.memory.find(m => m.iteration === 10) ?? e.memory[0],
              b = e.memory[e.memory.length - 1];
            const mb = m => (m.numBytes / 2 ** 20).toFixed(1);
            return `${a.numTensors}, ${mb(a)} → ${b.numTensors}, ${mb(b)} @${b.iteration} ${e.memoryConstant ? '(constant)' : '(GROWS)'}`;
          }),
        );
      } else {
        const ps = pairs(c.entries);
        row.push(...labels.map(l => fmtX(ratio(ps.find(p => p.label === l) ?? {s: {}, y: {}}))));
      }
      if (fit) {
        row.push(
          ...names.map(n => {
            const m = byName(n)?.memoryAfter;
            return m ? `${m.numTensors}, ${(m.numBytes / 2 ** 20).toFixed(1)}` : '';
          }),
        );
      }
      return row;
    });
    const unrun = cases.filter(c => c.entries.some(e => e.status === 'skipped' && /budget/.test(e.note ?? '')));
    const notes = [
      ...new Set(
        cases.flatMap(c =>
          c.entries
            .filter(e => (e.status !== OK && !/budget/.test(e.note ?? '')) || e.leakedTensors)
            .map(e =>
              e.status === 'unavailable'
                ? `${e.name}: ${e.note}`
                : `${e.name} at ${sizeOf(c.params)}, ${c.params.scene}: ${e.status}${e.note ? ` — ${e.note}` : ''}${e.leakedTensors ? ` (leaked ${e.leakedTensors} tensors)` : ''}`,
            ),
        ),
      ),
    ];
    if (unrun.length)
      notes.push(
        `not run (the run's time budget was spent): ${unrun.map(c => `${sizeOf(c.params)} ${c.params.scene}`).join(', ')}`,
      );
    tables.push({title: op, header, rows, notes});
  }
  return tables;
}

/**
 * Per op and subject: time growth 512² → 2048² (per mesh, with tf.add's on the same output size)
 * and 100k → 1M triangles (per size).
 */
export function growth(report) {
  const out = [];
  for (const [op, cases] of groupByOp(
    report.cases.filter(
      c => c.kind !== 'soak' && !c.op.startsWith('fit') && !c.op.startsWith(CONTENTION) && !c.op.endsWith(TAPED),
    ),
  )) {
    // (Subjects on a backend without our kernels have no growth to report.)
    const subjects = [
      ...new Set(
        cases.flatMap(c => c.entries.filter(e => e.role === 'subject' && e.status !== 'unavailable').map(e => e.name)),
      ),
    ];
    const at = (name, size, nominal, key = 'medianMs') => {
      const c = cases.find(c => c.params.height === size && Math.abs(c.params.triangles / nominal - 1) < 0.05);
      const e = c?.entries.find(e => e.name === name);
      return e?.status === OK ? (e[key] ?? null) : null;
    };
    // tfjs's tf.add on the subject's output size, same backend and run (issue 15's yardstick of growth).
    const addOf = name =>
      cases.flatMap(c => c.entries).find(e => e.for === name && e.compare === 'floor' && e.name.startsWith('tf.add'))
        ?.name;
    for (const name of subjects) {
      const add = addOf(name);
      const grow = (t, key) => ({
        x: ratioOf(at(name, 2048, t, key), at(name, 512, t, key)),
        add: add ? ratioOf(at(add, 2048, t, key), at(add, 512, t, key)) : null,
      });
      // cpu: the same ratios of process CPU time (Node), which other processes' load does not inflate.
      // Page faults per call (Node), at 512² and 2048², the subject's and tf.add's: first touches of fresh pages.
      const faults = t =>
        [name, add].map(n => [512, 2048].map(size => (n ? at(n, size, t, 'pageFaultsMedian') : null)));
      const pixels = [12, 5000, 100_000, 1_000_000].map(t => ({
        at: t,
        ...grow(t),
        cpu: grow(t, 'cpuMedianMs'),
        faults: faults(t),
        // Calls per 512² sample (bench/harness.ts's SAMPLE_MAX_MS), the same for the subject and tf.add.
        calls: at(name, 512, t, 'callsPerSample') ?? 1,
      }));
      const triangles = [256, 512, 1024, 2048].map(s => ({
        at: s,
        x: ratioOf(at(name, s, 1_000_000), at(name, s, 100_000)),
      }));
      const backend = cases.flatMap(c => c.entries).find(e => e.name === name)?.backend;
      out.push({op, subject: name, backend, pixels, triangles});
    }
  }
  return out;
}
const ratioOf = (a, b) => (a != null && b != null ? a / b : null);

/** "; page faults per call 512² → 2048²: …" from growth()'s [[subject 512², 2048²], [tf.add 512², 2048²]]. */
function faultsText(faults) {
  if (!faults || faults.flat().some(f => f == null)) return '';
  const [[s0, s1], [a0, a1]] = faults;
  const n = Math.round;
  return `; page faults per call 512² → 2048²: ${n(s0)} → ${n(s1)}, tf.add's ${n(a0)} → ${n(a1)}`;
}

/** For a missed target: the subject's most expensive passes (DIFFRAST_WEBGL_PROFILE / DIFFRAST_WEBGPU_PROFILE), if measured. */
function whereTimeGoes(e) {
  const passes = Object.entries(e.breakdownMs ?? {})
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3);
  return passes.length ? `; GPU time: ${passes.map(([k, v]) => `${k} ${fmtMs(v)} ms`).join(', ')}` : '';
}

function findEntry(report, id, name) {
  return report.cases.find(c => c.id === id)?.entries.find(e => e.name === name);
}

/** Issue 14: the textured 100k fit iteration's speed over the cpu backend's in the same page, at least. */
const FIT_TARGETS = {webgpu: 1, webgl: 0.7};
/** Issue 15: a cpu op's 512² → 2048² growth over tf.add's on the same output size, at most. */
const CPU_GROWTH = 1.5;

/** The issues' targets, measured: {target, value, met, detail}. */
export function targets(report) {
  const list = [];
  const pair = (id, subject, yardstick, limit, text, higherIsBetter) => {
    const s = findEntry(report, id, subject);
    let y = findEntry(report, id, yardstick);
    if (!s || !y) return;
    if (s.status === OK && y.status === 'skipped' && y.warmCallMs != null && higherIsBetter) {
      // A yardstick too slow to time still bounds the speed-up from below.
      // (Results written before entries kept their scale: the whole-call entry's note says how many chunks.)
      const whole = findEntry(report, id, yardstick.replace(/, estimated$/, ''));
      y = {...y, scale: y.scale ?? Number(/^(\d+) chunks/.exec(whole?.note ?? '')?.[1] ?? 1)};
      const bound = (y.warmCallMs * y.scale) / s.medianMs;
      list.push({
        target: text,
        value: bound,
        met: bound >= limit ? true : null,
        detail: `lower bound: ${yardstick} skipped, one call ≥ ${fmtMs(y.warmCallMs * y.scale)} ms; ${subject} ${fmtMs(s.medianMs)} ms`,
      });
      return;
    }
    if (s.status !== OK || y.status !== OK) {
      list.push({target: text, value: null, met: null, detail: `${subject}: ${s.status}, ${yardstick}: ${y.status}`});
      return;
    }
    const value = higherIsBetter ? y.medianMs / s.medianMs : s.medianMs / y.medianMs;
    const met = higherIsBetter ? value >= limit : value <= limit;
    list.push({
      target: text,
      value,
      met,
      detail: `${subject} ${fmtMs(s.medianMs)} ms, ${yardstick} ${fmtMs(y.medianMs)} ms${met ? '' : whereTimeGoes(s)}`,
    });
  };
  // The gradient pass of a full-screen quad over that of a 5k mesh on the same pixels, per subject.
  const quad = report.cases.find(c => c.id === `${CONTENTION} | 1024 | plane 1`);
  const mesh = report.cases.find(c => c.id === `${CONTENTION} | 1024 | plane 50`);
  for (const s of quad?.entries.filter(e => e.role === 'subject' && e.status !== 'unavailable') ?? []) {
    const m = mesh?.entries.find(e => e.name === s.name);
    const text = `${s.name} gradient pass, full-screen quad ≤ 3× a 5k mesh on the same pixels (1024²; issue 4, for webgpu)`;
    if (s.status !== OK || m?.status !== OK) {
      list.push({target: text, value: null, met: null, detail: `quad: ${s.status}, 5k mesh: ${m?.status ?? 'absent'}`});
      continue;
    }
    const value = s.medianMs / m.medianMs;
    list.push({
      target: text,
      value,
      met: value <= 3,
      detail: `quad ${fmtMs(s.medianMs)} ms, 5k mesh ${fmtMs(m.medianMs)} ms${value <= 3 ? '' : whereTimeGoes(s)}`,
    });
  }
  for (const b of GPU_BACKENDS) {
    const draw = b === 'webgl' ? 'plain WebGL2 draw' : 'plain WebGPU draw';
    for (const [cell, limit] of [
      ['1024 | 100000', 1.5],
      ['256 | 5000', 2],
    ]) {
      const [size, triangles] = cell.split(' | ');
      pair(
        `rasterize forward | ${cell}`,
        b,
        draw,
        limit,
        `${b} rasterize forward (hardware coverage) ≤ ${limit}× the plain draw (${size}², ${triangles / 1000}k; issue 13)`,
        false,
      );
    }
    pair(
      'fit iteration | 512 | 100000',
      b,
      'cpu (page)',
      FIT_TARGETS[b],
      `${b} textured 100k fit iteration ≥ ${FIT_TARGETS[b].toFixed(1)}× the speed of the cpu backend in the same page (512²; issue 14)`,
      true,
    );
    const renderId = 'render forward+backward (rasterize → interpolate → antialias) | 256 | 5000';
    const whole = findEntry(report, renderId, `soft rasterizer [${b}]`);
    pair(
      renderId,
      b,
      `soft rasterizer [${b}]${whole?.status === OK ? '' : ', estimated'}`,
      100,
      `${b} forward+backward ≥ 100× faster than the soft rasterizer (256², 5k; issue 6)`,
      true,
    );
  }
  for (const r of backwardRatios(report).ratios.filter(
    r =>
      GPU_BACKENDS.includes(r.subject) &&
      r.size === BACKWARD_SIZE &&
      BACKWARD_MESHES.some(t => Math.abs(r.triangles / t - 1) < 0.05),
  )) {
    list.push({
      target: `${r.subject} ${r.op} backward ≤ ${BACKWARD_TARGET}× its forward (${r.size}², ${r.scene}; issue 14)`,
      value: r.x,
      met: r.x == null ? null : r.x <= BACKWARD_TARGET,
      detail:
        (r.x == null
          ? `forward: ${r.forward?.status ?? 'absent'}, backward: ${r.backward.status}`
          : `forward ${fmtMs(r.forward.medianMs)} ms, backward ${fmtMs(r.backward.medianMs)} ms` +
            (r.x <= BACKWARD_TARGET ? '' : whereTimeGoes(r.backward))) + tapedText(r),
    });
  }
  const unmeasured = new Map();
  const missing = (subject, what, op) => {
    const key = `${subject} | ${what}`;
    if (!unmeasured.has(key)) unmeasured.set(key, {subject, what, ops: []});
    unmeasured.get(key).ops.push(op);
  };
  for (const g of growth(report)) {
    const worst = gs => gs.filter(x => x.x != null).sort((a, b) => b.x - a.x)[0];
    if (g.backend === 'cpu') {
      // Issue 15: the cpu path's growth against tfjs's own on the same outputs, in process CPU time where
      // measured (both timed alike; wall time on a shared machine grows with other processes' load).
      const byCpu = g.pixels.some(x => x.cpu.x != null && x.cpu.add != null);
      const p = worst(
        g.pixels
          .map(x => (byCpu ? {at: x.at, ...x.cpu, faults: x.faults, calls: x.calls} : x))
          .filter(x => x.x != null && x.add != null)
          .map(x => ({...x, x: ratioOf(x.x, x.add)})),
      );
      const what = `512² → 2048² growth ≤ ${CPU_GROWTH}× tf.add's on the same output size (issue 15)`;
      if (p)
        list.push({
          target: `${g.subject} ${g.op}: ${what}`,
          value: p.x,
          met: p.x <= CPU_GROWTH,
          detail:
            `worst at ${p.at} triangles: ${fmtX(p.x * p.add)} against tf.add's ${fmtX(p.add)}${byCpu ? ' (process CPU time)' : ' (wall time)'}` +
            (p.calls > 1 ? `, 512² samples of ${p.calls} calls` : '') +
            faultsText(p.faults),
        });
      else missing(g.subject, what, g.op);
    } else {
      const p = worst(g.pixels);
      if (p)
        list.push({
          target: `${g.subject} ${g.op}: 512² → 2048² ≤ 16× (issue 6)`,
          value: p.x,
          met: p.x <= 16,
          detail: `worst at ${p.at} triangles`,
        });
      else missing(g.subject, '512² → 2048² ≤ 16× (issue 6)', g.op);
    }
    const t = worst(g.triangles);
    if (t)
      list.push({
        target: `${g.subject} ${g.op}: 100k → 1M triangles ≤ 10× (issue 6)`,
        value: t.x,
        met: t.x <= 10,
        detail: `worst at ${t.at}²`,
      });
    else missing(g.subject, '100k → 1M triangles ≤ 10× (issue 6)', g.op);
  }
  for (const u of unmeasured.values()) {
    list.push({
      target: `${u.subject}, ${u.ops.length} rows: ${u.what}`,
      value: null,
      met: null,
      detail: `no pair of cells measured (skipped as too slow, or not run): ${u.ops.join('; ')}`,
    });
  }
  for (const c of report.cases.filter(c => c.kind === 'soak')) {
    for (const e of c.entries) {
      list.push({
        target: `${e.name} fit memory constant over ${e.iterations ?? '?'} iterations (${c.params.scene})`,
        value: null,
        met: e.status === OK ? e.memoryConstant : null,
        detail: e.note ?? '',
      });
    }
  }
  return list;
}

function textTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => (r[i] ?? '').length)));
  const line = r =>
    r.map((cell, i) => (i < 3 ? (cell ?? '').padEnd(widths[i]) : (cell ?? '').padStart(widths[i]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

function mdTable(header, rows) {
  const esc = s => String(s ?? '').replace(/\|/g, '\\|');
  return [
    `| ${header.map(esc).join(' | ')} |`,
    `|${header.map((_, i) => (i < 3 ? '---' : '---:')).join('|')}|`,
    ...rows.map(r => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

const metText = t => (t.met == null ? 'not measured' : t.met ? 'met' : 'MISSED');

/** Node's webgpu adapter on Dawn (src/node_webgpu.ts's WebGPUAdapterInfo), or why there is none. */
export const adapterText = w =>
  typeof w === 'string'
    ? w
    : `${w.description || w.device} (vendor ${w.vendor}, architecture ${w.architecture}, ${w.software ? 'software' : 'hardware'})`;
const dawnText = w => (w == null ? '' : `, WebGPU on Dawn: ${adapterText(w)}`);

function machineLine(r) {
  const m = r.machine;
  const load = l => l.map(x => x.toFixed(1)).join(' ');
  return (
    `${r.date.slice(0, 10)}; ${m.cpus}, ${m.memoryGB} GB, ${m.platform}; ` +
    `${r.browser ? `Chromium ${r.browser.version}, WebGL: ${r.browser.webgl}; WebGPU: ${r.browser.webgpu}; ` : ''}` +
    `${r.node ? `Node ${r.node.node}, tfjs ${r.node.tfjs}${dawnText(r.node.webgpu)}; ` : ''}load average (1, 5, 15 min) ${load(m.loadAverage.before)} before, ` +
    `${load(m.loadAverage.after)} after; ${r.options.reps} timed calls per figure (median), run took ${Math.round(r.durationS / 60)} min` +
    (r.options.quick
      ? " (--quick: fewer calls, smaller images, the grid's smallest cell only: targets at their sizes are not measured)"
      : '')
  );
}

function growthRows(report) {
  return growth(report)
    .filter(g => [...g.pixels, ...g.triangles].some(x => x.x != null))
    .map(g => [g.op, g.subject, ...g.pixels.map(p => fmtX(p.x)), ...g.triangles.map(t => fmtX(t.x))]);
}
const GROWTH_HEADER = [
  'op',
  'subject',
  '512²→2048² @12',
  '@5k',
  '@100k',
  '@1M',
  '100k→1M @256²',
  '@512²',
  '@1024²',
  '@2048²',
];

/** Where a GPU call's time goes, for the cells that have a breakdown at 1024², 100k. */
function breakdownLines(report) {
  const lines = [];
  for (const c of report.cases.filter(
    c => c.params.height === 1024 && c.params.triangles > 90_000 && c.params.triangles < 110_000,
  )) {
    for (const e of c.entries.filter(e => e.breakdownMs && Object.keys(e.breakdownMs).length)) {
      const passes = Object.entries(e.breakdownMs)
        .map(([k, v]) => `${k} ${fmtMs(v)}`)
        .join(', ');
      lines.push(`${c.op} [${e.name}], median ${fmtMs(e.medianMs)} ms: ${passes}`);
    }
  }
  return lines;
}

/**
 * Issue 14: each op's backward over its forward, per GPU subject and cell (both timed in the same
 * run), against the target of 3×; and where the backward's GPU time goes (its largest passes). The
 * target reads the `forward` row (no tape); where the cell has a `forward (taped)` row (the forward a
 * training step runs, which may save work for the backward), the ratio to it is given beside.
 */
const BACKWARD_TARGET = 3;
/** The cells of issue 14's backward ÷ forward targets: 512², the cube and the 100k sphere (nominal triangle counts). */
const BACKWARD_SIZE = 512,
  BACKWARD_MESHES = [12, 100_000];
function backwardRatios(report) {
  const rows = [],
    lines = [],
    ratios = [];
  for (const b of report.cases.filter(c => c.op.endsWith(' backward'))) {
    const op = b.op.slice(0, -' backward'.length);
    const sameCell = kind => c =>
      c.op === `${op}${kind}` && c.params.height === b.params.height && c.params.scene === b.params.scene;
    const f = report.cases.find(sameCell(' forward'));
    if (!f) continue;
    const taped = report.cases.find(sameCell(TAPED));
    // (GPU subjects: the page's webgl and webgpu, and webgpu on Dawn in Node.)
    for (const eb of b.entries.filter(
      e => e.role === 'subject' && GPU_BACKENDS.includes(e.backend) && e.status !== 'unavailable',
    )) {
      const ef = f.entries.find(e => e.name === eb.name);
      const x = eb.status === OK && ef?.status === OK ? eb.medianMs / ef.medianMs : null;
      const et = taped?.entries.find(e => e.name === eb.name);
      const xTaped = eb.status === OK && et?.status === OK ? eb.medianMs / et.medianMs : null;
      ratios.push({
        op,
        subject: eb.name,
        scene: b.params.scene,
        size: b.params.height,
        triangles: b.params.triangles,
        forward: ef,
        taped: et,
        backward: eb,
        x,
        xTaped,
      });
      rows.push([
        op,
        eb.name,
        b.params.scene,
        sizeOf(b.params),
        cellText(ef),
        cellText(eb),
        fmtX(x),
        x == null ? '' : x <= BACKWARD_TARGET ? 'met' : 'MISSED',
        cellText(et),
        fmtX(xTaped),
      ]);
      // Each backward's passes, then the taped forward's where it has some (what it does for the backward).
      for (const [what, e] of [
        ['backward', eb],
        ['forward (taped)', et],
      ]) {
        const passes = Object.entries(e?.breakdownMs ?? {}).sort((p, q) => q[1] - p[1]);
        if (passes.length)
          lines.push(
            `${op} ${what} [${e.name}], ${b.params.scene}, ${sizeOf(b.params)}, median ${fmtMs(e.medianMs)} ms: ` +
              passes.map(([k, v]) => `${k} ${fmtMs(v)}`).join(', '),
          );
      }
    }
  }
  return {rows, lines, ratios};
}
const BACKWARD_HEADER = [
  'op',
  'subject',
  'mesh',
  'size',
  'forward ms',
  'backward ms',
  'backward ÷ forward',
  `≤ ${BACKWARD_TARGET}×`,
  'forward (taped) ms',
  'backward ÷ forward (taped)',
];
/** What the backward ÷ forward table's two forwards are. */
const BACKWARD_NOTE =
  '"forward": the op called without a gradient tape (inference), what the target reads; "forward (taped)": the ' +
  "same call recorded on tfjs's tape as tf.grad and optimizer.minimize record it (a training step's forward), " +
  'which keeps what the backward needs and may do work for it (texture saves its lookup on webgl and webgpu).';

/** "; forward (taped) … ms, backward ÷ it …×" for a target's detail, where the cell has a taped row. */
function tapedText(r) {
  if (!r.taped) return '';
  if (r.xTaped == null) return `; forward (taped): ${r.taped.status}`;
  return `; forward (taped) ${fmtMs(r.taped.medianMs)} ms, backward ÷ it ${fmtX(r.xTaped)}`;
}

export function summaryLine(r) {
  const parts = r.entries.map(e => `${e.name} ${e.status === OK ? `${fmtMs(e.medianMs)} ms` : e.status}`);
  return `${r.op}, ${sizeOf(r.params)}, ${r.params.scene}: ${parts.join('; ')}`;
}

export function terminalReport(report) {
  const out = [];
  for (const t of opTables(report)) {
    out.push(`== ${t.title}`, textTable(t.header, t.rows), ...t.notes.map(n => `  note: ${n}`), '');
  }
  out.push('== cost growth (time ratio)', textTable(GROWTH_HEADER, growthRows(report)), '');
  const bl = breakdownLines(report);
  if (bl.length)
    out.push('== GPU time per pass (DIFFRAST_WEBGL_PROFILE / DIFFRAST_WEBGPU_PROFILE), 1024², 100k, ms', ...bl, '');
  const bw = backwardRatios(report);
  if (bw.rows.length) {
    out.push('== backward ÷ forward (same run)', textTable(BACKWARD_HEADER, bw.rows), `  note: ${BACKWARD_NOTE}`, '');
    if (bw.lines.length)
      out.push(
        '== backward and taped forward GPU time per pass (DIFFRAST_WEBGL_PROFILE / DIFFRAST_WEBGPU_PROFILE), ms',
        ...bw.lines,
        '',
      );
  }
  out.push(
    '== targets',
    ...targets(report).map(
      t => `${metText(t).padEnd(12)} ${t.target}: ${fmtX(t.value)} ${t.detail ? `(${t.detail})` : ''}`,
    ),
  );
  out.push('', `machine: ${machineLine(report)}`);
  return out.join('\n');
}

export function markdownReport(report) {
  const out = [
    `# tfjs-diffrast benchmark, ${report.date.slice(0, 10)}`,
    '',
    machineLine(report),
    '',
    'Milliseconds per call: median of the timed calls, GPU work finished inside each. Subjects and yardsticks of a',
    'row are timed interleaved in the same run. "skip > limit": one call took (or a smaller cell already took) longer',
    `than ${report.options.limitS} s. Ratios: "A ÷ B" is A's time over B's; "speed-up of A over B" is B's time over A's.`,
    '',
    '## Targets',
    '',
    mdTable(
      ['target', 'measured', 'result', 'detail'],
      targets(report).map(t => [t.target, fmtX(t.value), metText(t), t.detail]),
    ),
    '',
  ];
  const bl = breakdownLines(report);
  if (bl.length)
    out.push(
      '## GPU time per pass (DIFFRAST_WEBGL_PROFILE / DIFFRAST_WEBGPU_PROFILE), 1024², 100k triangles',
      '',
      ...bl.map(l => `- ${l}`),
      '',
    );
  const bw = backwardRatios(report);
  if (bw.rows.length) {
    out.push('## Backward ÷ forward (same run)', '', BACKWARD_NOTE, '', mdTable(BACKWARD_HEADER, bw.rows), '');
    if (bw.lines.length)
      out.push('GPU time per pass of each backward and taped forward, ms:', '', ...bw.lines.map(l => `- ${l}`), '');
  }
  out.push('## Cost growth (time ratio)', '', mdTable(GROWTH_HEADER, growthRows(report)), '');
  for (const t of opTables(report)) {
    out.push(`## ${t.title}`, '', mdTable(t.header, t.rows), '', ...t.notes.map(n => `- ${n}`), '');
  }
  return out.join('\n');
}
