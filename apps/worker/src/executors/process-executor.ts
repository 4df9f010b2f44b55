// Owns one executor process: started once and reused (DAG modules stay cached in it), one
// invocation at a time. Its stdout and stderr are read line by line into the running
// invocation's log. Stopping an invocation kills the process (and whatever it spawned: the
// executor leads its own process group); the next invocation gets a fresh process, which is
// started at once so it is warm by then. A process that dies under an invocation fails only
// that invocation, with its exit code or signal and last stderr lines.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ExecutionEnd, Executor, InvocationHost, StopReason } from './executor.ts';
import {
  END_MARK,
  type ExecutorToWorker,
  type Invocation,
  type InvocationResult,
  type Lookup,
  type LookupReply,
  type WorkerToExecutor,
} from './protocol.ts';

const ENTRY = fileURLToPath(new URL('./child-entry.mjs', import.meta.url));
const STDERR_KEPT = 40;
/** How long to wait for the end marks after a result before giving up on late lines. */
const MARK_WAIT_MS = 200;

export interface ProcessExecutorOptions {
  /** V8 heap limit of the executor (WEIR_TASK_MAX_MEMORY_MB). */
  readonly maxMemoryMb?: number;
  readonly env?: NodeJS.ProcessEnv;
  /** Lines printed between invocations (nothing to attribute them to). */
  readonly strayLine?: (stream: 'stdout' | 'stderr', line: string) => void;
}

interface Current {
  readonly id: number;
  readonly host: InvocationHost;
  readonly resolve: (end: ExecutionEnd) => void;
  /** The invocation reached the process (before that, a stop needs no kill). */
  sent: boolean;
  result?: InvocationResult;
  stdoutDone: boolean;
  stderrDone: boolean;
  markTimer?: NodeJS.Timeout;
  stopped?: StopReason;
}

export class ProcessExecutor implements Executor {
  private child: ChildProcess | undefined;
  private starting: Promise<ChildProcess> | undefined;
  private current: Current | undefined;
  private nextId = 1;
  private closed = false;
  private readonly stderrTail: string[] = [];

  constructor(private readonly options: ProcessExecutorOptions = {}) {}

  /** Starts the process ahead of the first invocation; resolves once it is ready. */
  async warm(): Promise<void> {
    await this.process().catch(() => {});
  }

  run(invocation: Invocation, host: InvocationHost): Promise<ExecutionEnd> {
    if (this.current) throw new Error('an executor runs one invocation at a time');
    const id = this.nextId++;
    return new Promise<ExecutionEnd>((resolve) => {
      const current: Current = { id, host, resolve, sent: false, stdoutDone: false, stderrDone: false };
      this.current = current;
      this.process().then(
        (child) => {
          // Stopped while the process was starting: nothing ran.
          if (this.current !== current) return;
          this.stderrTail.length = 0;
          current.sent = true;
          child.send({ type: 'invoke', id, invocation }, (error) => {
            if (error && this.current === current)
              this.settle({ kind: 'died', message: `could not reach the executor: ${error.message}` });
          });
        },
        (error: Error) => {
          if (this.current === current)
            this.settle({ kind: 'died', message: `the executor process could not start: ${error.message}` });
        },
      );
    });
  }

