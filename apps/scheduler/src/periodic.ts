// Owns running a pass again and again, `intervalMs` apart (start to start), never two at once,
// and stopping after the pass under way. A pass that says it left work behind (returns true)
// runs again at once, as Airflow's scheduler loop does while it is busy.

export interface Periodic {
  stop(): Promise<void>;
}

export function runPeriodically(
  pass: () => Promise<boolean | undefined | void>,
  intervalMs: number,
): Periodic {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> = Promise.resolve();
  const loop = async () => {
    if (stopped) return;
    const started = performance.now();
    current = pass();
    const busy = (await current) === true;
    const wait = busy ? 0 : Math.max(0, intervalMs - (performance.now() - started));
    if (!stopped) timer = setTimeout(loop, wait);
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
