// Owns the Weir that browser and API tests run against: a private database and Redis prefix, a
// DAG folder, and `weir scheduler`, `weir worker` and `weir web` (the production build) on a free
// port, started once the test's users exist and ready when /api/health answers.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRawSql, type RawSqlPool } from '@weir/db';
import {
  createTestDatabase,
  createTestRedis,
  freePort,
  startWeir,
  stopWeir,
  TEST_SECRET_KEY,
  type TestDatabase,
  type WeirProcess,
} from '@weir/testing';

export interface WeirStack {
  readonly url: string;
  readonly env: Record<string, string>;
  readonly database: TestDatabase;
  readonly dagsFolder: string;
  /** The test's own connection to the private database (for users, seeding, the audit log). */
  readonly sql: RawSqlPool;
  output(): string;
  close(): Promise<void>;
}

/** The first start builds the UI (next build), hence the long wait. */
const WEB_READY_MS = 580_000;

export async function startWeirStack(
  dags: Record<string, string>,
  seed: (sql: RawSqlPool) => Promise<void>,
): Promise<WeirStack> {
  const database = await createTestDatabase();
  const redis = createTestRedis();
  const dagsFolder = mkdtempSync(join(tmpdir(), 'weir-e2e-dags-'));
  for (const [name, source] of Object.entries(dags)) writeFileSync(join(dagsFolder, name), source);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    WEIR_QUEUE_PREFIX: redis.prefix,
    WEIR_DAGS_FOLDER: dagsFolder,
    WEIR_SECRET_KEY: TEST_SECRET_KEY,
    WEIR_DAGS_PAUSED_AT_CREATION: 'false',
    WEIR_SCHEDULER_TICK_MS: '500',
    WEIR_WORKER_CONCURRENCY: '2',
    WEIR_LOG_LEVEL: 'warn',
    WEIR_WEB_PORT: String(port),
    WEIR_WEB_HOST: '127.0.0.1',
    WEIR_BASE_URL: url,
  };
  const sql = createRawSql(database.url);
  await seed(sql);
  const web = startWeir(['web'], env);
  const processes: WeirProcess[] = [startWeir(['scheduler'], env), startWeir(['worker'], env), web];
  const output = () => processes.map((p) => p.output()).join('\n');
  const close = async () => {
    await stopWeir(processes);
    await sql.end();
    await database.drop();
    await redis.cleanup();
    rmSync(dagsFolder, { recursive: true, force: true });
  };
  try {
    await waitForWeb(url, web);
  } catch (error) {
    await close();
    throw error;
  }
  return { url, env, database, dagsFolder, sql, output, close };
}

async function waitForWeb(url: string, web: WeirProcess): Promise<void> {
  const deadline = Date.now() + WEB_READY_MS;
  for (;;) {
    const ok = await fetch(`${url}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (web.child.exitCode !== null) throw new Error(`weir web exited:\n${web.output()}`);
    if (Date.now() > deadline) throw new Error(`weir web did not answer:\n${web.output()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
