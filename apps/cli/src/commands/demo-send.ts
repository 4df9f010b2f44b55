// Owns delivering the demo's traffic to a real collector: the events through the client SDK (as
// an app would send them, retries included), the malformed bodies with a plain POST so the SDK's
// own checks cannot stop them, and a preflight first so an absent collector is one clear line
// instead of a minute of SDK retries.
import { COLLECTOR_PATH, collectResultSchema } from '@weir/pipeline';
import { createClient } from '@weir/client';
import { CliError } from '../errors.ts';
import type { DemoTraffic } from './demo-traffic.ts';

export interface Delivery {
  /** Events the collector accepted (through the SDK), retries included. */
  readonly accepted: number;
  /** Events it refused: the malformed ones, and any the schema registry refused. */
  readonly rejected: number;
  /** Events the SDK gave up on (network, retries exhausted). */
  readonly failed: number;
  /** The first few reasons, for the summary. */
  readonly problems: readonly string[];
}

/** The base URL a user may give with or without the collector's path. */
export function collectorBase(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(`--url must be an absolute URL such as http://127.0.0.1:3000, got "${url}"`, 2);
  }
  return parsed
    .toString()
    .replace(/\/+$/, '')
    .replace(new RegExp(`${COLLECTOR_PATH}$`), '');
}

function unreachable(base: string, cause: unknown): CliError {
  return new CliError(
    `no collector answers at ${base}${COLLECTOR_PATH}: start Weir with \`npm start\` (or \`weir collector\`), or pass --url`,
    1,
    { cause },
  );
}

/** Checks that something serving the collector listens at `base` (a CORS preflight: no key needed). */
export async function probeCollector(base: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(`${base}${COLLECTOR_PATH}`, {
      method: 'OPTIONS',
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw unreachable(base, error);
  }
  await response.body?.cancel();
  if (response.status === 404)
    throw new CliError(
      `${base} answers but serves no collector at ${COLLECTOR_PATH} (HTTP 404): pass the Weir web app's or \`weir collector\`'s address as --url`,
    );
}

export async function deliverDemoTraffic(
  traffic: DemoTraffic,
  target: { base: string; writeKey: string },
): Promise<Delivery> {
  const problems: string[] = [];
  const note = (text: string) => {
    if (problems.length < 5) problems.push(text);
  };
  const client = createClient({
    endpoint: target.base,
    writeKey: target.writeKey,
    flushAt: 200,
    flushIntervalMs: 500,
    // Everything is tracked up front: nothing may be dropped for want of room.
    maxQueueSize: Math.max(10_000, traffic.sends.length),
    retry: { baseMs: 200, maxMs: 2_000, maxAttempts: 5 },
    closeTimeoutMs: 120_000,
    platform: null,
    page: false,
    onError: (error) => note(`${error.code}: ${error.message}`),
    onRejected: (rejections) => {
      for (const r of rejections) note(`${r.event.event_type} refused: ${r.reason}`);
    },
  });
  for (const { event } of traffic.sends)
    client.track(event.eventType, event.properties, {
      eventId: event.eventId,
      userId: event.userId,
      sessionId: event.sessionId,
      timestamp: event.timestamp,
      platform: event.platform,
      appVersion: event.appVersion,
    });
  await client.close();
  const stats = client.stats();

  let response: Response;
  try {
    response = await fetch(`${target.base}${COLLECTOR_PATH}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.writeKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(traffic.malformed.map((m) => m.body)),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw unreachable(target.base, error);
  }
  const text = await response.text();
  if (response.status !== 200)
    throw new CliError(
      `the collector answered the malformed batch with HTTP ${response.status}: ${text.slice(0, 200)}`,
    );
  const answer = collectResultSchema.parse(JSON.parse(text));
  return {
    accepted: stats.accepted + answer.accepted,
    rejected: stats.rejected + answer.rejected,
    failed: stats.failed + stats.dropped,
    problems,
  };
}
