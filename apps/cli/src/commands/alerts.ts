// Owns `weir alerts …`: the incidents (list, show with every delivery, ack, resolve), silences,
// deliveries that gave up, and (alerts-channels.ts) the channels with a test message.
import { userInfo } from 'node:os';
import {
  type AlertStateName,
  acknowledgeAlert,
  createSilence,
  endSilence,
  getAlert,
  listAlerts,
  listFailedDeliveries,
  listSilences,
  resolveAlert,
} from '@weir/engine';
import { parseDuration } from '@weir/sdk';
import type { Command } from 'commander';
import { CliError } from '../errors.ts';
import { withRuntime } from '../runtime.ts';
import { registerAlertsChannelCommands } from './alerts-channels.ts';
import { cell, oneLine, oneOf, positiveInt, printJson, printTable } from './output.ts';

const STATES: readonly AlertStateName[] = ['open', 'acknowledged', 'resolved'];

/** Who did it, for acknowledged_by and resolved_by. */
function operator(): string {
  try {
    return userInfo().username;
  } catch {
    return 'cli';
  }
}

function alertId(text: string): number {
  return positiveInt(text, 'the alert id');
}

export function registerAlertsCommands(program: Command): void {
  const alerts = program
    .command('alerts')
    .description('incidents, their deliveries, silences, and the channels that send them');

  alerts
    .command('list')
    .description('incidents, the latest first')
    .option('--state <state>', `only incidents in this state (${STATES.join(', ')})`)
    .option('--dag <dagId>', 'only incidents of this DAG')
    .option('--limit <n>', 'at most this many (default 50)')
    .option('--json', 'print a JSON array of incidents')
    .action(async (opts: { state?: string; dag?: string; limit?: string; json?: boolean }) => {
      const state = opts.state ? oneOf(opts.state, STATES, '--state') : undefined;
      const limit = opts.limit ? positiveInt(opts.limit, '--limit') : 50;
      await withRuntime(async (runtime) => {
        const list = await listAlerts(runtime.sql, {
          ...(state ? { state } : {}),
          ...(opts.dag ? { dagId: opts.dag } : {}),
          limit,
        });
        if (opts.json) return printJson(list);
        if (list.length === 0) {
          process.stdout.write(`no ${state ?? ''}${state ? ' ' : ''}incidents\n`);
        } else {
          printTable(
            ['id', 'state', 'kind', 'severity', 'dag', 'task', 'occurrences', 'last seen', 'title'],
            list.map((a) => [
              String(a.id),
              a.silenceId !== null && a.state === 'open'
                ? `${a.state} (silenced)`
                : a.flapping
                  ? `${a.state} (flapping)`
                  : a.state,
              a.kind,
              a.severity,
              a.dagId ?? '-',
              a.taskId ?? '-',
              String(a.occurrences),
              cell(a.lastSeenAt),
              oneLine(a.title),
            ]),
          );
        }
        const failed = await listFailedDeliveries(runtime.sql, 1);
        if (failed.length > 0)
          process.stdout.write('some deliveries gave up: weir alerts failed lists them\n');
      });
    });

  alerts
    .command('show <id>')
    .description('one incident with every delivery of its group and each attempt')
    .option('--json', 'print the incident and its deliveries as JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      await withRuntime(async (runtime) => {
        const alert = await getAlert(runtime.sql, alertId(id));
        if (opts.json) return printJson(alert);
        const lines = [
          `alert ${alert.id}: ${alert.title}`,
          `  kind ${alert.kind}, severity ${alert.severity}, ${alert.state}${alert.flapping ? ' (flapping)' : ''}`,
          `  DAG ${alert.dagId ?? '-'}, run ${alert.runId ?? '-'}, task ${alert.taskId ?? '-'}${alert.mapIndex !== null && alert.mapIndex >= 0 ? ` [${alert.mapIndex}]` : ''}${alert.tryNumber ? `, try ${alert.tryNumber}` : ''}`,
          `  ${alert.occurrences} occurrence${alert.occurrences === 1 ? '' : 's'}, first ${cell(alert.firstSeenAt)}, last ${cell(alert.lastSeenAt)}`,
          alert.groupId !== null
            ? `  notified ${cell(alert.notifiedAt)} in group ${alert.groupId}${alert.parentId !== null ? `, attached to run failure ${alert.parentId}` : ''}`
            : alert.silenceId !== null
              ? `  not notified: held back by silence ${alert.silenceId}`
              : '  not notified yet',
          ...(alert.acknowledgedAt
            ? [`  acknowledged ${cell(alert.acknowledgedAt)} by ${alert.acknowledgedBy ?? '?'}`]
            : []),
          ...(alert.resolvedAt ? [`  resolved ${cell(alert.resolvedAt)} (${alert.resolvedBy ?? ''})`] : []),
        ];
        const error = typeof alert.details.error === 'string' ? alert.details.error : undefined;
        if (error)
          lines.push(
            '  error:',
            ...error
              .split('\n')
              .slice(0, 10)
              .map((l) => `    ${l}`),
          );
        process.stdout.write(`${lines.join('\n')}\n`);
        if (alert.deliveries.length === 0) {
          process.stdout.write('no deliveries\n');
          return;
        }
        process.stdout.write('deliveries:\n');
        printTable(
          ['id', 'channel', 'type', 'event', 'status', 'attempts', 'answer', 'error'],
          alert.deliveries.map((d) => [
            String(d.id),
            d.channel,
            d.channelType,
            d.event,
            d.status === 'pending' && d.nextAttemptAt ? `pending (next ${cell(d.nextAttemptAt)})` : d.status,
            String(d.attempts),
            d.response ?? '',
            oneLine(d.error ?? ''),
          ]),
        );
      });
    });

  alerts
    .command('ack <id>')
    .description('acknowledge an incident (and its group): no more repeats; PagerDuty hears acknowledge')
    .action(async (id: string) => {
      await withRuntime(async (runtime) => {
        const result = await acknowledgeAlert(runtime.sql, alertId(id), operator(), runtime.engine.clock());
        process.stdout.write(
          `acknowledged alert ${result.alertId}${result.acknowledged > 1 ? ` and ${result.acknowledged - 1} more of its group` : ''}\n`,
        );
      });
    });

  alerts
    .command('resolve <id>')
    .description('resolve an incident by hand; its group’s resolution is sent once all of it has resolved')
    .action(async (id: string) => {
      await withRuntime(async (runtime) => {
        await resolveAlert(runtime.sql, alertId(id), operator(), runtime.engine.clock());
        process.stdout.write(`resolved alert ${id}\n`);
      });
    });

  alerts
    .command('silence')
    .description('hold back notifications of a DAG (or one task) for a while; incidents are still recorded')
    .requiredOption('--dag <dagId>', 'the DAG')
    .option('--task <taskId>', 'only this task (default: the whole DAG, runs included)')
    .requiredOption('--for <duration>', "how long: '2h', '30m', '1d'")
    .requiredOption('--reason <text>', 'why, for whoever wonders where the alerts went')
    .option('--json', 'print the silence as JSON')
    .action(async (opts: { dag: string; task?: string; for: string; reason: string; json?: boolean }) => {
      let durationMs: number;
      try {
        durationMs = parseDuration(opts.for, '--for');
      } catch (error) {
        throw new CliError((error as Error).message, 2);
      }
      await withRuntime(async (runtime) => {
        const silence = await createSilence(
          runtime.sql,
          {
            dagId: opts.dag,
            taskId: opts.task ?? null,
            durationMs,
            reason: opts.reason,
            createdBy: operator(),
          },
          runtime.engine.clock(),
        );
        if (opts.json) return printJson(silence);
        process.stdout.write(
          `silence ${silence.id}: ${silence.taskId ? `task ${silence.taskId} of ` : ''}${silence.dagId} until ${cell(silence.endsAt)} (weir alerts unsilence ${silence.id} ends it)\n`,
        );
      });
    });

  alerts
    .command('silences')
    .description('silences in force')
    .option('--all', 'also those that ended')
    .option('--json', 'print a JSON array')
    .action(async (opts: { all?: boolean; json?: boolean }) => {
      await withRuntime(async (runtime) => {
        const list = await listSilences(runtime.sql, runtime.engine.clock(), opts.all ?? false);
        if (opts.json) return printJson(list);
        if (list.length === 0) {
          process.stdout.write(opts.all ? 'no silences\n' : 'no silences in force\n');
          return;
        }
        printTable(
          ['id', 'dag', 'task', 'until', 'active', 'by', 'reason'],
          list.map((s) => [
            String(s.id),
            s.dagId,
            s.taskId ?? '(all)',
            cell(s.endsAt),
            s.active ? 'yes' : 'no',
            s.createdBy ?? '',
            oneLine(s.reason),
          ]),
        );
      });
    });

  alerts
    .command('unsilence <id>')
    .description('end a silence now; incidents it held back and still open are notified')
    .action(async (id: string) => {
      await withRuntime(async (runtime) => {
        await endSilence(runtime.sql, positiveInt(id, 'the silence id'), runtime.engine.clock());
        process.stdout.write(`silence ${id} ended\n`);
      });
    });

  alerts
    .command('failed')
    .description('deliveries that gave up (a channel down past WEIR_ALERT_DELIVERY_MAX_AGE, or refused)')
    .option('--json', 'print a JSON array')
    .action(async (opts: { json?: boolean }) => {
      await withRuntime(async (runtime) => {
        const list = await listFailedDeliveries(runtime.sql);
        if (opts.json) return printJson(list);
        if (list.length === 0) {
          process.stdout.write('no failed deliveries\n');
          return;
        }
        printTable(
          ['id', 'group', 'channel', 'event', 'attempts', 'created', 'answer', 'error'],
          list.map((d) => [
            String(d.id),
            String(d.groupId),
            d.channel,
            d.event,
            String(d.attempts),
            cell(d.createdAt),
            d.response ?? '',
            oneLine(d.error ?? ''),
          ]),
        );
      });
    });

  registerAlertsChannelCommands(alerts);
}
