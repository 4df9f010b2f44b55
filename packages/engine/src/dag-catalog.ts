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
    const fresh = this.cache.get(dagId);
    if (fresh && performance.now() - (this.checkedAt.get(dagId) ?? 0) < this.freshnessMs) return fresh;
    const entry = await this.load(dagId);
    if (entry) {
      this.cache.set(dagId, entry);
      this.checkedAt.set(dagId, performance.now());
    }
    return entry;
  }

  /** Forgets what is cached, so the next lookup reads PostgreSQL (after pause, unpause, parse). */
  invalidate(dagId: string): void {
    this.checkedAt.delete(dagId);
  }

  private async load(dagId: string): Promise<CatalogDag | undefined> {
    const row = await this.db.dag.findUnique({
      where: { dagId },
      select: { serializedHash: true, fileloc: true, isPaused: true, isActive: true },
    });
    if (!row) return undefined;
    const cached = this.cache.get(dagId);
    if (cached && cached.hash === row.serializedHash) {
      return { ...cached, fileloc: row.fileloc, isPaused: row.isPaused, isActive: row.isActive };
    }
    const full = await this.db.dag.findUnique({
      where: { dagId },
      select: { serialized: true, serializedHash: true },
    });
    if (!full) return undefined;
    return {
      dag: full.serialized as unknown as SerializedDag,
      hash: full.serializedHash,
      fileloc: row.fileloc,
      isPaused: row.isPaused,
      isActive: row.isActive,
    };
  }
}
