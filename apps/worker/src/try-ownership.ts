// Owns the worker's watch over the tries it runs: it records that they are alive (heartbeat)
// and, every second, checks that each is still this worker's: running, with the same try
// number, claimed by this host and process. A try that is not (marked or cleared from outside,
// declared lost while this worker was frozen, taken by another worker) is stopped at once, so a
// worker resuming after a pause never finishes work that was given to someone else.
import type { Engine } from '@weir/engine';
import { type InFlightTry, tryFields } from './task-runner.ts';
import type { WorkerLogger } from './worker-logger.ts';

export interface OwnershipOptions {
  readonly engine: Engine;
  readonly inFlight: ReadonlyMap<number, InFlightTry>;
  readonly hostname: string;
  readonly pid: number;
  readonly heartbeatMs: number;
  readonly checkMs?: number;
  readonly logger: WorkerLogger;
}

interface Row {
  id: number;
  state: string;
  try_number: number;
  hostname: string | null;
  pid: number | null;
}

export function watchTries(options: OwnershipOptions): { stop(): void } {
  const { engine } = options;
  const checkMs = options.checkMs ?? Math.min(1_000, options.heartbeatMs);
  let lastHeartbeat = 0;
  let busy = false;
  const round = async () => {
    const entries = [...options.inFlight.values()].filter((e) => e.running);
    if (entries.length === 0) return;
    const ids = entries.map((e) => e.claimed.taskInstanceId);
    const now = engine.clock();
    const beat = now.getTime() - lastHeartbeat >= options.heartbeatMs;
    // The heartbeat only touches tries that are still this worker's; both read the same rows.
    const rows = beat
      ? await engine.sql.$queryRaw<Row[]>`
          WITH beat AS (
            UPDATE task_instance SET last_heartbeat_at = ${now}
            WHERE id = ANY(${ids}) AND state = 'running' AND hostname = ${options.hostname} AND pid = ${options.pid}
            RETURNING id)
          SELECT id, state::text AS state, try_number, hostname, pid FROM task_instance WHERE id = ANY(${ids})`
      : await engine.sql.$queryRaw<Row[]>`
          SELECT id, state::text AS state, try_number, hostname, pid FROM task_instance WHERE id = ANY(${ids})`;
    if (beat) lastHeartbeat = now.getTime();
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const entry of entries) {
      const { claimed } = entry;
      // The try may have ended (or moved to its next eager try) while we asked.
      if (options.inFlight.get(claimed.taskInstanceId) !== entry || !entry.running) continue;
      const row = byId.get(claimed.taskInstanceId);
      const owned =
        row?.state === 'running' &&
        row.try_number === claimed.tryNumber &&
        row.hostname === options.hostname &&
        row.pid === options.pid;
      if (owned) continue;
      options.logger.warn(
        {
          ...tryFields(claimed),
          taskInstanceId: claimed.taskInstanceId,
          state: row?.state ?? 'deleted',
          currentTry: row?.try_number ?? null,
        },
        'stopping a try that is no longer this worker’s',
      );
      entry.stop.stop({ kind: 'not_owned', state: row?.state ?? null });
    }
  };
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void round()
      .catch(() => {})
      .finally(() => {
        busy = false;
      });
  }, checkMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
