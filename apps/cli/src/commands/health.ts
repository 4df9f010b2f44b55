// Owns `weir health`: exits 0 when PostgreSQL and Redis answer (used by container healthchecks),
// and says what the event bus's persistence promises (a warning, not a failure, when it has none).
import { loadConfig } from '@weir/config';
import type { Command } from 'commander';
import { requireDatabase, requireRedis } from '../services/connect.ts';
import { eventBusDurabilityLine, resolveEventBusUrl } from '../services/event-bus.ts';

export function registerHealthCommand(program: Command): void {
  program
    .command('health')
    .description(
      'check that PostgreSQL and Redis answer (exit code 0 when both do), and say what the event bus keeps if its Redis restarts',
    )
    .action(async () => {
      const config = loadConfig();
      await requireDatabase(config);
      const redisUrl = await requireRedis(config);
      const busUrl = await resolveEventBusUrl(config, redisUrl);
      const bus = await eventBusDurabilityLine(busUrl, config.eventBus.partitions);
      process.stdout.write(`database: ok\nredis: ok\n${bus}\n`);
    });
}
