// CPU time of the Chromium this process launched, for the page's rows of `--ab` (bench/ab.mjs): its GPU process
// (SwiftShader's WebGL and WebGPU work) and renderers (the page's JavaScript), read from /proc (Linux; null
// elsewhere). Per-thread run times (schedstat, ns), so calls of a few ms still resolve.
import fs from 'node:fs';

let pids = null;

/** This process's descendants that are Chromium GPU or renderer processes. */
function chromiumPids() {
  const procs = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      procs.set(Number(d), {ppid, cmd: fs.readFileSync(`/proc/${d}/cmdline`, 'utf8')});
    } catch {
      // gone meanwhile
    }
  }
  const mine = new Set([process.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, p] of procs) {
      if (!mine.has(pid) && mine.has(p.ppid)) {
        mine.add(pid);
        grew = true;
      }
    }
  }
  return [...mine].filter(pid => /--type=(gpu-process|renderer)/.test(procs.get(pid)?.cmd ?? ''));
}

function runMs(pid) {
  let ns = 0;
  for (const t of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(fs.readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // thread gone meanwhile
    }
  }
  return ns / 1e6;
}

/** CPU ms so far of the browser's GPU and renderer processes, or null where /proc cannot tell. */
export function browserCpuMs() {
  if (process.platform !== 'linux') return null;
  try {
    pids ??= chromiumPids();
    return pids.reduce((sum, pid) => sum + runMs(pid), 0);
  } catch {
    pids = null; // a process went away (a crashed page is reopened): find them again next time
    return null;
  }
}
