/**
 * Chromium's processes for one profile, from /proc: which kind each is (browser, renderer, utility:storage, gpu …),
 * its CPU time and RSS, and a renderer's resident memory split by mapping — WebAssembly memories are reserved as
 * multi-GB address ranges, so large reservations say how much of the RSS is wasm heaps.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ChromiumProcess {
  pid: number;
  kind: string;
}

const TICKS_PER_SECOND = 100;

/** The browser process started with `--user-data-dir=<profile>` and all its descendants. */
export function chromiumProcesses(profile: string): ChromiumProcess[] {
  const table = new Map<number, { ppid: number; cmd: string }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      table.set(Number(name), { ppid, cmd: readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ') });
    } catch {
      // ended while we looked
    }
  }
  const family = new Set([...table].filter(([, p]) => p.cmd.includes(`--user-data-dir=${profile}`) && !p.cmd.includes('--type=')).map(([pid]) => pid));
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, p] of table) if (!family.has(pid) && family.has(p.ppid) && (family.add(pid), (grew = true))) continue;
  }
  return [...family].map((pid) => {
    const cmd = table.get(pid)!.cmd;
    const type = /--type=(\S+)/.exec(cmd)?.[1] ?? 'browser';
    const sub = /--utility-sub-type=(\S+)/.exec(cmd)?.[1];
    return { pid, kind: sub ? `${type}:${sub.split('.').slice(-2).join('.')}` : type };
  });
}

/** CPU seconds (user + system) of a process so far, 0 when it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

export function rssMB(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

/** CPU seconds per process kind between two calls: `const stop = cpuByKind(profile); … stop()`. */
export function cpuByKind(profile: string): () => Record<string, number> {
  const before = new Map(chromiumProcesses(profile).map((p) => [p.pid, cpuSeconds(p.pid)]));
  return () => {
    const out: Record<string, number> = {};
    for (const { pid, kind } of chromiumProcesses(profile)) {
      out[kind] = Math.round(((out[kind] ?? 0) + cpuSeconds(pid) - (before.get(pid) ?? 0)) * 10) / 10;
    }
    return out;
  };
}

/**
 * Resident MB of one process by mapping class: anonymous mappings of ≥ 1 GB address space (WebAssembly memories
 * and V8's pointer-compression cages reserve that much), other anonymous memory, and file-backed mappings
 * (code of chromium and its libraries, fonts …).
 */
export function residentByMapping(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/smaps`, 'utf8');
  } catch {
    return out;
  }
  let kind = '';
  for (const line of text.split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      const size = parseInt(head[2]!, 16) - parseInt(head[1]!, 16);
      const file = head[3]!.trim();
      kind = file.startsWith('/') ? 'file' : file !== '' ? file : size >= 2 ** 30 ? 'anon in ≥1 GB reservations' : 'anon';
      if (file.startsWith('/') && file.includes('chromium')) kind = 'chromium binary';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) out[kind] = (out[kind] ?? 0) + Number(rss[1]) / 1024;
  }
  for (const key of Object.keys(out)) out[key] = Math.round(out[key]!);
  return out;
}

/** CPU seconds (user + system) of `pid` and all its descendants, from /proc. */
export function treeCpuSeconds(pid: number): number {
  const children = new Map<number, number[]>();
  const cpu = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const parent = Number(fields[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
      cpu.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND);
    } catch {
      // ended while we looked
    }
  }
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    total += cpu.get(p) ?? 0;
    stack.push(...(children.get(p) ?? []));
  }
  return total;
}
