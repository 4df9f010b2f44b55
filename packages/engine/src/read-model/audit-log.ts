// Owns reading the audit log (written by @weir/auth's `audit`): who did what, when, from where,
// newest first, in keyset pages on the primary key (ids only grow, so id order is time order and
// page 400 costs what page 1 does). Filters: one actor, and an action or a whole noun
// (`variable` matches `variable.create`, `variable.delete` …).
import type { Db } from '@weir/db';
import type { Page } from './pages.ts';

export interface AuditLogEntryView {
  readonly id: number;
  readonly at: Date;
  readonly actor: string;
  readonly action: string;
  readonly dagId: string | null;
  readonly runId: string | null;
  readonly taskId: string | null;
  readonly details: Record<string, unknown>;
  readonly source: string | null;
}

export interface AuditLogQuery {
  readonly actor?: string;
  /** `noun.verb` exactly, or a noun alone for all its verbs. */
  readonly action?: string;
  readonly limit: number;
  /** Entries older than this one (its id). */
  readonly before?: number;
}

export async function pageAuditLog(db: Db, query: AuditLogQuery): Promise<Page<AuditLogEntryView>> {
  const action = query.action;
  const where = {
    ...(query.actor !== undefined ? { actor: query.actor } : {}),
    ...(action !== undefined ? { action: action.includes('.') ? action : { startsWith: `${action}.` } } : {}),
  };
  const [rows, totalEntries] = await Promise.all([
    db.auditLog.findMany({
      where: query.before !== undefined ? { ...where, id: { lt: query.before } } : where,
      orderBy: { id: 'desc' },
      take: query.limit,
    }),
    db.auditLog.count({ where }),
  ]);
  const items = rows.map((r) => ({
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    dagId: r.dagId,
    runId: r.runId,
    taskId: r.taskId,
    details:
      r.details !== null && typeof r.details === 'object' && !Array.isArray(r.details)
        ? (r.details as Record<string, unknown>)
        : {},
    source: r.source,
  }));
  return { items, totalEntries, next: items.length === query.limit ? (items.at(-1) ?? null) : null };
}

/** The actors and actions seen, for the page's filters (small: one row per distinct value). */
export async function auditLogFacets(db: Db): Promise<{ actors: string[]; actions: string[] }> {
  const [actors, actions] = await Promise.all([
    db.auditLog.findMany({
      distinct: ['actor'],
      select: { actor: true },
      orderBy: { actor: 'asc' },
      take: 500,
    }),
    db.auditLog.findMany({
      distinct: ['action'],
      select: { action: true },
      orderBy: { action: 'asc' },
      take: 500,
    }),
  ]);
  return { actors: actors.map((a) => a.actor), actions: actions.map((a) => a.action) };
}
