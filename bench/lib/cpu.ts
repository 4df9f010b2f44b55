// Owns where the CPU went during a part, from /proc: the machine as a whole (vmstat's us/sy/id
// columns) and the processes that matter to it, each group's CPU-seconds over the interval. A
// group is a process subtree (a `weir` component with its executors), one process, PostgreSQL backends of
// one database (their process title names it), or processes by command name.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_S = 100; // USER_HZ on Linux

export type CpuGroup =
  | { readonly name: string; readonly tree: number }
  | { readonly name: string; readonly pid: number }
  | { readonly name: string; readonly titleContains: string }
  | { readonly name: string; readonly command: string };

export interface CpuSplit {
  readonly seconds: number;
  /** Machine-wide shares of the interval, in percent of all cores. */
  readonly user_pct: number;
  readonly system_pct: number;
  readonly idle_pct: number;
  readonly steal_pct: number;
  /** CPU-seconds each group used (processes that ended meanwhile are missed). */
  readonly groups_cpu_s: Record<string, number>;
}

interface Sample {
  readonly at: number;
  readonly machine: readonly number[];
  readonly groups: Record<string, number>;
}

export class CpuSampler {
  private start: Sample | undefined;

  constructor(private readonly groups: readonly CpuGroup[]) {}

  begin(): void {
    this.start = sample(this.groups);
  }

  end(): CpuSplit | null {
    const from = this.start;
    if (!from) return null;
    const to = sample(this.groups);
    const d = to.machine.map((v, i) => v - (from.machine[i] ?? 0));
    const total = d.reduce((a, b) => a + b, 0) || 1;
    const pct = (...fields: number[]) => (100 * fields.reduce((a, i) => a + (d[i] ?? 0), 0)) / total;
    const groups_cpu_s: Record<string, number> = {};
    for (const g of this.groups)
      groups_cpu_s[g.name] = ((to.groups[g.name] ?? 0) - (from.groups[g.name] ?? 0)) / TICKS_PER_S;
    return {
      seconds: (to.at - from.at) / 1000,
      // /proc/stat: user nice system idle iowait irq softirq steal
      user_pct: pct(0, 1),
      system_pct: pct(2, 5, 6),
      idle_pct: pct(3, 4),
      steal_pct: pct(7),
      groups_cpu_s,
    };
  }
}

interface Proc {
  readonly pid: number;
  readonly ppid: number;
  readonly command: string;
  readonly ticks: number;
}

function sample(groups: readonly CpuGroup[]): Sample {
  const machine = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .trim()
    .split(/\s+/)
    .slice(1, 9)
    .map(Number);
  const procs = processes();
  const children = new Map<number, Proc[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const result: Record<string, number> = {};
  for (const g of groups) {
    let ticks = 0;
    if ('tree' in g) {
      const stack = procs.filter((p) => p.pid === g.tree);
      while (stack.length > 0) {
        const p = stack.pop() as Proc;
        ticks += p.ticks;
        stack.push(...(children.get(p.pid) ?? []));
      }
    } else if ('pid' in g) {
      for (const p of procs) if (p.pid === g.pid) ticks += p.ticks;
    } else if ('command' in g) {
      for (const p of procs) if (p.command === g.command) ticks += p.ticks;
    } else {
      for (const p of procs)
        if (p.command === 'postgres' && title(p.pid).includes(g.titleContains)) ticks += p.ticks;
    }
    result[g.name] = ticks;
  }
  return { at: Date.now(), machine, groups: result };
}

function processes(): Proc[] {
  const list: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      // Fields after the command: state ppid … utime (12th) stime (13th)
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      list.push({
        pid: Number(entry),
        ppid: Number(fields[1]),
        command,
        ticks: Number(fields[11]) + Number(fields[12]),
      });
    } catch {
      // gone meanwhile
    }
  }
  return list;
}

function title(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}
