// GET /api/v1/assets/events?uri=: an asset's events, newest first, by keyset page. POST: record
// an update made outside Weir (operators), through the engine command `weir assets touch` uses,
// so the DAGs scheduled on the asset run exactly as when a producing task succeeds.
import { type AssetEventView, getAsset, listAssetEvents } from '@weir/engine';
import { encodeIdCursor } from '../../../../../lib/api/cursor.ts';
import { ApiFailure, handle } from '../../../../../lib/api/handler.ts';
import { routes } from '../../../../../lib/api/registry.ts';
import { services } from '../../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const GET = handle(routes.listAssetEvents, async ({ query }) => {
  const { sql } = services();
  const asset = await getAsset(sql, query.uri);
  const events = await listAssetEvents(sql, query.uri, query.limit + 1, query.cursor ?? null);
  const more = events.length > query.limit;
  const items = more ? events.slice(0, query.limit) : events;
  const last = items.at(-1);
  return {
    assetEvents: items.map(mutable),
    total_entries: asset.events,
    next_cursor: more && last ? encodeIdCursor(last) : null,
  };
});

export const POST = handle(routes.createAssetEvent, async ({ body, note }) => {
  const { engine, sql } = services();
  const { event, runs } = await engine.touchAsset(body.uri, body.extra ?? {});
  const [recorded] = await listAssetEvents(sql, body.uri, 1, event.id + 1);
  if (!recorded || recorded.id !== event.id)
    throw new ApiFailure(404, 'not_found', `asset event ${event.id} of "${body.uri}" is gone`);
  note({ details: { uri: body.uri, eventId: event.id, runs: runs.map((r) => `${r.dagId}/${r.runId}`) } });
  return {
    assetEvent: mutable(recorded),
    createdRuns: runs.map((r) => ({ dagId: r.dagId, runId: r.runId })),
  };
});

function mutable(event: AssetEventView) {
  return { ...event, consumedBy: [...event.consumedBy] };
}
