// PATCH /api/v1/variables/{key} { value?, description? }: change a variable (admins); what is
// left out stays, so a secret's value can keep its value while its description changes.
// DELETE /api/v1/variables/{key}: delete it. Both 404 for an unknown key.
import { deleteVariable, EngineError, updateVariable } from '@weir/engine';
import type { JsonValue } from '@weir/sdk';
import { handle } from '../../../../../lib/api/handler.ts';
import { routes } from '../../../../../lib/api/registry.ts';
import { shownVariable } from '../../../../../lib/secret-view.ts';
import { services } from '../../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const PATCH = handle(routes.patchVariable, async ({ params, body, note }) => {
  const updated = await updateVariable(services().db, params.key, {
    ...(body.value !== undefined ? { value: body.value as JsonValue } : {}),
    ...(body.description !== undefined ? { description: body.description } : {}),
  });
  note({ details: { key: params.key, changed: Object.keys(body) } });
  return shownVariable(updated);
});

export const DELETE = handle(routes.deleteVariable, async ({ params, note }) => {
  if (!(await deleteVariable(services().db, params.key)))
    throw new EngineError('VARIABLE_NOT_FOUND', `variable "${params.key}" does not exist`);
  note({ details: { key: params.key } });
  return { key: params.key, deleted: true as const };
});
