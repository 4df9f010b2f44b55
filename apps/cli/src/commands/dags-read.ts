// Owns the read-only `weir dags …` commands Airflow users know: list-import-errors, show,
// list-runs, state and next-execution. Queries live in the engine's read model; these print.
import { DAG_RUN_STATES } from '@weir/domain';
import {
  countDagRuns,
  dagGraph,
  getDagRun,
  listDagRuns,
  listImportErrors,
  nextScheduledRunsOf,
} from '@weir/engine';
import type { Command } from 'commander';
import { withDatabase } from '../runtime.ts';
import { refreshDagFolder, storedDagOrParse } from './dag-folder.ts';
import { dot, groupTree } from './graph-text.ts';
import { cell, oneLine, oneOf, positiveInt, printJson, printTable } from './output.ts';

const DEFAULT_RUN_LIMIT = 100;

export function registerDagsReadCommands(program: Command): void {
  const dags = program.commands.find((c) => c.name() === 'dags') as Command;

  dags
    .command('list-import-errors')
    .description('DAG files that failed to import, one line each (parses new and changed files first)')
    .option('--json', 'print a JSON array of { fileloc, message, at, stackTrace }')
    .action(async (opts: { json?: boolean }) => {
      await withDatabase(async (db, config) => {
        await refreshDagFolder(db, config);
        const errors = await listImportErrors(db);
        if (opts.json) return printJson(errors);
        if (errors.length === 0) return void process.stdout.write('no import errors\n');
        printTable(
          ['fileloc', 'at', 'error'],
          errors.map((e) => [e.fileloc, cell(e.at), oneLine(e.message)]),
        );
      });
    });

  dags
    .command('show')
    .description('the DAG as a graph: tasks in topological order with their upstreams, and its task groups')
    .argument('<dagId>')
    .option('--dot', 'print Graphviz DOT instead (weir dags show x --dot | dot -Tsvg > x.svg)')
    .option(
      '--json',
      'print { dagId, tasks: [{ taskId, kind, upstreams, downstreams, groupId, mapped, triggerRule }], taskGroups }',
    )
    .action(async (dagId: string, opts: { dot?: boolean; json?: boolean }) => {
      await withDatabase(async (db, config) => {
        const dag = await storedDagOrParse(db, config, dagId);
        const graph = dagGraph(dag.serialized);
        if (opts.json) return printJson(graph);
        if (opts.dot) return void process.stdout.write(dot(graph));
        const schedule = dag.schedule ?? 'None';
        process.stdout.write(
          `DAG ${dagId}: schedule ${schedule}, ${graph.tasks.length} task(s)${dag.isPaused ? ', paused' : ''}${dag.isActive ? '' : ', inactive (its file is gone or no longer defines it)'}\n\n`,
        );
        printTable(
          ['task_id', 'kind', 'upstreams', 'group', 'trigger_rule'],
          graph.tasks.map((t) => [
            t.taskId,
            t.mapped ? `${t.kind} (mapped)` : t.kind,
            t.upstreams.join(', ') || '-',
            t.groupId ?? '',
            t.triggerRule,
          ]),
        );
        const groups = groupTree(graph);
        if (groups) process.stdout.write(`\ntask groups:\n${groups}`);
      });
    });

  dags
    .command('list-runs')
    .description('runs of a DAG, newest logical date first')
    .argument('<dagId>')
    .option('--state <state>', `only runs in this state: ${DAG_RUN_STATES.join(', ')}`)
    .option('--limit <n>', `at most this many (default ${DEFAULT_RUN_LIMIT})`)
    .option('--json', 'print a JSON array of { runId, state, runType, logicalDate, startedAt, endedAt, … }')
    .action(async (dagId: string, opts: { state?: string; limit?: string; json?: boolean }) => {
      const state = opts.state === undefined ? undefined : oneOf(opts.state, DAG_RUN_STATES, '--state');
      const limit = opts.limit === undefined ? DEFAULT_RUN_LIMIT : positiveInt(opts.limit, '--limit');
      await withDatabase(async (db, config) => {
        await storedDagOrParse(db, config, dagId);
        const runs = await listDagRuns(db, dagId, { ...(state ? { state } : {}), limit });
        if (opts.json) return printJson(runs);
        printTable(
          ['run_id', 'state', 'run_type', 'logical_date', 'start_date', 'end_date'],
          runs.map((r) => [
            r.runId,
            r.state,
            r.runType,
            cell(r.logicalDate),
            cell(r.startedAt),
            cell(r.endedAt),
          ]),
        );
        if (runs.length === limit) {
          const total = await countDagRuns(db, dagId, state);
          if (total > limit)
            process.stderr.write(
              `weir: showing the newest ${limit} of ${total} runs; --limit N shows more\n`,
            );
        }
      });
    });

  dags
    .command('state')
    .description('the state of one run (queued, running, success or failed)')
    .argument('<dagId>')
    .argument('<runId>', 'the run id, e.g. manual__2026-01-01T00:00:00+00:00 (see `weir dags list-runs`)')
    .action(async (dagId: string, runId: string) => {
      await withDatabase(async (db, config) => {
        await storedDagOrParse(db, config, dagId);
        const run = await getDagRun(db, dagId, runId);
        process.stdout.write(`${run.state}\n`);
      });
    });

  dags
    .command('next-execution')
    .description('the logical date(s) of the next scheduled run(s), or None for a DAG without a schedule')
    .argument('<dagId>')
    .option('--num <n>', 'how many to print', '1')
    .option(
      '--json',
      'print { dagId, paused, schedule, next: [{ logicalDate, dataIntervalStart, dataIntervalEnd, runAfter }] }',
    )
    .action(async (dagId: string, opts: { num: string; json?: boolean }) => {
      const num = positiveInt(opts.num, '--num');
      await withDatabase(async (db, config) => {
        const dag = await storedDagOrParse(db, config, dagId);
        const next = dag.isActive ? await nextScheduledRunsOf(db, dag.serialized, new Date(), num) : [];
        if (opts.json)
          return printJson({
            dagId,
            paused: dag.isPaused,
            schedule: dag.schedule,
            next: next.map((n) => ({
              logicalDate: n.logicalDate,
              dataIntervalStart: n.dataInterval.start,
              dataIntervalEnd: n.dataInterval.end,
              runAfter: n.runAfter,
            })),
          });
        if (!dag.isActive)
          process.stderr.write(
            `weir: DAG ${dagId} is inactive (its file is gone or no longer defines it): it has no next run\n`,
          );
        else if (dag.isPaused)
          process.stderr.write(
            `weir: DAG ${dagId} is paused: these runs are created only once it is unpaused (weir dags unpause ${dagId})\n`,
          );
        if (next.length === 0) return void process.stdout.write('None\n');
        for (const n of next) process.stdout.write(`${n.logicalDate.toISOString()}\n`);
      });
    });
}
