// GET /api/v1/pools: pools with their slots and how many are in use.
import { listPools } from '@weir/engine';
import { handle } from '../../../../lib/api/handler.ts';
import { routes } from '../../../../lib/api/registry.ts';
import { services } from '../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const GET = handle(routes.listPools, async () => {
  const pools = await listPools(services().db);
  return { pools, total_entries: pools.length };
});
