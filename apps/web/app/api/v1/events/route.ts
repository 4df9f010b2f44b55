// GET /api/v1/events: Server-Sent Events, one `change` event whenever what a page shows may have
// changed (a run or task instance changed state, an incident opened or moved), so open pages
// refresh within about a second without polling themselves.
// POST (and its CORS preflight, OPTIONS) /api/v1/events: the event collector, documented as
// routes.collectEvents; authenticated by a source's write key, not a session (proxy.ts lets it
// through), and served by the same handler as `weir collector`.
import { handleCollect } from '@weir/pipeline';
import { routes } from '../../../../lib/api/registry.ts';
import { apiPrincipal } from '../../../../lib/auth.ts';
import { collectorDeps } from '../../../../lib/collector.ts';
import { watchChanges } from '../../../../lib/live.ts';

export const dynamic = 'force-dynamic';

const KEEPALIVE_MS = 15_000;

export async function GET(request: Request): Promise<Response> {
  const auth = await apiPrincipal(request, routes.streamEvents.permission);
  if ('response' in auth) return auth.response;
  const encoder = new TextEncoder();
  let stop = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          stop();
        }
      };
      send('retry: 2000\n\n');
      const unwatch = watchChanges((token) => send(`event: change\ndata: ${JSON.stringify({ token })}\n\n`));
      const keepalive = setInterval(() => send(': keepalive\n\n'), KEEPALIVE_MS);
      stop = () => {
        unwatch();
        clearInterval(keepalive);
      };
      request.signal.addEventListener('abort', () => {
        stop();
        try {
          controller.close();
        } catch {}
      });
    },
    cancel() {
      stop();
    },
  });
  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    },
  });
}

export async function POST(request: Request): Promise<Response> {
  return collect(request);
}

export async function OPTIONS(request: Request): Promise<Response> {
  return collect(request);
}

async function collect(request: Request): Promise<Response> {
  let deps: Awaited<ReturnType<typeof collectorDeps>>;
  try {
    deps = await collectorDeps();
  } catch (error) {
    // PostgreSQL (write keys, schemas) is not answering: the client sends the batch again.
    console.error(`event collector cannot start: ${(error as Error).message}`);
    return Response.json(
      { error: { code: 'collector_unavailable', message: 'the collector cannot reach its database; retry' } },
      { status: 503, headers: { 'retry-after': '1' } },
    );
  }
  return handleCollect(request, deps);
}
