// Owns `weir dags delete`: removes a DAG and its history after a confirmation (a terminal's y),
// or at once with --yes; without a terminal and without --yes it refuses, so a script never
// deletes by accident.
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { type DagFootprint, dagFootprint, deleteDag } from '@weir/engine';
import type { Command } from 'commander';
import { CliError } from '../errors.ts';
import { withDatabase } from '../runtime.ts';

export function registerDagsDeleteCommand(program: Command): void {
  const dags = program.commands.find((c) => c.name() === 'dags') as Command;
  dags
    .command('delete')
    .description('delete a DAG and its runs, task instances, tries, logs, outputs and alerts')
    .argument('<dagId>')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(async (dagId: string, opts: { yes?: boolean }) => {
      await withDatabase(async (db) => {
        const footprint = await dagFootprint(db, dagId);
        const fileStays = existsSync(footprint.fileloc);
        if (!opts.yes) {
          if (!process.stdin.isTTY)
            throw new CliError(
              `not deleting DAG "${dagId}": confirm at a terminal, or pass --yes to delete without asking`,
              2,
            );
          process.stdout.write(`${describe(footprint, fileStays)}\n`);
          if (!(await confirm(`Delete DAG ${dagId}? [y/N] `))) {
            process.stdout.write('nothing deleted\n');
            return;
          }
        }
        if (!(await deleteDag(db, dagId))) throw new CliError(`DAG "${dagId}" not found`);
        process.stdout.write(
          `deleted DAG ${dagId}: ${footprint.runs} run(s), ${footprint.taskInstances} task instance(s), ${footprint.tries} tries, ${footprint.logLines} log line(s)\n`,
        );
        if (fileStays)
          process.stdout.write(
            `its file ${footprint.fileloc} is still there: the DAG comes back, with no history, when it is next parsed; remove the file to keep it gone\n`,
          );
      });
    });
}

function describe(f: DagFootprint, fileStays: boolean): string {
  const unfinished =
    f.unfinishedRuns > 0 ? ` (${f.unfinishedRuns} queued or running: their tries are stopped)` : '';
  return [
    `This deletes DAG ${f.dagId} and all that is recorded about it: ${f.runs} run(s)${unfinished}, ${f.taskInstances} task instance(s), ${f.tries} tries, ${f.logLines} log line(s), and its outputs, backfills, deadline misses and alerts.`,
    ...(fileStays
      ? [`Its file ${f.fileloc} stays: the DAG comes back, with no history, when it is next parsed.`]
      : []),
  ].join('\n');
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^(y|yes)$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}
