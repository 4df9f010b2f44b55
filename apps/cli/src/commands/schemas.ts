// Owns `weir schemas …`: the schema registry of event properties (Confluent Schema Registry's
// subjects, for event_types). `register` adds a version from a JSON Schema file and is refused,
// with the compatibility rule it breaks and where, when it is incompatible; changes are audited as
// the OS user, in the same transaction.
import { readFileSync } from 'node:fs';
import { audit } from '@weir/auth';
import {
  COMPATIBILITY_MODES,
  getSchemaCompatibility,
  isRegistryError,
  listSchemaSubjects,
  parseCompatibilityMode,
  registerSchema,
  type SchemaVersion,
  setSchemaCompatibility,
  showSchema,
} from '@weir/pipeline';
import type { Command } from 'commander';
import { auditedChange, CLI_SOURCE } from '../audited-change.ts';
import { CliError } from '../errors.ts';
import { withSql } from '../runtime.ts';
import { cell, positiveInt, printJson, printTable } from './output.ts';

const MODES = COMPATIBILITY_MODES.join(', ');

export function registerSchemasCommands(program: Command): void {
  const schemas = program
    .command('schemas')
    .description("the schema registry: versioned JSON Schemas of each event_type's properties");

  schemas
    .command('register')
    .description(
      'register a JSON Schema (2020-12) file as the next version of an event_type; refused when it breaks the compatibility mode',
    )
    .argument('<event_type>')
    .argument('<file>', 'a JSON Schema whose root is { "type": "object", … }')
    .option('--compatibility <mode>', `set the event_type's mode first: ${MODES}`)
    .option('--json', 'print { eventType, version, fingerprint, created, compatibility }')
    .action(async (eventType: string, file: string, opts: { compatibility?: string; json?: boolean }) => {
      const schema = readSchemaFile(file);
      const compatibility =
        opts.compatibility === undefined
          ? undefined
          : usage(() => parseCompatibilityMode(opts.compatibility as string));
      const registered = await registry(() =>
        auditedChange(async (tx, actor) => {
          const result = await registerSchema(tx, eventType, schema, {
            by: actor,
            ...(compatibility ? { compatibility } : {}),
          });
          if (result.created || compatibility)
            await audit(tx, {
              actor,
              action: 'schema.register',
              details: {
                eventType,
                version: result.version.version,
                created: result.created,
                compatibility: result.compatibility,
              },
              source: CLI_SOURCE,
            });
          return result;
        }),
      );
      const { version } = registered;
      if (opts.json)
        printJson({
          eventType,
          version: version.version,
          fingerprint: version.fingerprint,
          created: registered.created,
          compatibility: registered.compatibility,
        });
      else
        process.stdout.write(
          registered.created
            ? `registered ${eventType} version ${version.version} (compatibility ${registered.compatibility})\n`
            : `${eventType} already has this schema as version ${version.version}: nothing registered\n`,
        );
    });

  schemas
    .command('list')
    .description('event_types with schemas: their compatibility mode and versions')
    .option(
      '--json',
      'print a JSON array of { eventType, compatibility, versions, latestVersion, updatedAt }',
    )
    .action(async (opts: { json?: boolean }) => {
      const subjects = await registry(() => withSql((sql) => listSchemaSubjects(sql)));
      if (opts.json)
        printJson(
          subjects.map(({ eventType, compatibility, versions, latestVersion, updatedAt }) => ({
            eventType,
            compatibility,
            versions,
            latestVersion,
            updatedAt,
          })),
        );
      else
        printTable(
          ['event_type', 'compatibility', 'versions', 'latest', 'updated'],
          subjects.map((s) => [
            s.eventType,
            s.compatibility,
            String(s.versions),
            s.latestVersion === null ? '' : String(s.latestVersion),
            cell(s.updatedAt),
          ]),
        );
    });

  schemas
    .command('show')
    .description("print a version of an event_type's schema (the latest unless --version)")
    .argument('<event_type>')
    .option('--version <n>', 'which version')
    .option('--json', 'print { eventType, version, fingerprint, createdAt, createdBy, schema }')
    .action(async (eventType: string, opts: { version?: string; json?: boolean }) => {
      const version = opts.version === undefined ? undefined : positiveInt(opts.version, '--version');
      const found = await registry(() => withSql((sql) => showSchema(sql, eventType, version)));
      if (opts.json) printJson(versionJson(found));
      else {
        process.stderr.write(
          `${eventType} version ${found.version} (${found.fingerprint}), registered ${cell(found.createdAt)}${found.createdBy ? ` by ${found.createdBy}` : ''}\n`,
        );
        printJson(found.schema);
      }
    });

  schemas
    .command('compatibility')
    .description(`print an event_type's compatibility mode, or set it (${MODES})`)
    .argument('<event_type>')
    .argument('[mode]')
    .option('--json', 'print { eventType, compatibility }')
    .action(async (eventType: string, modeText: string | undefined, opts: { json?: boolean }) => {
      let compatibility: string;
      if (modeText === undefined)
        compatibility = await registry(() => withSql((sql) => getSchemaCompatibility(sql, eventType)));
      else {
        const mode = usage(() => parseCompatibilityMode(modeText));
        await registry(() =>
          auditedChange(async (tx, actor) => {
            await setSchemaCompatibility(tx, eventType, mode);
            await audit(tx, {
              actor,
              action: 'schema.compatibility',
              details: { eventType, compatibility: mode },
              source: CLI_SOURCE,
            });
          }),
        );
        compatibility = mode;
      }
      if (opts.json) printJson({ eventType, compatibility });
      else process.stdout.write(`${eventType}: ${compatibility}${modeText === undefined ? '' : ' (set)'}\n`);
    });
}

function versionJson(v: SchemaVersion) {
  return {
    eventType: v.eventType,
    version: v.version,
    fingerprint: v.fingerprint,
    createdAt: v.createdAt,
    createdBy: v.createdBy,
    schema: v.schema,
  };
}

/** The registry's refusals as CLI errors: a refused version names its rule and path on lines of their own. */
async function registry<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (!isRegistryError(error)) throw error;
    if (error.code === 'INCOMPATIBLE_SCHEMA' && error.incompatible) {
      const { rule, path, againstVersion, mode, explanation } = error.incompatible;
      throw new CliError(
        `refused: the schema is not ${mode} compatible with version ${againstVersion}\n  rule: ${rule}\n  path: ${path}\n  ${explanation}`,
      );
    }
    const usageCode =
      error.code === 'INVALID_SCHEMA' ||
      error.code === 'INVALID_EVENT_TYPE' ||
      error.code === 'INVALID_COMPATIBILITY';
    throw new CliError(error.message, usageCode ? 2 : 1);
  }
}

function usage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new CliError((error as Error).message, 2);
  }
}

function readSchemaFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file} is not valid JSON: ${(error as Error).message}`, 2);
  }
}
