// GET /api/v1/importErrors: the DAG files that failed to import, with their errors.
import { listImportErrors } from '@weir/engine';
import { handle } from '../../../../lib/api/handler.ts';
import { routes } from '../../../../lib/api/registry.ts';
import { services } from '../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const GET = handle(routes.listImportErrors, async () => {
  const importErrors = await listImportErrors(services().db);
  return { importErrors, total_entries: importErrors.length };
});
