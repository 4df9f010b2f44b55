// GET /api/v1/users: every user with their role (admins). POST /api/v1/users { username,
// password, role, email? }: create one, as `weir users create` does; 409 when the name is taken.
import { handle } from '../../../../lib/api/handler.ts';
import { routes } from '../../../../lib/api/registry.ts';
import { services } from '../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const GET = handle(routes.listUsers, async () => {
  const users = await services().users.list();
  return { users, total_entries: users.length };
});

export const POST = handle(routes.createUser, async ({ body, note }) => {
  const user = await services().users.create({
    username: body.username,
    password: body.password,
    role: body.role,
    email: body.email ?? null,
  });
  note({ details: { username: user.username, role: user.role } });
  return user;
});
