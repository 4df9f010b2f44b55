// Owns the scheduler's periodic tick. Task completions schedule their downstream tasks at once
// (in the worker that finished them); this loop handles cron, retries that fall due, run starts,
// timeouts and recovery.
import type { Logger } from '@weir/config';
import type { Engine } from '@weir/engine';

export function runSchedulerLoop(engine: Engine, tickMs: number, logger?: Logger): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> = Promise.resolve();
  let failing = false;
  const loop = async () => {
    if (stopped) return;
    const started = performance.now();
    current = engine.tick().then(
      (report) => {
        if (failing) logger?.info('scheduler tick recovered');
        failing = false;
        if (report.createdRuns || report.startedRuns || report.requeuedTries) {
          logger?.info({ ...report, ms: Math.round(performance.now() - started) }, 'scheduler tick');
        }
      },
      (error: unknown) => {
        // PostgreSQL or Redis may be restarting; the clients reconnect, the next tick retries.
        if (!failing)
          logger?.error({ err: error }, 'scheduler tick failed; retrying every tick until it succeeds');
        failing = true;
      },
    );
    await current;
    if (!stopped) timer = setTimeout(loop, Math.max(0, tickMs - (performance.now() - started)));
  };
  void loop();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
