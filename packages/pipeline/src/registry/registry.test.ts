// The schema registry against a real PostgreSQL: versions numbered from 1, an identical schema
// answering its existing version, an invalid JSON Schema and an incompatible version refused (the
// latter with the rule, the path and the version it breaks, leaving nothing behind), modes per
// event_type, and the in-memory validator the collector calls: the declared version, else the
// latest; an unknown version fails; no schema passes; reasons name the property path.
import { createRawSql, type RawSqlPool } from '@weir/db';
import { createTestDatabase, type TestDatabase } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getSchemaCompatibility,
  listSchemaSubjects,
  listSchemaVersions,
  registerSchema,
  setSchemaCompatibility,
  showSchema,
} from './registry.ts';
import { RegistryPropertiesValidator } from './registry-validator.ts';

const closedV1 = {
  type: 'object',
  properties: { plan: { type: 'string' }, amount: { type: 'integer' } },
  required: ['plan'],
  additionalProperties: false,
};
const closedV2 = {
  ...closedV1,
  properties: { ...closedV1.properties, coupon: { type: 'string' }, amount: { type: 'number' } },
};

describe('schema registry', () => {
  let database: TestDatabase;
  let sql: RawSqlPool;
  beforeAll(async () => {
    database = await createTestDatabase();
    sql = createRawSql(database.url);
  });
  afterAll(async () => {
    await sql?.end();
    await database?.drop();
  });

  it('numbers versions from 1 and answers an identical schema with its existing version', async () => {
    const first = await registerSchema(sql, 'checkout', closedV1, { by: 'alice' });
    expect(first).toMatchObject({
      created: true,
      compatibility: 'BACKWARD',
      version: { version: 1, createdBy: 'alice' },
    });
    const second = await registerSchema(sql, 'checkout', closedV2, { by: 'bob' });
    expect(second).toMatchObject({ created: true, version: { version: 2 } });
    // The same schema with its keys in another order is the same schema.
    const reordered = Object.fromEntries(Object.entries(closedV1).reverse());
    const again = await registerSchema(sql, 'checkout', reordered, { by: 'carol' });
    expect(again).toMatchObject({ created: false, version: { version: 1, createdBy: 'alice' } });
    expect(again.version.fingerprint).toBe(first.version.fingerprint);
    expect((await listSchemaVersions(sql, 'checkout')).map((v) => v.version)).toEqual([1, 2]);
    expect(await showSchema(sql, 'checkout')).toMatchObject({ version: 2, schema: closedV2 });
    expect(await showSchema(sql, 'checkout', 1)).toMatchObject({ version: 1, schema: closedV1 });
  });

  it('refuses an incompatible version with the rule, the path and the version it breaks', async () => {
    const withoutCoupon = {
      ...closedV2,
      properties: { plan: { type: 'string' }, amount: { type: 'number' } },
    };
    const refused = registerSchema(sql, 'checkout', withoutCoupon, { by: 'alice' });
    await expect(refused).rejects.toMatchObject({
      code: 'INCOMPATIBLE_SCHEMA',
      incompatible: {
        rule: 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
        path: '#/properties/coupon',
        againstVersion: 2,
      },
    });
    await expect(refused).rejects.toThrow(/not BACKWARD compatible with version 2/);
    const open = { type: 'object', properties: { path: { type: 'string' } } };
    await registerSchema(sql, 'page_view', open, { by: null });
    await expect(
      registerSchema(
        sql,
        'page_view',
        { ...open, properties: { ...open.properties, referrer: { type: 'string' } } },
        { by: null },
      ),
    ).rejects.toMatchObject({
      incompatible: { rule: 'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', path: '#/properties/referrer' },
    });
    expect((await listSchemaVersions(sql, 'page_view')).map((v) => v.version)).toEqual([1]);
  });

  it('refuses what is not a JSON Schema for an object, naming the problem', async () => {
    await expect(
      registerSchema(sql, 'bad', { type: 'object', properties: { a: { type: 'strin' } } }, { by: null }),
    ).rejects.toMatchObject({
      code: 'INVALID_SCHEMA',
      message: expect.stringContaining('not a valid JSON Schema'),
    });
    await expect(
      registerSchema(sql, 'bad', { type: 'object', requried: ['a'] }, { by: null }),
    ).rejects.toThrow(/unknown keyword/);
    await expect(registerSchema(sql, 'bad', { type: 'array' }, { by: null })).rejects.toThrow(
      /"type": "object"/,
    );
    await expect(registerSchema(sql, 'bad', [1], { by: null })).rejects.toMatchObject({
      code: 'INVALID_SCHEMA',
    });
    await expect(registerSchema(sql, 'bad/type', { type: 'object' }, { by: null })).rejects.toMatchObject({
      code: 'INVALID_EVENT_TYPE',
    });
    expect((await listSchemaSubjects(sql)).map((s) => s.eventType)).not.toContain('bad');
  });

  it('keeps a compatibility mode per event_type; a mode given with a refused version is not kept', async () => {
    expect(await getSchemaCompatibility(sql, 'never_seen')).toBe('BACKWARD');
    const v1 = { type: 'object', properties: { n: { type: 'integer' } }, additionalProperties: false };
    const narrower = { ...v1, properties: { n: { type: 'integer', maximum: 3 } } };
    await registerSchema(sql, 'signup', v1, { by: null, compatibility: 'FORWARD' });
    expect(await getSchemaCompatibility(sql, 'signup')).toBe('FORWARD');
    // FORWARD: the old schema reads events of the new one, so a narrower new schema is fine …
    await registerSchema(sql, 'signup', narrower, { by: null });
    // … an identical schema answers its version (and sets the mode it came with), and widening
    // back is refused unless the mode allows it.
    await expect(
      registerSchema(sql, 'signup', v1, { by: null, compatibility: 'FULL' }),
    ).resolves.toMatchObject({
      created: false,
      version: { version: 1 },
    });
    const wider = { ...v1, properties: { n: { type: 'number' } } };
    await expect(
      registerSchema(sql, 'signup', wider, { by: null, compatibility: 'FULL_TRANSITIVE' }),
    ).rejects.toMatchObject({
      incompatible: { rule: 'MAXIMUM_ADDED', path: '#/properties/n/maximum', direction: 'forward' },
    });
    // The identical schema's registration kept its FULL; the refused one's FULL_TRANSITIVE is gone.
    expect(await getSchemaCompatibility(sql, 'signup')).toBe('FULL');
    await setSchemaCompatibility(sql, 'signup', 'NONE');
    await expect(registerSchema(sql, 'signup', wider, { by: null })).resolves.toMatchObject({
      version: { version: 3 },
    });
    const listed = await listSchemaSubjects(sql);
    expect(listed.find((s) => s.eventType === 'signup')).toMatchObject({
      compatibility: 'NONE',
      versions: 3,
      latestVersion: 3,
    });
    expect(listed.find((s) => s.eventType === 'checkout')).toMatchObject({
      compatibility: 'BACKWARD',
      versions: 2,
    });
  });

  it('shows a missing event_type or version as not found', async () => {
    await expect(showSchema(sql, 'nothing')).rejects.toMatchObject({ code: 'SCHEMA_NOT_FOUND' });
    await expect(showSchema(sql, 'checkout', 9)).rejects.toMatchObject({
      code: 'SCHEMA_VERSION_NOT_FOUND',
      message: expect.stringContaining('its versions: 1, 2'),
    });
  });

  it('registers one version when two registrations of new schemas race', async () => {
    const a = { type: 'object', properties: { x: { type: 'string' } }, additionalProperties: false };
    const b = { ...a, properties: { x: { type: 'string' }, y: { type: 'string' } } };
    const c = { ...a, properties: { x: { type: 'string' }, z: { type: 'string' } } };
    await registerSchema(sql, 'race', a, { by: null });
    const results = await Promise.allSettled([
      registerSchema(sql, 'race', b, { by: null }),
      registerSchema(sql, 'race', c, { by: null }),
    ]);
    // Each is compatible with v1; the second to take the lock is checked against the first's v2
    // (c drops y from a closed model): versions stay dense and the loser says why.
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({
      reason: { incompatible: { rule: 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL', againstVersion: 2 } },
    });
    expect((await listSchemaVersions(sql, 'race')).map((v) => v.version)).toEqual([1, 2]);
  });

  it('validates properties against the declared version, else the latest, and loads new versions on refresh', async () => {
    const validator = new RegistryPropertiesValidator(sql);
    await validator.start();
    try {
      expect(validator.check('checkout', null, { plan: 'pro', amount: 9.5, coupon: 'X' })).toEqual({
        ok: true,
        schemaVersion: 2,
      });
      // Version 1 has no coupon and a closed model, and amount is an integer there.
      const v1 = validator.check('checkout', 1, { plan: 'pro', amount: 9.5, coupon: 'X' });
      expect(v1.ok).toBe(false);
      expect(!v1.ok && v1.reason).toMatch(
        /version 1 of "checkout": \/ must NOT have additional properties \('coupon'\); \/amount must be integer/,
      );
      const missing = validator.check('checkout', null, { amount: 1 });
      expect(!missing.ok && missing.reason).toContain("/ must have required property 'plan'");
      expect(validator.check('checkout', 7, { plan: 'pro' })).toEqual({
        ok: false,
        reason: 'schema_version 7 is unknown for event_type "checkout" (its latest is 2)',
      });
      expect(validator.check('no_schema', null, { anything: [1] })).toEqual({
        ok: true,
        schemaVersion: null,
      });
      expect(validator.check('no_schema', 1, {})).toMatchObject({
        ok: false,
        reason: expect.stringContaining('no registered schema'),
      });

      await registerSchema(
        sql,
        'late_type',
        { type: 'object', properties: { n: { type: 'integer' } } },
        { by: null },
      );
      expect(validator.check('late_type', null, { n: 'x' })).toEqual({ ok: true, schemaVersion: null });
      await validator.refresh();
      expect(validator.check('late_type', null, { n: 'x' })).toMatchObject({
        ok: false,
        reason: expect.stringContaining('/n must be integer'),
      });
      expect(validator.check('late_type', null, { n: 3 })).toEqual({ ok: true, schemaVersion: 1 });
    } finally {
      validator.stop();
    }
  });

  it('picks up a version registered elsewhere on its own, every refreshMs', async () => {
    const validator = new RegistryPropertiesValidator(sql, { refreshMs: 50 });
    await validator.start();
    try {
      expect(validator.check('polled', null, { n: 'x' })).toEqual({ ok: true, schemaVersion: null });
      await registerSchema(
        sql,
        'polled',
        { type: 'object', properties: { n: { type: 'integer' } } },
        { by: null },
      );
      await expect
        .poll(() => validator.check('polled', null, { n: 'x' }).ok, { timeout: 30_000 })
        .toBe(false);
    } finally {
      validator.stop();
    }
  });
});
