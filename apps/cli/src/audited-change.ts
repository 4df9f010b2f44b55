// Owns how `weir users` and `weir tokens` change things: one transaction holding the change and
// its audit row, acting as the operating-system user running `weir` (the CLI needs the
// database's address, not a Weir login, as `airflow users` does).
import { userInfo } from 'node:os';
import type { RawSql } from '@weir/db';
import { withSql } from './runtime.ts';

/** The audit log's source for whatever the CLI does. */
export const CLI_SOURCE = 'cli';

export function cliActor(): string {
  try {
    return userInfo().username;
  } catch {
    return 'cli';
  }
}

/**
 * Runs a change and the audit rows it writes in one transaction, as the OS user. Print what it
 * returns after it resolves: nothing is reported done (a token shown) before it is committed.
 */
export function auditedChange<T>(fn: (tx: RawSql, actor: string) => Promise<T>): Promise<T> {
  return withSql((sql) => sql.$transaction((tx) => fn(tx, cliActor())));
}
