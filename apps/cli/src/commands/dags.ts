// Owns `weir dags …`: list, trigger, pause, unpause and test DAGs (reading runs: dags-read.ts).
import { loadConfig } from '@weir/config';
import { listDagWarnings } from '@weir/engine';
import type { Command } from 'commander';
import { CliError } from '../errors.ts';
import { asCliError, withDatabase, withRuntime } from '../runtime.ts';
import { dagsFolder, refreshDagFolder } from './dag-folder.ts';
import { registerDagsCheckCommand } from './dags-check.ts';
import { registerDagsVersionsCommand } from './dags-versions.ts';
import { testDag } from './dags-test.ts';
import { jsonObjectOption, oneLine, printJson, printTable } from './output.ts';

export function registerDagsCommands(program: Command): void {
  const dags = program
    .command('dags')
    .description('list, show, trigger, pause, test and delete DAGs, and read their runs');
  registerDagsCheckCommand(dags);
  registerDagsVersionsCommand(dags);

  dags
    .command('list')
    .description(
      'DAGs with schedule, paused state, DAG warnings and import errors (parses new and changed files in the DAG folder first)',
    )
    .option('--json', 'print a JSON array of { dagId, schedule, paused, fileloc, warnings }')
    .action(async (opts: { json?: boolean }) => {
      await withDatabase(async (db, config) => {
        await refreshDagFolder(db, config);
        const rows = await db.dag.findMany({
          where: { isActive: true },
          orderBy: { dagId: 'asc' },
          select: { dagId: true, schedule: true, isPaused: true, fileloc: true },
        });
        const errors = await db.importError.findMany({ orderBy: { fileloc: 'asc' } });
        // A task naming a missing pool, and the like (dag_warning): per DAG, kept for the UI.
        const dagWarnings = await listDagWarnings(db);
        if (opts.json) {
          const list = rows.map((r) => ({
            dagId: r.dagId,
            schedule: r.schedule,
            paused: r.isPaused,
            fileloc: r.fileloc,
            warnings: dagWarnings
              .filter((w) => w.dagId === r.dagId)
              .map((w) => ({ kind: w.kind, message: w.message, since: w.createdAt.toISOString() })),
          }));
          printJson(list);
          return;
        }
        if (rows.length === 0 && errors.length === 0) {
          process.stdout.write(
            `no DAGs found in ${dagsFolder(config)} (set WEIR_DAGS_FOLDER to the folder of your DAG files)\n`,
          );
          return;
        }
        printTable(
          ['dag_id', 'schedule', 'paused', 'fileloc'],
          rows.map((r) => [r.dagId, r.schedule ?? 'None', String(r.isPaused), r.fileloc]),
        );
        if (dagWarnings.length > 0) {
          process.stdout.write(`\nDAG warnings (${dagWarnings.length}):\n`);
          for (const w of dagWarnings) process.stdout.write(`  ${w.dagId}: ${w.message}\n`);
        }
        // One line each (`dags/x.ts:12:7: message`); the stack stays in import_error.stack_trace.
        // A file's warning (a DAG it creates but does not export) shares the row, marked `warning:`.
        const warnings = errors.filter((e) => e.message.startsWith('warning: '));
        const failures = errors.filter((e) => !e.message.startsWith('warning: '));
        for (const [title, list] of [
          ['import errors', failures],
          ['warnings', warnings],
        ] as const) {
          if (list.length === 0) continue;
          process.stdout.write(`\n${title} (${list.length}):\n`);
          for (const e of list) process.stdout.write(`  ${oneLine(e.message)}\n`);
        }
      });
    });

  dags
    .command('trigger')
    .description('create a manual run')
    .argument('<dagId>')
    .option('--conf <json>', 'run configuration, validated against the DAG params')
    .option('--logical-date <iso>', 'logical date (default: now)')
    .action(async (dagId: string, opts: { conf?: string; logicalDate?: string }) => {
      await withRuntime(async (runtime) => {
        const run = await runtime.engine.trigger({
          dagId,
          conf: parseConf(opts.conf),
          ...(opts.logicalDate ? { logicalDate: parseDate(opts.logicalDate, '--logical-date') } : {}),
          triggeredBy: 'cli',
        });
        process.stdout.write(`created run ${run.runId} of DAG ${dagId}\n`);
        if (run.dagPaused)
          process.stdout.write(
            `DAG ${dagId} is paused: the run waits, queued, until it is unpaused (weir dags unpause ${dagId})\n`,
          );
      });
    });

  for (const [name, paused] of [
    ['pause', true],
    ['unpause', false],
  ] as const) {
    dags
      .command(name)
      .description(paused ? 'stop creating and advancing runs of a DAG' : 'resume a paused DAG')
      .argument('<dagId>')
      .action(async (dagId: string) => {
        await withRuntime(async (runtime) => {
          if (!(await runtime.engine.setPaused(dagId, paused)))
            throw new CliError(`DAG "${dagId}" not found`);
          process.stdout.write(`DAG ${dagId} is ${paused ? 'paused' : 'unpaused'}\n`);
        });
      });
  }

  dags
    .command('test')
    .description(
      'run one DagRun end-to-end in this process, with the real engine (no scheduler or worker needed)',
    )
    .argument('<dagId>')
    .option('--logical-date <iso>', 'logical date of the run (default: now)')
    .option('--conf <json>', 'run configuration')
    .option('--json', 'print one JSON object: { dagId, runId, state, tasks: [...] }')
    .option('--dags-folder <dir>', 'DAG folder (default WEIR_DAGS_FOLDER)')
    .action(
      async (
        dagId: string,
        opts: { logicalDate?: string; conf?: string; json?: boolean; dagsFolder?: string },
      ) => {
        const report = await testDag(loadConfig(), {
          dagId,
          conf: parseConf(opts.conf),
          ...(opts.logicalDate ? { logicalDate: parseDate(opts.logicalDate, '--logical-date') } : {}),
          ...(opts.dagsFolder ? { dagsFolder: opts.dagsFolder } : {}),
          json: opts.json ?? false,
        }).catch((error: unknown) => {
          throw asCliError(error);
        });
        if (opts.json) process.stdout.write(`${JSON.stringify(report)}\n`);
        else {
          process.stdout.write(`DagRun ${report.runId} of ${report.dagId}: ${report.state}\n`);
          printTable(
            ['task_id', 'map_index', 'state', 'try_number'],
            report.tasks.map((t) => [t.taskId, String(t.mapIndex), t.state, String(t.tryNumber)]),
          );
        }
        process.exitCode = report.state === 'success' ? 0 : 1;
      },
    );
}

export function parseConf(text: string | undefined): Record<string, unknown> {
  return text === undefined ? {} : jsonObjectOption(text, '--conf');
}

function parseDate(text: string, option: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime()))
    throw new CliError(`${option} "${text}" is not an ISO date such as 2026-01-01T00:00:00Z`, 2);
  return date;
}
