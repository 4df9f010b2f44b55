// Owns what task code can look up at run time: variables (`ctx.variable`), connections
// (`ctx.connection`), and values to hide from logs (`ctx.mask`). The engine answers the raw
// lookups (from the environment, then PostgreSQL); this module gives them Airflow's meaning:
// a missing variable or connection is an error naming it unless a default is given, and a zod
// schema both checks a variable and types it.
import type { z } from 'zod';

/** A JSON value, as variables hold them. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A connection as task code receives it, decrypted (Airflow's Connection). */
export interface Connection {
  readonly id: string;
  /** `postgres`, `mysql`, `http`, `aws` …: the URI scheme. */
  readonly type: string;
  readonly host: string | null;
  readonly port: number | null;
  readonly login: string | null;
  readonly password: string | null;
  /** The database (Airflow's `schema`): the URI's path. */
  readonly schema: string | null;
  readonly extra: Readonly<Record<string, unknown>>;
  /** `type://login:password@host:port/schema?extra`, percent-encoded. */
  readonly uri: string;
}

export interface VariableOptions<D> {
  /** Returned when the variable is not set, instead of an error. */
  readonly default: D;
}

export interface VariableSchemaOptions<S extends z.ZodType> {
  readonly schema: S;
  /** Returned (through the schema) when the variable is not set. */
  readonly default?: z.input<S>;
}

/** What `ctx` offers besides the run's facts: variables, connections, masking. */
export interface ContextLookups {
  /**
   * A variable's JSON value (`WEIR_VAR_<KEY>` wins over `weir variables set`). Throws an error
   * naming the key when it is not set, unless a default is given; with a zod schema, the value
   * is checked and typed by it.
   */
  variable(key: string): Promise<JsonValue>;
  variable<S extends z.ZodType>(key: string, schema: S): Promise<z.output<S>>;
  variable<S extends z.ZodType>(key: string, options: VariableSchemaOptions<S>): Promise<z.output<S>>;
  variable<D>(key: string, options: VariableOptions<D>): Promise<JsonValue | D>;
  /** A connection, decrypted (`WEIR_CONN_<ID>` wins over `weir connections add`); throws when missing. */
  connection(id: string): Promise<Connection>;
  /** Hides `value` as `***` in this try's log lines and error, and in every later line of this worker. */
  mask(value: string): void;
}

/** The raw lookups the engine answers. */
export interface LookupSource {
  variable(
    key: string,
  ): Promise<{ readonly found: true; readonly value: JsonValue } | { readonly found: false }>;
  connection(id: string): Promise<Connection | null>;
  mask(value: string): void;
}

export type LookupErrorCode =
  | 'WEIR_VARIABLE_NOT_FOUND'
  | 'WEIR_VARIABLE_INVALID'
  | 'WEIR_CONNECTION_NOT_FOUND';

/** A variable or connection that is missing or not what the task expects. Retried like any error. */
export class LookupError extends Error {
  constructor(
    readonly code: LookupErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'LookupError';
  }
}

/** `ctx.variable`, `ctx.connection` and `ctx.mask` over the engine's raw lookups. */
export function contextLookups(source: LookupSource): ContextLookups {
  async function variable(key: string, second?: unknown): Promise<unknown> {
    const { schema, hasDefault, fallback } = variableOptions(second);
    const got = await source.variable(key);
    if (!got.found && !hasDefault)
      throw new LookupError(
        'WEIR_VARIABLE_NOT_FOUND',
        `variable "${key}" is not set: set it with \`weir variables set ${key} <json>\` or WEIR_VAR_${key.toUpperCase()}, or pass a default`,
      );
    const value = got.found ? got.value : fallback;
    if (!schema) return value;
    const parsed = schema.safeParse(value);
    if (!parsed.success)
      throw new LookupError(
        'WEIR_VARIABLE_INVALID',
        `variable "${key}" does not match its schema: ${parsed.error.issues
          .map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`)
          .join('; ')}`,
      );
    return parsed.data;
  }
  return {
    variable: variable as ContextLookups['variable'],
    async connection(id) {
      const found = await source.connection(id);
      if (!found)
        throw new LookupError(
          'WEIR_CONNECTION_NOT_FOUND',
          `connection "${id}" does not exist: add it with \`weir connections add ${id} …\` or set WEIR_CONN_${id.toUpperCase()}`,
        );
      return found;
    },
    mask(value) {
      if (typeof value !== 'string') throw new TypeError('ctx.mask takes a string');
      source.mask(value);
    },
  };
}

function variableOptions(second: unknown): { schema?: z.ZodType; hasDefault: boolean; fallback: unknown } {
  if (isSchema(second)) return { schema: second, hasDefault: false, fallback: undefined };
  if (typeof second === 'object' && second !== null) {
    const options = second as { schema?: unknown; default?: unknown };
    const schema = isSchema(options.schema) ? options.schema : undefined;
    return { ...(schema ? { schema } : {}), hasDefault: 'default' in options, fallback: options.default };
  }
  return { hasDefault: false, fallback: undefined };
}

function isSchema(value: unknown): value is z.ZodType {
  return typeof (value as { safeParse?: unknown } | null)?.safeParse === 'function';
}

/**
 * Lookups from fixed values, for a DAG's own tests (and `ctx` built by hand): `{ ...lookupsFrom({
 * variables: { region: 'eu' } }) }` gives a context's `variable`, `connection` and `mask`.
 */
export function lookupsFrom(
  values: {
    readonly variables?: Readonly<Record<string, JsonValue>>;
    readonly connections?: Readonly<Record<string, Connection>>;
  } = {},
): ContextLookups {
  const variables = new Map(Object.entries(values.variables ?? {}));
  const connections = new Map(Object.entries(values.connections ?? {}));
  return contextLookups({
    variable: async (key) => {
      const value = variables.get(key);
      return value === undefined ? { found: false } : { found: true, value };
    },
    connection: async (id) => connections.get(id) ?? null,
    mask: () => {},
  });
}
