// Owns reading one task instance's XCom rows for display (its return value, and any other keys),
// as stored: JSON in the database, or a pointer to object storage for large values.
import type { Db } from '@weir/db';

export interface XComView {
  readonly key: string;
  /** The stored JSON (the SDK's encoding: a Date or bigint arrives tagged); null when in object storage. */
  readonly value: unknown;
  /** Set when the value is too large for the database and lives in object storage. */
  readonly objectKey: string | null;
  readonly sizeBytes: number;
  readonly createdAt: Date;
}

/** The task instance's XCom rows, return_value first. */
export async function listXComs(db: Db, taskInstanceId: number): Promise<XComView[]> {
  const rows = await db.xCom.findMany({
    where: { taskInstanceId },
    select: { key: true, value: true, objectKey: true, sizeBytes: true, createdAt: true },
    orderBy: { key: 'asc' },
  });
  return rows.sort((a, b) => Number(b.key === 'return_value') - Number(a.key === 'return_value'));
}
