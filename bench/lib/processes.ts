// Owns the `weir` child processes the bench starts: long-running components (scheduler,
// worker) in their own process groups so their children go with them, and one-shot CLI
// commands. Each gets a clean environment: only the variables the bench chooses.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const weirBin = fileURLToPath(new URL('../../apps/cli/bin/weir.mjs', import.meta.url));
const OUTPUT_KEPT = 20_000;

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `weir …args` to completion. */
export function runWeir(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 120_000,
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [weirBin, ...args],
      { env: cleanEnv(env), cwd: repoRoot, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export class WeirProcess {
  private output = '';
  private exit: string | null = null;
  private readonly child: ChildProcess;

  constructor(
    readonly name: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv,
  ) {
    this.child = spawn(process.execPath, [weirBin, ...args], {
      env: cleanEnv(env),
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-OUTPUT_KEPT);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.child.on('exit', (code, signal) => {
      this.exit = signal ?? `code ${code}`;
    });
  }

  /** How many processes this one has started that still run (a worker's executors). */
  childProcesses(): number {
    const pid = this.child.pid;
    if (pid === undefined) return 0;
    let count = 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        // Fields after the command's closing parenthesis: state, ppid, …
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) count++;
      } catch {
        // gone meanwhile
      }
    }
    return count;
  }

  /** Its process id (the leader of its process group), while it runs. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** How the process ended, or null while it runs. */
  get exited(): string | null {
    return this.exit;
  }

  /** The last lines it printed (logs at WEIR_LOG_LEVEL). */
  tail(lines = 15): string {
    return this.output.trimEnd().split('\n').slice(-lines).join('\n');
  }

  /** Throws with the process's last output when it has died. */
  assertAlive(): void {
    if (this.exit !== null) throw new Error(`weir ${this.name} exited (${this.exit}):\n${this.tail()}`);
  }

  /** SIGTERM to its process group, then SIGKILL after `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    const pid = this.child.pid;
    if (pid === undefined || this.exit !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    signalGroup(pid, 'SIGTERM');
    const timer = new Promise<boolean>((resolve) => setTimeout(() => resolve(true), graceMs));
    if (await Promise.race([exited.then(() => false), timer])) {
      signalGroup(pid, 'SIGKILL');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2_000))]);
    }
    // Its children (DAG-parsing processes) share the group; make sure none outlives it.
    signalGroup(pid, 'SIGKILL');
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

/** This environment without Weir's own variables, so a developer's settings cannot leak in. */
function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(DATABASE_URL|REDIS_URL|WEIR_)/.test(key)) env[key] = value;
  }
  return { ...env, ...extra };
}
