// Owns the in-loop mode (WEIR_EXECUTOR=in-loop): user code runs on the worker's own event loop,
// as it did before executors. Cheaper, but nothing can stop it: a timeout or a mark ends the try
// and fires ctx.signal, while the function itself runs on; a synchronous loop freezes the
// worker's heartbeats; what it prints is not kept. Only for trusted, async-only code.
import type { TaskLogger } from '@weir/sdk';
import type { DagFunctions } from '../dag-functions.ts';
import type { ExecutionEnd, Executor, InvocationHost, StopReason } from './executor.ts';
import { invoke } from './invoke.ts';
import { lookupClient } from './lookup-client.ts';
import type { Invocation } from './protocol.ts';

export class InLoopExecutor implements Executor {
  private current: { controller: AbortController; resolve: (end: ExecutionEnd) => void } | undefined;

  constructor(private readonly functions: DagFunctions) {}

  run(invocation: Invocation, host: InvocationHost): Promise<ExecutionEnd> {
    const controller = new AbortController();
    // The worker's own host masks: nothing here prints past it.
    const services = {
      log: loggerOf(host),
      lookups: lookupClient({ ask: (l) => host.lookup(l), mask: (v) => host.mask(v) }),
    };
    return new Promise<ExecutionEnd>((resolve) => {
      this.current = { controller, resolve };
      void invoke(this.functions, invocation, services, controller.signal).then((result) => {
        if (this.current?.controller !== controller) return; // stopped meanwhile
        this.current = undefined;
        resolve({ kind: 'result', result });
      });
    });
  }

  stop(reason: StopReason): void {
    const current = this.current;
    if (!current) return;
    this.current = undefined;
    current.controller.abort(new Error(`stopped: ${reason.kind}`));
    current.resolve({ kind: 'stopped', reason });
  }

  async close(): Promise<void> {
    this.stop({ kind: 'shutdown' });
  }
}

function loggerOf(sink: InvocationHost): TaskLogger {
  return {
    debug: (m, f) => sink.log('debug', m, f),
    info: (m, f) => sink.log('info', m, f),
    warn: (m, f) => sink.log('warn', m, f),
    error: (m, f) => sink.log('error', m, f),
  };
}
