// Owns `weir demo events`: fills a fresh install with realistic traffic through the real
// collector, so the pipeline DAGs have something to work on. A write key is shown only once
// and stored hashed, so each run creates its own source: `demo` the first time, then
// `demo-<UTC time>` (old ones can be disabled with `weir sources disable`). It also writes a
// user_profiles snapshot to the lake for the enrichment step.
import { randomInt } from 'node:crypto';
import { audit } from '@weir/auth';
import { loadConfig } from '@weir/config';
import {
  EventSources,
  LakeError,
  pipelineEnvironment,
  SourceError,
  writeProfileSnapshot,
} from '@weir/pipeline';
import type { Command } from 'commander';
import { auditedChange, CLI_SOURCE } from '../audited-change.ts';
import { CliError } from '../errors.ts';
import { collectorBase, deliverDemoTraffic, probeCollector } from './demo-send.ts';
import { generateDemoTraffic } from './demo-traffic.ts';
import { printJson, wholeNumber } from './output.ts';

export const DEMO_SOURCE = 'demo';
const NEXT_STEP = 'npx weir pipeline run';

interface DemoOptions {
  users: string;
  hours: string;
  rate: string;
  url?: string;
  seed?: string;
  json?: boolean;
}

/** One source created and audited as `weir sources create` does, in its own transaction. */
function createAuditedSource(name: string): Promise<{ name: string; writeKey: string }> {
  return auditedChange(async (tx, actor) => {
    const created = await new EventSources(tx).create({ name });
    await audit(tx, {
      actor,
      action: 'source.create',
      details: { sourceId: created.id, name: created.name, prefix: created.keyPrefix, allowedOrigins: [] },
      source: CLI_SOURCE,
    });
    return { name: created.name, writeKey: created.writeKey };
  });
}

/** `demo`, or `demo-<UTC time>` when a demo source exists already (its key cannot be read back). */
async function createDemoSource(now: Date): Promise<{ name: string; writeKey: string }> {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return createAuditedSource(DEMO_SOURCE).catch((error: unknown) => {
    if (!(error instanceof SourceError && error.code === 'SOURCE_EXISTS')) throw error;
    return createAuditedSource(`${DEMO_SOURCE}-${stamp}`);
  });
}

export function registerDemoCommands(program: Command): void {
  const demo = program.command('demo').description('demo data for a fresh install');

  demo
    .command('events')
    .description(
      'send realistic events through the collector with the client SDK (sessions, retries, late and malformed events) and write user profiles to the lake',
    )
    .option('--users <n>', 'how many users', '50')
    .option('--hours <h>', 'spread the events over the last H hours', '3')
    .option('--rate <r>', 'about R events per user and hour', '20')
    .option(
      '--url <url>',
      'the collector: the web app (default http://127.0.0.1:WEIR_WEB_PORT, 3000) or `weir collector`',
    )
    .option('--seed <n>', 'random seed, to send the same traffic again (default: a new one)')
    .option('--json', 'print the summary as JSON')
    .action(async (opts: DemoOptions) => {
      const users = wholeNumber(opts.users, '--users', 1);
      const hours = wholeNumber(opts.hours, '--hours', 1);
      const rate = wholeNumber(opts.rate, '--rate', 1);
      if (users * hours * rate > 2_000_000)
        throw new CliError('--users × --hours × --rate must be at most 2,000,000 events', 2);
      const seed = opts.seed === undefined ? randomInt(2 ** 31) : wholeNumber(opts.seed, '--seed', 0);
      const config = loadConfig();
      const base = collectorBase(opts.url ?? `http://127.0.0.1:${config.web.port}`);
      await probeCollector(base);

      const now = new Date();
      const traffic = generateDemoTraffic({ users, hours, rate, seed, now });
      const source = await createDemoSource(now);
      const delivery = await deliverDemoTraffic(traffic, { base, writeKey: source.writeKey });
      const snapshot = await writeProfileSnapshot(
        pipelineEnvironment(config).lake,
        traffic.profiles,
        now,
      ).catch((error: unknown) => {
        throw error instanceof LakeError ? new CliError(error.message) : error;
      });

      const summary = {
        source: source.name,
        collector: base,
        seed,
        window: { from: new Date(now.getTime() - hours * 3_600_000).toISOString(), to: now.toISOString() },
        users,
        sent: traffic.sends.length + traffic.malformed.length,
        events: traffic.events,
        duplicates: traffic.retries,
        malformed: traffic.malformed.length,
        accepted: delivery.accepted,
        rejected: delivery.rejected,
        failed: delivery.failed,
        problems: delivery.problems,
        profiles: traffic.profiles.length,
        profileSnapshot: snapshot,
        next: NEXT_STEP,
      };
      if (opts.json) printJson(summary);
      else
        process.stdout.write(
          [
            `demo traffic from source "${summary.source}" to ${base} (seed ${seed}): ${users} user${users === 1 ? '' : 's'} over the last ${hours} h`,
            `  sent      ${summary.sent}: ${summary.events} events, ${summary.duplicates} client retries re-sending an event_id, ${summary.malformed} malformed`,
            `  accepted  ${summary.accepted} (retries included: the pipeline removes duplicates by event_id)`,
            `  rejected  ${summary.rejected} (in the dead-letter stream with their reasons)`,
            ...(summary.failed > 0 ? [`  failed    ${summary.failed} (not delivered)`] : []),
            ...delivery.problems.map((p) => `  ! ${p}`),
            `  profiles  ${summary.profiles} in ${snapshot}`,
            `next: ${NEXT_STEP}`,
            '',
          ].join('\n'),
        );
      if (delivery.failed > 0)
        throw new CliError(
          `${delivery.failed} events were not delivered: ${delivery.problems[0] ?? 'see above'}`,
        );
    });
}
