// Owns `weir dags versions <dagId>`: the DAG's versions (Airflow 3's), the runs created with and
// tries run on each, and the source of any version with --code.
import { dagVersion, listDagVersions } from '@weir/engine';
import type { Command } from 'commander';
import { withDatabase } from '../runtime.ts';
import { cell, positiveInt, printJson, printTable } from './output.ts';

export function registerDagsVersionsCommand(dags: Command): void {
  dags
    .command('versions')
    .description(
      'versions of a DAG (each distinct definition), newest first; --code N prints one version’s source',
    )
    .argument('<dagId>')
    .option('--code <n>', "print version N's file source (and nothing else)")
    .option(
      '--json',
      'print a JSON array of { versionNumber, serializedHash, fileloc, createdAt, tasks, runs, tries, current }',
    )
    .action(async (dagId: string, opts: { code?: string; json?: boolean }) => {
      await withDatabase(async (db) => {
        if (opts.code !== undefined) {
          const version = await dagVersion(db, dagId, positiveInt(opts.code, '--code'));
          if (opts.json) return printJson(version);
          process.stdout.write(
            version.source ?? `(no source was stored for version ${version.versionNumber})\n`,
          );
          return;
        }
        const versions = await listDagVersions(db, dagId);
        if (opts.json) return printJson(versions);
        printTable(
          ['version', 'hash', 'created', 'tasks', 'runs', 'tries', ''],
          versions.map((v) => [
            String(v.versionNumber),
            v.serializedHash.slice(0, 12),
            cell(v.createdAt),
            String(v.tasks),
            String(v.runs),
            String(v.tries),
            v.current ? 'current' : '',
          ]),
        );
      });
    });
}
