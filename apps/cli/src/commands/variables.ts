// Owns `weir variables …` (Airflow's `airflow variables`): keys with JSON values that task code
// reads with ctx.variable. A variable whose key names a secret (secret, password, token, key)
// is shown as *** unless `get --reveal` asks for it.
import { readFileSync, writeFileSync } from 'node:fs';
import {
  deleteVariable,
  getVariable,
  importVariables,
  listVariables,
  parseEnvValue,
  setVariable,
} from '@weir/engine';
import type { JsonValue } from '@weir/sdk';
import { isSensitiveName, MASK } from '@weir/secrets';
import type { Command } from 'commander';
import { CliError } from '../errors.ts';
import { withDatabase } from '../runtime.ts';
import { printTable } from './output.ts';

export function registerVariablesCommands(program: Command): void {
  const variables = program
    .command('variables')
    .description('keys with JSON values that tasks read with ctx.variable');

  variables
    .command('set')
    .description('create or change a variable; the value is read as JSON when it parses, else as a string')
    .argument('<key>')
    .argument('<value>')
    .option('--string', 'store the value as a string even when it parses as JSON')
    .option('--description <text>')
    .action(async (key: string, text: string, opts: { string?: boolean; description?: string }) => {
      const value = opts.string ? text : parseEnvValue(text);
      await withDatabase(async (db) => {
        await setVariable(db, key, value, opts.description);
        process.stdout.write(`variable ${key} set\n`);
      });
    });

  variables
    .command('get')
    .description('print a variable’s value as JSON (*** for one whose key names a secret, unless --reveal)')
    .argument('<key>')
    .option('--reveal', 'print the value even when the key names a secret')
    .action(async (key: string, opts: { reveal?: boolean }) => {
      await withDatabase(async (db) => {
        const found = await getVariable(db, key);
        if (!found) throw new CliError(`variable "${key}" does not exist`);
        process.stdout.write(`${opts.reveal ? JSON.stringify(found.value) : shown(key, found.value)}\n`);
      });
    });

  variables
    .command('list')
    .description('variables with their values (*** for those whose keys name a secret)')
    .option('--json', 'print a JSON array of { key, value, description }')
    .action(async (opts: { json?: boolean }) => {
      await withDatabase(async (db) => {
        const rows = await listVariables(db);
        if (opts.json)
          process.stdout.write(
            `${JSON.stringify(
              rows.map((r) => ({
                key: r.key,
                value: isSensitiveName(r.key) ? MASK : r.value,
                description: r.description,
              })),
              null,
              2,
            )}\n`,
          );
        else
          printTable(
            ['key', 'value', 'description'],
            rows.map((r) => [r.key, shown(r.key, r.value), r.description ?? '']),
          );
      });
    });

  variables
    .command('delete')
    .description('delete a variable')
    .argument('<key>')
    .action(async (key: string) => {
      await withDatabase(async (db) => {
        if (!(await deleteVariable(db, key))) throw new CliError(`variable "${key}" does not exist`);
        process.stdout.write(`variable ${key} deleted\n`);
      });
    });

  variables
    .command('import')
    .description('set every variable of a JSON file { "key": value, … } in one transaction')
    .argument('<file>')
    .action(async (file: string) => {
      const values = readVariablesFile(file);
      await withDatabase(async (db) => {
        const { created, updated } = await importVariables(db, values);
        process.stdout.write(
          `imported ${created + updated} variable(s) from ${file}: ${created} created, ${updated} updated\n`,
        );
      });
    });

  variables
    .command('export')
    .description('write every variable to a JSON file { "key": value, … } (values in full: keep it safe)')
    .argument('<file>')
    .action(async (file: string) => {
      await withDatabase(async (db) => {
        const rows = await listVariables(db);
        const values = Object.fromEntries(rows.map((r) => [r.key, r.value]));
        writeFileSync(file, `${JSON.stringify(values, null, 2)}\n`, { mode: 0o600 });
        process.stdout.write(`exported ${rows.length} variable(s) to ${file}\n`);
      });
    });
}

function shown(key: string, value: JsonValue): string {
  return isSensitiveName(key) ? MASK : JSON.stringify(value);
}

function readVariablesFile(file: string): Record<string, JsonValue> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Not JSON.parse's message: it quotes the text, which may hold secrets.
    throw new CliError(`${file} is not valid JSON`, 2);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new CliError(`${file} must hold a JSON object of variables: { "key": value, … }`, 2);
  return value as Record<string, JsonValue>;
}
