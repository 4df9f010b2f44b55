// GET /api/v1/schemas/{eventType}/versions/{version}: one version ('latest' for the newest).
import { showSchema } from '@weir/pipeline';
import { handle } from '../../../../../../../lib/api/handler.ts';
import { routes } from '../../../../../../../lib/api/registry.ts';
import { services } from '../../../../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const GET = handle(routes.getSchemaVersion, async ({ params }) =>
  showSchema(services().sql, params.eventType, params.version === 'latest' ? undefined : params.version),
);
