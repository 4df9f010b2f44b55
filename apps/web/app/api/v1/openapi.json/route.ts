// GET /api/v1/openapi.json: the OpenAPI 3.1 document, generated from the route registry.
import { handle } from '../../../../lib/api/handler.ts';
import { openApiDocument } from '../../../../lib/api/openapi.ts';
import { routes } from '../../../../lib/api/registry.ts';

export const dynamic = 'force-dynamic';

export const GET = handle(routes.getOpenApi, async () => openApiDocument());
