// Owns `weir health`: exits 0 when PostgreSQL and Redis answer (used by container healthchecks).
import { loadConfig } from '@weir/config';
import type { Command } from 'commander';
import { requireDatabase, requireRedis } from '../services/connect.ts';

export function registerHealthCommand(program: Command): void {
  program
    .command('health')
    .description('check that PostgreSQL and Redis answer; exit code 0 when both do')
    .action(async () => {
      const config = loadConfig();
      await requireDatabase(config);
      await requireRedis(config);
      process.stdout.write('database: ok\nredis: ok\n');
    });
}
