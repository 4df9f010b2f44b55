// Owns variables in PostgreSQL (Airflow's Variable): a key and a JSON value. `weir variables …`
// and the lookups behind ctx.variable read and write them here.
import type { Db } from '@weir/db';
import type { JsonValue } from '@weir/sdk';
import { EngineError } from './errors.ts';

const KEY = /^[A-Za-z0-9_.-]{1,250}$/;

export interface StoredVariable {
  readonly key: string;
  readonly value: JsonValue;
  readonly description: string | null;
  readonly updatedAt: Date;
}

export function assertVariableKey(key: string): void {
  if (!KEY.test(key))
    throw new EngineError(
      'INVALID_VARIABLE',
      `variable key "${key}" is invalid: use 1 to 250 letters, digits, '_', '-' or '.'`,
    );
}

export async function setVariable(
  db: Db,
  key: string,
  value: JsonValue,
  description?: string,
): Promise<void> {
  assertVariableKey(key);
  await db.variable.upsert({
    where: { key },
    create: { key, value: value as never, description: description ?? null },
    update: { value: value as never, ...(description !== undefined ? { description } : {}) },
  });
}

export async function getVariable(db: Db, key: string): Promise<StoredVariable | null> {
  const row = await db.variable.findUnique({ where: { key } });
  return row ? { ...row, value: row.value as JsonValue } : null;
}

export async function listVariables(db: Db): Promise<StoredVariable[]> {
  const rows = await db.variable.findMany({ orderBy: { key: 'asc' } });
  return rows.map((row) => ({ ...row, value: row.value as JsonValue }));
}

/** Creates a variable; VARIABLE_EXISTS when the key is taken (the REST API's POST, the web form). */
export async function createVariable(
  db: Db,
  key: string,
  value: JsonValue,
  description?: string | null,
): Promise<StoredVariable> {
  assertVariableKey(key);
  const created = await db.variable.createMany({
    data: [{ key, value: value as never, description: description ?? null }],
    skipDuplicates: true,
  });
  if (created.count === 0)
    throw new EngineError('VARIABLE_EXISTS', `variable "${key}" already exists: edit it instead`);
  return (await getVariable(db, key)) as StoredVariable;
}

/**
 * Changes what is given of a variable's value and description; VARIABLE_NOT_FOUND when there is
 * no such key. A secret's value is write-only, so a form that leaves it out keeps it.
 */
export async function updateVariable(
  db: Db,
  key: string,
  change: { readonly value?: JsonValue; readonly description?: string | null },
): Promise<StoredVariable> {
  const updated = await db.variable.updateMany({
    where: { key },
    data: {
      ...(change.value !== undefined ? { value: change.value as never } : {}),
      ...(change.description !== undefined ? { description: change.description } : {}),
      updatedAt: new Date(),
    },
  });
  if (updated.count === 0) throw new EngineError('VARIABLE_NOT_FOUND', `variable "${key}" does not exist`);
  return (await getVariable(db, key)) as StoredVariable;
}

/** True when the variable existed. */
export async function deleteVariable(db: Db, key: string): Promise<boolean> {
  return (await db.variable.deleteMany({ where: { key } })).count > 0;
}

/**
 * Sets every key of `values` in one transaction (all or none), as `airflow variables import`
 * does; keys not in the file are left alone. Returns how many were created and updated.
 */
export async function importVariables(
  db: Db,
  values: Readonly<Record<string, JsonValue>>,
): Promise<{ created: number; updated: number }> {
  const keys = Object.keys(values);
  for (const key of keys) assertVariableKey(key);
  return db.$transaction(async (tx) => {
    const existing = new Set(
      (await tx.variable.findMany({ where: { key: { in: keys } }, select: { key: true } })).map((r) => r.key),
    );
    for (const key of keys) {
      const value = values[key] as never;
      await tx.variable.upsert({ where: { key }, create: { key, value }, update: { value } });
    }
    return { created: keys.length - existing.size, updated: existing.size };
  });
}
