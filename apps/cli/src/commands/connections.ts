// Owns `weir connections …` (Airflow's `airflow connections`): what task code reads with
// ctx.connection. The password comes from a prompt that echoes nothing or from stdin, and is
// never printed back: `get` shows it as ***, as it shows extra values whose names are secrets.
import { loadConfig } from '@weir/config';
import type { Db } from '@weir/db';
import { type ConnectionFields, ConnectionUriError, connectionUri, parseConnectionUri } from '@weir/domain';
import { ConnectionStore, connectionBox } from '@weir/engine';
import { isSensitiveName, MASK, SecretBox, SecretMasker } from '@weir/secrets';
import type { Command } from 'commander';
import { CliError } from '../errors.ts';
import { withDatabase } from '../runtime.ts';
import { promptSecret, readStdinSecret } from '../secret-input.ts';
import { resolveSecretKey } from '../secret-key.ts';
import { jsonObjectOption, printTable } from './output.ts';

interface AddOptions {
  type?: string;
  host?: string;
  port?: string;
  login?: string;
  schema?: string;
  extra?: string;
  uri?: string;
  description?: string;
  passwordStdin?: boolean;
  replace?: boolean;
}

export function registerConnectionsCommands(program: Command): void {
  const connections = program
    .command('connections')
    .description('connections to other systems, read by tasks with ctx.connection (secrets encrypted)');

  connections
    .command('add')
    .description(
      'add a connection; the password is asked for without echo, or read from stdin with --password-stdin',
    )
    .argument('<id>')
    .option('--type <type>', 'postgres, mysql, http, aws … (required unless --uri gives it)')
    .option('--host <host>')
    .option('--port <port>')
    .option('--login <login>')
    .option('--schema <schema>', 'the database (Airflow’s schema)')
    .option('--extra <json>', 'a JSON object of other settings (encrypted)')
    .option('--uri <uri>', 'all of it as type://login:password@host:port/schema?extra; the options above win')
    .option('--description <text>')
    .option('--password-stdin', 'read the password from stdin')
    .option('--replace', 'replace a connection with the same id')
    .action(async (id: string, opts: AddOptions) => {
      const fields = await connectionFromOptions(id, opts);
      await withStore(async (store) => {
        await store.add(fields, {
          ...(opts.replace ? { replace: true } : {}),
          ...(opts.description !== undefined ? { description: opts.description } : {}),
        });
        process.stdout.write(
          `connection ${id} ${opts.replace ? 'saved' : 'added'} (${fields.type}${fields.password !== null ? ', password encrypted' : ''})\n`,
        );
      });
    });

  connections
    .command('get')
    .description('show a connection (its password as ***)')
    .argument('<id>')
    .option('--json', 'print it as JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      await withStore(async (store) => {
        const found = await store.get(id);
        if (!found) throw new CliError(`connection "${id}" does not exist`);
        const shown = redacted(found);
        const masker = new SecretMasker();
        masker.addConnection(found);
        const text = opts.json
          ? JSON.stringify({ ...shown, uri: connectionUri(shown) }, null, 2)
          : (
              [
                ['id', shown.id],
                ['type', shown.type],
                ['host', shown.host ?? ''],
                ['port', shown.port === null ? '' : String(shown.port)],
                ['login', shown.login ?? ''],
                ['password', shown.password ?? ''],
                ['schema', shown.schema ?? ''],
                ['extra', Object.keys(shown.extra).length ? JSON.stringify(shown.extra) : ''],
                ['uri', connectionUri(shown)],
              ] as const
            )
              .map(([k, v]) => `${k.padEnd(8)} ${v}`)
              .join('\n');
        // Belt and braces: whatever the password is, it is not printed.
        process.stdout.write(`${masker.mask(text)}\n`);
      });
    });

  connections
    .command('list')
    .description('connections, without their secrets')
    .option('--json', 'print a JSON array')
    .action(async (opts: { json?: boolean }) => {
      await withStore(async (store) => {
        const rows = await store.list();
        if (opts.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        else
          printTable(
            ['id', 'type', 'host', 'port', 'login', 'schema', 'password', 'extra'],
            rows.map((r) => [
              r.id,
              r.type,
              r.host ?? '',
              r.port === null ? '' : String(r.port),
              r.login ?? '',
              r.schema ?? '',
              r.hasPassword ? MASK : '',
              r.hasExtra ? 'yes' : '',
            ]),
          );
      }, false);
    });

  connections
    .command('delete')
    .description('delete a connection')
    .argument('<id>')
    .action(async (id: string) => {
      await withStore(async (store) => {
        if (!(await store.delete(id))) throw new CliError(`connection "${id}" does not exist`);
        process.stdout.write(`connection ${id} deleted\n`);
      }, false);
    });

  connections
    .command('rotate-key')
    .description(
      're-encrypt every connection under WEIR_SECRET_KEY (the new key); the old key is asked for, or read from stdin',
    )
    .option('--old-key-stdin', 'read the old key from stdin')
    .action(async (opts: { oldKeyStdin?: boolean }) => {
      const oldKey = opts.oldKeyStdin
        ? await readStdinSecret('--old-key-stdin')
        : await promptSecret('old WEIR_SECRET_KEY: ');
      if (!oldKey)
        throw new CliError('the old key is needed: type it when asked, or pipe it to --old-key-stdin', 2);
      await withStore(async (store, key) => {
        if (oldKey === key)
          throw new CliError(
            'the old key is the same as WEIR_SECRET_KEY: set WEIR_SECRET_KEY to the new key',
            2,
          );
        const { resealed, current } = await store.rotate(new SecretBox(oldKey, 'weir/connections'));
        process.stdout.write(
          `re-encrypted ${resealed} connection(s) under the new key${current ? ` (${current} already were)` : ''}; now set WEIR_SECRET_KEY to the new key on every Weir process and restart them\n`,
        );
      });
    });
}

