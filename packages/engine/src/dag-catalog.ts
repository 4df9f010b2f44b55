// Owns reading serialized DAGs from PostgreSQL, cached by content hash so the hot path (task
// completion → downstream scheduling) does not re-read and re-parse them.
import type { Db } from '@weir/db';
import type { SerializedDag } from '@weir/sdk';

export interface CatalogDag {
  readonly dag: SerializedDag;
  readonly hash: string;
  readonly fileloc: string;
  readonly isPaused: boolean;
  readonly isActive: boolean;
}

export class DagCatalog {
  private readonly cache = new Map<string, CatalogDag>();
  private readonly checkedAt = new Map<string, number>();

  /**
   * `freshnessMs`: how long a looked-up DAG is trusted before its hash and flags are checked
   * again. Parsing, pausing and unpausing take effect within this time everywhere.
   */
  constructor(
    private readonly db: Db,
    private readonly freshnessMs = 500,
  ) {}

  /** The current serialized DAG, or undefined when no such DAG was ever parsed. */
  async get(dagId: string): Promise<CatalogDag | undefined> {
    return this.fresh(dagId) ?? (await this.getMany([dagId])).get(dagId);
  }

  /** Several DAGs at once (two queries at most, whatever their number); missing ones are absent. */
  async getMany(dagIds: readonly string[]): Promise<Map<string, CatalogDag>> {
    const found = new Map<string, CatalogDag>();
    const stale: string[] = [];
    for (const dagId of dagIds) {
      const fresh = this.fresh(dagId);
      if (fresh) found.set(dagId, fresh);
      else stale.push(dagId);
    }
    if (stale.length === 0) return found;
    for (const entry of await this.load(stale)) {
      const dagId = entry.dag.dagId;
      this.cache.set(dagId, entry);
      this.checkedAt.set(dagId, performance.now());
      found.set(dagId, entry);
    }
    return found;
  }

  /** The cached entry, if it was checked within freshnessMs. */
  private fresh(dagId: string): CatalogDag | undefined {
    const entry = this.cache.get(dagId);
    const checked = this.checkedAt.get(dagId);
    return entry && checked !== undefined && performance.now() - checked < this.freshnessMs
      ? entry
      : undefined;
  }

  /** Forgets what is cached, so the next lookup reads PostgreSQL (after pause, unpause, parse). */
  invalidate(dagId: string): void {
    this.checkedAt.delete(dagId);
  }

  private async load(dagIds: readonly string[]): Promise<CatalogDag[]> {
    const rows = await this.db.dag.findMany({
      where: { dagId: { in: [...dagIds] } },
      select: { dagId: true, serializedHash: true, fileloc: true, isPaused: true, isActive: true },
    });
    const changed = rows.filter((row) => this.cache.get(row.dagId)?.hash !== row.serializedHash);
    const full =
      changed.length === 0
        ? []
        : await this.db.dag.findMany({
            where: { dagId: { in: changed.map((row) => row.dagId) } },
            select: { dagId: true, serialized: true, serializedHash: true },
          });
    const definitions = new Map(full.map((f) => [f.dagId, f]));
    const entries: CatalogDag[] = [];
    for (const row of rows) {
      const flags = { fileloc: row.fileloc, isPaused: row.isPaused, isActive: row.isActive };
      const definition = definitions.get(row.dagId);
      const cached = this.cache.get(row.dagId);
      if (definition) {
        entries.push({
          dag: definition.serialized as unknown as SerializedDag,
          hash: definition.serializedHash,
          ...flags,
        });
      } else if (cached) {
        entries.push({ ...cached, ...flags });
      }
    }
    return entries;
  }
}
