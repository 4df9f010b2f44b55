// PUT /api/v1/schemas/{eventType}/compatibility { compatibility }: set the event type's mode, as
// `weir schemas compatibility <event_type> MODE` does. Admins only: the mode is the guard every
// operator's registration passes, and loosening it (to NONE) lets any later version break readers.
import { setSchemaCompatibility } from '@weir/pipeline';
import { handle } from '../../../../../../lib/api/handler.ts';
import { routes } from '../../../../../../lib/api/registry.ts';
import { services } from '../../../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const PUT = handle(routes.putSchemaCompatibility, async ({ params, body, note }) => {
  await setSchemaCompatibility(services().sql, params.eventType, body.compatibility);
  note({ details: { eventType: params.eventType, compatibility: body.compatibility } });
  return { eventType: params.eventType, compatibility: body.compatibility };
});
