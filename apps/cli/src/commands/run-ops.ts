// Owns the operator commands on existing runs: `weir dags backfill`, `weir backfills list` and
// `cancel`, `weir tasks clear`, `weir tasks mark` and `weir dags mark`.
import {
  cancelBackfill,
  listBackfills,
  MARK_STATES,
  type MarkState,
  type Reprocess,
  type RunMarkState,
} from '@weir/engine';
import type { Command } from 'commander';
import { CliError } from '../errors.ts';
import { withRuntime } from '../runtime.ts';
import { parseConf } from './dags.ts';
import { printJson, printTable } from './output.ts';

export function registerRunOperationCommands(program: Command): void {
  const dags = program.commands.find((c) => c.name() === 'dags') as Command;
  const tasks = program.commands.find((c) => c.name() === 'tasks') as Command;

  dags
    .command('backfill')
    .description('create runs for every interval from --from to --to (the scheduler executes them)')
    .argument('<dagId>')
    .requiredOption('--from <date>', 'first logical date (ISO)')
    .requiredOption('--to <date>', 'last logical date (ISO)')
    .option('--reprocess <which>', 'existing finished runs to run again: none, failed or completed', 'none')
    .option('--max-active-runs <n>', 'runs of this backfill at once', '10')
    .option('--conf <json>', 'configuration of the runs it creates, validated against the DAG params')
    .option('--dry-run', 'print what would happen, change nothing')
    .option(
      '--json',
      'print { backfillId, plan: [{ logicalDate, action, reason }] } (backfillId null for a dry run)',
    )
    .action(
      async (
        dagId: string,
        opts: {
          from: string;
          to: string;
          reprocess: string;
          maxActiveRuns: string;
          conf?: string;
          dryRun?: boolean;
          json?: boolean;
        },
      ) => {
        if (!['none', 'failed', 'completed'].includes(opts.reprocess)) {
          throw new CliError(`--reprocess must be none, failed or completed, got "${opts.reprocess}"`, 2);
        }
        const maxActiveRuns = Number(opts.maxActiveRuns);
        if (!Number.isInteger(maxActiveRuns) || maxActiveRuns < 1)
          throw new CliError('--max-active-runs must be a positive whole number', 2);
        const conf = parseConf(opts.conf);
        await withRuntime(async (runtime) => {
          const result = await runtime.engine.backfill({
            dagId,
            from: date(opts.from, '--from'),
            to: date(opts.to, '--to'),
            reprocess: opts.reprocess as Reprocess,
            maxActiveRuns,
            dryRun: opts.dryRun ?? false,
            createdBy: 'cli',
            conf,
          });
          if (opts.json) return printJson({ backfillId: result.backfillId, plan: result.plan });
          printTable(
            ['logical_date', 'action', 'reason'],
            result.plan.map((p) => [p.logicalDate.toISOString(), p.action, p.reason]),
          );
          process.stdout.write(
            result.backfillId === null
              ? 'dry run: nothing was changed\n'
              : `backfill ${result.backfillId} created; follow it with \`weir backfills list --dag ${dagId}\`, cancel it with \`weir backfills cancel ${result.backfillId}\`\n`,
          );
          const dag = await runtime.db.dag.findUnique({ where: { dagId }, select: { isPaused: true } });
          if (result.backfillId !== null && dag?.isPaused)
            process.stdout.write(
              `DAG ${dagId} is paused: the backfill's runs wait, queued, until it is unpaused (weir dags unpause ${dagId})\n`,
            );
        });
      },
    );

  const backfills = program.command('backfills').description('list and cancel backfills');

  backfills
    .command('list')
    .description('backfills, newest first, with their state and their runs by state')
    .option('--dag <dagId>', 'only backfills of this DAG')
    .option(
      '--json',
      'print a JSON array of { id, dagId, state, from, to, runs: { total, done, byState }, … }',
    )
    .action(async (opts: { dag?: string; json?: boolean }) => {
      await withRuntime(async (runtime) => {
        const list = await listBackfills(runtime.db, opts.dag ? { dagId: opts.dag } : {});
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
          return;
        }
        printTable(
          ['id', 'dag_id', 'state', 'from', 'to', 'done', 'queued', 'running', 'success', 'failed'],
          list.map((b) => [
            String(b.id),
            b.dagId,
            b.state,
            b.from.toISOString(),
            b.to.toISOString(),
            `${b.runs.done}/${b.runs.total}`,
            ...(['queued', 'running', 'success', 'failed'] as const).map((s) => String(b.runs.byState[s])),
          ]),
        );
      });
    });

  backfills
    .command('cancel')
    .description('cancel a running backfill: runs not yet started are marked failed, running ones finish')
    .argument('<backfillId>')
    .action(async (id: string) => {
      const backfillId = Number(id);
      if (!Number.isInteger(backfillId) || backfillId < 1)
        throw new CliError(`backfill id must be a positive whole number, got "${id}"`, 2);
      await withRuntime(async (runtime) => {
        const { cancelledRuns } = await cancelBackfill(runtime.db, backfillId);
        process.stdout.write(
          `backfill ${id} cancelled; ${cancelledRuns} run(s) not started were marked failed\n`,
        );
      });
    });

  tasks
    .command('clear')
    .description('reset task instances of a run so they run again (with a new try)')
    .argument('<dagId>')
    .argument('<runId>')
    .option('--task <ids>', 'comma-separated task ids (default: all)')
    .option('--downstream', 'also clear everything downstream of them')
    .option('--only-failed', 'only failed and upstream_failed task instances')
    .action(
      async (
        dagId: string,
        runId: string,
        opts: { task?: string; downstream?: boolean; onlyFailed?: boolean },
      ) => {
        await withRuntime(async (runtime) => {
          const result = await runtime.engine.clear({
            dagId,
            runId,
            ...(opts.task ? { taskIds: opts.task.split(',').map((t) => t.trim()) } : {}),
            downstream: opts.downstream ?? false,
            onlyFailed: opts.onlyFailed ?? false,
          });
          process.stdout.write(
            `cleared ${result.cleared.length} task instance(s): ${result.cleared.map((c) => c.taskId).join(', ') || '-'}\n`,
          );
        });
      },
    );

  tasks
    .command('mark')
    .description(
      'mark task instances of a run success, failed or skipped (a queued or running try is stopped)',
    )
    .argument('<dagId>')
    .argument('<runId>')
    .argument('<taskIds...>')
    .requiredOption('--state <state>', 'success, failed or skipped')
    .option('--downstream', 'also mark everything downstream of them')
    .action(
      async (
        dagId: string,
        runId: string,
        taskIds: string[],
        opts: { state: string; downstream?: boolean },
      ) => {
        const state = markState(opts.state, MARK_STATES);
        await withRuntime(async (runtime) => {
          const marked = await runtime.engine.markTasks({
            dagId,
            runId,
            taskIds,
            state,
            downstream: opts.downstream ?? false,
          });
          process.stdout.write(`marked ${marked} task instance(s) ${state}\n`);
        });
      },
    );

  dags
    .command('mark')
    .description('mark a whole run success or failed (its unfinished tasks too)')
    .argument('<dagId>')
    .argument('<runId>')
    .requiredOption('--state <state>', 'success or failed')
    .action(async (dagId: string, runId: string, opts: { state: string }) => {
      const state = markState(opts.state, ['success', 'failed'] as const);
      await withRuntime(async (runtime) => {
        await runtime.engine.markRun({ dagId, runId, state });
        process.stdout.write(`run ${runId} of ${dagId} marked ${state}\n`);
      });
    });
}

function markState<S extends MarkState | RunMarkState>(value: string, allowed: readonly S[]): S {
  if (!(allowed as readonly string[]).includes(value)) {
    const names = `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}`;
    throw new CliError(`--state must be ${names}, got "${value}"`, 2);
  }
  return value as S;
}

function date(text: string, option: string): Date {
  const d = new Date(text);
  if (Number.isNaN(d.getTime()))
    throw new CliError(`${option} "${text}" is not an ISO date such as 2026-01-01`, 2);
  return d;
}
