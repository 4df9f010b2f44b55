// Owns `weir collector`: the event collector (POST /api/v1/events) on a plain HTTP server, the
// same handler the web app serves, for running more of them behind a load balancer than there
// are web servers. Needs PostgreSQL (write keys) and the event bus (Redis).
import { createLogger, loadConfig } from '@weir/config';
import { createRawSql } from '@weir/db';
import {
  CachedSources,
  COLLECTOR_PATH,
  EventSources,
  openEventBus,
  RegistryPropertiesValidator,
  startCollectorServer,
} from '@weir/pipeline';
import { redisAddress } from '@weir/queue';
import type { Command } from 'commander';
import { CliError } from '../errors.ts';
import { untilSignal } from '../runtime.ts';
import { requireDatabase, requireRedis } from '../services/connect.ts';
import { resolveEventBusUrl } from '../services/event-bus.ts';
import { wholeNumber } from './output.ts';

export const DEFAULT_COLLECTOR_PORT = 3100;

export function registerCollectorCommand(program: Command): void {
  program
    .command('collector')
    .description(`serve the event collector alone (POST ${COLLECTOR_PATH}), for scale-out`)
    .option(
      '-p, --port <port>',
      `port (default WEIR_COLLECTOR_PORT or ${DEFAULT_COLLECTOR_PORT}; 0 for any free one)`,
    )
    .option('--host <host>', 'address to listen on (default WEIR_WEB_HOST, as the web app)')
    .action(async (opts: { port?: string; host?: string }) => {
      const config = loadConfig();
      const port = wholeNumber(
        opts.port ?? process.env.WEIR_COLLECTOR_PORT ?? String(DEFAULT_COLLECTOR_PORT),
        '--port',
        0,
      );
      if (port > 65535) throw new CliError(`--port must be at most 65535, got ${port}`, 2);
      const host = opts.host ?? config.web.host;
      const logger = createLogger('collector', config.logLevel);
      const databaseUrl = await requireDatabase(config);
      const redisUrl = await requireRedis(config);
      const sql = createRawSql(databaseUrl);
      const busUrl = await resolveEventBusUrl(config, redisUrl);
      const bus = openEventBus(config, busUrl);
      // Events are checked against the registry's schemas, loaded before the first request.
      const validator = new RegistryPropertiesValidator(sql, {
        refreshMs: config.schemaRefreshMs,
        onRefreshError: (error) =>
          logger.warn({ err: (error as Error).message }, 'schema registry refresh failed'),
      });
      await validator.start();
      const server = await startCollectorServer(
        { bus, sources: new CachedSources(new EventSources(sql)), validator, log: logger },
        { port, host },
      ).catch(async (error: NodeJS.ErrnoException) => {
        validator.stop();
        await bus.close();
        await sql.end();
        if (error.code === 'EADDRINUSE')
          throw new CliError(`port ${port} is in use on ${host}: stop what listens there, or pass --port`);
        throw error;
      });
      logger.info(
        {
          url: `${server.url}${COLLECTOR_PATH}`,
          bus: redisAddress(busUrl),
          partitions: config.eventBus.partitions,
        },
        'collector listening',
      );
      // Accepted means on the bus: say when the bus would lose it on a restart.
      const durability = await bus.durability().catch(() => null);
      if (durability && (durability.level === 'none' || durability.level === 'snapshot'))
        logger.warn({ level: durability.level }, `event bus: ${durability.description}`);
      // On stdout too, for whoever started it by hand (and for tests that start it on port 0).
      process.stdout.write(`collector listening on ${server.url}${COLLECTOR_PATH}\n`);
      await untilSignal();
      await server.close();
      validator.stop();
      await bus.close();
      await sql.end();
      logger.info('collector stopped');
    });
}
