// Owns `weir assets …`: the assets DAGs name, with their lineage, their events, and recording an
// external update (Airflow's asset materialize API) that triggers the DAGs scheduled on it.
import { listAssetEvents, listAssets } from '@weir/engine';
import type { Command } from 'commander';
import { CliError } from '../errors.ts';
import { withRuntime } from '../runtime.ts';
import { jsonObjectOption, printTable } from './output.ts';

export function registerAssetsCommands(program: Command): void {
  const assets = program.command('assets').description('list assets, their events, and record an update');

  assets
    .command('list')
    .description('assets with the tasks that update them and the DAGs scheduled on them')
    .option('--json', 'print a JSON array of { uri, name, group, producers, consumers, events, lastEventAt }')
    .action(async (opts: { json?: boolean }) => {
      await withRuntime(async (runtime) => {
        const list = await listAssets(runtime.db);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
          return;
        }
        if (list.length === 0) {
          process.stdout.write('no assets: no DAG names one (asset(uri) in outlets or schedule)\n');
          return;
        }
        printTable(
          ['uri', 'produced by', 'schedules', 'events', 'last event'],
          list.map((a) => [
            a.uri,
            a.producers.map((p) => `${p.dagId}.${p.taskId}`).join(', ') || '-',
            a.consumers.join(', ') || '-',
            String(a.events),
            a.lastEventAt?.toISOString() ?? '-',
          ]),
        );
      });
    });

  assets
    .command('events')
    .description("an asset's events, newest first, with the runs that consumed each")
    .argument('<uri>')
    .option('--limit <n>', 'most events to show', '50')
    .option('--json', 'print a JSON array of { id, uri, timestamp, extra, source, consumedBy }')
    .action(async (uri: string, opts: { limit: string; json?: boolean }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1)
        throw new CliError(`--limit must be a whole number ≥ 1, got "${opts.limit}"`, 2);
      await withRuntime(async (runtime) => {
        const events = await listAssetEvents(runtime.db, uri, limit);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(events, null, 2)}\n`);
          return;
        }
        printTable(
          ['id', 'timestamp', 'source', 'extra', 'consumed by'],
          events.map((e) => [
            String(e.id),
            e.timestamp.toISOString(),
            e.source ? `${e.source.dagId}/${e.source.runId}/${e.source.taskId}` : 'external',
            JSON.stringify(e.extra),
            e.consumedBy.map((c) => `${c.dagId}/${c.runId}`).join(', ') || '-',
          ]),
        );
      });
    });

  assets
    .command('touch')
    .description('record an update of an asset made outside Weir; DAGs scheduled on it run when due')
    .argument('<uri>')
    .option('--extra <json>', 'metadata for the event, a JSON object (for example the partition written)')
    .option('--json', 'print { event, runs } as JSON')
    .action(async (uri: string, opts: { extra?: string; json?: boolean }) => {
      const extra = opts.extra === undefined ? {} : jsonObjectOption(opts.extra, '--extra');
      await withRuntime(async (runtime) => {
        const { event, runs } = await runtime.engine.touchAsset(uri, extra);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ event, runs }, null, 2)}\n`);
          return;
        }
        process.stdout.write(
          `recorded event ${event.id} of asset ${uri} at ${event.timestamp.toISOString()}\n`,
        );
        for (const run of runs) process.stdout.write(`created run ${run.runId} of DAG ${run.dagId}\n`);
      });
    });
}
