// Owns Prisma's WebAssembly schema engine: loading it once per process, connecting it to
// PostgreSQL through @prisma/adapter-pg (the native engine cannot be downloaded offline), and
// turning its failures into readable errors. Migration logic lives in migrate.ts.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  type ErrorCapturingSqlMigrationAwareDriverAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import * as bg from '@prisma/schema-engine-wasm/schema_engine_bg';
import pg from 'pg';

export type {
  ApplyMigrationsOutput,
  DiagnoseMigrationHistoryOutput,
  DiffParams,
  DiffResult,
  MigrationList,
  SchemaFilter,
} from '@prisma/schema-engine-wasm/schema_engine_bg';

/** One Prisma schema file; a schema may be split over several (Prisma's schema folders). */
export interface SchemaFile {
  path: string;
  content: string;
}

/** The engine methods Weir uses, with every failure rethrown as a SchemaEngineError. */
export type SchemaEngineSession = Pick<
  bg.SchemaEngine,
  | 'applyMigrations'
  | 'devDiagnostic'
  | 'diagnoseMigrationHistory'
  | 'diff'
  | 'evaluateDataLoss'
  | 'markMigrationApplied'
  | 'markMigrationRolledBack'
  | 'schemaPush'
>;

export interface SchemaEngineOptions {
  /** Receives the engine's log lines (JSON strings); they are dropped when absent. */
  onLog?: (line: string) => void;
}

/** No externally managed tables or enums: Weir's schema owns everything it declares. */
export const NO_FILTERS: bg.SchemaFilter = { externalTables: [], externalEnums: [] };

export class SchemaEngineError extends Error {
  /** Prisma error code (P1001, P3009, …) when the engine gave one. */
  readonly code: string | undefined;

  constructor(message: string, code: string | undefined, cause: unknown) {
    super(message, { cause });
    this.name = 'SchemaEngineError';
    this.code = code;
  }
}

/**
 * Runs fn with a schema engine connected to connectionString. The engine, its connection pools
 * and any shadow database it asked for are always released, whatever fn does.
 * A `schema` query parameter in the URL selects the PostgreSQL schema, as with the Prisma CLI.
 */
export async function withSchemaEngine<T>(
  connectionString: string,
  schema: SchemaFile | readonly SchemaFile[],
  fn: (engine: SchemaEngineSession) => Promise<T>,
  options: SchemaEngineOptions = {},
): Promise<T> {
  await loadEngine();
  const files = Array.isArray(schema) ? schema : [schema as SchemaFile];
  const factory = new TrackedPgFactory(connectionString);
  const adapter = bindMigrationAwareSqlAdapterFactory(factory);
  const onLog = options.onLog ?? (() => {});
  let engine: bg.SchemaEngine | undefined;
  let outcome: { ok: true; value: T } | { ok: false; error: unknown };
  activeSessions++;
  try {
    engine = await guard(adapter, () =>
      bg.SchemaEngine.new({ datamodels: files.map((f) => [f.path, f.content]) }, onLog, adapter),
    );
    outcome = { ok: true, value: await fn(session(engine, adapter)) };
  } catch (error) {
    outcome = { ok: false, error };
  } finally {
    engine?.free();
    activeSessions--;
    if (activeSessions === 0) clearEngineTimers();
  }
  try {
    await factory.disposeAll();
  } catch (cleanupError) {
    if (outcome.ok) throw cleanupError;
    // The caller needs the first failure; the cleanup one is reported alongside it.
    const { error } = outcome;
    if (error instanceof Error) error.message += `\n(cleanup failed too: ${String(cleanupError)})`;
  }
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

// ---------------------------------------------------------------------------------------------
// Loading

// Compiling 5 MB of wasm takes a while; the bindings module holds a single instance anyway.
let loading: Promise<void> | undefined;

function loadEngine(): Promise<void> {
  loading ??= instantiate().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

async function instantiate(): Promise<void> {
  // The package's entry imports the .wasm as an ES module, which Node cannot do: load the
  // bindings and instantiate the binary next to them ourselves.
  const require = createRequire(import.meta.url);
  const bindings = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const bytes = await readFile(bindings.replace(/\.js$/, '.wasm'));
  const { instance } = await WebAssembly.instantiate(bytes, {
    './schema_engine_bg.js': withTrackedTimers(bg),
  });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
}

// The engine arms 10 s timers (a timeout around its queries) and never clears them, which keeps
// a CLI process alive for 10 s after its work is done. Timers are not tied to an engine, so they
// are cleared only once no engine is running.
const engineTimers = new Set<NodeJS.Timeout>();
let activeSessions = 0;

function withTrackedTimers(bindings: typeof bg): WebAssembly.ModuleImports {
  const imports: WebAssembly.ModuleImports = { ...bindings };
  for (const name of Object.keys(bindings)) {
    if (!name.startsWith('__wbg_setTimeout_')) continue;
    imports[name] = (callback: () => void, ms: number) => {
      const timer = setTimeout(() => {
        engineTimers.delete(timer);
        callback();
      }, ms >>> 0);
      engineTimers.add(timer);
      return timer;
    };
  }
  return imports;
}

function clearEngineTimers(): void {
  for (const timer of engineTimers) clearTimeout(timer);
  engineTimers.clear();
}

// Rust panics report their message through this global before trapping; Prisma's client runtime
// installs the same one, so reuse it when present.
interface PanicRegistry {
  set_message(message: string): void;
  message?: string;
}

function panicRegistry(): PanicRegistry {
  const global = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry };
  global.PRISMA_WASM_PANIC_REGISTRY ??= {
    message: '',
    set_message(message: string) {
      this.message = message;
    },
  };
  return global.PRISMA_WASM_PANIC_REGISTRY;
}
panicRegistry();

// ---------------------------------------------------------------------------------------------
// Errors

function session(engine: bg.SchemaEngine, adapter: ErrorCapturingSqlMigrationAwareDriverAdapterFactory) {
  const call =
    <I, O>(method: (input: I) => Promise<O>) =>
    (input: I) =>
      guard(adapter, () => method.call(engine, input));
  return {
    applyMigrations: call(engine.applyMigrations),
    devDiagnostic: call(engine.devDiagnostic),
    diagnoseMigrationHistory: call(engine.diagnoseMigrationHistory),
    diff: call(engine.diff),
    evaluateDataLoss: call(engine.evaluateDataLoss),
    markMigrationApplied: call(engine.markMigrationApplied),
    markMigrationRolledBack: call(engine.markMigrationRolledBack),
    schemaPush: call(engine.schemaPush),
  } satisfies SchemaEngineSession;
}

async function guard<T>(
  adapter: ErrorCapturingSqlMigrationAwareDriverAdapterFactory,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toSchemaEngineError(error, adapter);
  }
}

