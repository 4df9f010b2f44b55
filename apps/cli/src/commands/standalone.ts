// Owns `weir standalone` (what `npm start` runs): finds or starts PostgreSQL and Redis, migrates,
// creates the first admin of a new installation (printing its password once, as `airflow
// standalone` does), and runs every component with prefixed logs until Ctrl-C.
import { ensureInitialAdmin } from '@weir/auth';
import { loadConfig, redactUrl } from '@weir/config';
import { createRawSql } from '@weir/db';
import { applyMigrations, generateClient } from '@weir/db/tooling';
import { evictionWarning, pingRedis } from '@weir/queue';
import type { Command } from 'commander';
import { installRoot, paths, resolveFromCwd } from '../paths.ts';
import { assertPortFree } from '../process/port-check.ts';
import { type ComponentSpec, Supervisor } from '../process/supervisor.ts';
import { secretKeyFile, standaloneSecretKey } from '../secret-key.ts';
import { checkConfiguredDatabase, checkConfiguredRedis } from '../services/connect.ts';
import { eventBusDurabilityLine, resolveEventBusUrl } from '../services/event-bus.ts';
import {
  findLocalPostgres,
  findRunningEmbeddedPostgres,
  startEmbeddedPostgres,
} from '../services/local-postgres.ts';
import { findLocalRedis, findRunningOwnRedis, startOwnRedis } from '../services/local-redis.ts';

type Stop = () => Promise<void>;

