// Owns `weir tasks …` that work on one task alone: `tasks test` (see tasks-test.ts).
import { loadConfig } from '@weir/config';
import { createDb, type Db } from '@weir/db';
import { connectionBox, TaskLookups } from '@weir/engine';
import { SecretMasker } from '@weir/secrets';
import type { Command } from 'commander';
import { resolveFromCwd } from '../paths.ts';
import { resolveSecretKey } from '../secret-key.ts';
import { requireDatabase } from '../services/connect.ts';
import { parseConf } from './dags.ts';
import { testTask } from './tasks-test.ts';

export function registerTasksCommands(program: Command): void {
  const tasks = program
    .command('tasks')
    .description('list tasks, read task instances and logs, test one task');
  tasks
    .command('test')
    .description('run one task function alone (no dependencies, no state recorded) and print its output')
    .argument('<dagId>')
    .argument('<taskId>')
    .option('--logical-date <iso>', 'logical date (default: now)')
    .option('--conf <json>', 'params for the run')
    .option(
      '--inputs <json>',
      'upstream outputs: a JSON array of the inputs the task takes, in order, or an object keyed by upstream task id',
    )
    .option('--map-index <n>', 'for a mapped task: the instance to run (default 0)')
    .option(
      '--args <json>',
      "for a mapped task: the instance's arguments object (default: computed from literal expand lists and --inputs)",
    )
    .option('--dags-folder <dir>', 'DAG folder (default WEIR_DAGS_FOLDER)')
    .action(
      async (
        dagId: string,
        taskId: string,
        opts: {
          logicalDate?: string;
          conf?: string;
          inputs?: string;
          mapIndex?: string;
          args?: string;
          dagsFolder?: string;
        },
      ) => {
        const config = loadConfig();
        // PostgreSQL is opened only when the task looks up a variable or connection there.
        let db: Db | undefined;
        const secrets = {
          masker: new SecretMasker(),
          lookups: new TaskLookups({
            db: async () => {
              db = createDb(await requireDatabase(config));
              return db;
            },
            box: connectionBox(resolveSecretKey(config)),
          }),
        };
        const output = await testTask({
          dagId,
          taskId,
          folder: resolveFromCwd(opts.dagsFolder ?? config.dagsFolder),
          conf: parseConf(opts.conf),
          logicalDate: opts.logicalDate,
          inputs: opts.inputs,
          mapIndex: opts.mapIndex,
          args: opts.args,
          secrets,
        }).finally(() => db?.$disconnect());
        process.stdout.write(`${secrets.masker.mask(JSON.stringify(output ?? null))}\n`);
      },
    );
}