  stop(reason: StopReason): void {
    const current = this.current;
    if (!current || current.stopped) return;
    current.stopped = reason;
    if (current.sent) this.kill();
    else this.settle({ kind: 'stopped', reason });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.current) this.stop({ kind: 'shutdown' });
    const child = this.child ?? (await this.starting?.catch(() => undefined));
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.disconnect?.();
    const timer = setTimeout(() => this.kill(), 2_000);
    await exited;
    clearTimeout(timer);
  }

  private process(): Promise<ChildProcess> {
    if (this.child) return Promise.resolve(this.child);
    this.starting ??= this.spawn().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private spawn(): Promise<ChildProcess> {
    return new Promise((resolve, reject) => {
      const execArgv = this.options.maxMemoryMb ? [`--max-old-space-size=${this.options.maxMemoryMb}`] : [];
      const child = fork(ENTRY, [], {
        execArgv,
        env: { ...process.env, ...this.options.env },
        serialization: 'advanced',
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        // Its own process group, so a stop also ends what the task spawned.
        detached: true,
      });
      const startError = (error: Error) => reject(error);
      const earlyExit = (code: number | null, signal: string | null) =>
        reject(
          new Error(`it exited at start (${describeExit(code, signal)}): ${this.stderrTail.join(' | ')}`),
        );
      child.once('error', startError);
      child.once('exit', earlyExit);
      readLines(child.stdout, (line) => this.line('stdout', line));
      readLines(child.stderr, (line) => this.line('stderr', line));
      child.on('message', (message: ExecutorToWorker) => {
        if (message.type === 'ready') {
          child.off('error', startError);
          child.off('exit', earlyExit);
          child.on('exit', (code, signal) => this.exited(child, code, signal));
          child.on('error', () => {});
          this.child = child;
          resolve(child);
          return;
        }
        const current = this.current;
        if (!current || message.id !== current.id) return;
        if (message.type === 'log') current.host.log(message.level, message.message, message.fields);
        else if (message.type === 'mask') current.host.mask(message.value);
        else if (message.type === 'lookup') this.answer(child, current, message.requestId, message.lookup);
        else if (message.type === 'result') {
          current.result = message.result;
          this.maybeDone();
          // Lines printed by something the task left running may never end with a mark.
          if (this.current === current)
            current.markTimer ??= setTimeout(() => {
              if (this.current === current) this.settle({ kind: 'result', result: message.result });
            }, MARK_WAIT_MS);
        }
      });
    });
  }

  private line(stream: 'stdout' | 'stderr', line: string): void {
    const current = this.current;
    if (line.startsWith(END_MARK)) {
      if (current && line === `${END_MARK}${current.id}`) {
        if (stream === 'stdout') current.stdoutDone = true;
        else current.stderrDone = true;
        this.maybeDone();
      }
      return;
    }
    if (stream === 'stderr') {
      this.stderrTail.push(line);
      if (this.stderrTail.length > STDERR_KEPT) this.stderrTail.shift();
    }
    if (current && !current.stopped) current.host.log(stream, line);
    else this.options.strayLine?.(stream, line);
  }

  /** Answers a lookup while its invocation still runs here; a late answer is dropped. */
  private answer(child: ChildProcess, current: Current, requestId: number, lookup: Lookup): void {
    void current.host
      .lookup(lookup)
      .catch(
        (error: unknown): LookupReply => ({
          kind: 'error',
          message: String((error as Error)?.message ?? error),
        }),
      )
      .then((reply) => {
        if (this.current === current && this.child === child && child.connected)
          child.send({ type: 'lookup_reply', requestId, reply } satisfies WorkerToExecutor, () => {});
      });
  }

  private maybeDone(): void {
    const current = this.current;
    if (current?.result && current.stdoutDone && current.stderrDone)
      this.settle({ kind: 'result', result: current.result });
  }

  private settle(end: ExecutionEnd): void {
    const current = this.current;
    if (!current) return;
    clearTimeout(current.markTimer);
    this.current = undefined;
    current.resolve(end);
  }

  private exited(child: ChildProcess, code: number | null, signal: string | null): void {
    if (this.child === child) this.child = undefined;
    const current = this.current;
    if (current) {
      if (current.stopped) this.settle({ kind: 'stopped', reason: current.stopped });
      else if (current.result) this.settle({ kind: 'result', result: current.result });
      else {
        const kept = this.stderrTail.filter((l) => l.trim() !== '');
        const fatal = kept.find((l) => /heap out of memory|Allocation failed/i.test(l));
        const memory = fatal
          ? this.options.maxMemoryMb
            ? ` (out of memory: WEIR_TASK_MAX_MEMORY_MB is ${this.options.maxMemoryMb})`
            : ' (out of memory)'
          : '';
        // V8's out-of-memory report ends with a native stack; its FATAL ERROR line says more.
        const tail = fatal ? [fatal] : kept.slice(-5);
        this.settle({
          kind: 'died',
          message: `the executor running the task died (${describeExit(code, signal)})${memory}${tail.length ? `; last stderr lines:\n${tail.join('\n')}` : ''}`,
        });
      }
    }
    // A replacement, warm by the time the next invocation comes.
    if (!this.closed) void this.warm();
  }

  private kill(): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      this.child?.kill('SIGKILL');
    }
  }
}

export function describeExit(code: number | null, signal: string | null): string {
  return signal ? `signal ${signal}` : `exit code ${code}`;
}

function readLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const part of parts) onLine(part.endsWith('\r') ? part.slice(0, -1) : part);
  });
  stream.on('end', () => {
    if (partial) onLine(partial);
    partial = '';
  });
}
