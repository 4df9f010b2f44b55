// GET /api/v1/schemas: event types with registered schemas, their modes and versions.
import { listSchemaSubjects } from '@weir/pipeline';
import { handle } from '../../../../lib/api/handler.ts';
import { routes } from '../../../../lib/api/registry.ts';
import { services } from '../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const GET = handle(routes.listSchemas, async () => {
  const schemas = await listSchemaSubjects(services().sql);
  return { schemas, total_entries: schemas.length };
});
