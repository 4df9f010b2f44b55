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
  /** Reads in flight, by DAG: callers that find a DAG stale while it is being read wait for that read. */
  private readonly loading = new Map<string, Promise<CatalogDag | undefined>>();

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

  /**
   * Several DAGs at once (two queries at most, whatever their number); missing ones are absent.
   * A DAG already being read is not read again: at a worker's rate every try asks for its DAG,
   * and without this each of the tries that arrive while a read is in flight would send its own.
   */
  async getMany(dagIds: readonly string[]): Promise<Map<string, CatalogDag>> {
    const found = new Map<string, CatalogDag>();
    const waits: Promise<void>[] = [];
    const stale: string[] = [];
    for (const dagId of new Set(dagIds)) {
      const fresh = this.fresh(dagId);
      if (fresh) {
        found.set(dagId, fresh);
        continue;
      }
      const loading = this.loading.get(dagId);
      if (loading)
        waits.push(
          loading.then((entry) => {
            if (entry) found.set(dagId, entry);
          }),
        );
      else stale.push(dagId);
    }
    if (stale.length > 0) {
      const read = this.read(stale);
      for (const dagId of stale) {
        const one = read.then((entries) => entries.get(dagId));
        this.loading.set(dagId, one);
        waits.push(
          one.then((entry) => {
            if (entry) found.set(dagId, entry);
          }),
        );
        // Forgotten once it settles, worked or not (a failure is its callers'), unless a newer
        // read took its place (after invalidate).
        const forget = () => {
          if (this.loading.get(dagId) === one) this.loading.delete(dagId);
        };
        one.then(forget, forget);
      }
    }
    await Promise.all(waits);
    return found;
  }

  private async read(dagIds: readonly string[]): Promise<Map<string, CatalogDag>> {
    const entries = new Map<string, CatalogDag>();
    for (const entry of await this.load(dagIds)) {
      const dagId = entry.dag.dagId;
      this.cache.set(dagId, entry);
      this.checkedAt.set(dagId, performance.now());
      entries.set(dagId, entry);
    }
    return entries;
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
    // A read already in flight may predate the change: the next lookup starts its own.
    this.loading.delete(dagId);
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
