// Owns `weir sources …`: the event sources whose write keys the collector accepts. A key is
// printed once, when created, alone on stdout (so `KEY=$(weir sources create web)` captures it)
// with a note on stderr; only its hash is stored, and lists show its first characters. Every
// change is audited.
import { audit } from '@weir/auth';
import { EventSources, SourceError } from '@weir/pipeline';
import type { Command } from 'commander';
import { auditedChange, CLI_SOURCE } from '../audited-change.ts';
import { CliError } from '../errors.ts';
import { withSql } from '../runtime.ts';
import { cell, printJson, printTable } from './output.ts';

const collect = (value: string, previous: string[]) => [...previous, value];

/** A source's refusal (a taken name, a bad origin) as a one-line CLI error; a usage mistake exits 2. */
function asCli(error: unknown): unknown {
  if (!(error instanceof SourceError)) return error;
  const usage = error.code === 'INVALID_SOURCE_NAME' || error.code === 'INVALID_ORIGIN';
  return new CliError(error.message, usage ? 2 : 1);
}

export function registerSourcesCommands(program: Command): void {
  const sources = program
    .command('sources')
    .description('event sources: the write keys the collector (POST /api/v1/events) accepts');

  sources
    .command('create')
    .description('create a source and print its write key, once')
    .argument('<name>', 'what sends the events (web, ios, backend …)')
    .option(
      '--allowed-origin <origin>',
      'a browser origin whose pages may send with this key (https://app.example.com; repeat for more; * for any)',
      collect,
      [],
    )
    .option('--json', 'print { id, name, writeKey, keyPrefix, allowedOrigins, createdAt }')
    .action(async (name: string, opts: { allowedOrigin: string[]; json?: boolean }) => {
      const created = await auditedChange(async (tx, actor) => {
        const created = await new EventSources(tx).create({ name, allowedOrigins: opts.allowedOrigin });
        await audit(tx, {
          actor,
          action: 'source.create',
          details: {
            sourceId: created.id,
            name: created.name,
            prefix: created.keyPrefix,
            allowedOrigins: created.allowedOrigins,
          },
          source: CLI_SOURCE,
        });
        return created;
      }).catch((error: unknown) => {
        throw asCli(error);
      });
      if (opts.json)
        return printJson({
          id: created.id,
          name: created.name,
          writeKey: created.writeKey,
          keyPrefix: created.keyPrefix,
          allowedOrigins: created.allowedOrigins,
          createdAt: created.createdAt,
        });
      process.stdout.write(`${created.writeKey}\n`);
      const origins = created.allowedOrigins.length ? `, pages of ${created.allowedOrigins.join(', ')}` : '';
      process.stderr.write(
        `source ${created.id} "${created.name}"${origins}: this write key will not be shown again, store it now\n`,
      );
    });

  sources
    .command('list')
    .description(
      'sources, oldest first: name, key prefix, allowed origins, created, disabled (never the key)',
    )
    .option('--json', 'print a JSON array')
    .action(async (opts: { json?: boolean }) => {
      await withSql(async (sql) => {
        const list = await new EventSources(sql).list();
        if (opts.json) return printJson(list);
        if (list.length === 0) {
          process.stdout.write('no event sources (weir sources create <name>)\n');
          return;
        }
        printTable(
          ['id', 'name', 'key', 'allowed origins', 'created', 'disabled'],
          list.map((s) => [
            String(s.id),
            s.name,
            `${s.keyPrefix}…`,
            s.allowedOrigins.join(' '),
            cell(s.createdAt),
            cell(s.disabledAt),
          ]),
        );
      });
    });

  sources
    .command('disable')
    .description('disable a source: its key stops working (running collectors notice within 10 s)')
    .argument('<name>', 'as weir sources list shows it')
    .option('--json', 'print the disabled source')
    .action(async (name: string, opts: { json?: boolean }) => {
      const disabled = await auditedChange(async (tx, actor) => {
        const disabled = await new EventSources(tx).disable(name);
        await audit(tx, {
          actor,
          action: 'source.disable',
          details: { sourceId: disabled.id, name: disabled.name },
          source: CLI_SOURCE,
        });
        return disabled;
      }).catch((error: unknown) => {
        throw asCli(error);
      });
      if (opts.json) return printJson(disabled);
      process.stdout.write(`source "${disabled.name}" disabled: its write key no longer works\n`);
    });
}
