// Owns `weir web`: serves the Next.js UI and REST API, building it first when its sources changed.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig, requireSecretKey } from '@weir/config';
import { createRawSql } from '@weir/db';
import { ComponentHeartbeat } from '@weir/engine';
import type { Command } from 'commander';
import { paths } from '../paths.ts';
import { assertPortFree } from '../process/port-check.ts';
import { requireDatabase, requireRedis } from '../services/connect.ts';
import { buildWeb, nextBin, webBuildIsCurrent } from '../web/build.ts';

export function registerWebCommand(program: Command): void {
  program
    .command('web')
    .description('serve the web UI and REST API (builds the UI first when needed)')
    .option('--dev', 'run Next.js in development mode (hot reload)')
    .option('-p, --port <port>', 'port (default WEIR_WEB_PORT or 3000)')
    .action(async (opts: { dev?: boolean; port?: string }) => {
      const config = loadConfig();
      requireSecretKey(config, 'web server');
      const port = opts.port ? Number(opts.port) : config.web.port;
      await assertPortFree(port, config.web.host);
      const databaseUrl = await requireDatabase(config);
      const redisUrl = await requireRedis(config);
      if (!opts.dev && !webBuildIsCurrent()) {
        process.stdout.write('building the web UI (first start, or its sources changed)…\n');
        await buildWeb((line) => process.stdout.write(`${line}\n`));
      }
      // Next.js runs in the web app's folder: the alerts file (the DAG details page shows where
      // a DAG's alerts go) is named by absolute path, from where `weir web` was started.
      const alertsFile = resolve(config.alerts.file ?? 'alerts.yaml');
      const child = spawn(
        process.execPath,
        [nextBin(), opts.dev ? 'dev' : 'start', '--port', String(port), '--hostname', config.web.host],
        {
          cwd: paths.webApp,
          env: {
            ...process.env,
            DATABASE_URL: databaseUrl,
            REDIS_URL: redisUrl,
            ...(config.alerts.file !== undefined || existsSync(alertsFile) ? { WEIR_ALERTS_FILE: alertsFile } : {}),
            NEXT_TELEMETRY_DISABLED: '1',
          },
          stdio: 'inherit',
        },
      );
      // The web server's heartbeat row (the dashboard and the unhealthy check read them).
      const sql = createRawSql(databaseUrl);
      const heartbeat = new ComponentHeartbeat({
        sql,
        component: 'web',
        intervalMs: config.worker.heartbeatMs,
      });
      await heartbeat.start().catch(() => undefined);
      const forward = (signal: NodeJS.Signals) => child.kill(signal);
      process.on('SIGINT', forward);
      process.on('SIGTERM', forward);
      const code = await new Promise<number>((resolve) =>
        child.on('exit', (c, s) => resolve(c ?? (s ? 0 : 1))),
      );
      await heartbeat.stop();
      await sql.end();
      process.exitCode = code;
    });
}
