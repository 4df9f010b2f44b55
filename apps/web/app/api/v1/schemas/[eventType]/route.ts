// GET /api/v1/schemas/{eventType}: an event type's mode, its versions and its latest schema.
import { describeSchemaSubject } from '@weir/pipeline';
import { handle } from '../../../../../lib/api/handler.ts';
import { routes } from '../../../../../lib/api/registry.ts';
import { services } from '../../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const GET = handle(routes.getSchema, async ({ params }) => {
  const subject = await describeSchemaSubject(services().sql, params.eventType);
  return {
    eventType: subject.eventType,
    compatibility: subject.compatibility,
    versions: subject.versions.map(({ version, fingerprint, createdAt, createdBy }) => ({
      version,
      fingerprint,
      createdAt,
      createdBy,
    })),
    latest: subject.versions.at(-1) ?? null,
  };
});
