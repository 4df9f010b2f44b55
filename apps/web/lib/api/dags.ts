// Owns the DAG detail DTO of the REST API: the stored DAG with its schedule, params and tasks.
import type { Db } from '@weir/db';
import { dagGraph, getStoredDag } from '@weir/engine';
import type { z } from 'zod';
import type { DagDetail } from './schemas.ts';

export async function dagDetail(db: Db, dagId: string): Promise<z.output<typeof DagDetail>> {
  const stored = await getStoredDag(db, dagId);
  const dag = stored.serialized;
  return {
    dagId: stored.dagId,
    description: dag.description,
    owner: dag.owner,
    tags: [...dag.tags],
    fileloc: stored.fileloc,
    isActive: stored.isActive,
    isPaused: stored.isPaused,
    schedule: stored.schedule,
    timezone: dag.timezone,
    catchup: dag.catchup,
    maxActiveRuns: dag.maxActiveRuns,
    maxActiveTasks: dag.maxActiveTasks,
    lastParsedAt: stored.lastParsedAt,
    params: dag.params ? { schema: { ...dag.params.schema }, defaults: { ...dag.params.defaults } } : null,
    tasks: dagGraph(dag).tasks.map((t) => ({
      ...t,
      upstreams: [...t.upstreams],
      downstreams: [...t.downstreams],
    })),
  };
}
