// Owns `weir pools …`: named pools of slots that cap how many tasks using them run at once.
// Creating or deleting a pool re-evaluates the DAG warnings about tasks naming missing pools.
import { deletePool, listPools, setPool } from '@weir/engine';
import type { Command } from 'commander';
import { CliError } from '../errors.ts';
import { withRuntime } from '../runtime.ts';
import { printTable } from './output.ts';

const NAME = /^[A-Za-z0-9_.-]{1,250}$/;

export function registerPoolsCommands(program: Command): void {
  const pools = program.command('pools').description('list, create, resize and delete pools');

  pools
    .command('list')
    .description('pools with their slots, and how many are in use')
    .option('--json', 'print a JSON array of { name, slots, used, description }')
    .action(async (opts: { json?: boolean }) => {
      await withRuntime(async (runtime) => {
        const list = await listPools(runtime.db);
        if (opts.json)
          process.stdout.write(
            `${JSON.stringify(
              list.map(({ name, slots, used, description }) => ({ name, slots, used, description })),
              null,
              2,
            )}\n`,
          );
        else
          printTable(
            ['pool', 'slots', 'used', 'description'],
            list.map((p) => [p.name, String(p.slots), String(p.used), p.description ?? '']),
          );
      });
    });

  pools
    .command('set')
    .description('create a pool, or change its slots')
    .argument('<name>')
    .argument('<slots>')
    .option('--description <text>')
    .action(async (name: string, slotsText: string, opts: { description?: string }) => {
      if (!NAME.test(name))
        throw new CliError(`pool name "${name}" is invalid: use letters, digits, '_', '-' or '.'`, 2);
      const slots = Number(slotsText);
      if (!Number.isInteger(slots) || slots < 0)
        throw new CliError(`slots must be a whole number ≥ 0, got "${slotsText}"`, 2);
      await withRuntime(async (runtime) => {
        await setPool(
          runtime.db,
          { name, slots, ...(opts.description !== undefined ? { description: opts.description } : {}) },
          new Date(),
        );
        process.stdout.write(`pool ${name} has ${slots} slots\n`);
      });
    });

  pools
    .command('delete')
    .description('delete a pool (not the default pool, nor one that running tasks use)')
    .argument('<name>')
    .action(async (name: string) => {
      await withRuntime(async (runtime) => {
        await deletePool(runtime.db, name, new Date());
        process.stdout.write(`pool ${name} deleted\n`);
      });
    });
}
