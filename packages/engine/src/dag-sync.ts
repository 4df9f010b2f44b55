// Owns writing what the dag processor found in a DAG file to PostgreSQL: serialized DAGs, the
// file's source, its import error, and which DAGs went away.
import { createHash } from 'node:crypto';
import type { Db } from '@weir/db';
import { validateSchedule } from '@weir/domain';
import type { SerializedDag } from '@weir/sdk';
import type { Clock } from './clock.ts';
import { refreshNextDagRun } from './schedule-spec.ts';

export type FileParseOutcome =
  | { readonly ok: true; readonly dags: readonly SerializedDag[] }
  | { readonly ok: false; readonly message: string; readonly stack: string | null };

export interface SyncResult {
  readonly fileloc: string;
  readonly dagIds: readonly string[];
  readonly importError: string | null;
}

export async function syncDagFile(
  db: Db,
  fileloc: string,
  source: string,
  outcome: FileParseOutcome,
  clock: Clock,
): Promise<SyncResult> {
  const now = clock();
  const problem = outcome.ok ? await definitionProblem(db, fileloc, outcome.dags) : outcome.message;
  return db.$transaction(async (tx) => {
    const sourceHash = sha256(source);
    await tx.dagCode.upsert({
      where: { fileloc },
      create: { fileloc, source, sourceHash },
      update: { source, sourceHash },
    });
    if (problem !== null || !outcome.ok) {
      const message = `DAG file ${fileloc} failed to import: ${problem}`;
      const stackTrace = outcome.ok ? null : outcome.stack;
      await tx.importError.upsert({
        where: { fileloc },
        create: { fileloc, message, stackTrace },
        update: { message, stackTrace, createdAt: now },
      });
      // The DAGs it defined before keep their last good version, as in Airflow.
      return { fileloc, dagIds: [], importError: message };
    }
    await tx.importError.deleteMany({ where: { fileloc } });
    for (const dag of outcome.dags) {
      const serializedHash = sha256(JSON.stringify(dag));
      const existing = await tx.dag.findUnique({
        where: { dagId: dag.dagId },
        select: { serializedHash: true, isActive: true },
      });
      const fields = {
        fileloc,
        isActive: true,
        schedule: dag.schedule,
        timezone: dag.timezone,
        description: dag.description,
        owner: dag.owner,
        tags: [...dag.tags],
        maxActiveRuns: dag.maxActiveRuns,
        maxActiveTasks: dag.maxActiveTasks,
        serialized: dag as object,
        serializedHash,
        lastParsedAt: now,
      };
      if (!existing) await tx.dag.create({ data: { dagId: dag.dagId, ...fields } });
      else await tx.dag.update({ where: { dagId: dag.dagId }, data: fields });
      if (!existing || existing.serializedHash !== serializedHash || !existing.isActive)
        await refreshNextDagRun(tx, dag, now);
    }
    await tx.dag.updateMany({
      where: { fileloc, dagId: { notIn: outcome.dags.map((d) => d.dagId) }, isActive: true },
      data: { isActive: false, nextDagRunCreateAfter: null, nextDagRunLogicalDate: null },
    });
    return { fileloc, dagIds: outcome.dags.map((d) => d.dagId), importError: null };
  });
}

/** A file that disappeared: its DAGs become inactive (kept for history), its error goes away. */
export async function removeDagFile(db: Db, fileloc: string): Promise<void> {
  await db.$transaction([
    db.dag.updateMany({
      where: { fileloc },
      data: { isActive: false, nextDagRunCreateAfter: null, nextDagRunLogicalDate: null },
    }),
    db.importError.deleteMany({ where: { fileloc } }),
    db.dagCode.deleteMany({ where: { fileloc } }),
  ]);
}

/** Why the file's DAGs cannot be accepted (duplicate ids, bad schedules), or null. */
async function definitionProblem(
  db: Db,
  fileloc: string,
  dags: readonly SerializedDag[],
): Promise<string | null> {
  if (dags.length === 0) return null;
  const ids = dags.map((d) => d.dagId);
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated) return `it defines DAG id "${repeated}" more than once`;
  const taken = await db.dag.findFirst({
    where: { dagId: { in: ids }, isActive: true, fileloc: { not: fileloc } },
    select: { dagId: true, fileloc: true },
  });
  if (taken) return `DAG id "${taken.dagId}" is already defined in ${taken.fileloc}`;
  for (const dag of dags) {
    const error = validateSchedule(dag.schedule, dag.timezone);
    if (error) return `DAG "${dag.dagId}": ${error}`;
  }
  return null;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
