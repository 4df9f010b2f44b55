// Owns remembering write-key lookups for a few seconds, so a collector taking 20,000 events/s
// (hundreds of requests a second, most with the same few keys) asks PostgreSQL about each key
// once per lifetime instead of once per request. A disabled source's key therefore keeps
// working in a running collector for up to `ttlMs`; unknown keys are remembered too, so a
// client stuck on a bad key does not hit the database either.
import type { ActiveSource, EventSources } from './sources.ts';

export interface SourceLookup {
  /** The active source of a write key, or null. */
  byKey(key: string): Promise<ActiveSource | null>;
  /** Whether some active source allows this browser origin (for CORS preflights). */
  originAllowed(origin: string): Promise<boolean>;
}

export interface SourceCacheOptions {
  /** How long an answer is reused (default 10 s). */
  readonly ttlMs?: number;
  /** Keys remembered at most; past it the cache starts afresh (bad keys cannot grow it forever). */
  readonly maxKeys?: number;
  readonly now?: () => number;
}

interface Remembered<T> {
  readonly value: Promise<T>;
  readonly until: number;
}

export class CachedSources implements SourceLookup {
  private readonly keys = new Map<string, Remembered<ActiveSource | null>>();
  private origins: Remembered<ReadonlySet<string>> | undefined;
  private readonly ttlMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(
    private readonly sources: Pick<EventSources, 'activeByKey' | 'activeOrigins'>,
    options: SourceCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 10_000;
    this.maxKeys = options.maxKeys ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  byKey(key: string): Promise<ActiveSource | null> {
    const now = this.now();
    const known = this.keys.get(key);
    if (known && known.until > now) return known.value;
    if (this.keys.size >= this.maxKeys) this.keys.clear();
    // The promise is what is remembered, so concurrent requests with a new key share one query;
    // a failed query is forgotten at once, never reused.
    const value = this.sources.activeByKey(key);
    this.keys.set(key, { value, until: now + this.ttlMs });
    value.catch(() => this.keys.delete(key));
    return value;
  }

  async originAllowed(origin: string): Promise<boolean> {
    const now = this.now();
    if (!this.origins || this.origins.until <= now) {
      const value = this.sources.activeOrigins().then((list) => new Set(list));
      const entry = { value, until: now + this.ttlMs };
      this.origins = entry;
      value.catch(() => {
        if (this.origins === entry) this.origins = undefined;
      });
    }
    const allowed = await this.origins.value;
    return allowed.has('*') || allowed.has(origin);
  }
}

/** Whether one source accepts requests from a page of this origin. */
export function sourceAllowsOrigin(source: ActiveSource, origin: string): boolean {
  return source.allowedOrigins.includes('*') || source.allowedOrigins.includes(origin);
}
