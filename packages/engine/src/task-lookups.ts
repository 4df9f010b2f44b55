// Owns answering task code's lookups (ctx.variable, ctx.connection): the environment first
// (`WEIR_VAR_<KEY>`, `WEIR_CONN_<ID>`, Airflow's AIRFLOW_VAR_/AIRFLOW_CONN_ convention), then
// PostgreSQL. The worker answers its executors with this; `weir tasks test` calls it directly.
import type { Db } from '@weir/db';
import { parseConnectionUri, withUri } from '@weir/domain';
import type { Connection, JsonValue } from '@weir/sdk';
import type { SecretBox } from '@weir/secrets';
import { ConnectionStore } from './connections.ts';
import { getVariable } from './variables.ts';

export type VariableLookup = { readonly found: true; readonly value: JsonValue } | { readonly found: false };

export interface TaskLookupsDeps {
  /** Opened on the first lookup that reaches PostgreSQL (so `weir tasks test` needs none otherwise). */
  readonly db: Db | (() => Promise<Db>);
  readonly box: SecretBox | undefined;
  readonly env?: NodeJS.ProcessEnv;
}

export class TaskLookups {
  private readonly env: NodeJS.ProcessEnv;
  private opened: Promise<Db> | undefined;

  constructor(private readonly deps: TaskLookupsDeps) {
    this.env = deps.env ?? process.env;
  }

  async variable(key: string): Promise<VariableLookup> {
    const fromEnv = this.env[envName('WEIR_VAR_', key)];
    if (fromEnv !== undefined) return { found: true, value: parseEnvValue(fromEnv) };
    const stored = await getVariable(await this.db(), key);
    return stored ? { found: true, value: stored.value } : { found: false };
  }

  async connection(id: string): Promise<Connection | null> {
    const name = envName('WEIR_CONN_', id);
    const fromEnv = this.env[name];
    if (fromEnv !== undefined) return withUri(parseConnectionUri(id, fromEnv, name));
    const stored = await new ConnectionStore(await this.db(), this.deps.box).get(id);
    return stored ? withUri(stored) : null;
  }

  private db(): Promise<Db> {
    const { db } = this.deps;
    this.opened ??= typeof db === 'function' ? db() : Promise.resolve(db);
    return this.opened;
  }
}

/** `WEIR_VAR_` + the key in upper case, as Airflow reads AIRFLOW_VAR_<KEY>. */
export function envName(prefix: 'WEIR_VAR_' | 'WEIR_CONN_', key: string): string {
  return `${prefix}${key.toUpperCase()}`;
}

/** A variable from the environment is JSON when it parses as JSON, else the string itself. */
export function parseEnvValue(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}
