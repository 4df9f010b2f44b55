// Owns connections in PostgreSQL (Airflow's Connection). The secret parts, password and extra,
// are sealed with a SecretBox (AES-256-GCM under a key derived from WEIR_SECRET_KEY) bound to
// the connection and field, and opened only when a connection is read whole. Listing needs no key.
import type { Db } from '@weir/db';
import type { ConnectionFields } from '@weir/domain';
import { SecretBox, type SecretError } from '@weir/secrets';
import { EngineError } from './errors.ts';

const ID = /^[A-Za-z0-9_.-]{1,250}$/;
const TYPE = /^[A-Za-z][A-Za-z0-9_+.-]{0,99}$/;

/** What `weir connections list` shows: no secret, so no key is needed. */
export interface ConnectionSummary {
  readonly id: string;
  readonly type: string;
  readonly host: string | null;
  readonly port: number | null;
  readonly login: string | null;
  readonly schema: string | null;
  readonly hasPassword: boolean;
  readonly hasExtra: boolean;
  readonly description: string | null;
}

/** The connections' sealing box from the secret key; undefined when there is no key. */
export function connectionBox(secretKey: string | undefined): SecretBox | undefined {
  return secretKey ? new SecretBox(secretKey, 'weir/connections') : undefined;
}

export function assertConnectionFields(fields: ConnectionFields): void {
  if (!ID.test(fields.id))
    throw new EngineError(
      'INVALID_CONNECTION',
      `connection id "${fields.id}" is invalid: use 1 to 250 letters, digits, '_', '-' or '.'`,
    );
  if (!TYPE.test(fields.type))
    throw new EngineError(
      'INVALID_CONNECTION',
      `connection type "${fields.type}" is invalid: a name such as postgres, http or aws`,
    );
  if (fields.port !== null && (!Number.isInteger(fields.port) || fields.port < 1 || fields.port > 65535))
    throw new EngineError('INVALID_CONNECTION', `connection port ${fields.port} is not a port (1–65535)`);
}

export class ConnectionStore {
  constructor(
    private readonly db: Db,
    private readonly box: SecretBox | undefined,
  ) {}

  /** Creates the connection, or replaces it when `replace`; an existing id is refused otherwise. */
  async add(
    fields: ConnectionFields,
    options: { replace?: boolean; description?: string } = {},
  ): Promise<void> {
    assertConnectionFields(fields);
    const box = this.requireBox(`connection "${fields.id}" cannot be stored encrypted`);
    const row = {
      connType: fields.type,
      host: fields.host,
      port: fields.port,
      login: fields.login,
      schema: fields.schema,
      description: options.description ?? null,
      ...sealed(box, fields),
    };
    if (options.replace) {
      await this.db.connection.upsert({
        where: { connId: fields.id },
        create: { connId: fields.id, ...row },
        update: row,
      });
      return;
    }
    const created = await this.db.connection.createMany({
      data: [{ connId: fields.id, ...row }],
      skipDuplicates: true,
    });
    if (created.count === 0)
      throw new EngineError(
        'CONNECTION_EXISTS',
        `connection "${fields.id}" already exists: delete it first, or pass --replace`,
      );
  }

  /** The connection with its secrets decrypted; null when there is none. */
  async get(id: string): Promise<ConnectionFields | null> {
    const row = await this.db.connection.findUnique({ where: { connId: id } });
    if (!row) return null;
    const needsKey = row.passwordEncrypted !== null || row.extraEncrypted !== null;
    const box = needsKey ? this.requireBox(`connection "${id}" cannot be decrypted`) : undefined;
    return {
      id,
      type: row.connType,
      host: row.host,
      port: row.port,
      login: row.login,
      schema: row.schema,
      ...opened(box, id, row),
    };
  }

  async list(): Promise<ConnectionSummary[]> {
    const rows = await this.db.connection.findMany({ orderBy: { connId: 'asc' } });
    return rows.map(summary);
  }

  /** The connection without its secrets (no key needed); null when there is none. */
  async summary(id: string): Promise<ConnectionSummary | null> {
    const row = await this.db.connection.findUnique({ where: { connId: id } });
    return row ? summary(row) : null;
  }

