// Owns connection URIs (Airflow's AIRFLOW_CONN_* convention): `type://login:password@host:port/
// schema?extra`. Parsing one gives a connection's fields (query parameters become `extra`, or
// the JSON of an `__extra__` parameter); formatting does the reverse, percent-encoding each part.
// A URI may hold a password, so no error here ever repeats it.
import type { Connection } from '@weir/sdk';

export type ConnectionFields = Omit<Connection, 'uri'>;

/** A URI that cannot be read as a connection; the message names `source`, never the URI. */
export class ConnectionUriError extends Error {
  readonly code = 'WEIR_CONNECTION_URI_INVALID';
  constructor(source: string, problem: string) {
    super(`${source} ${problem}`);
    this.name = 'ConnectionUriError';
  }
}

const EXAMPLE = 'such as postgres://user:pass@host:5432/db?sslmode=require';

/** `source` names where the URI came from (`WEIR_CONN_WAREHOUSE`, `--uri`) for the error. */
export function parseConnectionUri(id: string, uri: string, source = 'the connection URI'): ConnectionFields {
  let url: URL;
  try {
    url = new URL(uri.trim());
  } catch {
    throw new ConnectionUriError(source, `is not a connection URI ${EXAMPLE}`);
  }
  // URL schemes cannot hold '_': Airflow writes google_cloud_platform as google-cloud-platform.
  const type = url.protocol.slice(0, -1).replaceAll('-', '_');
  if (!url.host && !url.pathname.startsWith('/') && url.pathname !== '')
    throw new ConnectionUriError(source, `is not a connection URI ${EXAMPLE} (it has no //)`);
  let port: number | null = null;
  if (url.port) port = Number(url.port);
  const extra: Record<string, unknown> = {};
  for (const [key, value] of url.searchParams) {
    if (key === '__extra__') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        throw new ConnectionUriError(source, 'has an __extra__ parameter that is not JSON');
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new ConnectionUriError(source, 'has an __extra__ parameter that is not a JSON object');
      Object.assign(extra, parsed);
    } else {
      const before = extra[key];
      extra[key] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value];
    }
  }
  const path = url.pathname.replace(/^\//, '');
  return {
    id,
    type,
    host: url.hostname ? decode(url.hostname.replace(/^\[(.*)\]$/, '$1')) : null,
    port,
    login: url.username ? decode(url.username) : null,
    password: url.password ? decode(url.password) : null,
    schema: path ? decode(path) : null,
    extra,
  };
}

/** The connection as a URI, parts percent-encoded; `parseConnectionUri` reads it back. */
export function connectionUri(c: ConnectionFields): string {
  const scheme = c.type.replaceAll('_', '-');
  const auth =
    c.login !== null || c.password !== null
      ? `${encodeURIComponent(c.login ?? '')}${c.password !== null ? `:${encodeURIComponent(c.password)}` : ''}@`
      : '';
  const host = c.host ? (c.host.includes(':') ? `[${c.host}]` : encodeURIComponent(c.host)) : '';
  const port = c.port !== null ? `:${c.port}` : '';
  const schema = c.schema ? `/${encodeURIComponent(c.schema)}` : '';
  const entries = Object.entries(c.extra);
  let query = '';
  if (entries.length > 0) {
    const flat = entries.every(([, v]) => typeof v === 'string');
    const params = new URLSearchParams(
      flat ? (entries as [string, string][]) : [['__extra__', JSON.stringify(c.extra)]],
    );
    query = `?${params.toString()}`;
  }
  return `${scheme}://${auth}${host}${port}${schema}${query}`;
}

/** The connection with its URI, as task code receives it. */
export function withUri(fields: ConnectionFields): Connection {
  return { ...fields, uri: connectionUri(fields) };
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
