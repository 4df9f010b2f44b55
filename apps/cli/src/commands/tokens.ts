// Owns `weir tokens …`: bearer tokens for the REST API. A token is printed once, when created,
// alone on stdout (so `TOKEN=$(weir tokens create …)` captures it) with a note on stderr; only
// its hash is stored, and lists show its first characters. Every change is audited.
import { ApiTokens, audit, ROLES, Users } from '@weir/auth';
import { parseDuration } from '@weir/sdk';
import type { Command } from 'commander';
import { auditedChange, CLI_SOURCE } from '../audited-change.ts';
import { CliError } from '../errors.ts';
import { withSql } from '../runtime.ts';
import { cell, oneOf, positiveInt, printJson, printTable } from './output.ts';

interface CreateOptions {
  username: string;
  name: string;
  role?: string;
  expires?: string;
  json?: boolean;
}

export function registerTokensCommands(program: Command): void {
  const tokens = program
    .command('tokens')
    .description('API tokens (Authorization: Bearer …) for the REST API, each with a role');

  tokens
    .command('create')
    .description(
      "create a token for a user, printed once; its role defaults to, and may not exceed, the user's",
    )
    .requiredOption('--username <username>', 'whose token it is')
    .requiredOption('--name <name>', 'what it is for (ci, grafana …)')
    .option('--role <role>', `${ROLES.join(', ')} (at most the user's role)`)
    .option('--expires <duration>', 'how long it works: 30d, 12h … (default: until revoked)')
    .option('--json', 'print { id, token, prefix, username, name, role, expiresAt }')
    .action(async (opts: CreateOptions) => {
      const role = opts.role === undefined ? undefined : oneOf(opts.role, ROLES, '--role');
      let expiresAt: Date | null = null;
      if (opts.expires !== undefined) {
        let ms: number;
        try {
          ms = parseDuration(opts.expires, '--expires');
        } catch (error) {
          throw new CliError((error as Error).message, 2);
        }
        if (ms <= 0) throw new CliError('--expires must be longer than 0 (30d, 12h …)', 2);
        expiresAt = new Date(Date.now() + ms);
      }
      const { owner, created } = await auditedChange(async (tx, actor) => {
        const owner = await new Users(tx).get(opts.username);
        if (!owner) throw new CliError(`no user "${opts.username}" (weir users list)`);
        const created = await new ApiTokens(tx).create({
          userId: owner.id,
          name: opts.name,
          ...(role ? { role } : {}),
          createdBy: `cli:${actor}`,
          expiresAt,
        });
        await audit(tx, {
          actor,
          action: 'token.create',
          details: {
            tokenId: created.id,
            username: owner.username,
            name: opts.name,
            role: created.role,
            prefix: created.prefix,
            expiresAt: created.expiresAt,
          },
          source: CLI_SOURCE,
        });
        return { owner, created };
      });
      if (opts.json)
        return printJson({
          id: created.id,
          token: created.token,
          prefix: created.prefix,
          username: owner.username,
          name: opts.name,
          role: created.role,
          expiresAt: created.expiresAt,
        });
      process.stdout.write(`${created.token}\n`);
      process.stderr.write(
        `token ${created.id} "${opts.name}" for ${owner.username} (${created.role}${created.expiresAt ? `, expires ${created.expiresAt.toISOString()}` : ''}): it will not be shown again, store it now\n`,
      );
    });

  tokens
    .command('list')
    .description(
      'tokens, newest first: prefix, name, role, when created and last used, revoked (never the token)',
    )
    .option('--username <username>', "only this user's tokens")
    .option('--json', 'print a JSON array')
    .action(async (opts: { username?: string; json?: boolean }) => {
      await withSql(async (sql) => {
        let userId: number | undefined;
        if (opts.username !== undefined) {
          const owner = await new Users(sql).get(opts.username);
          if (!owner) throw new CliError(`no user "${opts.username}" (weir users list)`);
          userId = owner.id;
        }
        const list = await new ApiTokens(sql).list(userId);
        if (opts.json) return printJson(list);
        if (list.length === 0) {
          process.stdout.write(`no API tokens${opts.username ? ` of ${opts.username}` : ''}\n`);
          return;
        }
        printTable(
          ['id', 'user', 'name', 'prefix', 'role', 'created', 'last used', 'expires', 'revoked'],
          list.map((t) => [
            String(t.id),
            t.username,
            t.name,
            `${t.prefix}…`,
            t.role,
            cell(t.createdAt),
            cell(t.lastUsedAt),
            cell(t.expiresAt),
            cell(t.revokedAt),
          ]),
        );
      });
    });

  tokens
    .command('revoke')
    .description('revoke a token: it stops working at once')
    .argument('<id>', 'as weir tokens list shows it')
    .action(async (idText: string) => {
      const id = positiveInt(idText, 'the token id');
      const token = await auditedChange(async (tx, actor) => {
        const token = await new ApiTokens(tx).revoke(id, 'cli');
        await audit(tx, {
          actor,
          action: 'token.revoke',
          details: { tokenId: id, username: token.username, name: token.name },
          source: CLI_SOURCE,
        });
        return token;
      });
      process.stdout.write(`token ${id} ("${token.name}" of ${token.username}) revoked\n`);
    });
}
