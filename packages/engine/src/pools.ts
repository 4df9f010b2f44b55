// Owns pools (Airflow's Pool): named sets of slots that cap how many tasks using them run at
// once. `weir pools` and the REST API list and resize them here; a change re-evaluates the DAG
// warnings about tasks naming pools that do not exist.
import type { Db } from '@weir/db';
import { refreshDagWarnings } from './dag-warnings.ts';
import { EngineError } from './errors.ts';

const NAME = /^[A-Za-z0-9_.-]{1,250}$/;

export interface PoolDetailView {
  readonly name: string;
  readonly slots: number;
  /** Slots taken by queued and running task instances. */
  readonly used: number;
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
      by: ['pool'],
      where: { state: { in: ['queued', 'running'] } },
      _sum: { poolSlots: true },
    }),
  ]);
  return rows.map((p) => ({
    name: p.name,
    slots: p.slots,
    used: used.find((u) => u.pool === p.name)?._sum.poolSlots ?? 0,
    description: p.description,
  }));
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