  /**
   * Changes what `change` gives of a connection and keeps the rest. The secrets are write-only:
   * a password or extra left out stays as it was (sealed, never opened here); null clears it;
   * a new one is sealed. Only a new secret needs the key. CONNECTION_NOT_FOUND when there is none.
   */
  async update(id: string, change: ConnectionChange): Promise<ConnectionSummary> {
    const row = await this.db.connection.findUnique({ where: { connId: id } });
    if (!row) throw new EngineError('CONNECTION_NOT_FOUND', `connection "${id}" does not exist`);
    const next: ConnectionFields = {
      id,
      type: change.type ?? row.connType,
      host: change.host !== undefined ? change.host : row.host,
      port: change.port !== undefined ? change.port : row.port,
      login: change.login !== undefined ? change.login : row.login,
      schema: change.schema !== undefined ? change.schema : row.schema,
      password: change.password ?? null,
      extra: change.extra ?? {},
    };
    assertConnectionFields(next);
    const newSecret =
      (change.password !== undefined && change.password !== null) ||
      (change.extra !== undefined && change.extra !== null && Object.keys(change.extra).length > 0);
    const box = newSecret ? this.requireBox(`connection "${id}" cannot be stored encrypted`) : undefined;
    const secrets = box ? sealed(box, next) : { passwordEncrypted: null, extraEncrypted: null };
    const updated = await this.db.connection.update({
      where: { connId: id },
      data: {
        connType: next.type,
        host: next.host,
        port: next.port,
        login: next.login,
        schema: next.schema,
        ...(change.description !== undefined ? { description: change.description } : {}),
        ...(change.password !== undefined ? { passwordEncrypted: secrets.passwordEncrypted } : {}),
        ...(change.extra !== undefined ? { extraEncrypted: secrets.extraEncrypted } : {}),
      },
    });
    return summary(updated);
  }

  /** True when the connection existed. */
  async delete(id: string): Promise<boolean> {
    return (await this.db.connection.deleteMany({ where: { connId: id } })).count > 0;
  }

  /**
   * Re-seals every connection under this store's key, in one transaction: rows the current key
   * opens already are left as they are, the others must open with `oldBox`, or nothing changes.
   */
  async rotate(oldBox: SecretBox): Promise<{ resealed: number; current: number }> {
    const box = this.requireBox('connections cannot be re-encrypted');
    return this.db.$transaction(
      async (tx) => {
        const rows = await tx.connection.findMany({ orderBy: { connId: 'asc' } });
        let resealed = 0;
        for (const row of rows) {
          if (row.passwordEncrypted === null && row.extraEncrypted === null) continue;
          if (opens(box, row.connId, row)) continue;
          const secrets = opened(oldBox, row.connId, row);
          await tx.connection.update({
            where: { connId: row.connId },
            data: sealed(box, { id: row.connId, ...secrets }),
          });
          resealed++;
        }
        return { resealed, current: rows.length - resealed };
      },
      { timeout: 60_000 },
    );
  }

  private requireBox(what: string): SecretBox {
    if (this.box) return this.box;
    throw new EngineError(
      'NO_SECRET_KEY',
      `${what}: WEIR_SECRET_KEY is not set (set the key Weir's worker uses, or run \`weir standalone\` once to generate one in WEIR_HOME)`,
    );
  }
}

/** What an edit changes: a field left out stays; null clears it. */
export interface ConnectionChange {
  readonly type?: string;
  readonly host?: string | null;
  readonly port?: number | null;
  readonly login?: string | null;
  readonly schema?: string | null;
  readonly description?: string | null;
  readonly password?: string | null;
  readonly extra?: Readonly<Record<string, unknown>> | null;
}

function summary(r: {
  connId: string;
  connType: string;
  host: string | null;
  port: number | null;
  login: string | null;
  schema: string | null;
  passwordEncrypted: string | null;
  extraEncrypted: string | null;
  description: string | null;
}): ConnectionSummary {
  return {
    id: r.connId,
    type: r.connType,
    host: r.host,
    port: r.port,
    login: r.login,
    schema: r.schema,
    hasPassword: r.passwordEncrypted !== null,
    hasExtra: r.extraEncrypted !== null,
    description: r.description,
  };
}

type SecretColumns = { passwordEncrypted: string | null; extraEncrypted: string | null };

function sealed(box: SecretBox, c: Pick<ConnectionFields, 'id' | 'password' | 'extra'>): SecretColumns {
  return {
    passwordEncrypted: c.password === null ? null : box.seal(c.password, where(c.id, 'password')),
    extraEncrypted:
      Object.keys(c.extra).length === 0 ? null : box.seal(JSON.stringify(c.extra), where(c.id, 'extra')),
  };
}

function opened(
  box: SecretBox | undefined,
  id: string,
  row: SecretColumns,
): Pick<ConnectionFields, 'password' | 'extra'> {
  return {
    password:
      row.passwordEncrypted === null
        ? null
        : (box as SecretBox).open(row.passwordEncrypted, where(id, 'password')),
    extra:
      row.extraEncrypted === null
        ? {}
        : (JSON.parse((box as SecretBox).open(row.extraEncrypted, where(id, 'extra'))) as Record<
            string,
            unknown
          >),
  };
}

function opens(box: SecretBox, id: string, row: SecretColumns): boolean {
  try {
    opened(box, id, row);
    return true;
  } catch (error) {
    if ((error as SecretError).name === 'SecretError') return false;
    throw error;
  }
}

/** What each sealed value is bound to: moving it to another row or field breaks it. */
function where(id: string, field: 'password' | 'extra'): string {
  return `connection "${id}" ${field}`;
}
