// HTTP recorder fixture for tests: a real node:http server on a free port of 127.0.0.1 that records every
// request (method, path, query, headers, body as text / JSON / form) and answers with a configurable response.
// Stands in for Slack's Web API (WebClient `slackApiUrl`) and PagerDuty Events v2 (`/v2/enqueue`).
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. /api/chat.postMessage */
  path: string;
  /** Query parameters (last value wins when repeated). */
  query: Record<string, string>;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  bodyText: string;
  /** The body parsed as JSON, when it parses. */
  json?: unknown;
  /** The body's fields, when Content-Type is application/x-www-form-urlencoded. */
  form?: Record<string, string>;
}

export interface RecorderResponse {
  /** Default 200. */
  status?: number;
  /** Objects are sent as JSON; strings and bytes as they are. Default `{ ok: true }`. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface HttpRecorderOptions {
  /** Decides the response to each request (after it is recorded). */
  respond?: (req: RecordedRequest) => RecorderResponse | Promise<RecorderResponse>;
}

export interface HttpRecorderHandle {
  /** http://127.0.0.1:PORT (no trailing slash) */
  url: string;
  /** Every request received so far, in arrival order. */
  requests: RecordedRequest[];
  /** Resolves with the first n requests once n have arrived; rejects after timeoutMs (default 10 s). */
  waitForRequests(n: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** Forgets the requests recorded so far. */
  clear(): void;
  /** Closes the server and every open connection. */
  stop(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 10_000;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function record(req: IncomingMessage, body: Buffer): RecordedRequest {
  const url = new URL(req.url ?? '/', 'http://recorder.invalid');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const bodyText = body.toString('utf8');
  const recorded: RecordedRequest = {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers,
    bodyText,
  };
  if (bodyText.length > 0) {
    try {
      recorded.json = JSON.parse(bodyText) as unknown;
    } catch {
      // not JSON
    }
  }
  const contentType = headers['content-type']?.toLowerCase() ?? '';
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    recorded.form = Object.fromEntries(new URLSearchParams(bodyText));
  }
  return recorded;
}

function send(res: ServerResponse, response: RecorderResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  const hasContentType = Object.keys(headers).some((h) => h.toLowerCase() === 'content-type');
  const body = 'body' in response ? response.body : { ok: true };
  let payload: string | Uint8Array;
  if (body === undefined || body === null) {
    payload = '';
  } else if (typeof body === 'string') {
    payload = body;
    if (!hasContentType) headers['content-type'] = 'text/plain; charset=utf-8';
  } else if (body instanceof Uint8Array) {
    payload = body;
    if (!hasContentType) headers['content-type'] = 'application/octet-stream';
  } else {
    payload = JSON.stringify(body);
    if (!hasContentType) headers['content-type'] = 'application/json; charset=utf-8';
  }
  headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(response.status ?? 200, headers);
  res.end(payload);
}

export async function startHttpRecorder(opts: HttpRecorderOptions = {}): Promise<HttpRecorderHandle> {
  const requests: RecordedRequest[] = [];
  const events = new EventEmitter();

  const server = createServer((req, res) => {
    void (async () => {
      let recorded: RecordedRequest;
      try {
        recorded = record(req, await readBody(req));
      } catch (err) {
        send(res, { status: 400, body: { ok: false, error: `recorder: ${String(err)}` } });
        return;
      }
      requests.push(recorded);
      events.emit('request');
      try {
        send(res, opts.respond ? await opts.respond(recorded) : {});
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        send(res, { status: 500, body: { ok: false, error: `recorder respond() threw: ${message}` } });
      }
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  const waitForRequests = (n: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<RecordedRequest[]> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (requests.length < n) return;
        clearTimeout(timer);
        events.off('request', check);
        resolve(requests.slice(0, n));
      };
      const timer = setTimeout(() => {
        events.off('request', check);
        const seen = requests.map((r) => `${r.method} ${r.path}`).join(', ');
        reject(
          new Error(
            `waitForRequests: expected ${n} request(s) within ${timeoutMs} ms, ${requests.length} arrived` +
              (seen ? ` (${seen})` : ''),
          ),
        );
      }, timeoutMs);
      events.on('request', check);
      check();
    });

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      // fetch (undici) keeps connections alive; close() alone would wait for them.
      server.closeAllConnections();
    });
    return stopped;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    waitForRequests,
    clear: () => {
      requests.length = 0;
    },
    stop,
  };
}
