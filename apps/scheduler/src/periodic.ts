// Owns running a pass again and again, `intervalMs` apart (start to start), never two at once,
// and stopping after the pass under way.

export interface Periodic {
  stop(): Promise<void>;
}

export function runPeriodically(pass: () => Promise<void>, intervalMs: number): Periodic {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  const loop = async () => {
    if (stopped) return;
    const started = performance.now();
    current = pass();
    await current;
    if (!stopped) timer = setTimeout(loop, Math.max(0, intervalMs - (performance.now() - started)));
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
