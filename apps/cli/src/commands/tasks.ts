// Owns `weir tasks test`: runs one task's function alone, in this process, like `airflow tasks
// test`: no dependencies checked, no state recorded. Upstream outputs come from --inputs.
import { resolve } from 'node:path';
import { loadConfig } from '@weir/config';
import { discoverDagFiles, importDagFile } from '@weir/dag-loader';
import { serializeDag, type TaskContext } from '@weir/sdk';
import type { Command } from 'commander';
import { CliError } from '../errors.ts';
import { resolveFromCwd } from '../paths.ts';
import { parseConf } from './dags.ts';

export function registerTasksCommands(program: Command): void {
  const tasks = program.command('tasks').description('work with single tasks');
  tasks
    .command('test')
    .description('run one task function alone (no dependencies, no state recorded) and print its output')
    .argument('<dagId>')
    .argument('<taskId>')
    .option('--logical-date <iso>', 'logical date (default: now)')
    .option('--conf <json>', 'params for the run')
    .option('--inputs <json>', 'JSON array of the upstream outputs the task takes, in order')
    .option('--dags-folder <dir>', 'DAG folder (default WEIR_DAGS_FOLDER)')
    .action(
      async (
        dagId: string,
        taskId: string,
        opts: { logicalDate?: string; conf?: string; inputs?: string; dagsFolder?: string },
      ) => {
        const config = loadConfig();
        const folder = resolveFromCwd(opts.dagsFolder ?? config.dagsFolder);
        let found: Awaited<ReturnType<typeof importDagFile>>[number] | undefined;
        for (const file of discoverDagFiles(folder)) {
          const dags = await importDagFile(resolve(file.path), file.version).catch(() => []);
          found = dags.find((d) => d.dagId === dagId);
          if (found) break;
        }
        if (!found) throw new CliError(`DAG "${dagId}" not found in ${folder}`);
        const task = found.tasks.get(taskId);
        if (!task)
          throw new CliError(
            `DAG "${dagId}" has no task "${taskId}"; it has: ${[...found.tasks.keys()].join(', ')}`,
          );
        const serialized = serializeDag(found);
        const logicalDate = opts.logicalDate ? new Date(opts.logicalDate) : new Date();
        if (Number.isNaN(logicalDate.getTime()))
          throw new CliError(`--logical-date "${opts.logicalDate}" is not an ISO date`, 2);
        const inputs = opts.inputs
          ? (JSON.parse(opts.inputs) as unknown[])
          : task.inputs.map(() => undefined);
        const line = (level: string) => (message: string, fields?: Record<string, unknown>) =>
          process.stderr.write(`[${level}] ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}\n`);
        const ctx: TaskContext = {
          dagId,
          runId: `tasks_test__${logicalDate.toISOString()}`,
          taskId,
          mapIndex: -1,
          tryNumber: 1,
          maxTries: 1,
          logicalDate,
          dataIntervalStart: logicalDate,
          dataIntervalEnd: logicalDate,
          params: { ...(serialized.params?.defaults ?? {}), ...parseConf(opts.conf) },
          log: { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') },
          signal: new AbortController().signal,
        };
        const output = await task.fn(ctx, ...inputs);
        process.stdout.write(`${JSON.stringify(output ?? null)}\n`);
      },
    );
}
