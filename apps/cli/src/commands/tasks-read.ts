// Owns the read-only `weir tasks …` commands: list (a DAG's tasks, or their tree), states-for-dag-run
// (every task instance of one run) and logs (one try's lines, or following them until it ends).
import type { Db } from '@weir/db';
import {
  dagGraph,
  getDagRun,
  getTaskInstance,
  getTry,
  readTaskLog,
  type TaskLogLine,
  listTaskInstances,
} from '@weir/engine';
import type { Command } from 'commander';
import { CliError } from '../errors.ts';
import { withDatabase } from '../runtime.ts';
import { storedDagOrParse } from './dag-folder.ts';
import { taskTree } from './graph-text.ts';
import { cell, printJson, printTable, wholeNumber } from './output.ts';

const FOLLOW_POLL_MS = 500;
const LOG_PAGE = 5_000;

export function registerTasksReadCommands(program: Command): void {
  const tasks = program.commands.find((c) => c.name() === 'tasks') as Command;

  tasks
    .command('list')
    .description("a DAG's task ids, in topological order")
    .argument('<dagId>')
    .option('--tree', 'each root task with the tasks downstream of it, indented')
    .option(
      '--json',
      'print a JSON array of { taskId, kind, upstreams, downstreams, groupId, mapped, triggerRule }',
    )
    .action(async (dagId: string, opts: { tree?: boolean; json?: boolean }) => {
      await withDatabase(async (db, config) => {
        const graph = dagGraph((await storedDagOrParse(db, config, dagId)).serialized);
        if (opts.json) return printJson(graph.tasks);
        process.stdout.write(opts.tree ? taskTree(graph) : graph.tasks.map((t) => `${t.taskId}\n`).join(''));
      });
    });

  tasks
    .command('states-for-dag-run')
    .description('every task instance of one run: state, try number, start and end')
    .argument('<dagId>')
    .argument('<runId>', 'the run id (see `weir dags list-runs`)')
    .option('--json', 'print a JSON array of { taskId, mapIndex, state, tryNumber, startedAt, endedAt, … }')
    .action(async (dagId: string, runId: string, opts: { json?: boolean }) => {
      await withDatabase(async (db, config) => {
        const dag = await storedDagOrParse(db, config, dagId);
        const run = await getDagRun(db, dagId, runId);
        const instances = await listTaskInstances(db, run.id, dag.serialized);
        if (opts.json) return printJson(instances);
        printTable(
          ['task_id', 'map_index', 'state', 'try_number', 'start_date', 'end_date'],
          instances.map((t) => [
            t.taskId,
            String(t.mapIndex),
            t.state,
            String(t.tryNumber),
            cell(t.startedAt),
            cell(t.endedAt),
          ]),
        );
      });
    });

  tasks
    .command('logs')
    .description("one try's log lines (the latest try unless --try says which)")
    .argument('<dagId>')
    .argument('<runId>', 'the run id (see `weir dags list-runs`)')
    .argument('<taskId>')
    .option('--try <n>', 'try number (default: the latest)')
    .option('--map-index <n>', "a mapped task's instance")
    .option('-f, --follow', 'keep printing new lines until the try ends')
    .action(
      async (
        dagId: string,
        runId: string,
        taskId: string,
        opts: { try?: string; mapIndex?: string; follow?: boolean },
      ) => {
        const wantedTry = opts.try === undefined ? undefined : wholeNumber(opts.try, '--try', 1);
        const mapIndex =
          opts.mapIndex === undefined ? undefined : wholeNumber(opts.mapIndex, '--map-index', -1);
        await withDatabase(async (db, config) => {
          await storedDagOrParse(db, config, dagId);
          const run = await getDagRun(db, dagId, runId);
          const ti = await getTaskInstance(db, run, taskId, mapIndex);
          const name = `task "${taskId}"${ti.mapIndex >= 0 ? ` [${ti.mapIndex}]` : ''} of run "${runId}"`;
          if (wantedTry !== undefined && wantedTry > ti.tryNumber && !opts.follow)
            throw new CliError(
              ti.tryNumber === 0
                ? `${name} has not run yet (it is ${ti.state})`
                : `${name} has no try ${wantedTry}: it has tried ${ti.tryNumber} time(s)`,
            );
          if (wantedTry === undefined && ti.tryNumber === 0 && !opts.follow) {
            process.stderr.write(
              `weir: ${name} has not run yet (it is ${ti.state}); --follow waits for it\n`,
            );
            return;
          }
          const tryNumber = wantedTry ?? Math.max(ti.tryNumber, 1);
          if (opts.follow) await followLog(db, ti.id, tryNumber);
          else await printLog(db, ti.id, tryNumber);
        });
      },
    );
}

/** Prints the try's lines after `after`, page by page; returns the last line's id. */
async function printLog(
  db: Db,
  taskInstanceId: number,
  tryNumber: number,
  after?: bigint,
): Promise<bigint | undefined> {
  let last = after;
  for (;;) {
    const lines = await readTaskLog(db, taskInstanceId, tryNumber, last, LOG_PAGE);
    for (const line of lines) printLine(line);
    last = lines.at(-1)?.id ?? last;
    if (lines.length < LOG_PAGE) return last;
  }
}

/** Prints the try's lines as they come, until its attempt has ended and every line is read. */
async function followLog(db: Db, taskInstanceId: number, tryNumber: number): Promise<void> {
  let last: bigint | undefined;
  const stop = stopOnSignal();
  while (!stop.requested) {
    // The attempt is read before the lines: its end is recorded after the try's last lines.
    const attempt = await getTry(db, taskInstanceId, tryNumber);
    last = await printLog(db, taskInstanceId, tryNumber, last);
    if (attempt?.endedAt) {
      process.stderr.write(`weir: try ${tryNumber} ended: ${attempt.outcome ?? 'unknown'}\n`);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
  }
  stop.dispose();
}

function stopOnSignal(): { readonly requested: boolean; dispose(): void } {
  const state = { requested: false };
  const on = () => {
    state.requested = true;
  };
  process.once('SIGINT', on);
  return {
    get requested() {
      return state.requested;
    },
    dispose: () => process.off('SIGINT', on),
  };
}

function printLine(line: TaskLogLine): void {
  process.stdout.write(`[${line.at.toISOString()}] ${line.level.toUpperCase()} ${line.message}\n`);
}
