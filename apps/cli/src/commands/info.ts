// Owns `weir info` (Airflow's `airflow info`): versions of Weir, Node.js, PostgreSQL and Redis,
// where each service was found and whether it answered, and the configuration with secrets
// masked. It reports a service that does not answer instead of failing, since that is when
// people run it.
import { describeConfig, loadConfig, maskConfigValue } from '@weir/config';
import { pingDatabase } from '@weir/db';
import { pingRedis } from '@weir/queue';
import type { Command } from 'commander';
import { installRoot } from '../paths.ts';
import {
  type LocatedService,
  locateDatabase,
  locateRedis,
  NO_DATABASE,
  NO_REDIS,
} from '../services/connect.ts';
import { weirVersion } from '../version.ts';
import { dagsFolder } from './dag-folder.ts';
import { printJson, printTable } from './output.ts';

interface ServiceReport {
  readonly url: string | null;
  readonly foundBy: string | null;
  readonly answered: boolean;
  readonly version: string | null;
  readonly detail: string;
}

export function registerInfoCommand(program: Command): void {
  program
    .command('info')
    .description('versions, where PostgreSQL and Redis were found, and the configuration (secrets masked)')
    .option('--json', 'print one JSON object: { weir, node, paths, postgres, redis, config }')
    .action(async (opts: { json?: boolean }) => {
      const config = loadConfig();
      const timeoutMs = Math.min(config.connectTimeoutMs, 5_000);
      const [postgres, redis] = await Promise.all([
        locateDatabase(config).then((found) =>
          report(found, NO_DATABASE, async (url) => {
            const ping = await pingDatabase(url, timeoutMs);
            return ping.ok
              ? { ok: true, version: ping.version, detail: `answered in ${Math.round(ping.latencyMs)} ms` }
              : { ok: false, detail: ping.error };
          }),
        ),
        locateRedis(config).then((found) =>
          report(found, NO_REDIS, async (url) => {
            const ping = await pingRedis(url, timeoutMs);
            return ping.ok
              ? {
                  ok: true,
                  version: ping.version,
                  detail: `answered in ${Math.round(ping.latencyMs)} ms, maxmemory-policy ${ping.maxmemoryPolicy ?? 'unknown'}`,
                }
              : { ok: false, detail: ping.error };
          }),
        ),
      ]);
      const paths = {
        installation: installRoot.replace(/\/$/, ''),
        dagsFolder: dagsFolder(config),
        cwd: process.cwd(),
      };
      const entries = describeConfig(process.env);
      if (opts.json) {
        printJson({
          weir: weirVersion,
          node: process.version,
          platform: `${process.platform} ${process.arch}`,
          paths,
          postgres,
          redis,
          config: entries,
        });
        return;
      }
      process.stdout.write('Weir\n');
      printTable(
        ['what', 'value'],
        [
          ['weir', weirVersion],
          ['node', process.version],
          ['platform', `${process.platform} ${process.arch}`],
          ['installation', paths.installation],
          ['dags folder', paths.dagsFolder],
          ['working directory', paths.cwd],
        ],
      );
      process.stdout.write('\nServices\n');
      printTable(
        ['service', 'version', 'address', 'found by', 'status'],
        (
          [
            ['PostgreSQL', postgres],
            ['Redis', redis],
          ] as const
        ).map(([name, s]) => [
          name,
          s.version ?? '-',
          s.url ?? '-',
          s.foundBy ?? '-',
          `${s.answered ? 'ok' : 'not answering'}: ${s.detail}`,
        ]),
      );
      process.stdout.write('\nConfiguration (secrets masked)\n');
      printTable(
        ['variable', 'value', 'source'],
        entries.map((e) => [e.name, e.value ?? '', e.source]),
      );
    });
}

async function report(
  found: LocatedService | undefined,
  missing: string,
  ping: (url: string) => Promise<{ ok: boolean; version?: string; detail: string }>,
): Promise<ServiceReport> {
  if (!found) return { url: null, foundBy: null, answered: false, version: null, detail: missing };
  const result = await ping(found.url);
  return {
    url: maskConfigValue('URL', found.url),
    foundBy: found.foundBy,
    answered: result.ok,
    version: result.version ?? null,
    detail: result.detail,
  };
}
