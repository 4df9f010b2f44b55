// Owns running Weir's components as child processes: prefixes their log lines with the
// component's name, and stops them all, cleanly, on Ctrl-C or when one of them dies.
import { type ChildProcess, spawn } from 'node:child_process';

export interface ComponentSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

const COLORS = [36, 35, 33, 32, 34, 31];
const GRACE_MS = 15_000;

export class Supervisor {
  private readonly children = new Map<string, ChildProcess>();
  private stopping = false;
  private exitCode = 0;
  private readonly width: number;
  readonly done: Promise<number>;
  private finish!: (code: number) => void;

  constructor(
    private readonly specs: readonly ComponentSpec[],
    private readonly out: NodeJS.WritableStream = process.stdout,
  ) {
    this.width = Math.max(...specs.map((s) => s.name.length), 'weir'.length);
    this.done = new Promise((resolve) => {
      this.finish = resolve;
    });
  }

  /** A line from the supervisor itself, prefixed like the components' lines. */
  log(line: string, name = 'weir'): void {
    const color = name === 'weir' ? 90 : COLORS[this.specs.findIndex((s) => s.name === name) % COLORS.length];
    const prefix = process.stdout.isTTY
      ? `\u001b[${color}m${name.padEnd(this.width)} |\u001b[0m`
      : `${name.padEnd(this.width)} |`;
    this.out.write(`${prefix} ${line}\n`);
  }

  start(): void {
    for (const spec of this.specs) this.spawn(spec);
  }

  private spawn(spec: ComponentSpec): void {
    const child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Own process group, so a terminal's Ctrl-C reaches us first and we stop children in order.
      detached: true,
    });
    this.children.set(spec.name, child);
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) this.log(line, spec.name);
      });
      stream?.on('end', () => {
        if (buffered) this.log(buffered, spec.name);
      });
    }
    child.on('exit', (code, signal) => {
      this.children.delete(spec.name);
      if (this.stopping) {
        if (this.children.size === 0) this.finish(this.exitCode);
        return;
      }
      this.log(`${spec.name} exited unexpectedly (${signal ?? `code ${code}`}); stopping the others`);
      void this.stop(code && code !== 0 ? code : 1);
    });
  }

  /** SIGTERM to every child, SIGKILL to those still running after the grace period. */
  async stop(exitCode = 0): Promise<number> {
    if (this.stopping) return this.done;
    this.stopping = true;
    this.exitCode = exitCode;
    const running = [...this.children.entries()];
    if (running.length === 0) this.finish(exitCode);
    const killer = setTimeout(() => {
      for (const [name, child] of this.children) {
        this.log(`${name} did not stop within ${GRACE_MS / 1000} s; killing it`);
        killGroup(child, 'SIGKILL');
      }
    }, GRACE_MS);
    for (const [, child] of running) killGroup(child, 'SIGTERM');
    const code = await this.done;
    clearTimeout(killer);
    return code;
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}
