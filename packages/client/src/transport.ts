// One POST of one batch to the collector, and what its answer means for the batch: delivered (with
// the per-event rejections), split (413), retry later (429, 5xx, network), or give up (400, 401,
// other 4xx). The retry loop itself lives in the client; this module never waits or loops.
import { parseRetryAfterMs } from './backoff.ts';
import type { WeirClientErrorCode } from './errors.ts';
import type { CollectorResponse } from './event.ts';

export type SendOutcome =
  | { kind: 'delivered'; response: CollectorResponse }
  | { kind: 'too-large' }
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  | { kind: 'fatal'; code: WeirClientErrorCode; reason: string };

export interface SendRequest {
  fetch: typeof fetch;
  url: string;
  writeKey: string;
  /** The batch as a JSON array. */
  body: string;
  eventCount: number;
  timeoutMs: number;
  /** Aborts the request when the client stops waiting (close() timed out). */
  signal: AbortSignal;
}

async function readText(res: Response): Promise<string> {
  try {
    return await res.text();
  } catch {
    return '';
  }
}

function parseCollectorResponse(text: string, eventCount: number): CollectorResponse {
  try {
    const parsed = JSON.parse(text) as Partial<CollectorResponse>;
    const errors = Array.isArray(parsed.errors)
      ? parsed.errors.filter(
          (e): e is { index: number; reason: string } =>
            typeof e === 'object' &&
            e !== null &&
            Number.isInteger(e.index) &&
            e.index >= 0 &&
            e.index < eventCount,
        )
      : [];
    return {
      accepted: typeof parsed.accepted === 'number' ? parsed.accepted : eventCount - errors.length,
      rejected: errors.length,
      errors,
    };
  } catch {
    // A 200 whose body we cannot read still means the collector took the batch.
    return { accepted: eventCount, rejected: 0, errors: [] };
  }
}

/** The collector's own words, shortened, for an error message. */
function detail(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine;
}

export async function sendBatch(req: SendRequest): Promise<SendOutcome> {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  if (req.signal.aborted) abort();
  else req.signal.addEventListener('abort', abort);
  const timer = setTimeout(abort, req.timeoutMs);
  let res: Response;
  try {
    res = await req.fetch(req.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${req.writeKey}` },
      body: req.body,
      signal: controller.signal,
    });
  } catch (err) {
    const reason = controller.signal.aborted
      ? `no answer within ${req.timeoutMs} ms`
      : `network error: ${err instanceof Error ? err.message : String(err)}`;
    return { kind: 'retry', reason };
  } finally {
    clearTimeout(timer);
    req.signal.removeEventListener('abort', abort);
  }

  const text = await readText(res);
  const status = res.status;
  if (status >= 200 && status < 300) {
    return { kind: 'delivered', response: parseCollectorResponse(text, req.eventCount) };
  }
  if (status === 413) return { kind: 'too-large' };
  if (status === 429) {
    const retryAfterMs = parseRetryAfterMs(res.headers.get('retry-after'));
    return {
      kind: 'retry',
      reason: 'collector busy (429)',
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  if (status === 408 || status >= 500) {
    return { kind: 'retry', reason: `collector answered ${status} ${detail(text)}`.trim() };
  }
  if (status === 401 || status === 403) {
    return {
      kind: 'fatal',
      code: 'UNAUTHORIZED',
      reason: `the collector refused the write key (${status}); check writeKey against \`npx weir sources\``,
    };
  }
  if (status === 400) {
    return {
      kind: 'fatal',
      code: 'BAD_REQUEST',
      reason: `the collector could not parse the batch: ${detail(text)}`,
    };
  }
  return { kind: 'fatal', code: 'HTTP_ERROR', reason: `the collector answered ${status}: ${detail(text)}` };
}
