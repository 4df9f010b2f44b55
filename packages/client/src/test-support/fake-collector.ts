// A stand-in for the collector in the client's tests: a real HTTP server (@weir/testing's recorder)
// that follows the collector contract — write key in `Authorization: Bearer`, `X-Weir-Write-Key` or
// `?writeKey=` (text/plain beacons), JSON array body, each event checked against the pipeline's own
// envelope schema, `{ accepted, rejected, errors }` answers — and that a test can script (answer the
// next requests with 503/429/400…, hold requests, refuse big batches with 413).
import { clientEventSchema } from '@weir/pipeline';
import { type RecordedRequest, startHttpRecorder } from '@weir/testing';
import type { ClientEvent } from '../event.ts';

export const TEST_WRITE_KEY = 'wk_test_client_sdk';

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface FakeCollectorOptions {
  /** Answer 413 to a request holding more events than this. */
  maxEventsPerRequest?: number;
  /** A reason to refuse one event (on top of the envelope schema), else undefined. */
  rejectEvent?: (event: ClientEvent) => string | undefined;
}

export interface FakeCollector {
  url: string;
  /** Every request, in arrival order, whatever the answer. */
  requests: RecordedRequest[];
  /** Events accepted, in the order they were accepted. */
  accepted: ClientEvent[];
  /** Most requests that were open at the same time. */
  maxConcurrent(): number;
  /** The next requests get these answers, one each, before the contract applies again. */
  script(...responses: Array<number | ScriptedResponse>): void;
  /** Answer every request with this until cleared (undefined). */
  always(response: number | ScriptedResponse | undefined): void;
  /** Requests wait (recorded, unanswered) until the returned function is called. */
  hold(): () => void;
  waitForRequests(n: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  waitForAccepted(n: number, timeoutMs?: number): Promise<ClientEvent[]>;
  stop(): Promise<void>;
}

function writeKeyOf(req: RecordedRequest): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length);
  if (req.headers['x-weir-write-key']) return req.headers['x-weir-write-key'];
  // Beacons cannot set headers: the key comes in the query with a text/plain body.
  if (req.query.writeKey && (req.headers['content-type'] ?? '').startsWith('text/plain'))
    return req.query.writeKey;
  return undefined;
}

export async function startFakeCollector(opts: FakeCollectorOptions = {}): Promise<FakeCollector> {
  const accepted: ClientEvent[] = [];
  const scripted: ScriptedResponse[] = [];
  let standing: ScriptedResponse | undefined;
  let gate: Promise<void> | undefined;
  let open = 0;
  let maxOpen = 0;
  const toResponse = (r: number | ScriptedResponse): ScriptedResponse =>
    typeof r === 'number' ? { status: r } : r;

  const recorder = await startHttpRecorder({
    respond: async (req) => {
      open++;
      maxOpen = Math.max(maxOpen, open);
      try {
        if (gate) await gate;
        const next = scripted.shift() ?? standing;
        if (next)
          return { status: next.status, headers: next.headers, body: next.body ?? { error: 'scripted' } };
        if (req.method !== 'POST' || req.path !== '/api/v1/events')
          return { status: 404, body: { error: 'not found' } };
        if (writeKeyOf(req) !== TEST_WRITE_KEY) return { status: 401, body: { error: 'bad write key' } };
        if (!Array.isArray(req.json)) return { status: 400, body: { error: 'body must be a JSON array' } };
        if (opts.maxEventsPerRequest !== undefined && req.json.length > opts.maxEventsPerRequest) {
          return { status: 413, body: { error: 'too many events' } };
        }
        const errors: Array<{ index: number; reason: string }> = [];
        req.json.forEach((raw: unknown, index) => {
          const parsed = clientEventSchema.safeParse(raw);
          const reason = parsed.success
            ? opts.rejectEvent?.(parsed.data)
            : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
          if (reason !== undefined) errors.push({ index, reason });
          else accepted.push(raw as ClientEvent);
        });
        return {
          status: 200,
          body: { accepted: req.json.length - errors.length, rejected: errors.length, errors },
        };
      } finally {
        open--;
      }
    },
  });

  const waitFor = async <T>(what: string, done: () => T | undefined, timeoutMs: number): Promise<T> => {
    const start = Date.now();
    for (;;) {
      const value = done();
      if (value !== undefined) return value;
      if (Date.now() - start > timeoutMs) throw new Error(`fake collector: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  return {
    url: recorder.url,
    requests: recorder.requests,
    accepted,
    maxConcurrent: () => maxOpen,
    script: (...responses) => scripted.push(...responses.map(toResponse)),
    always: (response) => {
      standing = response === undefined ? undefined : toResponse(response);
    },
    hold: () => {
      let release = (): void => {};
      gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      return () => {
        gate = undefined;
        release();
      };
    },
    waitForRequests: (n, timeoutMs = 15_000) => recorder.waitForRequests(n, timeoutMs),
    waitForAccepted: (n, timeoutMs = 15_000) =>
      waitFor(
        `${n} accepted events (have ${accepted.length})`,
        () => (accepted.length >= n ? accepted.slice(0, n) : undefined),
        timeoutMs,
      ),
    stop: () => recorder.stop(),
  };
}

/** The events of a recorded request's body. */
export function eventsOf(req: RecordedRequest | undefined): ClientEvent[] {
  if (!req) throw new Error('eventsOf: no such request');
  return req.json as ClientEvent[];
}
