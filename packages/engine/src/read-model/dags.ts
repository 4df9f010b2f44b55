// Owns reading DAGs as stored for display (CLI, later the web UI): one DAG with its serialized
// definition, and the files that failed to import. Plain DTOs, never Prisma types.
import type { Db } from '@weir/db';
import type { SerializedDag } from '@weir/sdk';
import { EngineError } from '../errors.ts';

export interface StoredDagView {
  readonly dagId: string;
  readonly fileloc: string;
  readonly isActive: boolean;
  readonly isPaused: boolean;
  readonly schedule: string | null;
  readonly lastParsedAt: Date;
  readonly serialized: SerializedDag;
}

export interface ImportErrorView {
  readonly fileloc: string;
  readonly message: string;
  readonly stackTrace: string | null;
  readonly at: Date;
}

/** The stored DAG, or a DAG_NOT_FOUND error naming it. */
export async function getStoredDag(db: Db, dagId: string): Promise<StoredDagView> {
  const row = await db.dag.findUnique({
    where: { dagId },
    select: {
      dagId: true,
      fileloc: true,
      isActive: true,
      isPaused: true,
      schedule: true,
      lastParsedAt: true,
      serialized: true,
    },
  });
  if (!row) throw new EngineError('DAG_NOT_FOUND', `DAG "${dagId}" not found`);
  return { ...row, serialized: row.serialized as unknown as SerializedDag };
}

/** The ids of the DAGs whose files define them now, in order (for pickers such as a silence's DAG). */
export async function listDagIds(db: Db): Promise<string[]> {
  const rows = await db.dag.findMany({
    where: { isActive: true },
    select: { dagId: true },
    orderBy: { dagId: 'asc' },
  });
  return rows.map((r) => r.dagId);
}

/**
 * Files that failed to import, by path. A file's warning (a DAG it creates but does not export)
 * shares the table, its message starting `warning: `; it is not an import error and is left out.
 */
export async function listImportErrors(db: Db): Promise<ImportErrorView[]> {
  const rows = await db.importError.findMany({
    where: { NOT: { message: { startsWith: 'warning: ' } } },
    orderBy: { fileloc: 'asc' },
  });
  return rows.map((r) => ({
    fileloc: r.fileloc,
    message: r.message,
    stackTrace: r.stackTrace,
    at: r.createdAt,
  }));
}
