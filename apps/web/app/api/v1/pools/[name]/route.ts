// PUT /api/v1/pools/{name} { slots, description? }: create a pool or resize it (admins), as
// `weir pools set` does. DELETE /api/v1/pools/{name}: delete one, as `weir pools delete` does.
import { deletePool, listPools, setPool } from '@weir/engine';
import { ApiFailure, handle } from '../../../../../lib/api/handler.ts';
import { routes } from '../../../../../lib/api/registry.ts';
import { services } from '../../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const PUT = handle(routes.putPool, async ({ params, body, note }) => {
  const { db } = services();
  const created = await setPool(
    db,
    {
      name: params.name,
      slots: body.slots,
      ...(body.description !== undefined ? { description: body.description } : {}),
    },
    new Date(),
  );
  note({ details: { pool: params.name, slots: body.slots, created } });
  const pool = (await listPools(db)).find((p) => p.name === params.name);
  if (!pool) throw new ApiFailure(409, 'conflict', `pool "${params.name}" was deleted meanwhile`);
  return pool;
});

export const DELETE = handle(routes.deletePool, async ({ params, note }) => {
  await deletePool(services().db, params.name, new Date());
  note({ details: { pool: params.name } });
  return { name: params.name, deleted: true as const };
});
