// Owns running a sensor's try: poking its function (in the try's executor) until it returns a truthy value or its
// timeout (counted from the first poke) passes. In poke mode the try sleeps between pokes and
// keeps its worker slot; in reschedule mode a falsy poke ends the try as up_for_reschedule, the
// slot goes to other tasks, and this worker wakes the sensor when its wait is over (the
// scheduler's tick does too, should this worker stop first).
import type { ClaimedTry, Engine, TryOutcome } from '@weir/engine';
import { pokeDelayMs, recordPoke, wakeDueReschedules } from '@weir/engine';
import type { SerializedSensor, TaskLogger } from '@weir/sdk';

/**
 * The shortest wait in reschedule mode. The resumed try has the same try number, so the same
 * BullMQ job id, as the try that just ended; queued again before that job has left Redis, the
 * add would be a no-op and the try would wait for lost-job recovery.
 */
const MIN_RESCHEDULE_MS = 100;

/** Ends a reschedule-mode try after a falsy poke. */
class Reschedule extends Error {
  constructor(readonly at: Date) {
    super(`poke again at ${at.toISOString()}`);
    this.name = 'Reschedule';
  }
}

/** The sensor's timeout passed without a truthy poke: failed and not retried, or skipped. */
class SensorTimeout extends Error {
  constructor(
    readonly softFail: boolean,
    timeoutMs: number,
    pokes: number,
  ) {
    super(
      `sensor timed out after ${seconds(timeoutMs)} (timeout) without its condition being met, after ${pokes} poke${pokes === 1 ? '' : 's'}`,
    );
    this.name = 'SensorTimeout';
  }
}

/**
 * Pokes until done and returns the last poke's value. `poke` runs the sensor's function in the
 * try's executor; the waits between pokes happen here, on the worker's loop, and end early when
 * the try is stopped (`signal`). Throws Reschedule or SensorTimeout, which `sensorOutcome` turns
 * into the try's outcome.
 */
export async function pokeUntilDone<T>(
  engine: Engine,
  claimed: ClaimedTry,
  sensor: SerializedSensor,
  log: TaskLogger,
  signal: AbortSignal,
  poke: () => Promise<T | false>,
): Promise<T> {
  for (;;) {
    const { pokeNumber, firstPokeAt } = await recordPoke(engine.db, claimed.taskInstanceId, engine.clock());
    const value = await poke();
    if (value !== false) {
      log.info(`poke ${pokeNumber}: condition met`);
      return value;
    }
    const now = engine.clock();
    const elapsedMs = now.getTime() - firstPokeAt.getTime();
    if (elapsedMs >= sensor.timeoutMs) {
      const timeout = new SensorTimeout(sensor.softFail, sensor.timeoutMs, pokeNumber);
      log.info(`poke ${pokeNumber}: not yet`);
      // A failure's error is logged by the task runner; a soft fail has none.
      if (sensor.softFail) log.warn(`${timeout.message}; skipped (softFail)`);
      throw timeout;
    }
    const delayMs = pokeDelayMs(
      sensor,
      pokeNumber,
      elapsedMs,
      `${claimed.dagId}#${claimed.taskId}#${claimed.mapIndex}#${firstPokeAt.toISOString()}#${pokeNumber}`,
    );
    const waitMs = sensor.mode === 'reschedule' ? Math.max(delayMs, MIN_RESCHEDULE_MS) : delayMs;
    log.info(`poke ${pokeNumber}: not yet; next poke in ${seconds(waitMs)}`);
    if (sensor.mode === 'reschedule') throw new Reschedule(new Date(now.getTime() + waitMs));
    await sleep(waitMs, signal);
  }
}

/** The try's outcome for a sensor's own ending, or null for any other error. */
export function sensorOutcome(error: unknown): TryOutcome | null {
  if (error instanceof Reschedule) return { kind: 'up_for_reschedule', rescheduleAt: error.at };
  if (error instanceof SensorTimeout) {
    if (error.softFail) return { kind: 'skipped', reason: error.message };
    // Retrying cannot help: the timeout counts from the first poke, across tries.
    return {
      kind: 'failed',
      error: { message: error.message, stack: null },
      retryable: false,
      attemptOutcome: 'timed_out',
      sensorTimeout: true,
    };
  }
  return null;
}

/**
 * Whether recording a reschedule should schedule the run at once (to hand the freed pool slot
 * to a waiting task). Not when the sensor itself is nearly due: queued again before this try's
 * BullMQ job has left Redis, the same job id would be a no-op add. `wakeWhenDue` covers it.
 */
export function scheduleAfterReschedule(outcome: TryOutcome, now: Date): boolean {
  return outcome.kind !== 'up_for_reschedule' || outcome.rescheduleAt.getTime() - now.getTime() >= 1_000;
}

/**
 * Wakes a rescheduled sensor when its wait is over and schedules its run, once this try's job
 * has left Redis (the resumed try has the same try number, so the same job id). A worker that
 * stops first leaves it to the scheduler's tick.
 */
export function wakeWhenDue(engine: Engine, claimed: ClaimedTry, queue: string, at: Date): void {
  const wake = async () => {
    const job = { taskInstanceId: claimed.taskInstanceId, tryNumber: claimed.tryNumber };
    for (let i = 0; i < 250 && (await engine.queue.exists(queue, job)); i++) await sleep(20);
    for (const dagRunId of await wakeDueReschedules(engine.db, engine.clock(), claimed.taskInstanceId)) {
      await engine.schedule(dagRunId);
    }
  };
  const delayMs = Math.max(0, at.getTime() - engine.clock().getTime()) + 5;
  setTimeout(() => void wake().catch(() => {}), delayMs).unref();
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