function toSchemaEngineError(
  error: unknown,
  adapter: ErrorCapturingSqlMigrationAwareDriverAdapterFactory,
): SchemaEngineError {
  if (error instanceof WebAssembly.RuntimeError) {
    const panic = panicRegistry().message || error.message;
    return new SchemaEngineError(`schema engine panicked: ${panic}`, undefined, error);
  }
  const raw =
    error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error);
  const code = (error as { code?: unknown } | null)?.code;
  let message = humanMessage(raw);
  // Errors thrown by our own JS (adapter, shadow database) reach the engine as an id only.
  message = message.replace(/External error id#(\d+)/g, (text, id: string) => {
    const original = adapter.errorRegistry.consumeError(Number(id))?.error;
    return original instanceof Error ? original.message : original === undefined ? text : String(original);
  });
  return new SchemaEngineError(message, typeof code === 'string' ? code : undefined, error);
}

/** The engine's message without its span trace; JSON payloads are reduced to their message. */
function humanMessage(raw: string): string {
  let text = raw.trim();
  if (text.startsWith('{')) {
    try {
      const parsed = JSON.parse(text) as {
        message?: unknown;
        error?: unknown;
        user_facing_error?: { message?: unknown };
      };
      const inner = parsed.user_facing_error?.message ?? parsed.message ?? parsed.error;
      if (typeof inner === 'string') text = inner.trim();
    } catch {
      // Not JSON after all: the text is the message.
    }
  }
  // Span traces look like "\n   0: crate::module::fn\n           with …\n             at file.rs:1".
  // They are noise to a reader, except for which migration was being applied.
  const trace = text.search(/\n\s*0: [\w:]+/);
  if (trace === -1) return text || 'schema engine failed without a message';
  const message = text.slice(0, trace).trim() || 'schema engine failed without a message';
  const migration = /with migration_name="([^"]+)"/.exec(text.slice(trace))?.[1];
  return migration && !message.includes(migration) ? `migration ${migration}: ${message}` : message;
}

// ---------------------------------------------------------------------------------------------
// Connections

const CHAR_OID = 18;
const TEXT_OID = 25;

// adapter-pg 7.10 rejects PostgreSQL's internal "char" type (pg_constraint.contype, …) that the
// engine's schema describer selects, so describing any non-empty schema fails with "Column type
// 'char' could not be deserialized". Its values are one-letter strings: report them as text.
function charAsText<R>(result: R): R {
  for (const part of Array.isArray(result) ? result : [result]) {
    for (const field of (part as { fields?: { dataTypeID: number }[] } | null)?.fields ?? []) {
      if (field.dataTypeID === CHAR_OID) field.dataTypeID = TEXT_OID;
    }
  }
  return result;
}

class CatalogFriendlyClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: pg.Client.query has a dozen overloads to forward.
  override query(...args: any[]): any {
    const last = args.length - 1;
    const callback: unknown = args[last];
    // pg.Pool#query uses the callback form; adapter transactions use the promise form.
    if (typeof callback === 'function') {
      args[last] = (error: unknown, result: unknown) => callback(error, error ? result : charAsText(result));
    }
    const returned = (super.query as (...a: unknown[]) => unknown)(...args);
    return returned instanceof Promise ? returned.then(charAsText) : returned;
  }
}

/**
 * The adapter factory handed to the engine. It keeps every pool it opens so they can be closed
 * after the engine is freed (the engine does not dispose its main connection), and it makes the
 * shadow database itself, because PrismaPg#connectToShadowDb given a connection string connects
 * the "shadow" pool to the main database and would replay every migration there.
 */
class TrackedPgFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres';
  readonly adapterName = '@prisma/adapter-pg';
  private readonly url: URL;
  private readonly schema: string | undefined;
  private readonly cleanups: (() => Promise<void>)[] = [];

  constructor(connectionString: string) {
    if (!URL.canParse(connectionString)) {
      // Not echoed: it may hold a password.
      throw new Error('connectionString is not a URL (expected postgresql://user@host:port/database)');
    }
    this.url = new URL(connectionString);
    this.schema = this.url.searchParams.get('schema') ?? undefined;
    this.url.searchParams.delete('schema');
    if (this.schema) {
      // What the Prisma CLI does for ?schema=: unqualified names in migrations land there.
      const value = `"${this.schema.replaceAll('"', '""')}"`.replace(/[\\ ]/g, '\\$&'); // libpq options escaping
      const searchPath = `-c search_path=${value}`;
      const existing = this.url.searchParams.get('options');
      this.url.searchParams.set('options', existing ? `${existing} ${searchPath}` : searchPath);
    }
  }

  async connect(): Promise<SqlDriverAdapter> {
    return this.open(this.url.toString());
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const base = decodeURIComponent(this.url.pathname.slice(1)) || 'postgres';
    const suffix = `_shadow_${randomBytes(4).toString('hex')}`;
    const name = `${base.slice(0, 63 - suffix.length)}${suffix}`;
    await this.admin(`CREATE DATABASE ${quoteIdent(name)}`);
    let dropped = false;
    const drop = async () => {
      if (dropped) return;
      dropped = true;
      await this.admin(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
    };
    // Registered before the pool so the pool is ended first (cleanups run last-in first-out).
    this.cleanups.push(drop);
    const shadowUrl = new URL(this.url);
    shadowUrl.pathname = `/${encodeURIComponent(name)}`;
    const adapter = await this.open(shadowUrl.toString());
    return withDispose(adapter, async () => {
      await adapter.dispose();
      await drop();
    });
  }

  /** Closes whatever the engine left open, newest first; reports the first failure. */
  async disposeAll(): Promise<void> {
    let failure: unknown;
    for (const cleanup of this.cleanups.splice(0).reverse()) {
      await cleanup().catch((error: unknown) => {
        failure ??= error;
      });
    }
    if (failure !== undefined) throw failure;
  }

  private async open(connectionString: string): Promise<SqlDriverAdapter> {
    const pool = new pg.Pool({ connectionString, Client: CatalogFriendlyClient });
    let ended = false;
    const end = async () => {
      if (ended) return;
      ended = true;
      await pool.end();
    };
    this.cleanups.push(end);
    const inner = await new PrismaPg(pool, this.schema ? { schema: this.schema } : undefined).connect();
    return withDispose(
      inner,
      async () => {
        await inner.dispose();
        await end();
      },
      {
        // adapter-pg splits scripts on every ";", which breaks string literals and function
        // bodies. A parameterless query goes out as one simple-protocol message instead, which
        // PostgreSQL runs as one implicit transaction, as the native engine does.
        executeScript: async (script: string) => {
          await inner.executeRaw({ sql: script, args: [], argTypes: [] });
        },
      },
    );
  }

  private async admin(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: this.url.toString() });
    client.on('error', () => {}); // a dying admin connection surfaces through query() instead
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}

function withDispose(
  adapter: SqlDriverAdapter,
  dispose: () => Promise<void>,
  overrides: Partial<Pick<SqlDriverAdapter, 'executeScript'>> = {},
): SqlDriverAdapter {
  const wrapped: SqlDriverAdapter = {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query) => adapter.queryRaw(query),
    executeRaw: (query) => adapter.executeRaw(query),
    executeScript: (script) => adapter.executeScript(script),
    startTransaction: (isolationLevel) => adapter.startTransaction(isolationLevel),
    dispose,
    ...overrides,
  };
  // Carries the ?schema= choice to the engine (it reads the schema name from here).
  const connectionInfo = adapter.getConnectionInfo?.bind(adapter);
  if (connectionInfo) wrapped.getConnectionInfo = connectionInfo;
  return wrapped;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