export function registerStandaloneCommand(program: Command): void {
  program
    .command('standalone')
    .description('run all of Weir on this machine, starting PostgreSQL and Redis when none are configured')
    .option('--dev', 'run the web UI in development mode (hot reload)')
    .action(async (opts: { dev?: boolean }) => {
      const config = loadConfig();
      const home = resolveFromCwd(config.home);
      const say = (line: string) => process.stdout.write(`weir | ${line}\n`);
      const cleanups: Stop[] = [];
      const cleanup = async () => {
        for (const stop of cleanups.reverse()) await stop().catch(() => {});
      };

      await assertPortFree(config.web.port, config.web.host);
      try {
        const databaseUrl = await resolveDatabase(
          config.databaseUrl,
          config.connectTimeoutMs,
          home,
          say,
          cleanups,
        );
        const redisUrl = await resolveRedis(config.redisUrl, config.connectTimeoutMs, home, say, cleanups);
        const busUrl = await resolveEventBusUrl(config, redisUrl);
        say(await eventBusDurabilityLine(busUrl, config.eventBus.partitions));

        const generated = await generateClient({
          schemaPath: paths.schema,
          outputDir: paths.generatedClient,
          cwd: installRoot,
        });
        if (generated.generated) say(`generated the Prisma client in ${Math.round(generated.ms)} ms`);
        const migrated = await applyMigrations({
          connectionString: databaseUrl,
          migrationsDir: paths.migrations,
          schemaPath: paths.schema,
        });
        say(
          migrated.applied.length
            ? `applied migrations: ${migrated.applied.join(', ')}`
            : 'database schema is up to date',
        );

        const secret = standaloneSecretKey(config, home);
        if (secret.source !== 'environment')
          say(
            `WEIR_SECRET_KEY is unset: ${secret.source === 'generated' ? 'generated one in' : 'using the one in'} ${secretKeyFile(home)} (stored connections are encrypted with it; keep it)`,
          );
        const initialAdmin = await createInitialAdmin(databaseUrl);
        const env = {
          DATABASE_URL: databaseUrl,
          REDIS_URL: redisUrl,
          WEIR_HOME: home,
          WEIR_SECRET_KEY: secret.key,
        };
        const weir = (name: string, ...args: string[]): ComponentSpec => ({
          name,
          command: process.execPath,
          args: [paths.weirBin, ...args],
          env,
        });
        const supervisor = new Supervisor([
          weir('scheduler', 'scheduler'),
          weir('worker', 'worker'),
          weir('web', 'web', ...(opts.dev ? ['--dev'] : [])),
        ]);
        supervisor.start();
        say(`starting the web UI on port ${config.web.port} (the first start builds it: a minute or two)…`);
        let signalled = false;
        // The URL (and the first admin's password) once the UI answers, so it opens when followed.
        void untilAnswers(
          `http://${probeHost(config.web.host)}:${config.web.port}/api/health`,
          () => signalled,
        ).then((answered) => {
          if (!answered) return;
          say(
            `web UI and API on http://localhost:${config.web.port} (health: /api/health). Ctrl-C stops everything.`,
          );
          // A fresh install has no events: say how to get some, so the pipeline pages show data.
          say('demo data: npx weir demo events, then npx weir pipeline run');
          if (initialAdmin)
            say(
              `Weir UI: http://localhost:${config.web.port}  user ${initialAdmin.username}  password ${initialAdmin.password} (shown once; change it with weir users set-password ${initialAdmin.username})`,
            );
        });

        const onSignal = (signal: NodeJS.Signals) => {
          if (signalled) return;
          signalled = true;
          say(`${signal}: stopping…`);
          void supervisor.stop(0);
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        process.exitCode = await supervisor.done;
      } finally {
        await cleanup();
        say('stopped');
      }
    });
}

/** Waits until the URL answers at all (any status); false when told to stop first. */
async function untilAnswers(url: string, stopped: () => boolean): Promise<boolean> {
  while (!stopped()) {
    const answered = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      () => true,
      () => false,
    );
    if (answered) return true;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}

/** Where this machine reaches a server bound to `host` (all interfaces: loopback). */
function probeHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** The first admin when the database has no users yet; null afterwards. */
async function createInitialAdmin(
  databaseUrl: string,
): Promise<{ username: string; password: string } | null> {
  const sql = createRawSql(databaseUrl, { maxConnections: 1 });
  try {
    return await ensureInitialAdmin(sql);
  } finally {
    await sql.end();
  }
}

async function resolveDatabase(
  configured: string | undefined,
  timeoutMs: number,
  home: string,
  say: (line: string) => void,
  cleanups: Stop[],
): Promise<string> {
  if (configured) {
    await checkConfiguredDatabase(configured, timeoutMs);
    say(`database: ${redactUrl(configured)} (DATABASE_URL)`);
    return configured;
  }
  const local = await findLocalPostgres();
  if (local) {
    say(`database: PostgreSQL on 127.0.0.1:5432, database "weir" (DATABASE_URL is unset)`);
    return local;
  }
  const running = await findRunningEmbeddedPostgres(home);
  if (running) {
    say(`database: embedded PostgreSQL already running at ${redactUrl(running)}`);
    return running;
  }
  say(`database: nothing on 127.0.0.1:5432; starting embedded PostgreSQL under ${home}/postgres`);
  const embedded = await startEmbeddedPostgres(home, (line) => process.stdout.write(`postgres | ${line}\n`));
  cleanups.push(() => embedded.stop());
  say(`database: embedded PostgreSQL at ${redactUrl(embedded.url)}`);
  return embedded.url;
}

async function resolveRedis(
  configured: string | undefined,
  timeoutMs: number,
  home: string,
  say: (line: string) => void,
  cleanups: Stop[],
): Promise<string> {
  let url: string;
  if (configured) {
    await checkConfiguredRedis(configured, timeoutMs);
    say(`redis: ${redactUrl(configured)} (REDIS_URL)`);
    url = configured;
  } else {
    const found = (await findLocalRedis()) ?? (await findRunningOwnRedis(home));
    if (found) {
      say(`redis: ${found} (REDIS_URL is unset)`);
      url = found;
    } else {
      say(`redis: nothing on 127.0.0.1:6379; starting redis-server under ${home}/redis`);
      const own = await startOwnRedis(home, (line) => process.stdout.write(`redis | ${line}\n`));
      cleanups.push(() => own.stop());
      url = own.url;
    }
  }
  const ping = await pingRedis(url, timeoutMs);
  const warning = ping.ok ? evictionWarning(ping.maxmemoryPolicy) : undefined;
  if (warning) say(`warning: ${warning}`);
  return url;
}
