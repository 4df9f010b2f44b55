// Owns running the real `weir` command in a child process, for tests of whole processes.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const weirBin = fileURLToPath(new URL('../../../apps/cli/bin/weir.mjs', import.meta.url));

/**
 * The WEIR_SECRET_KEY test processes run with unless a test sets its own (an empty string
 * unsets it): scheduler, worker and web refuse to start without one.
 */
export const TEST_SECRET_KEY = 'weir-test-secret-key-0123456789abcdef';

export interface WeirResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `weir …args` to completion with `env` added to a clean copy of this environment; `input`,
 * when given, is written to its stdin (which is then closed).
 */
export function runWeir(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 120_000,
  input?: string,
): Promise<WeirResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [weirBin, ...args],
      { env: weirEnv(env), timeout: timeoutMs, cwd: repoRoot },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Starts `weir …args` and leaves it running; output accumulates in the returned buffers. */
export function startWeir(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(process.execPath, [weirBin, ...args], {
    env: weirEnv(env),
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return { child, output: () => output };
}

/**
 * The parent's environment without Weir's variables, so a developer's .env cannot leak in. Test
 * DAGs run as soon as they are parsed unless a test sets WEIR_DAGS_PAUSED_AT_CREATION itself,
 * and processes share TEST_SECRET_KEY unless a test sets WEIR_SECRET_KEY.
 */
function weirEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(DATABASE_URL|REDIS_URL|WEIR_|S3_|SLACK_|PAGERDUTY_|SMTP_|ALERT_)/.test(key)) env[key] = value;
  }
  return { ...env, WEIR_DAGS_PAUSED_AT_CREATION: 'false', WEIR_SECRET_KEY: TEST_SECRET_KEY, ...extra };
}

export type WeirProcess = ReturnType<typeof startWeir>;

/** Stops started processes: SIGTERM, then SIGKILL for any still running after the grace period. */
export async function stopWeir(processes: readonly WeirProcess[], graceMs = 10_000): Promise<void> {
  await Promise.all(
    processes.map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), graceMs).unref();
        }),
    ),
  );
}
