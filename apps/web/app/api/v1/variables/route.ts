// GET /api/v1/variables: every variable; a value whose key names a secret (secret, password,
// token, key …) is '***' for every role, as `weir variables list` shows it.
import { listVariables } from '@weir/engine';
import { isSensitiveName, MASK } from '@weir/secrets';
import { handle } from '../../../../lib/api/handler.ts';
import { routes } from '../../../../lib/api/registry.ts';
import { services } from '../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const GET = handle(routes.listVariables, async () => {
  const rows = await listVariables(services().db);
  return {
    variables: rows.map((v) => ({ ...v, value: isSensitiveName(v.key) ? MASK : v.value })),
    total_entries: rows.length,
  };
});
