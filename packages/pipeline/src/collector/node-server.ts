// Owns serving the collector on a plain node:http server (`weir collector`, for scale-out next to
// the web app): each request becomes a Web Request for handleCollect and its Response is written
// back. Only /api/v1/events is served, plus /healthz for load balancers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CollectorDeps, handleCollect } from './collect.ts';

export const COLLECTOR_PATH = '/api/v1/events';

export interface CollectorServer {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

export async function startCollectorServer(
  deps: CollectorDeps,
  options: { port: number; host?: string },
): Promise<CollectorServer> {
  const host = options.host ?? '0.0.0.0';
  const server = createServer((req, res) => {
    serve(req, res, deps).catch((error: unknown) => {
      deps.log?.warn({ err: (error as Error).message }, 'collector: request failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: { code: 'internal', message: 'the collector failed on this request' } }),
      );
    });
  });
  // Clients keep connections open between batches; a request that stalls is cut off.
  server.keepAliveTimeout = 65_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, deps: CollectorDeps): Promise<void> {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
  if (url.pathname === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    return;
  }
  if (url.pathname !== COLLECTOR_PATH) {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        error: { code: 'not_found', message: `the collector serves POST ${COLLECTOR_PATH}` },
      }),
    );
    return;
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS';
  const body = bodyStream(req);
  const request = new Request(url, {
    method: req.method ?? 'GET',
    headers,
    ...(hasBody ? { body: body.stream, duplex: 'half' } : {}),
  } as RequestInit);
  const response = await handleCollect(request, { ...deps, remoteAddress: req.socket.remoteAddress });
  const answer = response.body ? Buffer.from(await response.arrayBuffer()) : undefined;
  // A body left unread (a 401 or 413 before reading it) is drained before answering: closing a
  // socket with unread data resets it, and the client would see ECONNRESET instead of the 413.
  if (!req.complete) {
    body.discard();
    await drained(req, DRAIN_LIMIT_MS);
  }
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(answer);
}

const DRAIN_LIMIT_MS = 5_000;

/** The request body as a Web stream, with backpressure; cancelling it discards the rest. */
function bodyStream(req: IncomingMessage): { stream: ReadableStream<Uint8Array>; discard(): void } {
  let cancelled = false;
  const discard = () => {
    cancelled = true;
    req.resume();
  };
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      req.on('data', (chunk: Buffer) => {
        if (cancelled) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) req.pause();
      });
      req.once('end', () => {
        if (!cancelled) controller.close();
      });
      req.once('error', (error) => {
        if (!cancelled) controller.error(error);
      });
    },
    pull() {
      req.resume();
    },
    cancel: discard,
  });
  return { stream, discard };
}

function drained(req: IncomingMessage, limitMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(done, limitMs);
    req.once('end', done);
    req.once('close', done);
  });
}
