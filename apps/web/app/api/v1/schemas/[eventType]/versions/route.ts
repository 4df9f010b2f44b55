// POST /api/v1/schemas/{eventType}/versions { schema, compatibility? }: register the next version
// (operators), as `weir schemas register` does. Refusals: 400 INVALID_SCHEMA, 409
// INCOMPATIBLE_SCHEMA with the rule and path (handler.ts maps the registry's errors). Setting the
// mode on the way is an admin's change, as PUT …/compatibility is.
import { can } from '@weir/auth';
import { registerSchema } from '@weir/pipeline';
import { ApiFailure, handle } from '../../../../../../lib/api/handler.ts';
import { routes } from '../../../../../../lib/api/registry.ts';
import { services } from '../../../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const POST = handle(routes.registerSchema, async ({ params, body, principal, note, skipAudit }) => {
  if (body.compatibility !== undefined && !can(principal.role, 'schema.manage'))
    throw new ApiFailure(
      403,
      'forbidden',
      'only admins change a compatibility mode: leave out compatibility',
      'compatibility',
    );
  const registered = await registerSchema(services().sql, params.eventType, body.schema, {
    by: principal.username,
    ...(body.compatibility !== undefined ? { compatibility: body.compatibility } : {}),
  });
  // The same schema again, with no mode given, changed nothing.
  if (!registered.created && body.compatibility === undefined) skipAudit();
  note({
    details: {
      eventType: params.eventType,
      version: registered.version.version,
      created: registered.created,
      compatibility: registered.compatibility,
    },
  });
  return registered;
});
