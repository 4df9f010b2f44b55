// Owns what the engine keeps for sensors between pokes: the poke count and the first poke's time
// (the timeout counts from it, across reschedules and retries), the wait before the next poke,
// and waking reschedule-mode sensors whose wait is over.
//
// The poke count is an XCom under the key `sensor_pokes` (downstream tasks read only
// `return_value`). Clearing a task deletes its XComs, so a cleared sensor starts counting, and
// its timeout, afresh, as Airflow does from the first try after a clear.
import { createHash } from 'node:crypto';
import type { Db } from '@weir/db';
import type { SerializedSensor } from '@weir/sdk';

export const SENSOR_POKES_KEY = 'sensor_pokes';

export interface PokeRecord {
  /** 1 for the first poke since the task was created or cleared. */
  readonly pokeNumber: number;
  readonly firstPokeAt: Date;
}

/** Counts one poke of a task instance, and sets its first poke time on the first one. */
export async function recordPoke(db: Db, taskInstanceId: number, now: Date): Promise<PokeRecord> {
  const rows = await db.$queryRaw<{ poke_number: number; first_poke_at: Date }[]>`
    WITH ti AS (
      SELECT id, dag_id, run_id, task_id, map_index FROM task_instance WHERE id = ${taskInstanceId}
    ), pokes AS (
      INSERT INTO xcom (task_instance_id, dag_id, run_id, task_id, map_index, key, value, size_bytes)
      SELECT id, dag_id, run_id, task_id, map_index, ${SENSOR_POKES_KEY}, '1'::jsonb, 1 FROM ti
      ON CONFLICT (dag_id, run_id, task_id, map_index, key) DO UPDATE
      SET value = to_jsonb(COALESCE((xcom.value #>> '{}')::int, 0) + 1),
          size_bytes = length((COALESCE((xcom.value #>> '{}')::int, 0) + 1)::text),
          task_instance_id = EXCLUDED.task_instance_id
      RETURNING (value #>> '{}')::int AS n
    )
    UPDATE task_instance t
    SET first_poke_at = CASE WHEN p.n = 1 OR t.first_poke_at IS NULL THEN ${now} ELSE t.first_poke_at END
    FROM pokes p WHERE t.id = ${taskInstanceId}
    RETURNING p.n AS poke_number, t.first_poke_at`;
  const row = rows[0];
  if (!row) throw new Error(`task instance ${taskInstanceId} no longer exists`);
  return { pokeNumber: row.poke_number, firstPokeAt: row.first_poke_at };
}

/**
 * Milliseconds to wait after poke `pokeNumber` (1-based) came back falsy, `elapsedMs` after the
 * first poke. Without backoff: the poke interval. With backoff, Airflow's
 * `BaseSensorOperator._get_next_poke_interval`: base = max(1, pokeInterval × 2^(pokeNumber−2))
 * plus a jitter in [0, base) from the sha1 of `jitterKey`, so every worker computes the same
 * wait for the same poke. Always capped by maxWait, and by the time left before the timeout, so
 * the last poke lands on the deadline rather than after it.
 */
export function pokeDelayMs(
  sensor: Pick<SerializedSensor, 'pokeIntervalMs' | 'timeoutMs' | 'exponentialBackoff' | 'maxWaitMs'>,
  pokeNumber: number,
  elapsedMs: number,
  jitterKey: string,
): number {
  if (!Number.isInteger(pokeNumber) || pokeNumber < 1)
    throw new RangeError(`pokeNumber must be an integer ≥ 1, got ${pokeNumber}`);
  const remaining = Math.max(0, sensor.timeoutMs - elapsedMs);
  const cap = Math.min(remaining, sensor.maxWaitMs ?? Number.POSITIVE_INFINITY);
  if (!sensor.exponentialBackoff) return Math.min(sensor.pokeIntervalMs, cap);
  const base = Math.max(1, Math.floor(sensor.pokeIntervalMs * 2 ** (pokeNumber - 2)));
  if (base >= cap) return cap;
  return Math.min(base + jitterMs(jitterKey, base), cap);
}

/** A deterministic value in [0, below): the key's sha1, as one big number, modulo `below`. */
function jitterMs(jitterKey: string, below: number): number {
  const digest = createHash('sha1').update(jitterKey, 'utf8').digest('hex');
  return Number(BigInt(`0x${digest}`) % BigInt(below));
}

/**
 * up_for_reschedule → scheduled for sensors whose wait is over (one task instance, or all), so
 * the next scheduling pass queues them. Their try number was kept one below the paused try, so
 * queueing (try_number + 1) resumes the same try. Returns the runs to schedule.
 */
export async function wakeDueReschedules(
  db: Db,
  now: Date,
  taskInstanceId: number | null = null,
): Promise<number[]> {
  const rows = await db.$queryRaw<{ dag_run_id: number }[]>`
    UPDATE task_instance SET state = 'scheduled', reschedule_at = NULL, updated_at = ${now}
    WHERE state = 'up_for_reschedule' AND reschedule_at <= ${now}
      AND (${taskInstanceId}::int IS NULL OR id = ${taskInstanceId}::int)
    RETURNING dag_run_id`;
  return [...new Set(rows.map((r) => r.dag_run_id))];
}
