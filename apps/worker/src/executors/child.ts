// Runs in an executor process: takes one invocation at a time from the worker, runs it, and
// answers with log lines and the result. Whatever the code prints goes to this process's
// stdout and stderr, which the worker reads into the try's log. When the worker goes away (its
// IPC channel closes), this process ends: user code never outlives its worker's interest.
import type { TaskLogger } from '@weir/sdk';
import { DagFunctions } from '../dag-functions.ts';
import { invoke } from './invoke.ts';
import { END_MARK, type ExecutorToWorker, type WorkerToExecutor } from './protocol.ts';

process.setSourceMapsEnabled(true);
const functions = new DagFunctions();
const running = new Map<number, AbortController>();

const send = (message: ExecutorToWorker) => process.send?.(message);

function loggerFor(id: number): TaskLogger {
  const line = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    send({ type: 'log', id, level, message: String(message), ...(fields ? { fields: plain(fields) } : {}) });
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}

process.on('message', (message: WorkerToExecutor) => {
  if (message.type === 'abort') {
    running.get(message.id)?.abort(new Error(message.reason));
    return;
  }
  const controller = new AbortController();
  running.set(message.id, controller);
  void invoke(functions, message.invocation, loggerFor(message.id), controller.signal).then((result) => {
    running.delete(message.id);
    // Pipes are written synchronously on Linux: these marks follow every line printed before.
    process.stdout.write(`${END_MARK}${message.id}\n`);
    process.stderr.write(`${END_MARK}${message.id}\n`);
    send({ type: 'result', id: message.id, result });
  });
});
process.on('disconnect', () => process.exit(0));
// An error no invocation awaits ends the executor, as it would end a task's own process; the
// worker fails the try that was running with the error's last lines.
process.on('uncaughtException', (error) => {
  process.stderr.write(
    `uncaught exception: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(70);
});
process.on('unhandledRejection', (reason) => {
  process.stderr.write(
    `unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}\n`,
  );
  process.exit(70);
});
send({ type: 'ready' });

/** Fields as plain data; a value the channel cannot carry becomes its string. */
function plain(fields: Record<string, unknown>): Record<string, unknown> {
  try {
    structuredClone(fields);
    return fields;
  } catch {
    return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, safeString(v)]));
  }
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'string' ? value : JSON.stringify(value);
  } catch {
    return String(value);
  }
}
