// GET /api/v1/variables: every variable; a value whose key names a secret (secret, password,
// token, key …) is '***' for every role, as `weir variables list` shows it.
// POST /api/v1/variables { key, value, description? }: create one (admins); 409 when it exists.
import { createVariable, listVariables } from '@weir/engine';
import type { JsonValue } from '@weir/sdk';
import { handle } from '../../../../lib/api/handler.ts';
import { routes } from '../../../../lib/api/registry.ts';
import { shownVariable } from '../../../../lib/secret-view.ts';
import { services } from '../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const GET = handle(routes.listVariables, async () => {
  const rows = await listVariables(services().db);
  return { variables: rows.map(shownVariable), total_entries: rows.length };
});

export const POST = handle(routes.createVariable, async ({ body, note }) => {
  const created = await createVariable(services().db, body.key, body.value as JsonValue, body.description);
  // Never the value: it may be a secret, and the audit log is readable by viewers.
  note({ details: { key: body.key } });
  return shownVariable(created);
});