/** Runs `fn` with a store; `needsKey` makes a missing key an error before anything is read. */
async function withStore(
  fn: (store: ConnectionStore, key: string | undefined) => Promise<void>,
  needsKey = true,
): Promise<void> {
  const key = resolveSecretKey(loadConfig());
  if (needsKey && !key)
    throw new CliError(
      'WEIR_SECRET_KEY is not set (and `weir standalone` has generated none in WEIR_HOME): set the key your workers use',
      2,
    );
  await withDatabase((db: Db) => fn(new ConnectionStore(db, connectionBox(key)), key));
}

async function connectionFromOptions(id: string, opts: AddOptions): Promise<ConnectionFields> {
  let base: ConnectionFields = {
    id,
    type: '',
    host: null,
    port: null,
    login: null,
    password: null,
    schema: null,
    extra: {},
  };
  if (opts.uri !== undefined) {
    try {
      base = parseConnectionUri(id, opts.uri, '--uri');
    } catch (error) {
      if (error instanceof ConnectionUriError) throw new CliError(error.message, 2);
      throw error;
    }
  }
  const type = opts.type ?? base.type;
  if (!type) throw new CliError('--type is required (or give it as the scheme of --uri)', 2);
  let port = base.port;
  if (opts.port !== undefined) {
    port = Number(opts.port);
    if (!/^\d+$/.test(opts.port) || port < 1 || port > 65535)
      throw new CliError(`--port must be a port number (1–65535), got "${opts.port}"`, 2);
  }
  let extra = base.extra;
  // secret: JSON.parse's message would quote the text, which may hold secrets.
  if (opts.extra !== undefined) extra = jsonObjectOption(opts.extra, '--extra', true);
  let password = base.password;
  if (opts.passwordStdin) password = await readStdinSecret('--password-stdin');
  else if (password === null)
    password = (await promptSecret(`password for ${id} (empty for none): `)) ?? null;
  return {
    id,
    type,
    host: opts.host ?? base.host,
    port,
    login: opts.login ?? base.login,
    password: password === '' ? null : password,
    schema: opts.schema ?? base.schema,
    extra,
  };
}

/** The connection as it may be shown: password and extra values named as secrets are ***. */
function redacted(c: ConnectionFields): ConnectionFields {
  return {
    ...c,
    password: c.password === null ? null : MASK,
    extra: redactExtra(c.extra) as Record<string, unknown>,
  };
}

function redactExtra(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactExtra);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, isSensitiveName(k) ? MASK : redactExtra(v)]),
    );
  return value;
}
