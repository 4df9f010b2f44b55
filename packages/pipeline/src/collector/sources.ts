// Owns event sources (table event_source): the apps and sites that send events, each with a
// write key for the collector. A key is `wk_` and 24 random bytes, shown once at creation and
// stored only as its SHA-256 (the API tokens' hash: a random key cannot be guessed from it),
// with its first characters kept so lists can tell keys apart.
import { randomBytes } from 'node:crypto';
import { hashToken } from '@weir/auth';
import type { RawSql } from '@weir/db';

export const WRITE_KEY_PREFIX = 'wk_';
const SHOWN_LENGTH = 10;
const NAME_PATTERN = /^[A-Za-z0-9_.-]{1,100}$/;

export type SourceErrorCode =
  | 'INVALID_SOURCE_NAME'
  | 'INVALID_ORIGIN'
  | 'SOURCE_EXISTS'
  | 'SOURCE_NOT_FOUND'
  | 'SOURCE_DISABLED';

export class SourceError extends Error {
  constructor(
    readonly code: SourceErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SourceError';
  }
}

export interface EventSourceView {
  readonly id: number;
  readonly name: string;
  readonly keyPrefix: string;
  readonly allowedOrigins: readonly string[];
  readonly createdAt: Date;
  readonly disabledAt: Date | null;
}

export interface CreatedEventSource extends EventSourceView {
  /** The write key itself: shown once, never stored. */
  readonly writeKey: string;
}

/** What the collector needs of a source whose key it was given. */
export interface ActiveSource {
  readonly id: number;
  readonly name: string;
  readonly allowedOrigins: readonly string[];
}

export function hashWriteKey(key: string): string {
  return hashToken(key);
}

/**
 * A browser origin as the Origin header carries it (`https://app.example.com`, a port when not
 * the default), or `*` for any origin.
 */
export function normalizeOrigin(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '*') return '*';
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new SourceError(
      'INVALID_ORIGIN',
      `"${text}" is not an origin: write it as https://app.example.com`,
    );
  }
  if (
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.pathname.length > 1 ||
    url.search ||
    url.hash
  )
    throw new SourceError(
      'INVALID_ORIGIN',
      `"${text}" is not an origin: only a scheme, host and port (https://app.example.com:8443), no path`,
    );
  return url.origin;
}

interface SourceRow {
  id: number;
  name: string;
  key_prefix: string;
  allowed_origins: string[];
  created_at: Date;
  disabled_at: Date | null;
}

function view(row: SourceRow): EventSourceView {
  return {
    id: row.id,
    name: row.name,
    keyPrefix: row.key_prefix,
    allowedOrigins: row.allowed_origins,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}

export class EventSources {
  constructor(private readonly sql: RawSql) {}

  async create(request: { name: string; allowedOrigins?: readonly string[] }): Promise<CreatedEventSource> {
    const name = request.name.trim();
    if (!NAME_PATTERN.test(name))
      throw new SourceError(
        'INVALID_SOURCE_NAME',
        `"${request.name}" is not a source name: use 1 to 100 letters, digits, '_', '-' or '.'`,
      );
    const origins = [...new Set((request.allowedOrigins ?? []).map(normalizeOrigin))];
    const writeKey = WRITE_KEY_PREFIX + randomBytes(24).toString('base64url');
    try {
      const [row] = await this.sql.$queryRaw<SourceRow[]>`
        INSERT INTO event_source (name, key_hash, key_prefix, allowed_origins)
        VALUES (${name}, ${hashWriteKey(writeKey)}, ${writeKey.slice(0, SHOWN_LENGTH)}, ${origins}::text[])
        RETURNING id, name, key_prefix, allowed_origins, created_at, disabled_at`;
      return { ...view(row as SourceRow), writeKey };
    } catch (error) {
      if ((error as { code?: string }).code === '23505')
        throw new SourceError('SOURCE_EXISTS', `a source named "${name}" exists already (weir sources list)`);
      throw error;
    }
  }

  /** Every source, oldest first; never a key. */
  async list(): Promise<EventSourceView[]> {
    const rows = await this.sql.$queryRaw<SourceRow[]>`
      SELECT id, name, key_prefix, allowed_origins, created_at, disabled_at FROM event_source ORDER BY id`;
    return rows.map(view);
  }

  /** Its key stops working (at once for new collectors, within their cache's lifetime for running ones). */
  async disable(name: string, at: Date = new Date()): Promise<EventSourceView> {
    const rows = await this.sql.$queryRaw<SourceRow[]>`
      UPDATE event_source SET disabled_at = ${at} WHERE name = ${name} AND disabled_at IS NULL
      RETURNING id, name, key_prefix, allowed_origins, created_at, disabled_at`;
    if (rows[0]) return view(rows[0]);
    const [existing] = await this.sql.$queryRaw<
      { id: number }[]
    >`SELECT id FROM event_source WHERE name = ${name}`;
    if (existing) throw new SourceError('SOURCE_DISABLED', `source "${name}" is disabled already`);
    throw new SourceError('SOURCE_NOT_FOUND', `no source named "${name}" (weir sources list)`);
  }

  /** The active source a write key belongs to, or null (unknown or disabled). */
  async activeByKey(key: string): Promise<ActiveSource | null> {
    const [row] = await this.sql.$queryRaw<{ id: number; name: string; allowed_origins: string[] }[]>`
      SELECT id, name, allowed_origins FROM event_source
      WHERE key_hash = ${hashWriteKey(key)} AND disabled_at IS NULL`;
    return row ? { id: row.id, name: row.name, allowedOrigins: row.allowed_origins } : null;
  }

  /** Every origin some active source allows (a CORS preflight carries no key to tell which). */
  async activeOrigins(): Promise<string[]> {
    const rows = await this.sql.$queryRaw<{ origin: string }[]>`
      SELECT DISTINCT unnest(allowed_origins) AS origin FROM event_source WHERE disabled_at IS NULL`;
    return rows.map((r) => r.origin);
  }
}
