// Owns pools (Airflow's Pool): named sets of slots that cap how many tasks using them run at
// once. `weir pools`, the REST API and the Pools page list, resize and delete them here; a change
// re-evaluates the DAG warnings about tasks naming pools that do not exist.
import type { Db } from '@weir/db';
import { refreshDagWarnings } from './dag-warnings.ts';
import { EngineError } from './errors.ts';

const NAME = /^[A-Za-z0-9_.-]{1,250}$/;

export interface PoolDetailView {
  readonly name: string;
  readonly slots: number;
  /** Slots taken by queued and running task instances. */
  readonly used: number;
  /** Of `used`: slots taken by running task instances. */
  readonly running: number;
  /** Of `used`: slots taken by queued task instances (claimed, not started yet). */
  readonly queued: number;
  readonly description: string | null;
}

export function assertPoolName(name: string): void {
  if (!NAME.test(name))
    throw new EngineError(
      'INVALID_POOL',
      `pool name "${name}" is invalid: use 1 to 250 letters, digits, '_', '-' or '.'`,
    );
}

/** Every pool by name, with the slots its queued and running task instances take. */
export async function listPools(db: Db): Promise<PoolDetailView[]> {
  const [rows, used] = await Promise.all([
    db.pool.findMany({ orderBy: { name: 'asc' } }),
    db.taskInstance.groupBy({
      by: ['pool', 'state'],
      where: { state: { in: ['queued', 'running'] } },
      _sum: { poolSlots: true },
    }),
  ]);
  const taken = (pool: string, state: 'queued' | 'running') =>
    used.find((u) => u.pool === pool && u.state === state)?._sum.poolSlots ?? 0;
  return rows.map((p) => {
    const running = taken(p.name, 'running');
    const queued = taken(p.name, 'queued');
    return {
      name: p.name,
      slots: p.slots,
      used: running + queued,
      running,
      queued,
      description: p.description,
    };
  });
}

/**
 * Deletes a pool: not the default pool, nor one that queued or running task instances use
 * (POOL_IN_USE: resize it instead). POOL_NOT_FOUND when there is none.
 */
export async function deletePool(db: Db, name: string, now: Date): Promise<void> {
  if (name === 'default')
    throw new EngineError(
      'POOL_IN_USE',
      'the default pool cannot be deleted; resize it with `weir pools set default <slots>`',
    );
  const busy = await db.taskInstance.count({ where: { pool: name, state: { in: ['queued', 'running'] } } });
  if (busy > 0)
    throw new EngineError(
      'POOL_IN_USE',
      `pool "${name}" has ${busy} queued or running task(s); wait for them or resize the pool instead`,
    );
  const deleted = await db.pool.deleteMany({ where: { name } });
  if (deleted.count === 0) throw new EngineError('POOL_NOT_FOUND', `pool "${name}" not found`);
  await refreshDagWarnings(db, 'all', now);
}

/** Creates the pool or changes its slots (and description, when given); true when it was new. */
export async function setPool(
  db: Db,
  pool: { readonly name: string; readonly slots: number; readonly description?: string },
  now: Date,
): Promise<boolean> {
  assertPoolName(pool.name);
  if (!Number.isInteger(pool.slots) || pool.slots < 0)
    throw new EngineError('INVALID_POOL', `slots must be a whole number ≥ 0, got ${pool.slots}`);
  const existed = (await db.pool.count({ where: { name: pool.name } })) > 0;
  await db.pool.upsert({
    where: { name: pool.name },
    create: { name: pool.name, slots: pool.slots, description: pool.description ?? null },
    update: {
      slots: pool.slots,
      ...(pool.description !== undefined ? { description: pool.description } : {}),
    },
  });
  await refreshDagWarnings(db, 'all', now);
  return !existed;
}
