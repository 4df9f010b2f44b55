// PATCH /api/v1/users/{username} { role?, isActive? }: change a user's role, deactivate or
// reactivate them (admins), as `weir users set-role|deactivate|activate` do; either ends their
// sessions. 409 when it would leave no active admin.
import { ApiFailure, handle } from '../../../../../lib/api/handler.ts';
import { routes } from '../../../../../lib/api/registry.ts';
import { services } from '../../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const PATCH = handle(routes.patchUser, async ({ params, body, note }) => {
  const { users } = services();
  if (!(await users.get(params.username)))
    throw new ApiFailure(404, 'not_found', `no user "${params.username}"`);
  const details: Record<string, unknown> = { username: params.username };
  if (body.role !== undefined) {
    const { previous } = await users.setRole(params.username, body.role);
    Object.assign(details, { role: body.role, previous });
  }
  if (body.isActive === false) await users.deactivate(params.username);
  if (body.isActive === true) await users.activate(params.username);
  if (body.isActive !== undefined) details.isActive = body.isActive;
  note({ details });
  const user = await users.get(params.username);
  if (!user) throw new ApiFailure(404, 'not_found', `no user "${params.username}"`);
  return user;
});
