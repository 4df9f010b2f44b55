// Owns POST /api/v1/events, framework-neutral (a Web Request in, a Response out), so the Next.js
// route and `weir collector`'s plain HTTP server run the same code. Order of work: method and
// CORS, the write key (401), the bus's memory budget (429), the body (413/400), each event
// (valid → its partition, invalid → the dead-letter log), then the answer. The answer is sent
// only after every write succeeded: an event answered as accepted is on the bus, and when a
// write fails the whole request is 503 so the client sends it again (duplicates are removed by
// event_id downstream; nothing is lost).
import type { EventBus } from '@weir/queue';
import type { PropertiesValidator } from '../registry/properties-validator.ts';
import { type CollectResult, collectError, corsHeaders } from './answer.ts';
import { readEvents } from './body.ts';
import { clientIp, enrichmentFor } from './enrich.ts';
import { type SourceLookup, sourceAllowsOrigin } from './source-cache.ts';
import { validateEvent } from './validate-event.ts';

export interface CollectorDeps {
  readonly bus: EventBus;
  readonly sources: SourceLookup;
  readonly validator: PropertiesValidator;
  /** The TCP peer's address, when the server knows it (X-Forwarded-For comes first). */
  readonly remoteAddress?: string;
  readonly now?: () => Date;
  /** A bus write that has not answered in this long counts as failed (default 10 s). */
  readonly writeTimeoutMs?: number;
  readonly log?: { warn(fields: object, message: string): void };
}

/** Seconds a client should wait before trying again after a 429 or 503. */
const RETRY_AFTER_S = { overBudget: 5, unavailable: 1 } as const;

export async function handleCollect(request: Request, deps: CollectorDeps): Promise<Response> {
  const origin = request.headers.get('origin');
  if (request.method === 'OPTIONS') return preflight(origin, deps);
  if (request.method !== 'POST')
    return collectError(405, 'method_not_allowed', 'send events with POST', { allow: 'POST, OPTIONS' });
  const now = deps.now ?? (() => new Date());
  const serverTs = now().toISOString();

  const key = writeKeyOf(request);
  let source: Awaited<ReturnType<SourceLookup['byKey']>> = null;
  try {
    source = key ? await deps.sources.byKey(key) : null;
  } catch (error) {
    deps.log?.warn({ err: message(error) }, 'collector: could not look up the write key');
    return collectError(
      503,
      'sources_unavailable',
      'the collector cannot check write keys now: send the batch again',
      {
        'retry-after': String(RETRY_AFTER_S.unavailable),
      },
    );
  }
  if (!source)
    return collectError(
      401,
      'unauthenticated',
      key
        ? 'unknown or disabled write key (weir sources list)'
        : 'send the source’s write key as Authorization: Bearer <key>, X-Weir-Write-Key or ?writeKey=',
    );
  let cors: Record<string, string> = {};
  if (origin !== null) {
    if (!sourceAllowsOrigin(source, origin))
      return collectError(
        403,
        'origin_not_allowed',
        `source "${source.name}" does not allow pages of ${origin} (weir sources create … --allowed-origin ${origin})`,
      );
    cors = corsHeaders(origin);
  }

  try {
    if (await deps.bus.overMemoryBudget())
      return collectError(
        429,
        'over_memory_budget',
        'the event bus is over its memory budget: try again shortly',
        {
          'retry-after': String(RETRY_AFTER_S.overBudget),
          ...cors,
        },
      );
  } catch (error) {
    return unavailable(error, deps, cors);
  }

  const body = await readEvents(request).catch((error: unknown) => ({
    ok: false as const,
    status: 400 as const,
    code: 'invalid_body',
    message: `the body could not be read: ${message(error)}`,
  }));
  if (!body.ok) return collectError(body.status, body.code as 'invalid_body', body.message, cors);

  const context = {
    serverTs,
    ingestedAt: now().toISOString(),
    enrichment: enrichmentFor(
      request.headers.get('user-agent'),
      clientIp(request.headers, deps.remoteAddress),
    ),
    validator: deps.validator,
  };
  const byPartition = new Map<number, string[]>();
  const deadLetters: string[] = [];
  const errors: CollectResult['errors'] = [];
  let verdicts: ReturnType<typeof validateEvent>[];
  try {
    verdicts = body.events.map((raw) => validateEvent(raw, context));
  } catch (error) {
    // The registry could not answer: the client retries rather than losing valid events.
    return unavailable(error, deps, cors);
  }
  verdicts.forEach((verdict, index) => {
    if (verdict.ok) {
      const partition = deps.bus.partitionFor(verdict.event.user_id ?? verdict.event.event_id);
      const list = byPartition.get(partition) ?? [];
      list.push(JSON.stringify(verdict.event));
      byPartition.set(partition, list);
      return;
    }
    errors.push({ index, reason: verdict.reason });
    const raw = body.events[index];
    deadLetters.push(
      JSON.stringify({
        received_at: serverTs,
        reason: verdict.reason,
        event_id: verdict.eventId,
        payload: raw?.text ?? '',
      }),
    );
  });

  try {
    const writes: Promise<unknown>[] = [...byPartition].map(([partition, payloads]) =>
      deps.bus.append(partition, payloads),
    );
    if (deadLetters.length > 0) writes.push(deps.bus.appendDeadLetters(deadLetters));
    await withTimeout(Promise.all(writes), deps.writeTimeoutMs ?? 10_000);
  } catch (error) {
    return unavailable(error, deps, cors);
  }
  const result: CollectResult = {
    accepted: verdicts.length - errors.length,
    rejected: errors.length,
    errors,
  };
  return Response.json(result, { status: 200, headers: { 'cache-control': 'no-store', ...cors } });
}

/** The write key from Authorization: Bearer, X-Weir-Write-Key, or ?writeKey= (beacons cannot set headers). */
export function writeKeyOf(request: Request): string | null {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '')?.[1];
  const key =
    bearer ??
    request.headers.get('x-weir-write-key')?.trim() ??
    new URL(request.url).searchParams.get('writeKey');
  return key && key.length <= 200 ? key : null;
}

async function preflight(origin: string | null, deps: CollectorDeps): Promise<Response> {
  // A preflight carries no key: an origin some active source allows may go on to POST, where
  // its key decides. Any other origin gets no CORS headers, so the browser stops there.
  let allowed = false;
  try {
    allowed = origin !== null && (await deps.sources.originAllowed(origin));
  } catch (error) {
    deps.log?.warn({ err: error }, 'collector: could not read the allowed origins');
  }
  return new Response(null, {
    status: 204,
    headers: allowed && origin ? corsHeaders(origin) : { vary: 'Origin' },
  });
}

function unavailable(error: unknown, deps: CollectorDeps, cors: Record<string, string>): Response {
  deps.log?.warn({ err: message(error) }, 'collector: event bus write failed');
  return collectError(
    503,
    'bus_unavailable',
    'the event bus is unavailable: nothing was accepted, send the batch again',
    {
      'retry-after': String(RETRY_AFTER_S.unavailable),
      ...cors,
    },
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from the event bus within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
