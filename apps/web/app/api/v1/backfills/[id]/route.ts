// GET /api/v1/backfills/{id}: one backfill with its runs' progress.
import { getBackfill } from '@weir/engine';
import { handle } from '../../../../../lib/api/handler.ts';
import { routes } from '../../../../../lib/api/registry.ts';
import { services } from '../../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const GET = handle(routes.getBackfill, async ({ params }) => getBackfill(services().db, params.id));
