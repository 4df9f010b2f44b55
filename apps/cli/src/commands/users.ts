// Owns `weir users …` (Airflow's `airflow users`): who may sign in to the web UI, with which role.
// Passwords come from a prompt that echoes nothing (asked twice) or from stdin, never from an
// argument (it would sit in the shell's history and in `ps`), and are never printed. Changing a
// role or a password, or deactivating, ends the user's sessions; every change is audited.
import { audit, checkPasswordStrength, ROLES, type Role, Users } from '@weir/auth';
import type { Command } from 'commander';
import { auditedChange, CLI_SOURCE } from '../audited-change.ts';
import { CliError } from '../errors.ts';
import { withSql } from '../runtime.ts';
import { promptSecret, readStdinSecret } from '../secret-input.ts';
import { cell, oneOf, printJson, printTable } from './output.ts';

export function registerUsersCommands(program: Command): void {
  const users = program
    .command('users')
    .description('users of the web UI and API, and their roles (viewer, operator, admin)');

  users
    .command('create')
    .description('create a user; the password is asked for twice without echo, or read from stdin')
    .requiredOption('--username <username>')
    .requiredOption('--role <role>', ROLES.join(', '))
    .option('--email <email>')
    .option('--password-stdin', 'read the password from stdin')
    .action(async (opts: { username: string; role: string; email?: string; passwordStdin?: boolean }) => {
      const role = oneOf(opts.role, ROLES, '--role');
      const password = await readNewPassword(opts.username, opts.passwordStdin === true);
      const message = await auditedChange(async (tx, actor) => {
        const user = await new Users(tx).create({
          username: opts.username,
          password,
          role,
          email: opts.email ?? null,
        });
        await audit(tx, {
          actor,
          action: 'user.create',
          details: { username: user.username, role, ...(opts.email ? { email: opts.email } : {}) },
          source: CLI_SOURCE,
        });
        return `user ${user.username} created (${role})\n`;
      });
      process.stdout.write(message);
    });

  users
    .command('list')
    .description('users with their role, whether they may sign in, and their last login')
    .option('--json', 'print a JSON array')
    .action(async (opts: { json?: boolean }) => {
      await withSql(async (sql) => {
        const list = (await new Users(sql).list()).map((u) => ({
          id: u.id,
          username: u.username,
          role: u.role,
          email: u.email,
          active: u.isActive,
          createdAt: u.createdAt,
          lastLoginAt: u.lastLoginAt,
        }));
        if (opts.json) return printJson(list);
        if (list.length === 0) {
          process.stdout.write('no users: create one with weir users create --username U --role admin\n');
          return;
        }
        printTable(
          ['username', 'role', 'active', 'email', 'created', 'last login'],
          list.map((u) => [
            u.username,
            u.role,
            u.active ? 'yes' : 'no',
            u.email ?? '',
            cell(u.createdAt),
            cell(u.lastLoginAt),
          ]),
        );
      });
    });

  users
    .command('set-role')
    .description("change a user's role; their sessions end (they sign in again)")
    .argument('<username>')
    .argument('<role>', ROLES.join(', '))
    .action(async (username: string, roleText: string) => {
      const role: Role = oneOf(roleText, ROLES, 'the role');
      const message = await auditedChange(async (tx, actor) => {
        const { user, previous } = await new Users(tx).setRole(username, role);
        await audit(tx, {
          actor,
          action: 'user.set_role',
          details: { username, role, previous },
          source: CLI_SOURCE,
        });
        return previous === role
          ? `user ${user.username} is ${role} already; their sessions have ended\n`
          : `user ${user.username} is now ${role} (was ${previous}); their sessions have ended\n`;
      });
      process.stdout.write(message);
    });

  users
    .command('set-password')
    .description("replace a user's password (asked twice without echo, or from stdin); their sessions end")
    .argument('<username>')
    .option('--password-stdin', 'read the password from stdin')
    .action(async (username: string, opts: { passwordStdin?: boolean }) => {
      const password = await readNewPassword(username, opts.passwordStdin === true);
      await auditedChange(async (tx, actor) => {
        await new Users(tx).setPassword(username, password);
        await audit(tx, { actor, action: 'user.set_password', details: { username }, source: CLI_SOURCE });
      });
      process.stdout.write(`password of ${username} changed; their sessions have ended\n`);
    });

  users
    .command('deactivate')
    .description('stop a user from signing in: their sessions end and their API tokens stop working')
    .argument('<username>')
    .action(async (username: string) => {
      const changed = await auditedChange(async (tx, actor) => {
        const { changed } = await new Users(tx).deactivate(username);
        if (changed)
          await audit(tx, { actor, action: 'user.deactivate', details: { username }, source: CLI_SOURCE });
        return changed;
      });
      process.stdout.write(
        changed
          ? `user ${username} deactivated: their sessions have ended and their API tokens stop working\n`
          : `user ${username} was inactive already\n`,
      );
    });

  users
    .command('activate')
    .description('let a deactivated user sign in again (their unrevoked API tokens work again)')
    .argument('<username>')
    .action(async (username: string) => {
      const changed = await auditedChange(async (tx, actor) => {
        const { changed } = await new Users(tx).activate(username);
        if (changed)
          await audit(tx, { actor, action: 'user.activate', details: { username }, source: CLI_SOURCE });
        return changed;
      });
      process.stdout.write(
        changed ? `user ${username} activated\n` : `user ${username} was active already\n`,
      );
    });
}

/**
 * A new password: all of stdin with `--password-stdin`, else typed twice at a terminal. Checked
 * for strength here, before the database is opened (exit 2 with the rule).
 */
async function readNewPassword(username: string, fromStdin: boolean): Promise<string> {
  let password: string;
  if (fromStdin) password = await readStdinSecret('--password-stdin');
  else {
    const typed = await promptSecret(`password for ${username}: `);
    if (typed === undefined)
      throw new CliError(
        'no password: type it when asked (at a terminal), or pipe it to --password-stdin',
        2,
      );
    if ((await promptSecret('the same password again: ')) !== typed)
      throw new CliError('the two passwords differ; nothing was changed', 2);
    password = typed;
  }
  const weakness = checkPasswordStrength(password);
  if (weakness) throw new CliError(`password refused: ${weakness}`, 2);
  return password;
}
