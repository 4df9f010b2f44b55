// Runs in an executor process: takes one invocation at a time from the worker, runs it, and
// answers with log lines and the result. Whatever the code prints goes to this process's
// stdout and stderr, which the worker reads into the try's log. When the worker goes away (its
// IPC channel closes), this process ends: user code never outlives its worker's interest.
// Secrets this process learns (lookup replies, ctx.mask) are masked in what it writes to stdout
// and stderr before the bytes leave it; the worker masks every line again as it reads them.
import { fileURLToPath } from 'node:url';
import { registerDagLoader } from '@weir/dag-loader';
import type { TaskLogger } from '@weir/sdk';
import { SecretMasker } from '@weir/secrets';
import { DagFunctions } from '../dag-functions.ts';
import { invoke } from './invoke.ts';
import { lookupClient } from './lookup-client.ts';
import { END_MARK, type ExecutorToWorker, type LookupReply, type WorkerToExecutor } from './protocol.ts';

process.setSourceMapsEnabled(true);
const functions = new DagFunctions();
const running = new Map<number, AbortController>();
const masker = new SecretMasker();
const replies = new Map<number, (reply: LookupReply) => void>();
let nextRequestId = 1;
/** Runs of the warm-up task at start: enough for V8 to compile the invocation path. */
const WARM_UP_INVOCATIONS = 20;
/** The id of the DAG in warm-up-dag.ts (imported only through the DAG loader, as DAG files are). */
const WARM_UP_DAG_ID = '__weir_executor_warm_up';

const send = (message: ExecutorToWorker) => process.send?.(message);

maskWrites(process.stdout);
maskWrites(process.stderr);

/** Lines the task prints pass through the masker (not what it spawns: the worker masks those). */
function maskWrites(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (masker.size === 0) return write(chunk, ...rest);
    if (typeof chunk === 'string') return write(masker.mask(chunk), ...rest);
    if (chunk instanceof Uint8Array) return write(masker.mask(Buffer.from(chunk).toString('utf8')), ...rest);
    return write(chunk, ...rest);
  }) as typeof stream.write;
}

function lookupsFor(id: number) {
  return lookupClient(
    {
      ask: (lookup) =>
        new Promise<LookupReply>((resolve) => {
          const requestId = nextRequestId++;
          replies.set(requestId, resolve);
          send({ type: 'lookup', id, requestId, lookup });
        }),
      mask: (value) => send({ type: 'mask', id, value }),
    },
    masker,
  );
}

function loggerFor(id: number): TaskLogger {
  const line = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    send({ type: 'log', id, level, message: String(message), ...(fields ? { fields: plain(fields) } : {}) });
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}

process.on('message', (message: WorkerToExecutor) => {
  if (message.type === 'lookup_reply') {
    replies.get(message.requestId)?.(message.reply);
    replies.delete(message.requestId);
    return;
  }
  if (message.type === 'abort') {
    running.get(message.id)?.abort(new Error(message.reason));
    return;
  }
  const controller = new AbortController();
  running.set(message.id, controller);
  const services = { log: loggerFor(message.id), lookups: lookupsFor(message.id) };
  void invoke(functions, message.invocation, services, controller.signal).then((result) => {
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
// The DAG loader's module hooks are set up, and a DAG file imported and its task run, before the
// executor says it is ready: the first tries it runs then find that code loaded and compiled
// instead of paying for it while other tries wait for the CPU.
registerDagLoader();
await warmUp();
send({ type: 'ready' });

async function warmUp(): Promise<void> {
  const quiet: TaskLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
  const invocation = {
    fileloc: fileURLToPath(new URL('./warm-up-dag.ts', import.meta.url)),
    dagId: WARM_UP_DAG_ID,
    target: { kind: 'task', taskId: 'noop' },
    context: { mapIndex: -1, tryNumber: 1 },
    args: [],
    result: 'store',
    outlets: [],
  } as const;
  // A warm-up that fails costs nothing but the warmth: real tries report their own errors.
  for (let i = 0; i < WARM_UP_INVOCATIONS; i++)
    await invoke(
      functions,
      invocation,
      { log: quiet, lookups: lookupsFor(0) },
      new AbortController().signal,
    ).catch(() => undefined);
}

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
