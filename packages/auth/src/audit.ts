// Owns writing the audit log: who did what, from where. Every mutation by the CLI, the web UI
// or the API writes one row; nothing updates or deletes them (deleting a DAG keeps its rows).
import type { RawSql } from '@weir/db';

export interface AuditEntry {
  /** A Weir username, or the OS user for the CLI. */
  readonly actor: string;
  /** What was done, as `noun.verb`: `user.create`, `token.revoke`, `dag.trigger` … */
  readonly action: string;
  readonly dagId?: string | null;
  readonly runId?: string | null;
  readonly taskId?: string | null;
  /** What changed; never a password or a token. */
  readonly details?: Record<string, unknown>;
  /** The client's IP (web, API), or 'cli'. */
  readonly source?: string | null;
  readonly at?: Date;
}

export async function audit(sql: RawSql, entry: AuditEntry): Promise<void> {
  await sql.$executeRaw`
    INSERT INTO audit_log (at, actor, action, dag_id, run_id, task_id, details, source)
    VALUES (${entry.at ?? new Date()}, ${entry.actor}, ${entry.action}, ${entry.dagId ?? null},
            ${entry.runId ?? null}, ${entry.taskId ?? null}, ${JSON.stringify(entry.details ?? {})}::jsonb,
            ${entry.source ?? null})`;
}
